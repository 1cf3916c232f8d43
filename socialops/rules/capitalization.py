"""Shouting: too many words in capital letters.

Counts the words of two or more letters written ALL IN CAPITALS in each thread part
(hashtags, mentions and links are not words here; words listed in `exceptions`, such as
NASA, are never counted). When a part has more than `max_upper_words` of them, the first
one over the limit is reported.

Reads the body, every variant and every alt text.

    - {id: shouting, kind: capitalization, level: warning, max_upper_words: 2,
       exceptions: [NASA, EU]}

Message variables: {match} (the first capitalised word over the limit), {count}, {max}.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from socialops.rules.base import (
    ALL_TEXT,
    Match,
    Segment,
    found,
    in_spans,
    on_first_use,
    option_list,
)
from socialops.rules.lang import Lang

KIND = "capitalization"
MESSAGE = "Too many words in capitals ({count}, at most {max}): '{match}'."
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ()
READS = ALL_TEXT
OPTIONS: dict[str, dict[str, Any]] = {
    "max_upper_words": {
        "description": "How many words in capitals a thread part may have.",
        "type": "integer", "minimum": 0, "default": 2,
    },
    "exceptions": {
        "description": "Words that may be written in capitals (acronyms such as NASA), exactly as written.",
        "type": "array", "items": {"type": "string"},
    },
}

UPPER_WORD = on_first_use(r"(?<![\w#@$&/.:=+-])\p{Lu}[\p{Lu}\p{M}]+(?![\w@])")
# Every word in capitals starts with one of these pairs, and no two words share one: a
# text with no more pairs than the limit allows has nothing to report (no words counted).
UPPER_PAIR = on_first_use(r"\p{Lu}[\p{Lu}\p{M}]")
ASCII_UPPER_PAIR = re.compile(r"[A-Z][A-Z]")


@dataclass(frozen=True)
class Shouting:
    max_words: int
    exceptions: frozenset[str]


def compile(options: Mapping[str, Any], lang: Lang) -> Shouting:
    return Shouting(int(options.get("max_upper_words", 2)), frozenset(option_list(options, "exceptions")))


def check(segment: Segment, compiled: Shouting) -> Iterable[Match]:
    text = segment.text
    pairs = ASCII_UPPER_PAIR if text.isascii() else UPPER_PAIR()
    if len(pairs.findall(text)) <= compiled.max_words:
        return ()
    return _check(segment, compiled)


def _check(segment: Segment, compiled: Shouting) -> Iterator[Match]:
    text = segment.text
    links = segment.urls
    for start, end in segment.parts:
        words = [m for m in UPPER_WORD().finditer(text, start, end)
                 if m.group() not in compiled.exceptions and not in_spans(m.start(), links)]
        if len(words) > compiled.max_words:
            first = words[compiled.max_words]
            yield found(first.start(), first.end(), MESSAGE, match=first.group(),
                        count=len(words), max=compiled.max_words)
