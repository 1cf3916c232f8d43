"""Schema validation of styleguide.yaml, with messages in a writer's words at the
offending key's own line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialops import schemas
from socialops.model import STYLEGUIDE_FILE
from socialops.problems import Level, Problem
from socialops.rules.base import RuleKind
from socialops.rules.schema import COMMON
from socialops.yamlio import Locator


def schema_problems(data: Any, locator: Locator, registry: Mapping[str, RuleKind]) -> tuple[list[Problem], set[int]]:
    """The problems, and the indexes of the rules that have one (those are not run)."""
    if not isinstance(data, dict):
        return [_at(1, 1, "styleguide.yaml holds a mapping with a 'rules:' list, e.g. 'rules: []'")], set()
    problems: list[Problem] = []
    broken: set[int] = set()
    if schemas.is_valid("styleguide", data):  # the quick gate; jsonschema only explains
        return problems, broken
    errors = sorted(schemas.validator("styleguide").iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        path: list[str | int] = list(error.absolute_path)
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            broken.add(path[1])
        problems.extend(_explain(error, path, data, locator, registry))
    return problems, broken


def _explain(error: Any, path: list[str | int], data: Any, locator: Locator,
             registry: Mapping[str, RuleKind]) -> list[Problem]:
    where = schemas.json_path(path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        out = []
        for key in (k for k in error.instance if k not in known):
            pos = locator.key([*path, key])
            out.append(_at(pos.line, pos.column, _unknown(key, path, error.instance, known, registry)))
        return out
    if path[-1:] == ["kind"] and error.validator == "enum":
        pos = locator.value(path)
        return [_at(pos.line, pos.column, f"unknown rule kind {error.instance!r}; the kinds are: "
                    f"{', '.join(registry)} ('socialops rules' describes them) (at {where})")]
    pos = locator.key(path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        kind = error.instance.get("kind", "")
        what = f"a {kind} rule" if kind in registry else "a rule"
        return [_at(pos.line, pos.column, f"{what} needs '{name}' (at {where})") for name in missing]
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return [_at(pos.line, pos.column, f"{error.instance!r} is not one of: {allowed} (at {where})")]
    if error.validator == "type" and not path:
        return [_at(1, 1, "styleguide.yaml holds a mapping with a 'rules:' list, e.g. 'rules: []'")]
    return [_at(pos.line, pos.column, f"{error.message} (at {where})")]


def _unknown(key: str, path: list[str | int], instance: dict[str, Any], known: list[str],
             registry: Mapping[str, RuleKind]) -> str:
    if not path:
        return f"unknown key '{key}'; styleguide.yaml holds 'rules:'"
    if path[-1] == "scope":
        return f"unknown key '{key}' in scope; a scope has: {', '.join(COMMON['scope']['properties'])}"
    kind = instance.get("kind", "")
    options = [k for k in known if k not in COMMON]
    listed = ", ".join(options) if options else "none besides id, kind, level, message and scope"
    return (f"unknown option '{key}' for kind '{kind}'; its options are: {listed} "
            f"(at {schemas.json_path([*path, key])})")


def _at(line: int, column: int, message: str) -> Problem:
    return Problem(STYLEGUIDE_FILE, line, column, "schema", Level.ERROR, message)
