"""Bluesky records without the network: the deterministic record key (a TID) of a part,
the checks on its media, and the `app.bsky.feed.post` record itself.

A TID is 13 characters of base32-sortable text encoding a 64-bit number whose top bit is
zero, then 53 bits of microseconds since the Unix epoch, then a 10-bit clock id. The key
of a part is derived from its idempotency key and the post's time: the same part always
gets the same key, so the server refuses a second copy, and the key's time lies within
the second the post was scheduled for.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialops.adapters.base import OutgoingMedia, OutgoingPart, PlatformError

POST = "app.bsky.feed.post"
MENTION = "app.bsky.richtext.facet#mention"
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 2_000_000
MAX_THUMB_BYTES = 1_000_000
MAX_LANGS = 3

_S32 = "234567abcdefghijklmnopqrstuvwxyz"
_MAX_MICROS = 1 << 53


def tid(micros: int, clock_id: int) -> str:
    """The TID for a time in microseconds since the epoch and a clock id (0-1023)."""
    if not 0 <= micros < _MAX_MICROS or not 0 <= clock_id < 1024:
        raise ValueError(f"no TID for time {micros} and clock id {clock_id}")
    value = (micros << 10) | clock_id
    return "".join(_S32[(value >> shift) & 31] for shift in range(60, -1, -5))


def tid_parts(key: str) -> tuple[int, int]:
    """(microseconds since the epoch, clock id) of a TID."""
    value = 0
    for char in key:
        value = value * 32 + _S32.index(char)
    return value >> 10, value & 0x3FF


def tid_time(key: str) -> datetime:
    """The time encoded in a TID."""
    return datetime.fromtimestamp(tid_parts(key)[0] / 1_000_000, UTC)


def record_key(part: OutgoingPart) -> str:
    """The part's record key: its post's second, plus microseconds and a clock id taken
    from a hash of its idempotency key (post, channel, part and content)."""
    if part.published_at is None:
        raise PlatformError(f"post '{part.post_id}' part {part.index + 1}: no post time, so no "
                            "record key can be derived (this is a bug in socialops)")
    key = part.idempotency_key or f"{part.post_id}\n{part.channel}\n{part.index}\n{part.text}"
    digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    at = part.published_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    second = math.floor(at.timestamp())
    micros = second * 1_000_000 + (digest >> 10) % 1_000_000
    return tid(micros, digest & 0x3FF)


def parse_at_uri(uri: str) -> tuple[str, str, str]:
    """(repo did, collection, record key) of an at:// uri."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise PlatformError(f"'{uri}' is not the at:// address of a Bluesky record")
    return parts[0], parts[1], parts[2]


def check_media(part: OutgoingPart, root: Path, *,
                with_card: bool = False) -> list[tuple[OutgoingMedia, bytes]]:
    """The part's images with their bytes, or a clear refusal before anything is sent."""
    where = f"post '{part.post_id}' part {part.index + 1}"
    media = list(part.media)
    if len(media) > MAX_IMAGES:
        raise PlatformError(f"{where} has {len(media)} images; Bluesky takes at most {MAX_IMAGES} "
                            "per post (move some to another thread part)")
    if media and with_card:
        raise PlatformError(f"{where} has both images and a link card; a Bluesky post shows "
                            "one or the other (remove `link_card` or the images)")
    loaded = []
    for item in media:
        name = _shown_path(item.path, root)
        if not item.mime.startswith("image/"):
            raise PlatformError(f"{where}: {name} is {item.mime}; this Bluesky channel posts "
                                "images only")
        data = _read(item.path, name, where)
        if len(data) > MAX_IMAGE_BYTES:
            raise PlatformError(f"{where}: {name} is {len(data) / 1e6:.1f} MB; Bluesky takes "
                                f"images up to {MAX_IMAGE_BYTES / 1e6:.0f} MB (make it smaller)")
        loaded.append((item, data))
    return loaded


def link_card(options: Mapping[str, Any]) -> dict[str, Any] | None:
    """The `link_card` option as {uri, title, description, thumb?}: a URL or a mapping."""
    card = options.get("link_card")
    if card is None or card is False:
        return None
    if isinstance(card, str):
        return {"uri": card, "title": "", "description": ""}
    if isinstance(card, Mapping) and isinstance(card.get("uri") or card.get("url"), str):
        return {"uri": card.get("uri") or card.get("url"), "title": str(card.get("title") or ""),
                "description": str(card.get("description") or ""), "thumb": card.get("thumb")}
    raise PlatformError("the bluesky option `link_card` must be a URL or a mapping with `uri`, "
                        "`title`, `description` and optionally `thumb` (an image path)")


def read_thumb(path: str, root: Path) -> bytes:
    data = _read(root / path, path, "the link card")
    if len(data) > MAX_THUMB_BYTES:
        raise PlatformError(f"the link card's thumb {path} is {len(data) / 1e6:.1f} MB; Bluesky "
                            f"takes up to {MAX_THUMB_BYTES / 1e6:.0f} MB")
    return data


def langs(part: OutgoingPart) -> list[str]:
    given = part.options.get("langs")
    if isinstance(given, str):
        given = [given]
    if isinstance(given, Sequence) and given:
        return [str(lang) for lang in given][:MAX_LANGS]
    return [part.lang] if part.lang else []


def post_record(part: OutgoingPart, created_at: datetime, *, facets: list[dict[str, Any]],
                reply: dict[str, Any] | None, embed: dict[str, Any] | None) -> dict[str, Any]:
    record: dict[str, Any] = {"$type": POST, "text": part.text, "createdAt": iso(created_at)}
    if part_langs := langs(part):
        record["langs"] = part_langs
    if facets:
        record["facets"] = facets
    if reply:
        record["reply"] = reply
    if embed:
        record["embed"] = embed
    return record


def iso(at: datetime) -> str:
    """An AT Protocol datetime: UTC with milliseconds and a Z."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _read(path: Path, name: str, where: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PlatformError(f"{where}: cannot read {name} ({exc.strerror})") from None


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
