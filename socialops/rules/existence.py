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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from socialops.rules.base import ALL_TEXT, REGEX_TIMEOUT, Match, Segment, found, option_list
from socialops.rules.lang import Lang, Tokens

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


@dataclass(frozen=True)
class Existence:
    tokens: Tokens
    patterns: tuple[regex.Pattern[str], ...]


def compile(options: Mapping[str, Any], lang: Lang) -> Existence:
    ignorecase = bool(options.get("ignorecase", True))
    patterns = tuple(regex.compile(p, lang.flags(ignorecase)) for p in option_list(options, "patterns"))
    return Existence(lang.tokens(option_list(options, "tokens"), ignorecase), patterns)


def check(segment: Segment, compiled: Existence) -> Iterable[Match]:
    tokens = compiled.tokens
    text = segment.text
    out = [found(start, end, MESSAGE, match=text[start:end]) for start, end, _ in tokens.matches(text)] \
        if tokens.may_match(segment.folded if tokens.ignorecase else text) else []
    for pattern in compiled.patterns:
        for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
            if m.end() > m.start():
                out.append(found(m.start(), m.end(), MESSAGE, match=m.group()))
    return out
