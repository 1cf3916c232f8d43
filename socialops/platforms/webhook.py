"""A generic webhook: the parts are POSTed as JSON to the channel's URL. No limits of its
own: the receiver decides. Threads are sent as the ordered list of parts; media as paths
(with alt text), any type and size."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialops.platforms.base import Count, MediaKind, MediaRules, Platform


def count(text: str, options: Mapping[str, Any]) -> Count:
    return Count(len(text))


PLATFORM = Platform(
    name="webhook",
    label="Webhook",
    limit=None,
    unit="characters",
    count=count,
    threads=True,
    media=MediaRules(max_items=1000, kinds=(MediaKind("file", ()),)),
)
