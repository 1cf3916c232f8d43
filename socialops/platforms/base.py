"""What every platform module declares: its limit, how it counts, how it escapes, which
media and whether threads are possible. Plain data plus a few functions; no I/O.

The counting helpers here are shared by several platforms and have fast paths for ASCII
text, so lint stays quick on ordinary posts (see bench/counting.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import regex


@cache
def _grapheme() -> regex.Pattern[str]:
    """Extended grapheme clusters (UAX #29) as the `regex` module implements them (Unicode
    15.1+ rules, including GB9c: "नमस्ते" is 3 clusters, as the Bluesky PDS counts it).
    Compiled on first use: ASCII text never needs it."""
    import regex

    return regex.compile(r"\X")


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def graphemes(text: str) -> int:
    """Number of extended grapheme clusters, the same as `len(regex.findall(r"\\X", text))`."""
    if text.isascii():
        return len(text) - text.count("\r\n")
    total, last = 0, 0
    for start, end in segment_windows(text):
        between = text[last:start]
        total += len(between) - between.count("\r\n") + len(_grapheme().findall(text, start, end))
        last = end
    between = text[last:]
    return total + len(between) - between.count("\r\n")


def segment_windows(text: str) -> list[tuple[int, int]]:
    """The stretches of `text` that need the grapheme segmenter, each starting and ending at
    a cluster boundary. Between two ASCII characters there is always a boundary except
    inside CR LF, and no grapheme rule looks across an ASCII character for context; so only
    the non-ASCII runs need it, each with one ASCII neighbour on either side (a combining
    mark or a prepended character may join it), never cutting a CR LF. Outside the windows
    every character is its own cluster, CR LF one."""
    windows: list[tuple[int, int]] = []
    for run in _NON_ASCII_RUN.finditer(text):
        start, end = max(run.start() - 1, 0), min(run.end() + 1, len(text))
        if start > 0 and text[start - 1: start + 1] == "\r\n":
            start -= 1
        if end < len(text) and text[end - 1: end + 1] == "\r\n":
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def clusters(text: str, start: int, end: int) -> list[str]:
    """The grapheme clusters of text[start:end], a window from `segment_windows`."""
    return list(_grapheme().findall(text, start, end))


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units (what Java and JavaScript call a string's length)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Count:
    """A text measured the way one platform measures it."""

    length: int
    bytes: int | None = None  # only where the platform limits bytes too (Bluesky)
    invalid: str | None = None  # why the platform refuses the text whatever its length


# ---- media ---------------------------------------------------------------------------------

# Extension -> (MIME type, kind). Kinds: image, gif, video, audio. Anything else is "file".
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "jpg": ("image/jpeg", "image"),
    "jpeg": ("image/jpeg", "image"),
    "png": ("image/png", "image"),
    "webp": ("image/webp", "image"),
    "heic": ("image/heic", "image"),
    "heif": ("image/heif", "image"),
    "avif": ("image/avif", "image"),
    "gif": ("image/gif", "gif"),
    "mp4": ("video/mp4", "video"),
    "m4v": ("video/x-m4v", "video"),
    "mov": ("video/quicktime", "video"),
    "webm": ("video/webm", "video"),
    "mp3": ("audio/mpeg", "audio"),
    "ogg": ("audio/ogg", "audio"),
    "oga": ("audio/ogg", "audio"),
    "opus": ("audio/opus", "audio"),
    "wav": ("audio/wav", "audio"),
    "flac": ("audio/flac", "audio"),
    "m4a": ("audio/mp4", "audio"),
}


def extension(path: str) -> str:
    """The file name's extension in lower case, without the dot ('' when it has none)."""
    return path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""


def media_type(path: str) -> tuple[str, str]:
    """(MIME type, kind) of a media file, by its extension."""
    return MEDIA_TYPES.get(extension(path), ("application/octet-stream", "file"))


MiB = 1024 * 1024
MB = 1000 * 1000


@dataclass(frozen=True, slots=True)
class MediaKind:
    """One kind of media a platform takes, e.g. images up to 5 MB."""

    kind: str  # image | gif | video | audio | file
    extensions: tuple[str, ...]  # accepted file extensions (lower case); () = any
    max_bytes: int | None = None
    alone: bool = False  # must be the only media item of its post (X video, Mastodon video)

    def accepts(self, path: str) -> bool:
        return not self.extensions or extension(path) in self.extensions


@dataclass(frozen=True, slots=True)
class MediaRules:
    max_items: int  # per post (per thread part); 0 = the platform takes no media
    kinds: tuple[MediaKind, ...] = ()
    alt_max: int | None = None  # longest alt text, None = no limit (see alt_supported)
    alt_supported: bool = True  # False: the platform has no alt text field

    def kind_for(self, path: str) -> MediaKind | None:
        _, kind = media_type(path)
        for candidate in self.kinds:
            if candidate.kind in (kind, "file") and candidate.accepts(path):
                return candidate
        return None

    def describe(self) -> str:
        """'JPEG/PNG images up to 8 MB, MP4/MOV video up to 1 GB' for messages."""
        out = []
        for k in self.kinds:
            exts = "/".join(e.upper() for e in k.extensions) or "any"
            size = f" up to {human_size(k.max_bytes)}" if k.max_bytes else ""
            out.append(f"{exts} {k.kind}{size}")
        return ", ".join(out)


def human_size(n: int) -> str:
    """'16 MiB', '5 MB' for round limits; '5.2 MB' or '310 kB' for file sizes."""
    for unit, size in (("GiB", 1024**3), ("GB", 1000**3), ("MiB", MiB), ("MB", MB)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n / MB:.1f} MB" if n >= MB else f"{max(n // 1000, 1)} kB"


def code_points(text: str, options: Mapping[str, Any]) -> Count:
    """Length in Unicode code points (Discord, Slack, the feed, webhooks)."""
    return Count(len(text))


def escape_html(text: str) -> str:
    """`&`, `<` and `>` as HTML entities, quotes left as they are (Slack, Telegram)."""
    import html  # here: html.entities, its table of every entity, is loaded with it

    return html.escape(text, quote=False)


def _identity(text: str) -> str:
    return text


def _no_checks(text: str, options: Mapping[str, Any]) -> list[str]:
    return []


@dataclass(frozen=True)
class Platform:
    """One platform's rules. `count` takes the text exactly as sent (escaped) and the
    post's option block for this platform (e.g. Mastodon's spoiler_text)."""

    name: str
    label: str  # as people write it: "Mastodon", "X"
    limit: int | None  # default limit; a channel's max_length overrides it; None = none
    unit: str  # what `length` counts, for messages: "characters", "graphemes", ...
    count: Callable[[str, Mapping[str, Any]], Count]
    threads: bool
    media: MediaRules
    byte_limit: int | None = None
    escape: Callable[[str], str] = _identity
    facets: Callable[[str], list[dict[str, Any]]] | None = None
    text_checks: Callable[[str, Mapping[str, Any]], list[str]] = _no_checks
    caption_limit: int | None = None  # Telegram: with media the text is a caption
    thread_hint: str = ""  # why threads are impossible, for the lint message
    # for a platform whose threads depend on how the channel posts (Slack: a bot token can
    # thread, an incoming webhook cannot): whether this channel's options allow them
    channel_threads: Callable[[Mapping[str, Any]], bool] | None = None
    # An upper bound of count(escape(text)).length from the text as written, found without
    # the counting libraries, or None when it cannot tell: lint, which only asks whether a
    # part fits, takes it instead of escaping and counting when it is within the limit. The
    # platform's text_checks then see the text before escaping: give one only where they
    # would find the same (tests/platforms/test_length_bounds.py checks both). Where the
    # platform limits bytes too, a bound is given only for texts within that byte limit.
    length_bound: Callable[[str, Mapping[str, Any]], int | None] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
