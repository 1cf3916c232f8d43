"""Emoji: how many each thread part may have.

Counts emoji as people see them: one grapheme cluster each, so a family, a flag, a
keycap or a thumbs-up with a skin tone counts once. Symbols that are shown as text by
default (©, ™) count only when written with the emoji presentation selector.
The first emoji over the limit is reported.

Reads the body and every variant (not alt text).

    - {id: emoji, kind: emoji, level: suggestion, max: 2, scope: {platforms: [linkedin]}}

Message variables: {match} (the first emoji over the limit), {count}, {max}.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from socialops.rules.base import POST_TEXT, Match, Segment, found, on_first_use
from socialops.rules.lang import Lang

KIND = "emoji"
MESSAGE = "Too many emoji ({count}, at most {max}): '{match}'."
REQUIRED: tuple[str, ...] = ("max",)
PATTERNS: tuple[str, ...] = ()
READS = POST_TEXT
OPTIONS: dict[str, dict[str, Any]] = {
    "max": {"description": "At most this many emoji in each thread part.", "type": "integer", "minimum": 0},
}

EMOJI = on_first_use(
    r"(?=\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}"
    r"|[#*0-9]\uFE0F?\u20E3)\X"
)
# Every emoji holds a character of these ranges (its first one, or a keycap's U+20E3),
# so a text with no more of them than the limit allows has nothing to report. The ranges
# hold every Emoji_Presentation, Extended_Pictographic and Regional_Indicator character
# (tests/rules/test_emoji.py checks them against `regex`'s tables).
MAYBE_EMOJI = re.compile(r"[\u00a9\u00ae\u203c-\u2bff\u3030\u303d\u3297\u3299\U0001F000-\U0001FFFF]")


def compile(options: Mapping[str, Any], lang: Lang) -> int:
    return int(options["max"])


def check(segment: Segment, compiled: int) -> Iterable[Match]:
    text = segment.text
    if text.isascii() or len(MAYBE_EMOJI.findall(text)) <= compiled:
        return ()
    return _check(segment, compiled)


def _check(segment: Segment, compiled: int) -> Iterator[Match]:
    text = segment.text
    for start, end in segment.parts:
        emoji = list(EMOJI().finditer(text, start, end))
        if len(emoji) > compiled:
            over = emoji[compiled]
            yield found(over.start(), over.end(), MESSAGE, match=over.group(), count=len(emoji), max=compiled)
