"""Words written one way that should be written another (brand names, preferred terms).

`swap` maps what is written to what should be written. Keys match as whole words,
case-insensitively (unless `ignorecase: false`) with the post's language's case folding.
A match already written as expected is fine. When the expected text is all lower case,
it follows the case of what was written ("Utilize" -> "Use", "UTILIZE" -> "USE");
otherwise it is used as given ("github" -> "GitHub").

These fixes are certain: `socialops lint --fix` applies them in place.

Reads the body, every variant and every alt text.

    - {id: brand-names, kind: substitution, level: error,
       message: "Write '{expected}', not '{match}'.", swap: {Github: GitHub, acme corp: Acme}}

Message variables: {match} (the text found), {expected} (what to write instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from socialops.rules.base import ALL_TEXT, Match, Segment, found
from socialops.rules.lang import Lang, Tokens

KIND = "substitution"
MESSAGE = "Write '{expected}', not '{match}'."
REQUIRED: tuple[str, ...] = ("swap",)
PATTERNS: tuple[str, ...] = ()
READS = ALL_TEXT
OPTIONS: dict[str, dict[str, Any]] = {
    "swap": {
        "description": "What is written -> what should be written, e.g. {Github: GitHub}.",
        "type": "object", "minProperties": 1,
        "additionalProperties": {"type": "string"},
    },
    "ignorecase": {
        "description": "Match the keys regardless of case, with the post language's case folding.",
        "type": "boolean", "default": True,
    },
}


@dataclass(frozen=True)
class Swaps:
    keys: Tokens
    expected: tuple[str, ...]  # by token index
    lang: Lang


def compile(options: Mapping[str, Any], lang: Lang) -> Swaps:
    swap = options.get("swap")
    items = [(str(k), str(v)) for k, v in swap.items() if str(k).strip()] if isinstance(swap, dict) else []
    ignorecase = bool(options.get("ignorecase", True))
    return Swaps(lang.tokens([k for k, _ in items], ignorecase), tuple(v for _, v in items), lang)


def check(segment: Segment, compiled: Swaps) -> Iterable[Match]:
    keys = compiled.keys
    text = segment.text
    return _check(text, compiled) if keys.may_match(segment.folded if keys.ignorecase else text) else ()


def _check(text: str, compiled: Swaps) -> Iterator[Match]:
    for start, end, index in compiled.keys.matches(text):
        written = text[start:end]
        expected = cased_like(written, compiled.expected[index], compiled.lang)
        if written != expected:
            yield found(start, end, MESSAGE, fix=expected, match=written, expected=expected)


def cased_like(written: str, expected: str, lang: Lang) -> str:
    """`expected` in the case of `written` when `expected` is all lower case."""
    if expected != expected.lower() or not written[:1].isupper():
        return expected
    letters = [c for c in written if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return lang.upper(expected)
    return lang.upper(expected[:1]) + expected[1:]
