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

# Two neighbouring words; the backreference is exact, case is compared in Python (fast).
PAIR = regex.compile(r"(?<![\w#@])(\p{L}[\p{L}\p{M}\p{N}]*)\s+(?=\p{L})(?=(?i:\1)(?!\w))")


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
    for m in PAIR.finditer(text):
        first = m.group(1)
        second_start = m.end()
        second = text[second_start:second_start + len(first)]
        same = lang.fold(first) == lang.fold(second) if compiled.ignorecase else first == second
        if same and lang.fold(first) not in compiled.exceptions:
            yield found(second_start, second_start + len(second), MESSAGE, match=second)
