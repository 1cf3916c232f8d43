"""Sentences with too many words.

A sentence ends at `.`, `!`, `?`, `…` (or `。！？`) followed by a space or the end of
the text, at a blank line, at a list item and at a thread separator. Words are runs of
letters and digits ("well-known" and "don't" are one word each); a link counts as one
word. A sentence with more than `max_words` words is reported at its first word.

Reads the body, every variant and every alt text.

    - {id: long-sentences, kind: sentence-length, level: suggestion, max_words: 30}

Message variables: {match} (the sentence's first words), {count}, {max}.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import regex

from socialops.rules.base import ALL_TEXT, Match, Segment, found
from socialops.rules.lang import Lang

KIND = "sentence-length"
MESSAGE = "This sentence has {count} words; keep it to {max}: '{match}'."
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ()
READS = ALL_TEXT
OPTIONS: dict[str, dict[str, Any]] = {
    "max_words": {"description": "The most words a sentence may have.", "type": "integer", "minimum": 1,
                  "default": 30},
}

# A word (a link counts as one) or a sentence end.
TOKEN = regex.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<word>[\p{L}\p{N}][\p{L}\p{M}\p{N}_]*(?:['’-][\p{L}\p{N}][\p{L}\p{M}\p{N}_]*)*)"
    r"|(?P<end>[.!?…。！？]+(?=\s|$)|\n[ \t]*(?=\n|[-*+•][ \t]|\d+[.)][ \t]|---[ \t]*(?:\n|$)))",
    regex.IGNORECASE,
)


def compile(options: Mapping[str, Any], lang: Lang) -> int:
    return int(options.get("max_words", 30))


def check(segment: Segment, compiled: int) -> Iterator[Match]:
    text = segment.text
    if len(text) < 2 * compiled:  # too short to hold a sentence of more than max words
        return
    count = 0
    first = last = 0
    for m in TOKEN.finditer(text):
        if m.lastgroup == "end":
            if count > compiled:
                yield _long(text, first, last, count, compiled)
            count = 0
        else:
            if count == 0:
                first = m.start()
            count += 1
            last = m.end()
    if count > compiled:
        yield _long(text, first, last, count, compiled)


def _long(text: str, start: int, end: int, count: int, limit: int) -> Match:
    words = text[start:end].split()
    preview = " ".join(words[:6]) + (" …" if len(words) > 6 else "")
    return found(start, end, MESSAGE, match=preview, count=count, max=limit)
