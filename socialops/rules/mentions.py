"""Mentions: how many, and which accounts must never be mentioned.

Finds @user, @user@instance.social (Mastodon) and @handle.bsky.social (Bluesky).
- `max`: at most this many mentions in each thread part (the first one over is reported);
- `banned`: accounts that must not be mentioned, compared regardless of case; an entry
  without a domain also matches that user on any instance.

Reads the body and every variant (not alt text).

    - {id: mentions, kind: mentions, level: warning, max: 5, banned: ["@competitor"]}

Message variables: {match} (the mention), {count}, {max}.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from socialops.rules.base import (
    POST_TEXT,
    Match,
    Segment,
    found,
    on_first_use,
    option_list,
    over_limit,
)
from socialops.rules.lang import Lang

KIND = "mentions"
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ()
READS = POST_TEXT
TOO_MANY = "Too many mentions ({count}, at most {max}): '{match}'."
BANNED = "Do not mention '{match}'."
OPTIONS: dict[str, dict[str, Any]] = {
    "max": {"description": "At most this many mentions in each thread part.", "type": "integer", "minimum": 0},
    "banned": {
        "description": "Accounts that must not be mentioned (@user, @user@instance, @handle.bsky.social).",
        "type": "array", "items": {"type": "string", "minLength": 1},
    },
}

MENTION = on_first_use(r"@\w+(?:[.-]\w+)*(?:@\w+(?:[.-]\w+)+)?")
NOT_BEFORE = on_first_use(r"[\w@/.+-]")  # an '@' after one of these starts no mention (e-mail)


@dataclass(frozen=True)
class Mentions:
    max: int | None
    banned: frozenset[str]
    lang: Lang


def compile(options: Mapping[str, Any], lang: Lang) -> Mentions:
    maximum = options.get("max")
    banned = frozenset(lang.fold(b.lstrip("@")) for b in option_list(options, "banned"))
    return Mentions(maximum if isinstance(maximum, int) else None, banned, lang)


def check(segment: Segment, compiled: Mentions) -> Iterable[Match]:
    return _check(segment, compiled) if "@" in segment.text else ()


def _check(segment: Segment, compiled: Mentions) -> Iterator[Match]:
    text = segment.text
    not_before = NOT_BEFORE()
    mentions = [m for m in MENTION().finditer(text) if not (m.start() and not_before.match(text, m.start() - 1))]
    if compiled.banned:
        for m in mentions:
            handle = compiled.lang.fold(m.group()[1:])
            if handle in compiled.banned or handle.split("@")[0] in compiled.banned:
                yield found(m.start(), m.end(), BANNED, match=m.group())
    if compiled.max is not None and len(mentions) > compiled.max:
        yield from over_limit(mentions, segment.parts, compiled.max, TOO_MANY)
