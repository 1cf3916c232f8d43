"""A generic webhook: the parts are POSTed as JSON to the channel's URL. No limits of its
own: the receiver decides. Threads are sent as the ordered list of parts; media as paths
(with alt text), any type and size."""

from __future__ import annotations

from socialops.platforms.base import MediaKind, MediaRules, Platform, code_points

PLATFORM = Platform(
    name="webhook",
    label="Webhook",
    limit=None,
    unit="characters",
    count=code_points,
    threads=True,
    media=MediaRules(max_items=1000, kinds=(MediaKind("file", ()),)),
)
