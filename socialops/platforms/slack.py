"""Slack (incoming webhook): `text` with `& < >` escaped, truncated above 40,000 characters.

docs.slack.dev (formatting text for app surfaces): escape `&` as `&amp;`, `<` as `&lt;`,
`>` as `&gt;`; the `text` field is truncated beyond 40,000 characters. The unit is not
documented; socialops counts the escaped text in code points (the entities count in full).
An incoming webhook returns no message timestamp, so it can neither thread nor attach files
(files need a bot token), hence no threads and no media.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialops.platforms.base import Count, MediaRules, Platform

LIMIT = 40_000


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def count(text: str, options: Mapping[str, Any]) -> Count:
    return Count(len(text))


PLATFORM = Platform(
    name="slack",
    label="Slack",
    limit=LIMIT,
    unit="characters",
    count=count,
    escape=escape,
    threads=False,
    thread_hint="a Slack incoming webhook cannot post threads (it returns no message id to reply to)",
    media=MediaRules(max_items=0),
)
