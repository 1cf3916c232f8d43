"""One module per platform, each declaring its limit, counting, escaping and media rules
with the sources they come from; registered here by platform name."""

from __future__ import annotations

from socialops.platforms import (
    bluesky,
    discord,
    feed,
    linkedin,
    mastodon,
    slack,
    telegram,
    threads,
    webhook,
    x,
)
from socialops.platforms.base import Count, MediaKind, MediaRules, Platform

PLATFORMS: dict[str, Platform] = {
    "feed": feed.PLATFORM,
    "mastodon": mastodon.PLATFORM,
    "bluesky": bluesky.PLATFORM,
    "x": x.PLATFORM,
    "linkedin": linkedin.PLATFORM,
    "threads": threads.PLATFORM,
    "discord": discord.PLATFORM,
    "slack": slack.PLATFORM,
    "telegram": telegram.PLATFORM,
    "webhook": webhook.PLATFORM,
}

__all__ = ["PLATFORMS", "Count", "MediaKind", "MediaRules", "Platform"]
