"""Telegram (Bot API, sendMessage with parse_mode HTML).

The text is sent with `parse_mode: HTML`, so `&`, `<` and `>` are escaped as entities; the
limit counts the text after entity parsing ("1-4096 characters after entities parsing",
core.telegram.org/bots/api#sendmessage), so the escapes do not count.

Unit: the Bot API server (TDLib, MessageContent.cpp) refuses a bot's text whose
`utf8_length` (code points) exceeds the option message_text_length_max (4096); Telegram's
entity offsets and its own clients' message splitting use UTF-16 code units. socialops
counts UTF-16 code units, the stricter of the two, so nothing lint passes is refused.

With media the text becomes the caption of the photo or album: at most 1024 characters
(TDLib's message_caption_length_max default). Photos up to 10 MB, other files up to 50 MB,
albums (sendMediaGroup) of up to 10 items; GIFs (sendAnimation) cannot be grouped.
Telegram has no alt text. Threads: each part replies to the previous (reply_parameters).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from socialops.platforms.base import (
    MB,
    Count,
    MediaKind,
    MediaRules,
    Platform,
    escape_html,
    utf16_units,
)

LIMIT = 4096
CAPTION_LIMIT = 1024


def count(text: str, options: Mapping[str, Any]) -> Count:
    """Length of the text as Telegram shows it: entities parsed."""
    return Count(utf16_units(html.unescape(text) if "&" in text else text))


PLATFORM = Platform(
    name="telegram",
    label="Telegram",
    limit=LIMIT,
    caption_limit=CAPTION_LIMIT,
    unit="characters",
    count=count,
    escape=escape_html,
    threads=True,
    media=MediaRules(
        max_items=10,
        kinds=(
            MediaKind("image", ("jpg", "jpeg", "png", "webp"), 10 * MB),
            MediaKind("gif", ("gif",), 50 * MB, alone=True),
            MediaKind("video", ("mp4", "mov"), 50 * MB),
            MediaKind("audio", ("mp3", "m4a", "ogg", "oga", "opus", "flac", "wav"), 50 * MB, alone=True),
        ),
        alt_supported=False,
    ),
)
