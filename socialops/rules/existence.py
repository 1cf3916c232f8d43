"""Words and phrases that must not appear.

`tokens` match as whole words, case-insensitively (unless `ignorecase: false`) with the
post's language's case folding: under `lang: tr` "İstanbul" matches "istanbul", under
`lang: de` "Straße" matches "STRASSE". A space in a token matches any run of spaces or
line breaks. `patterns` are regular expressions (the `regex` module's syntax), matched
anywhere, case-insensitively unless `ignorecase: false`.

Reads the body, every variant and every alt text.

    - {id: banned-words, kind: existence, level: error, message: "Avoid '{match}'.",
       tokens: [synergy, click here], patterns: ['\\bgame[- ]changer\\b']}

Message variables: {match} (the text found).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import regex

from socialops.rules.base import ALL_TEXT, Match, Segment, found, option_list
from socialops.rules.lang import Lang

KIND = "existence"
MESSAGE = "Avoid '{match}'."
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ("patterns",)
READS = ALL_TEXT
OPTIONS: dict[str, dict[str, Any]] = {
    "tokens": {
        "description": "Words or phrases that must not appear, matched as whole words.",
        "type": "array", "items": {"type": "string", "minLength": 1},
    },
    "patterns": {
        "description": "Regular expressions that must not match anywhere in the text.",
        "type": "array", "items": {"type": "string", "minLength": 1},
    },
    "ignorecase": {
        "description": "Match regardless of case, with the post language's case folding.",
        "type": "boolean", "default": True,
    },
}


def compile(options: Mapping[str, Any], lang: Lang) -> list[regex.Pattern[str]]:
    ignorecase = bool(options.get("ignorecase", True))
    compiled: list[regex.Pattern[str]] = []
    tokens = option_list(options, "tokens")
    if tokens:
        compiled.append(lang.words(tokens, ignorecase))
    compiled.extend(regex.compile(p, lang.flags(ignorecase)) for p in option_list(options, "patterns"))
    return compiled


def check(segment: Segment, compiled: list[regex.Pattern[str]]) -> Iterator[Match]:
    for pattern in compiled:
        for m in pattern.finditer(segment.text):
            if m.end() > m.start():
                yield found(m.start(), m.end(), MESSAGE, match=m.group())
