"""The style guide: one module per rule kind, registered by hand in REGISTRY.

Each kind module has a docstring (its user documentation), KIND, OPTIONS (the JSON
Schema of its options), REQUIRED, PATTERNS, READS, `compile(options, lang)` and
`check(segment, compiled)`: an iterable of matches (a quick `()` for a text
that cannot match); see socialops/rules/base.py.
"""

from __future__ import annotations

from pathlib import Path

from socialops.rules import (
    alt_text,
    capitalization,
    emoji,
    existence,
    hashtags,
    links,
    mentions,
    repetition,
    script,
    sentence_length,
    substitution,
)
from socialops.rules.base import RuleKind
from socialops.rules.guide import StyleGuide
from socialops.rules.guide import load as _load
from socialops.rules.schema import summary

REGISTRY: dict[str, RuleKind] = {
    existence.KIND: existence,
    substitution.KIND: substitution,
    capitalization.KIND: capitalization,
    repetition.KIND: repetition,
    hashtags.KIND: hashtags,
    mentions.KIND: mentions,
    links.KIND: links,
    emoji.KIND: emoji,
    alt_text.KIND: alt_text,
    sentence_length.KIND: sentence_length,
    script.KIND: script,
}

_LAST: dict[str, StyleGuide] = {}


def load_styleguide(root: Path) -> StyleGuide:
    """The project's styleguide.yaml, validated and ready to run."""
    guide = _load(root, REGISTRY)
    _LAST["guide"] = guide
    return guide


def loaded() -> bool:
    """Whether this process loaded a style guide (the one rule_docs and rule_help default to)."""
    return "guide" in _LAST


def rule_docs(root: Path | None = None) -> dict[str, str]:
    """Rule id -> one line of documentation, for the style guide at `root`, or by default
    the one this process loaded last (the one `lint` just ran)."""
    guide = load_styleguide(root) if root is not None else _LAST.get("guide")
    if guide is None:
        return {}
    return {rule.id: f"Style guide rule ({rule.kind.KIND}): {summary(rule.kind)}" for rule in guide.rules}


def rule_help(root: Path | None = None) -> dict[str, str]:
    """Rule id -> its whole documentation (the kind's docstring, its level and message), for
    code scanning's rule help; the style guide as for rule_docs."""
    guide = load_styleguide(root) if root is not None else _LAST.get("guide")
    if guide is None:
        return {}
    out = {}
    for rule in guide.rules:
        doc = " ".join((rule.kind.__doc__ or "").split())
        said = f" Message: {rule.message}" if rule.message else ""
        out[rule.id] = (f"Rule '{rule.id}' of styleguide.yaml ({rule.kind.KIND}, level {rule.level.value}). "
                        f"{doc}{said} Edit styleguide.yaml to change it, or silence it for one post with "
                        f"<!-- socialops-disable {rule.id} -->.")
    return out

