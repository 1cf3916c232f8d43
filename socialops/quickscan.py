"""A quick look at a post's front matter, for publish's selection in large repositories.

Publish must look at every post to find the few that are due. Most are not due (drafts,
later posts) or long published, and a full YAML parse of each costs more than everything
else together. This reads only the simple top-level lines `status:`, `publish_at:`,
`channels: [a, b]` and `id:`. Whenever the front matter is written in any way it does not
fully understand (a key twice, a block or flow value, anchors, a multi-line list), it
returns None and the caller reads the post properly: the quick look may only skip work,
never decide differently from the full read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from socialops.model import default_post_id

_KEYS = ("status", "publish_at", "channels", "id")
_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(.*?))?[ \t]*$")
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./:+-]*$")
_LIST = re.compile(r"^\[([^\[\]{}'\"#&*!|>]*)\]$")
_HEAD = 8192


@dataclass(frozen=True)
class QuickPost:
    path: str  # relative to the root
    id: str
    status: str
    publish_at: str | None
    channels: tuple[str, ...] | None  # None: the front matter names none


def quick_front(root: Path, path: Path) -> QuickPost | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
        text = head.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    found: dict[str, str | None] = {}
    for line in lines[1:]:
        if line.rstrip() == "---":
            break
        if not line.strip() or line.lstrip().startswith("#") or line[0] in " \t-":
            continue  # values of other keys (nested, lists) do not concern us
        match = _LINE.match(line)
        if match is None:
            return None  # a flow mapping, a complex key, a document marker...
        key, value = match.group(1), _value(match.group(2))
        if key in _KEYS:
            if key in found or value is _COMPLEX:
                return None
            found[key] = value
    else:
        return None  # no end of the front matter within the first 8 KiB: read it properly
    return _quick(root, path, found)


class _Complex(str):
    pass


_COMPLEX = _Complex("")


def _value(raw: str | None) -> str | None:
    if raw is None:
        return None
    raw = re.sub(r"[ \t]+#.*$", "", raw)
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner = raw[1:-1]
        return inner if _PLAIN.match(inner) else _COMPLEX
    if _PLAIN.match(raw) or _LIST.match(raw):
        return raw
    return _COMPLEX


def _quick(root: Path, path: Path, found: dict[str, str | None]) -> QuickPost | None:
    rel = path.relative_to(root).as_posix()
    channels: tuple[str, ...] | None = None
    raw = found.get("channels")
    if raw is not None:
        listed = _LIST.match(raw)
        names = [n.strip() for n in listed.group(1).split(",")] if listed else [raw]
        if not all(_PLAIN.match(n) for n in names):
            return None
        channels = tuple(names)
    elif "channels" in found:
        return None  # `channels:` with its list on the next lines
    status = found.get("status", "ready")
    if "status" in found and status is None:
        return None
    post_id = found.get("id") or default_post_id(rel)
    return QuickPost(rel, post_id, status or "ready", found.get("publish_at"), channels)
