"""Editor help that loads: the real yaml-language-server (npm; .ci/setup-yamlls.sh), driven
over LSP, on a fresh `socialops init` project and on examples/acme. Every config file's
schema loads, both through the `$schema` line at its top and through .vscode/settings.json's
`yaml.schemas`, and a value of the wrong type is reported at its line."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.editor.lsp import LanguageServer

CACHE = Path(os.environ.get("SOCIALOPS_CI_CACHE")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "socialops-ci")
SERVER = CACHE / "yamlls" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SOURCE = "socialops @ git+https://github.com/acme/socialops@0123456789abcdef0123456789abcdef01234567"
CONFIG_FILES = ("socialops.yaml", "styleguide.yaml", "calendar.yaml")
# one value of the wrong type in each config file: (file, text, replaced by)
WRONG = {
    "socialops.yaml": ("timezone: UTC", "timezone: 5", 'Expected "string"'),
    "styleguide.yaml": ("    max: 3", "    max: three", 'Expected "integer"'),
    "calendar.yaml": ("max_per_day: 3", "max_per_day: three", 'Expected "integer"'),
}
UNABLE = "Unable to load schema"


@pytest.fixture(scope="module")
def server_command() -> list[str]:
    if shutil.which("node") is None or not SERVER.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("yaml-language-server is missing in CI; .ci/setup-yamlls.sh installs it")
        pytest.skip("yaml-language-server is not installed (run .ci/setup-yamlls.sh)")
    return ["node", str(SERVER), "--stdio"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("editor")
    import subprocess
    import sys

    from tests.conftest import GIT_ENV

    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-m", "socialops", "init", "demo", "--source", SOURCE], cwd=where,
                   env=env, check=True, capture_output=True)
    return where / "demo"


def server(command: list[str], root: Path, schemas: dict[str, str] | None = None) -> Iterator[LanguageServer]:
    settings: dict[str, object] = {"validate": True, "schemaStore": {"enable": False}}  # no network
    if schemas is not None:
        settings["schemas"] = schemas
    ls = LanguageServer(command, root, {"yaml": settings})
    try:
        yield ls
    finally:
        ls.close()


def copy_with(project: Path, into: Path, *, wrong: bool, modeline: bool) -> Path:
    shutil.copytree(project, into, ignore=shutil.ignore_patterns(".git"))
    for name in CONFIG_FILES:
        path = into / name
        text = path.read_text("utf-8")
        if wrong:
            old, new, _ = WRONG[name]
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        if not modeline:
            text = re.sub(r"^# yaml-language-server: \$schema=.*\n", "", text, flags=re.M)
        path.write_text(text, "utf-8")
    return into


def line_of(path: Path, text: str) -> int:
    """0-based, as LSP counts."""
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines()) if text in line)


def assert_wrong_types_reported(ls: LanguageServer, root: Path) -> None:
    for name in CONFIG_FILES:
        path = root / name
        found = ls.open(path, until=lambda d: any("Incorrect type" in x["message"] for x in d))
        assert not [d for d in found if UNABLE in d["message"]], (name, found)
        _, new, expected = WRONG[name]
        [wrong] = [d for d in found if "Incorrect type" in d["message"]]
        assert wrong["range"]["start"]["line"] == line_of(path, new), (name, wrong)
        assert expected in wrong["message"], (name, wrong)


def test_init_writes_schemas_and_relative_schema_lines(fresh: Path) -> None:
    for name in CONFIG_FILES:
        first = (fresh / name).read_text("utf-8").splitlines()[0]
        kind = name.removesuffix(".yaml")
        assert first == f"# yaml-language-server: $schema=.socialops/schemas/{kind}.schema.json"
        assert (fresh / f".socialops/schemas/{kind}.schema.json").is_file()
    settings = json.loads((fresh / ".vscode/settings.json").read_text("utf-8"))
    assert settings["yaml.schemas"] == {f".socialops/schemas/{n.removesuffix('.yaml')}.schema.json": n
                                        for n in CONFIG_FILES}


def test_the_schemas_load_from_the_schema_lines(server_command: list[str], fresh: Path, tmp_path: Path) -> None:
    for ls in server(server_command, fresh):
        for name in CONFIG_FILES:
            assert ls.open(fresh / name, quiet=1.5) == [], name  # loaded, and the file is valid
    wrong = copy_with(fresh, tmp_path / "wrong", wrong=True, modeline=True)
    for ls in server(server_command, wrong):
        assert_wrong_types_reported(ls, wrong)


def test_the_schemas_load_from_vscode_settings(server_command: list[str], fresh: Path, tmp_path: Path) -> None:
    """As VS Code's YAML extension passes `yaml.schemas` to the server (paths relative to the
    workspace folder), with no `$schema` line in the files."""
    wrong = copy_with(fresh, tmp_path / "wrong", wrong=True, modeline=False)
    schemas = json.loads((wrong / ".vscode/settings.json").read_text("utf-8"))["yaml.schemas"]
    for ls in server(server_command, wrong, schemas):
        assert_wrong_types_reported(ls, wrong)


def test_a_schema_that_cannot_load_is_what_the_server_reports(server_command: list[str], fresh: Path,
                                                              tmp_path: Path) -> None:
    """The check above means something: a `$schema` line naming a file that is not there
    (as the host-relative line of earlier versions did) is reported on its line."""
    broken = copy_with(fresh, tmp_path / "broken", wrong=False, modeline=True)
    config = broken / "socialops.yaml"
    config.write_text(config.read_text().replace(".socialops/schemas/", "schemas/"))
    for ls in server(server_command, broken):
        found = ls.open(config, until=lambda d: any(UNABLE in x["message"] for x in d))
        assert any(UNABLE in d["message"] for d in found), found


def test_examples_acme_loads_its_schemas(server_command: list[str], tmp_path: Path) -> None:
    acme = REPO_ROOT / "examples" / "acme"
    for ls in server(server_command, acme):
        for name in CONFIG_FILES:
            found = ls.open(acme / name, quiet=1.5)
            assert not [d for d in found if UNABLE in d["message"]], (name, found)
            assert found == [], (name, found)


def test_every_copy_of_the_schemas_is_the_same() -> None:
    package = REPO_ROOT / "socialops" / "schemas"
    for name in sorted(p.name for p in package.glob("*.schema.json")):
        text = (package / name).read_text("utf-8")
        assert (REPO_ROOT / "schemas" / name).read_text("utf-8") == text, f"schemas/{name}"
        assert (REPO_ROOT / "examples/acme/.socialops/schemas" / name).read_text("utf-8") == text, name
    acme_settings = json.loads((REPO_ROOT / "examples/acme/.vscode/settings.json").read_text("utf-8"))
    template = REPO_ROOT / "socialops/templates/init/.vscode/settings.json"
    assert acme_settings == json.loads(template.read_text("utf-8"))


def test_the_vscode_task_reads_lints_github_format(tmp_path: Path) -> None:
    """The problem matcher of the `socialops lint` task matches what `lint --format github`
    prints (VS Code's matcher regexps are JavaScript ones; this one reads the same in Python)."""
    from socialops.commands.output import lint_github
    from socialops.problems import Level, Problem

    task = json.loads((REPO_ROOT / "socialops/templates/init/.vscode/tasks.json").read_text("utf-8"))["tasks"][0]
    pattern = task["problemMatcher"]["pattern"]
    printed = lint_github([Problem("posts/2026/12/a b.md", 7, 3, "banned-words", Level.ERROR, "Avoid 'synergy'.")])
    m = re.match(pattern["regexp"], printed.splitlines()[0])
    assert m is not None
    assert (m.group(pattern["file"]), m.group(pattern["line"]), m.group(pattern["column"]),
            m.group(pattern["severity"]), m.group(pattern["code"])) == ("posts/2026/12/a b.md", "7", "3",
                                                                        "error", "banned-words")
    assert m.group(pattern["message"]) == "Avoid 'synergy'."
