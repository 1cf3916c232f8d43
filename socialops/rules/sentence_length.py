"""Sentences with too many words.

A sentence ends at `.`, `!`, `?`, `…` (or `。！？`) followed by a space or the end of
the text, at a blank line, before a list item and at a thread separator. A word is
anything between spaces that holds a letter or a digit: "well-known", "don't" and a
link are one word each; an emoji or a dash on its own is not a word. A sentence with
more than `max_words` words is reported at its first word.

Reads the body, every variant and every alt text.

    - {id: long-sentences, kind: sentence-length, level: suggestion, max_words: 30}

Message variables: {match} (the sentence's first words), {count}, {max}.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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

SENTENCE_END = regex.compile(
    r"[.!?…。！？]+(?=\s|$)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+•]|\d+[.)])[ \t])|^---[ \t]*$",
    regex.MULTILINE,
)
WORDLIKE = regex.compile(r"[\p{L}\p{N}]")


def compile(options: Mapping[str, Any], lang: Lang) -> int:
    return int(options.get("max_words", 30))


def check(segment: Segment, compiled: int) -> Iterable[Match]:
    # Every word is at least one space-separated chunk, and no sentence runs over a
    # thread separator: a text whose thread parts have few enough chunks has nothing to report.
    text = segment.text
    if len(text.split()) <= compiled:
        return ()
    parts = segment.parts
    if len(parts) > 1 and all(len(text[start:end].split()) <= compiled for start, end in parts):
        return ()
    return _check(text, compiled)


def _check(text: str, compiled: int) -> Iterator[Match]:
    start = 0
    for m in SENTENCE_END.finditer(text):
        yield from _sentence(text, start, m.start(), compiled)
        start = m.end()
    yield from _sentence(text, start, len(text), compiled)


def _sentence(text: str, start: int, end: int, limit: int) -> Iterator[Match]:
    chunks = text[start:end].split()
    if len(chunks) <= limit:
        return
    words = [c for c in chunks if WORDLIKE.search(c)]
    if len(words) > limit:
        first = text.index(words[0], start)
        preview = " ".join(words[:6]) + (" …" if len(words) > 6 else "")
        yield found(first, first + len(words[0]), MESSAGE, match=preview, count=len(words), max=limit)
