"""The JSON Schemas (Draft 2020-12) shipped in the package, and validation that reports
each violation at the offending key's own line with its JSON path."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from socialops.problems import Level, Problem
from socialops.yamlio import Locator

SCHEMA_FILES = {
    "post": "post.schema.json",
    "config": "socialops.schema.json",
    "styleguide": "styleguide.schema.json",
    "calendar": "calendar.schema.json",
}


@cache
def schema(name: str) -> dict[str, Any]:
    text = resources.files("socialops").joinpath("schemas", SCHEMA_FILES[name]).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name))


@cache
def fast_check(name: str) -> Any:
    """A compiled validity check of the same schema (fastjsonschema), used as a quick gate:
    most files are valid, and jsonschema then only runs to explain the ones that are not.
    None when the schema cannot be compiled (jsonschema alone decides then)."""
    import copy

    import fastjsonschema

    try:  # fastjsonschema rewrites the $refs of the dict it is given: give it a copy
        return fastjsonschema.compile(copy.deepcopy(schema(name)))
    except fastjsonschema.JsonSchemaDefinitionException:
        return None


# Compiling a schema with fastjsonschema costs 50-150 ms: worth it only for the schema
# checked thousands of times a run. The files read once (config, style guide, calendar)
# are checked by jsonschema alone.
FAST_GATED = frozenset({"post"})


def is_valid(name: str, data: Any) -> bool:
    import fastjsonschema

    check = fast_check(name) if name in FAST_GATED else None
    if check is None:
        return bool(validator(name).is_valid(data))
    try:
        check(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def json_path(path: list[str | int] | Any) -> str:
    out = "$"
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out


def validate(name: str, data: Any, file: str, locator: Locator, line_offset: int = 0,
             rule: str = "schema") -> list[Problem]:
    """Schema violations as problems. `line_offset` is added to lines inside the YAML text
    (1 for a post's front matter, which starts below the opening '---')."""
    if is_valid(name, data):
        return []
    check = validator(name)
    problems: list[Problem] = []
    for error in sorted(check.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        for path, message in _explain(error):
            pos = locator.key(path)
            problems.append(Problem(file, pos.line + line_offset, pos.column, rule, Level.ERROR,
                                    f"{message} (at {json_path(path)})"))
    return problems


def _explain(error: Any) -> list[tuple[list[str | int], str]]:
    """One or more (path, message) pairs for a jsonschema error, in a writer's words."""
    path: list[str | int] = list(error.absolute_path)
    validator_name = error.validator
    if validator_name == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in known]
        hint = ", ".join(sorted(known)) if known else ""
        return [([*path, k], f"unknown key '{k}'" + (f"; the keys here are: {hint}" if hint else ""))
                for k in extras]
    if validator_name == "required":
        return [(path, error.message.replace("is a required property", "is required here"))]
    if validator_name == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return [(path, f"{error.instance!r} is not one of: {allowed}")]
    if validator_name in ("oneOf", "anyOf") and error.context:
        best = min(error.context, key=lambda e: len(list(e.absolute_path)) * -1)
        return _explain(best)
    message = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    return [(path, str(message) if message else error.message)]
