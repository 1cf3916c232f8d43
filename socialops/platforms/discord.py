"""Discord (webhook): `content` of at most 2000 characters, counted in code points.

discord-api-docs (Execute Webhook): content up to 2000 characters; the unit is Unicode code
points (maintainer answer, discord/discord-api-docs#1315). Files: up to 10 attachments of at
most 10 MiB each by default (more on boosted servers), `description` (alt text) up to 1024.
A webhook cannot reply to its own message, so threads of posts are impossible.
"""

from __future__ import annotations

from socialops.platforms.base import MediaKind, MediaRules, MiB, Platform, code_points

LIMIT = 2000


PLATFORM = Platform(
    name="discord",
    label="Discord",
    limit=LIMIT,
    unit="characters",
    count=code_points,
    threads=False,
    thread_hint="a Discord webhook cannot post threads (it cannot reply to its own messages)",
    media=MediaRules(max_items=10, kinds=(MediaKind("file", (), 10 * MiB),), alt_max=1024),
)
