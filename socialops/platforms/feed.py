"""The Atom feed written into the repository: no length limit (RFC 4287 sets none); the
feed adapter escapes XML itself. A thread becomes one entry holding its parts in order;
media become enclosure links with their alt text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialops.platforms.base import Count, MediaKind, MediaRules, Platform


def count(text: str, options: Mapping[str, Any]) -> Count:
    return Count(len(text))


PLATFORM = Platform(
    name="feed",
    label="Atom feed",
    limit=None,
    unit="characters",
    count=count,
    threads=True,
    media=MediaRules(max_items=1000, kinds=(MediaKind("file", ()),)),
)
