"""The style guide's JSON Schema, generated from the rule kind modules' OPTIONS.

`python -m socialops.rules.generate` rewrites the schema files from the code; a test
keeps them identical to what this module produces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from socialops.rules.base import RuleKind

SCHEMA_ID = "https://socialops.dev/schemas/styleguide.schema.json"
_NAMES = {"type": "array", "items": {"type": "string"}, "minItems": 1}

COMMON: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Rule id",
        "description": "Names the rule in findings and in `<!-- socialops-disable ID -->` comments.",
        "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
    },
    "kind": {"title": "Kind", "description": "What the rule checks; `socialops rules` lists the kinds."},
    "level": {
        "title": "Level",
        "description": "How serious a finding is; `socialops lint --fail-on` decides which levels fail.",
        "enum": ["error", "warning", "suggestion"], "default": "warning",
    },
    "message": {
        "title": "Message",
        "description": "The finding's message; {match} is the text found, {expected} what to write instead "
                       "(where the kind has it). Each kind has a default.",
        "type": "string", "minLength": 1,
    },
    "scope": {
        "title": "Scope",
        "description": "Where the rule applies (default: everywhere). A text is checked when a channel "
                       "receiving it is listed by name or platform, and the post's language and "
                       "campaign are listed.",
        "type": "object", "additionalProperties": False,
        "properties": {
            "channels": {**_NAMES, "description": "Channel names from socialops.yaml."},
            "platforms": {**_NAMES, "description": "Platforms: mastodon, bluesky, x, linkedin, ..."},
            "langs": {**_NAMES, "description": "Post languages (`de` covers `de-AT`)."},
            "campaigns": {**_NAMES, "description": "Campaigns from calendar.yaml."},
        },
    },
}


def summary(kind: RuleKind) -> str:
    """The first line of a kind's documentation."""
    return (kind.__doc__ or "").strip().splitlines()[0]


def rule_schema(kind: RuleKind) -> dict[str, Any]:
    return {
        "title": f"{kind.KIND} rule",
        "description": summary(kind),
        "type": "object",
        "required": ["id", "kind", *kind.REQUIRED],
        "additionalProperties": False,
        "properties": {**COMMON, "kind": {**COMMON["kind"], "const": kind.KIND}, **kind.OPTIONS},
    }


def styleguide_schema(registry: Mapping[str, RuleKind]) -> dict[str, Any]:
    kinds = list(registry)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "socialops style guide",
        "description": "styleguide.yaml: the rules `socialops lint` checks every post's text against.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "rules": {
                "title": "Rules",
                "description": "Each rule has an id, a kind, a level, a message and an optional scope, "
                               "plus the options of its kind.",
                "type": "array",
                "items": {"$ref": "#/$defs/rule"},
            },
        },
        "$defs": {
            "rule": {
                "title": "Rule",
                "type": "object",
                "required": ["id", "kind"],
                "properties": {"kind": {**COMMON["kind"], "enum": kinds}},
                "allOf": [
                    {"if": {"properties": {"kind": {"const": k}}, "required": ["kind"]},
                     "then": {"$ref": f"#/$defs/{k}"}}
                    for k in kinds
                ],
            },
            **{k: rule_schema(kind) for k, kind in registry.items()},
        },
    }


def schema_text(registry: Mapping[str, RuleKind]) -> str:
    return json.dumps(styleguide_schema(registry), indent=2, ensure_ascii=False) + "\n"
