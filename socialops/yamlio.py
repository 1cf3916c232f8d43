"""YAML in and out: one loader for every file socialops reads.

The loader is PyYAML's libyaml-backed SafeLoader when present, with two changes that
make YAML behave as a writer expects: times stay strings (socialops parses them in the
project timezone itself) and only `true`/`false` are booleans (so `lang: no` is
Norwegian, not False). Positions are computed only when a finding needs one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc]
    """SafeLoader without YAML 1.1 timestamps and yes/no/on/off booleans."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

MAX_EXPANDED_NODES = 100_000


class YamlError(Exception):
    """A YAML file that cannot be read; line and column are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def load(text: str) -> Any:
    """Parse one YAML document. Raises YamlError with a position and a hint."""
    try:
        data = yaml.load(text, Loader=Loader)  # Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        message = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        lines = text.split("\n")
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        if "\t" in source[: len(source) - len(source.lstrip())] or "\t" in message:
            message += " (YAML does not allow tabs for indentation; use spaces)"
        raise YamlError(f"invalid YAML: {message}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    if "*" in text and "&" in text:  # an alias needs an anchor (load refuses one without)
        _check_alias_expansion(text)
    return data


def _check_alias_expansion(text: str) -> None:
    """Refuse 'billion laughs' documents: aliases that expand to a huge tree."""
    root = yaml.compose(text, Loader=Loader)
    if root is None:
        return
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # guards against recursive aliases
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    if size(root) > MAX_EXPANDED_NODES:
        raise YamlError(
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values; "
            "write the values out instead of repeating anchors",
            root.start_mark.line + 1,
            root.start_mark.column + 1,
        )


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based, relative to the YAML text
    column: int  # 1-based
    block: bool = False  # the value is a block scalar (| or >): its text starts a line below


class Locator:
    """Finds where a value sits in a YAML text, by its path of keys and indexes.
    Composes the text once, on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: yaml.Node | None = None
        self._composed = False

    def _node(self, path: Sequence[str | int]) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest (key node, value node) reached along the path."""
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self._text, Loader=Loader)
            except yaml.YAMLError:
                self._root = None
        node, key_node = self._root, None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(step):
                        node, key_node = v, k
                        break
                else:
                    return key_node, node
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    return key_node, node
                node, key_node = node.value[step], node.value[step]
            else:
                return key_node, node
        return key_node, node

    def key(self, path: Sequence[str | int]) -> Position:
        """Where the key of the value at `path` is (the offending key's own line)."""
        key_node, node = self._node(path)
        target = key_node or node
        if target is None:
            return Position(1, 1)
        return Position(target.start_mark.line + 1, target.start_mark.column + 1)

    def value(self, path: Sequence[str | int]) -> Position:
        """Where the value at `path` starts."""
        _, node = self._node(path)
        if node is None:
            return Position(1, 1)
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        return Position(node.start_mark.line + 1, node.start_mark.column + 1, block)

    def value_text_offset(self, path: Sequence[str | int], offset: int, text: str) -> Position:
        """Line and column of character `offset` of the string value at `path`."""
        _, node = self._node(path)
        if node is None:
            return Position(1, 1)
        before = text[:offset]
        nl = before.count("\n")
        col_in_line = offset - (before.rfind("\n") + 1)
        start_line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            indent = _block_indent(self._text, node.start_mark.line + 1)
            return Position(start_line + 1 + nl, indent + col_in_line + 1)
        quote = 1 if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') else 0
        if nl == 0:
            return Position(start_line, node.start_mark.column + 1 + quote + col_in_line)
        return Position(start_line + nl, col_in_line + 1)


def _block_indent(text: str, line_index: int) -> int:
    """Indentation of the first non-blank line at or after 0-based `line_index`."""
    lines = text.split("\n")
    for line in lines[line_index:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def dump(data: Any) -> str:
    """YAML for files socialops writes (ledger, config): block style, keys in order."""
    dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100))
