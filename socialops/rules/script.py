"""A regular expression that must not match: the free-form rule.

`pattern` uses the `regex` module's syntax (a superset of Python's `re`). `flags` is a
string of letters: `i` ignore case (full Unicode case folding), `m` multi-line (`^` and
`$` at every line), `s` dot matches line breaks, `x` verbose (spaces and # comments in
the pattern are ignored). Matching is case-sensitive unless `flags` has `i`.

Reads the body, every variant and every alt text.

    - {id: exclamations, kind: script, level: warning, pattern: '!{2,}',
       message: One exclamation mark is enough.}

Message variables: {match} (the text found).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import regex

from socialops.rules.base import ALL_TEXT, REGEX_TIMEOUT, Match, Segment, found
from socialops.rules.lang import Lang

KIND = "script"
MESSAGE = "'{match}' is not allowed here."
REQUIRED: tuple[str, ...] = ("pattern",)
PATTERNS: tuple[str, ...] = ("pattern",)
READS = ALL_TEXT
OPTIONS: dict[str, dict[str, Any]] = {
    "pattern": {
        "description": "A regular expression that must not match the text.",
        "type": "string", "minLength": 1,
    },
    "flags": {
        "description": "Letters: i (ignore case), m (multi-line), s (dot matches line breaks), x (verbose).",
        "type": "string", "pattern": "^[imsx]*$", "default": "",
    },
}

FLAGS = {"i": regex.IGNORECASE | regex.FULLCASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE}


def compile(options: Mapping[str, Any], lang: Lang) -> regex.Pattern[str]:
    flags = 0
    for letter in str(options.get("flags", "")):
        flags |= FLAGS.get(letter, 0)
    return regex.compile(str(options["pattern"]), flags)


def check(segment: Segment, compiled: regex.Pattern[str]) -> Iterable[Match]:
    return [found(m.start(), m.end(), MESSAGE, match=m.group())
            for m in compiled.finditer(segment.text, timeout=REGEX_TIMEOUT) if m.end() > m.start()]
