"""Documentation generated from the rule kind modules: `socialops rules` and the
README's rule table both come from here, so they cannot drift from the code."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from socialops.rules.base import ALT, BODY, VARIANT, RuleKind
from socialops.rules.schema import COMMON, summary

README_START = "<!-- rules:start -->"
README_END = "<!-- rules:end -->"
_READS = {BODY: "body", VARIANT: "variants", ALT: "alt text"}


def type_name(schema: Mapping[str, Any]) -> str:
    """An option's type in a writer's words."""
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    kind = schema.get("type")
    if kind == "array":
        return f"list of {type_name(schema.get('items', {}))}s"
    if kind == "object":
        values = schema.get("additionalProperties")
        return f"mapping of text to {type_name(values)}" if isinstance(values, dict) else "mapping"
    return {"string": "text", "integer": "number", "boolean": "true | false"}.get(str(kind), str(kind or "any"))


def options(kind: RuleKind) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "type": type_name(schema),
            "required": name in kind.REQUIRED,
            "default": schema.get("default"),
            "description": schema.get("description", ""),
        }
        for name, schema in kind.OPTIONS.items()
    ]


def kind_doc(kind: RuleKind) -> dict[str, Any]:
    return {
        "kind": kind.KIND,
        "summary": summary(kind),
        "reads": [_READS[r] for r in (BODY, VARIANT, ALT) if r in kind.READS],
        "options": options(kind),
        "documentation": inspect.cleandoc(kind.__doc__ or ""),
    }


def common_options() -> list[dict[str, Any]]:
    return [{"name": name, "description": schema["description"]} for name, schema in COMMON.items()]


def readme_table(registry: Mapping[str, RuleKind]) -> str:
    """The README's rule table (the text between the rules markers)."""
    common = ", ".join(f"`{name}`" for name in COMMON)
    lines = [
        f"Every rule in `styleguide.yaml` has {common}. `socialops rules` prints each kind's",
        "full documentation; `<!-- socialops-disable RULE-ID -->` in a post silences a rule for it.",
        "",
        "| kind | options | what it checks |",
        "|---|---|---|",
    ]
    for kind in registry.values():
        names = ", ".join(f"`{o['name']}`" for o in options(kind)) or "none"
        lines.append(f"| `{kind.KIND}` | {names} | {summary(kind)} |")
    return "\n".join(lines) + "\n"
