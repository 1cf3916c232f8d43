"""The Atom feed written into the repository: no length limit (RFC 4287 sets none); the
feed adapter escapes XML itself. A thread becomes one entry holding its parts in order;
media become enclosure links with their alt text."""

from __future__ import annotations

from socialops.platforms.base import MediaKind, MediaRules, Platform, code_points

PLATFORM = Platform(
    name="feed",
    label="Atom feed",
    limit=None,
    unit="characters",
    count=code_points,
    threads=True,
    media=MediaRules(max_items=1000, kinds=(MediaKind("file", ()),)),
)
