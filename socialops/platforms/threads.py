"""Threads (Meta): at most 500 characters and at most 5 links.

Meta's Threads Posts page (developers.facebook.com/documentation/threads/posts, 2026-04):
"Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8 bytes."
Which unit the other characters are counted in is not stated; socialops counts each emoji
(a grapheme cluster with a pictographic or regional-indicator character, or a keycap) as its
UTF-8 bytes and every other code point as 1.

Links (Text Attachments page): "posts containing more than 5 links will fail ... with
THREADS_API__LINK_LIMIT_EXCEEDED"; all unique URLs in the text count, bare domains such as
www.example.com included (found here with twitter-text's extractor), and so does the
post's `link_attachment` (the link preview the post option `threads: {link_attachment:}`
sends) unless the text holds the same URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from socialops.platforms.base import (
    MB,
    Count,
    MediaKind,
    MediaRules,
    Platform,
    clusters,
    segment_windows,
)

LIMIT = 500
MAX_LINKS = 5
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")


def count(text: str, options: Mapping[str, Any]) -> Count:
    """Code points, plus for each emoji cluster its UTF-8 bytes in place of its code points."""
    total = len(text)
    if text.isascii() or not _EMOJI.search(text):
        return Count(total)
    for start, end in segment_windows(text):
        for cluster in clusters(text, start, end):
            if _EMOJI.search(cluster):
                total += len(cluster.encode("utf-8")) - len(cluster)
    return Count(total)


def links(text: str) -> list[str]:
    """The unique URLs Threads counts towards its 5-link limit, in order."""
    from socialops.platforms.x import urls

    return list(dict.fromkeys(url for _, _, url in urls(text)))


def text_checks(text: str, options: Mapping[str, Any]) -> list[str]:
    attachment = str(options.get("link_attachment") or "").strip()
    if text.count(".") + (1 if attachment else 0) <= MAX_LINKS:  # each link holds a '.' of its own
        return []
    found = links(text)
    if attachment and attachment not in found:
        found.append(attachment)
    if len(found) > MAX_LINKS:
        counted = " (link_attachment included)" if attachment else ""
        return [f"{len(found)} links{counted}; Threads refuses posts with more than {MAX_LINKS} "
                f"(THREADS_API__LINK_LIMIT_EXCEEDED): remove {len(found) - MAX_LINKS}"]
    return []


PLATFORM = Platform(
    name="threads",
    label="Threads",
    limit=LIMIT,
    unit="characters",
    count=count,
    text_checks=text_checks,
    threads=True,  # reply_to_id = the previous post
    # Meta's media specifications: JPEG/PNG images up to 8 MB, MOV/MP4 video up to 1 GB;
    # carousels of 2-20 items. alt_text limit 1000 (UNVERIFIED: third-party docs only).
    media=MediaRules(
        max_items=20,
        kinds=(
            MediaKind("image", ("jpg", "jpeg", "png"), 8 * MB),
            MediaKind("video", ("mp4", "mov"), 1000 * MB),
        ),
        alt_max=1000,
    ),
)
