"""The same word twice in a row ("the the").

Compares neighbouring words regardless of case (unless `ignorecase: false`) and
reports the second one. Words listed in `exceptions` may repeat ("bye bye").
Only spaces and line breaks between the two words count as "in a row".

Reads the body, every variant and every alt text.

    - {id: repeated-words, kind: repetition, level: warning, exceptions: [bye, that]}

Message variables: {match} (the repeated word, as written the second time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from socialops.rules.base import ALL_TEXT, Match, Segment, found, on_first_use, option_list
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
# looking back for the first word) keeps the search fast; starting only where a run of
# whitespace starts, and never giving part of it back, keeps it linear in the run's
# length (a long HTML comment is masked by spaces).
_PAIR = r"(?<!\s)\s++(?<=(?<![\w#@])(\p{L}[\p{L}\p{M}\p{N}]*)\s+)(\1)(?!\w)"
PAIR_EXACT = on_first_use(_PAIR)  # compiled on first use: most texts never need it (may_repeat)
PAIR_CASELESS = on_first_use(_PAIR, regex.IGNORECASE | regex.FULLCASE)
# A quick test first (see may_repeat). _WORDISH: every character that can be in a word
# (no space, no ASCII punctuation); a word of more than 64 of them always passes the test.
_WORDISH = r"[^\s!-/:-@\[-`{-~]"
_FIRST_PAIR = re.compile(r"(\S++)\s++\1")
_PAIR_SUPERSET = re.compile(rf"[^a-zA-Z0-9_]({_WORDISH}{{1,64}}+)(?:\s++\1|{_WORDISH})")


@dataclass(frozen=True)
class Repetition:
    ignorecase: bool
    exceptions: frozenset[str]
    lang: Lang


def compile(options: Mapping[str, Any], lang: Lang) -> Repetition:
    folded = frozenset(lang.fold(w) for w in option_list(options, "exceptions"))
    return Repetition(bool(options.get("ignorecase", True)), folded, lang)


def check(segment: Segment, compiled: Repetition) -> Iterable[Match]:
    text = segment.text
    if not compiled.ignorecase:
        searched, pair = text, PAIR_EXACT
    else:  # search the lower-cased text (same offsets), then compare the full case folding
        lowered = compiled.lang.lower(text)
        searched, pair = (lowered, PAIR_EXACT) if len(lowered) == len(text) else (text, PAIR_CASELESS)
    if pair is PAIR_EXACT and not may_repeat(searched):
        return ()
    return _check(text, pair().finditer(searched), compiled)


def _check(text: str, pairs: Iterator[regex.Match[str]], compiled: Repetition) -> Iterator[Match]:
    lang = compiled.lang
    for m in pairs:
        start, end = m.span(2)
        second = text[start:end]
        if compiled.ignorecase and lang.fold(text[m.start(1):m.end(1)]) != lang.fold(second):
            continue
        if lang.fold(second) not in compiled.exceptions:
            yield found(start, end, MESSAGE, match=second)


def may_repeat(text: str) -> bool:
    """False when PAIR_EXACT cannot match the text: two quick searches with `re` that
    keep the regex (and its look-behind at every space) off most texts.

    A repeated word W (letters, marks, numbers) ends a run of non-space characters and
    starts the next one; before it is the start of the text, a space, or a character that
    is no word character (so not one of [a-zA-Z0-9_]). Such a character, followed by a run
    of characters that can be in a word (up to 64 of them: the search stays linear), the
    spaces after it and that run again, is found for every repeated word (and more). This
    leans on every regex `\\s` being a `re` `\\s`, and no letter, mark or number being one
    (tests/rules/test_repetition.py checks both)."""
    return bool(_FIRST_PAIR.match(text) or _PAIR_SUPERSET.search(text))
