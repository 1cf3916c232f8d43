"""Slack (incoming webhook): `text` with `& < >` escaped, truncated above 40,000 characters.

docs.slack.dev (formatting text for app surfaces): escape `&` as `&amp;`, `<` as `&lt;`,
`>` as `&gt;`; the `text` field is truncated beyond 40,000 characters. The unit is not
documented; socialops counts the escaped text in code points (the entities count in full).
An incoming webhook returns no message timestamp, so it can neither thread nor attach files
(files need a bot token), hence no threads and no media.
"""

from __future__ import annotations

from socialops.platforms.base import MediaRules, Platform, code_points, escape_html

LIMIT = 40_000


PLATFORM = Platform(
    name="slack",
    label="Slack",
    limit=LIMIT,
    unit="characters",
    count=code_points,
    escape=escape_html,
    threads=False,
    thread_hint="a Slack incoming webhook cannot post threads (it returns no message id to reply to)",
    media=MediaRules(max_items=0),
)
