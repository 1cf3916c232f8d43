"""The `feed` platform: an Atom feed (RFC 4287) kept as a file in the repository.

```yaml
feed: {platform: feed, path: feed.xml, title: Acme news, link: https://acme.example,
       author: Acme, media_base: https://acme.example/}   # author and media_base optional
```

One entry per post, newest first. The entry's id is a tag URI (RFC 4151) made of the
link's host, the post's publish date, the channel and the post id, so it never changes.
A thread's parts become one entry whose content is the full text. Media are enclosure
links (with the alt text as their title). The output depends only on what was published,
so two runs write the same bytes; retracting removes the entry.
"""

from __future__ import annotations

import mimetypes
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from socialops.adapters import ChannelSetupError
from socialops.adapters.base import OutgoingPart, PlatformError, PublishedRef, Verification
from socialops.model import Channel, inside_repo

ATOM = "http://www.w3.org/2005/Atom"
NS = "https://socialops.dev/ns/feed"  # our one extension attribute: how many parts an entry holds
ET.register_namespace("", ATOM)
ET.register_namespace("socialops", NS)

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _a(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


@dataclass
class Enclosure:
    href: str
    type: str
    length: int | None
    title: str | None


@dataclass
class Entry:
    id: str
    title: str
    published: datetime
    text: str
    parts: int = 1
    link: str | None = None
    enclosures: list[Enclosure] = field(default_factory=list)


class FeedAdapter:
    platform: ClassVar[str] = "feed"
    secret_options: ClassVar[tuple[str, ...]] = ()
    exact_lookup: ClassVar[bool] = True  # found by a key derived from the part, not by text
    #: publishing is an idempotent write into the repository: it may be replayed safely
    writes_files: ClassVar[bool] = True

    def __init__(self, channel: Channel, client: Any, secrets: Any, root: Path) -> None:
        rel = str(channel.options.get("path") or "feed.xml")
        if not inside_repo(root, rel):
            raise ChannelSetupError(f"channel '{channel.name}': the feed path '{rel}' leaves the "
                                    "repository; write a path such as feed.xml or public/feed.xml")
        self.channel = channel
        self.root = root
        self.rel = rel
        self.path = root / rel
        self.title = str(channel.options.get("title") or channel.name)
        self.link = _str(channel.options.get("link"))
        self.author = str(channel.options.get("author") or self.title)
        self.media_base = _str(channel.options.get("media_base")) or self.link

    def files(self) -> list[Path]:
        return [self.path]

    # ---- the adapter interface ---------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        entry_id = self.entry_id(part)
        with _lock(self.path):
            entries = self._read()
            entry = entries.get(entry_id)
            if part.index == 0 and entry is None:
                entries[entry_id] = self._new_entry(entry_id, part)
            elif entry is None or entry.parts < part.index:
                raise PlatformError(f"the feed has no entry for part {part.index} of "
                                    f"'{part.post_id}' to continue (part {part.index} comes first)")
            elif entry.parts == part.index:
                entry.text = f"{entry.text}\n\n{part.text}"
                entry.enclosures += self._enclosures(part)
                entry.parts += 1
            self._write(entries)
        return self.ref(part)

    def delete(self, ref: PublishedRef) -> None:
        entry_id = ref.id.split("#", 1)[0]
        with _lock(self.path):
            entries = self._read()
            if entries.pop(entry_id, None) is not None:
                self._write(entries)

    def verify(self) -> Verification:
        try:
            count = len(self._read())
        except PlatformError as exc:
            return Verification(False, self.rel, None, exc.message)
        return Verification(True, self.rel, None, f"{self.rel} in the repository ({count} entries)")

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        """The feed is a local file, so it always knows for sure."""
        with _lock(self.path):
            entry = self._read().get(self.entry_id(part))
        if entry is None or entry.parts <= part.index:
            return None
        return self.ref(part)

    # ---- entries ---------------------------------------------------------------------------
    def entry_id(self, part: OutgoingPart) -> str:
        host = urlsplit(self.link).hostname if self.link else None
        day = (part.published_at or _EPOCH).astimezone(UTC).strftime("%Y-%m-%d")
        return f"tag:{host or 'localhost'},{day}:{self.channel.name}/{part.post_id}"

    def ref(self, part: OutgoingPart) -> PublishedRef:
        entry_id = self.entry_id(part)
        return PublishedRef(entry_id if part.index == 0 else f"{entry_id}#part-{part.index + 1}",
                            self.link)

    def _new_entry(self, entry_id: str, part: OutgoingPart) -> Entry:
        return Entry(entry_id, _title(part), (part.published_at or _EPOCH).astimezone(UTC),
                     part.text, 1, self.link, self._enclosures(part))

    def _enclosures(self, part: OutgoingPart) -> list[Enclosure]:
        out: list[Enclosure] = []
        for media in part.media:
            rel = media.path.relative_to(self.root).as_posix() if media.path.is_absolute() \
                else media.path.as_posix()
            href = urljoin(self.media_base.rstrip("/") + "/", rel) if self.media_base else rel
            size = media.path.stat().st_size if media.path.is_file() else None
            mime = media.mime or mimetypes.guess_type(rel)[0] or "application/octet-stream"
            out.append(Enclosure(href, mime, size, media.alt))
        return out

    # ---- the file ----------------------------------------------------------------------------
    def _read(self) -> dict[str, Entry]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise PlatformError(f"{self.rel} is not valid XML ({exc}); fix or delete it") from None
        if root.tag != _a("feed"):
            raise PlatformError(f"{self.rel} is not an Atom feed; point the channel at another path")
        return {e.id: e for e in map(_parse_entry, root.findall(_a("entry"))) if e is not None}

    def _write(self, entries: dict[str, Entry]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_bytes(render_feed(self, sorted(entries.values(), key=_newest_first)))
        tmp.replace(self.path)


def render_feed(feed: FeedAdapter, entries: list[Entry]) -> bytes:
    root = ET.Element(_a("feed"))
    ET.SubElement(root, _a("id")).text = feed.link or f"tag:localhost,1970-01-01:{feed.channel.name}"
    ET.SubElement(root, _a("title")).text = feed.title
    newest = max((e.published for e in entries), default=_EPOCH)
    ET.SubElement(root, _a("updated")).text = _time(newest)
    if feed.link:
        ET.SubElement(root, _a("link"), {"rel": "alternate", "href": feed.link})
    ET.SubElement(ET.SubElement(root, _a("author")), _a("name")).text = feed.author
    ET.SubElement(root, _a("generator")).text = "socialops"
    for entry in entries:
        node = ET.SubElement(root, _a("entry"))
        ET.SubElement(node, _a("id")).text = entry.id
        ET.SubElement(node, _a("title")).text = entry.title
        ET.SubElement(node, _a("published")).text = _time(entry.published)
        ET.SubElement(node, _a("updated")).text = _time(entry.published)
        if entry.link:
            ET.SubElement(node, _a("link"), {"rel": "alternate", "href": entry.link})
        for enc in entry.enclosures:
            attrs = {"rel": "enclosure", "href": enc.href, "type": enc.type}
            if enc.length is not None:
                attrs["length"] = str(enc.length)
            if enc.title:
                attrs["title"] = enc.title
            ET.SubElement(node, _a("link"), attrs)
        content = ET.SubElement(node, _a("content"), {"type": "text", f"{{{NS}}}parts": str(entry.parts)})
        content.text = _XML_INVALID.sub("", entry.text)
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _parse_entry(node: ET.Element) -> Entry | None:
    entry_id = node.findtext(_a("id"))
    published = node.findtext(_a("published")) or node.findtext(_a("updated"))
    content = node.find(_a("content"))
    if not entry_id or not published or content is None:
        return None
    try:
        when = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    link, enclosures = None, []
    for item in node.findall(_a("link")):
        if item.get("rel") == "enclosure":
            length = item.get("length")
            enclosures.append(Enclosure(item.get("href", ""), item.get("type", ""),
                                        int(length) if length and length.isdigit() else None,
                                        item.get("title")))
        elif item.get("rel", "alternate") == "alternate":
            link = item.get("href")
    parts = content.get(f"{{{NS}}}parts", "1")
    return Entry(entry_id, node.findtext(_a("title")) or "", when, content.text or "",
                 int(parts) if parts.isdigit() else 1, link, enclosures)


def _title(part: OutgoingPart) -> str:
    if part.title:
        return part.title
    first = next((line.strip() for line in part.text.splitlines() if line.strip()), "")
    return first if len(first) <= 100 else first[:99].rstrip() + "…"


def _newest_first(entry: Entry) -> tuple[float, str]:
    return (-entry.published.timestamp(), entry.id)


def _time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _str(value: Any) -> str | None:
    return str(value) if value else None


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


ADAPTER = FeedAdapter
