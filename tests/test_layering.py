"""The folders show the architecture (DESIGN.md section 9): the shared core below three
workflows (`lint/`, `review/`, `publish/`), `commands/` and `cli.py` at the edge. This test
reads every module's imports (also those inside functions) and fails on an import cycle
between modules, on the core or a workflow importing the edge, typer or rich, and on the core
importing a workflow."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "socialops"
WORKFLOWS = ("socialops.lint", "socialops.review", "socialops.publish")
EDGE = ("socialops.commands", "socialops.cli", "socialops.__main__")


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path, name):
            if imported in modules:
                targets.add(imported)
            elif imported.split(".")[0] in {"typer", "rich"}:
                targets.add(imported.split(".")[0])
        targets.discard(name)
        graph[name] = targets
    return graph


def _layer(module: str) -> str:
    if module.startswith(EDGE):
        return "edge"
    if module.startswith(WORKFLOWS):
        return "workflow"
    return "core"


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_only_the_edge_imports_typer_rich_or_commands() -> None:
    graph = _graph()
    wrong = sorted(f"{m} imports {t}" for m, ts in graph.items() if _layer(m) != "edge"
                   for t in ts if t in {"typer", "rich"} or _under(t, EDGE))
    assert wrong == []


def test_the_core_imports_no_workflow() -> None:
    graph = _graph()
    wrong = sorted(f"{m} imports {t}" for m, ts in graph.items() if _layer(m) == "core"
                   for t in ts if _under(t, WORKFLOWS))
    assert wrong == []


def test_no_import_cycles() -> None:
    graph = _graph()
    # a package's __init__ importing its own submodules is not a cycle worth failing on
    # when the submodule imports only siblings; anything else closing a loop is
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target):], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """The import reader finds imports inside functions and relative ones (so the tests above
    can fail)."""
    module = PACKAGE / "lint" / "cache.py"
    assert "socialops.model" in _imports(module, "socialops.lint.cache")
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from ..commands import output\n    import rich.console\n")
    found = _imports(source, "socialops.publish.m")
    assert {"socialops.commands.output", "rich.console"} <= found


def _class_names(path: Path) -> list[str]:
    return [node.name for node in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(node, ast.ClassDef)]


def test_no_two_classes_share_a_name() -> None:
    """One name, one idea (issue 10: two `Entry` classes, a feed's and the plan's, and two
    `Source` classes, a channel's text and socialops's install, had drifted apart)."""
    where: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in _class_names(path):
            where.setdefault(name, []).append(_name(path))
    shared = {name: modules for name, modules in where.items() if len(modules) > 1}
    assert shared == {}, f"classes with the same name: {shared}"
