"""The same word twice in a row ("the the").

Compares neighbouring words regardless of case (unless `ignorecase: false`) and
reports the second one. Words listed in `exceptions` may repeat ("bye bye").
Only spaces and line breaks between the two words count as "in a row".

Reads the body, every variant and every alt text.

    - {id: repeated-words, kind: repetition, level: warning, exceptions: [bye, that]}

Message variables: {match} (the repeated word, as written the second time).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from socialops.rules.base import ALL_TEXT, Match, Segment, found, option_list
from socialops.rules.lang import Lang

KIND = "repetition"
MESSAGE = "'{match}' is repeated."
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ()
READS = ALL_TEXT
OPTIONS: dict[str, dict[str, Any]] = {
    "ignorecase": {
        "description": "Count 'The the' as a repetition (with the post language's case folding).",
        "type": "boolean", "default": True,
    },
    "exceptions": {
        "description": "Words that may be repeated, e.g. [bye, that].",
        "type": "array", "items": {"type": "string"},
    },
}

# Whitespace between a word and the same word again. Starting at the whitespace (and
# looking back for the first word) keeps the search fast.
_PAIR = r"\s+(?<=(?<![\w#@])(\p{L}[\p{L}\p{M}\p{N}]*)\s+)(\1)(?!\w)"
PAIR_EXACT = regex.compile(_PAIR)
PAIR_CASELESS = regex.compile(_PAIR, regex.IGNORECASE | regex.FULLCASE)


@dataclass(frozen=True)
class Repetition:
    ignorecase: bool
    exceptions: frozenset[str]
    lang: Lang


def compile(options: Mapping[str, Any], lang: Lang) -> Repetition:
    folded = frozenset(lang.fold(w) for w in option_list(options, "exceptions"))
    return Repetition(bool(options.get("ignorecase", True)), folded, lang)


def check(segment: Segment, compiled: Repetition) -> Iterator[Match]:
    text = segment.text
    lang = compiled.lang
    if not compiled.ignorecase:
        pairs = PAIR_EXACT.finditer(text)
    else:  # search the lower-cased text (same offsets), then compare the full case folding
        lowered = lang.lower(text)
        pairs = PAIR_EXACT.finditer(lowered) if len(lowered) == len(text) else PAIR_CASELESS.finditer(text)
    for m in pairs:
        start, end = m.span(2)
        second = text[start:end]
        if compiled.ignorecase and lang.fold(text[m.start(1):m.end(1)]) != lang.fold(second):
            continue
        if lang.fold(second) not in compiled.exceptions:
            yield found(start, end, MESSAGE, match=second)
