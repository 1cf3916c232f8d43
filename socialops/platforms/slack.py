"""Slack (incoming webhook or bot token): `text` with `& < >` escaped, truncated above 40,000 characters.

docs.slack.dev (formatting text for app surfaces): escape `&` as `&amp;`, `<` as `&lt;`,
`>` as `&gt;`; the `text` field is truncated beyond 40,000 characters. The unit is not
documented; socialops counts the escaped text in code points (the entities count in full).
An incoming webhook returns no message timestamp, so it cannot thread; a channel posting
with a bot token (`token_env:` and `channel_id:`, chat.postMessage) gets the message's `ts`
back and posts the later parts into the first one's thread (`thread_ts`), so lint allows
threads there. socialops sends no files to Slack either way, hence no media.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialops.platforms.base import MediaRules, Platform, code_points, escape_html

LIMIT = 40_000


def channel_threads(options: Mapping[str, Any]) -> bool:
    """A bot-token channel can thread (the adapter sets `thread_ts`); a webhook cannot."""
    return bool(options.get("token_env"))


PLATFORM = Platform(
    name="slack",
    label="Slack",
    limit=LIMIT,
    unit="characters",
    count=code_points,
    escape=escape_html,
    threads=False,
    thread_hint=("a Slack incoming webhook cannot post threads (it returns no message id to reply "
                 "to; a channel with a bot token, `token_env:` and `channel_id:`, can)"),
    channel_threads=channel_threads,
    media=MediaRules(max_items=0),
)
