"""The `feed` platform: an Atom feed (RFC 4287) kept as a file in the repository.

```yaml
feed: {platform: feed, path: feed.xml, title: Acme news, link: https://acme.example,
       permalink: "https://acme.example/news/{id}",     # optional: each post's own page
       feed_url: https://acme.example/feed.xml,         # optional: where the feed is served
       author: Acme, media_base: https://acme.example/} # optional
```

One entry per post, newest first. The entry's id is a tag URI (RFC 4151) made of the
link's host, the post's publish date, the channel and the post id, so it never changes.
An entry links to the post's page when the channel has a `permalink` pattern (`{id}`: the
post id, percent-encoded), otherwise to a fragment of the site's link made of the post id;
that address is also what publish records as the post's URL. The feed links to itself
(`rel="self"`: `feed_url`, or the file's path below `link`). A thread's parts become one
entry whose content is the full text, as HTML (`type="html"`: paragraphs, line breaks, the
images shown inline, all escaped); media are also enclosure links (the alt text as their
title), their URLs percent-encoded. The feed's `updated` is the newest entry's time, and
never earlier than the file said before (a retracted entry does not move it back). The
output depends only on what was published, so two runs write the same bytes; retracting
removes the entry.

Publishing 2,000 posts in a run must not read and write the whole file 2,000 times: the
file is read once and kept (with each entry's bytes) while it is unchanged, each published
part is appended to a journal beside the feed (`.feed.xml.pending`, one line), and the feed
is written once when the channel's run ends (`flush`). A run that dies before that leaves
the journal; the next run or retract replays it first, so an entry the ledger records as
published is never lost (bench/feed.py).
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import threading
import xml.etree.ElementTree as ET
from bisect import insort
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urljoin, urlsplit

from socialops.adapters import ChannelSetupError
from socialops.adapters.base import OutgoingPart, PlatformError, PublishedRef, Verification
from socialops.model import Channel, inside_repo
from socialops.safepaths import refusal

ATOM = "http://www.w3.org/2005/Atom"
NS = "https://socialops.dev/ns/feed"  # our one extension attribute: how many parts an entry holds
ET.register_namespace("", ATOM)
ET.register_namespace("socialops", NS)

_FILES: dict[Path, FeedFile] = {}
_FILES_GUARD = threading.Lock()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SAFE_URL = "/:@!$&'()*+,;=-._~"  # RFC 3986 characters kept as they are in a path


def _a(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


@dataclass
class Enclosure:
    href: str
    type: str
    length: int | None
    title: str | None


@dataclass
class FeedEntry:
    """One entry of the feed file: a published post part (its id, title, time, text, link and
    enclosures), as the feed shows it and as the feed's journal keeps it (`as_json`)."""

    id: str
    title: str
    published: datetime
    text: str
    parts: int = 1
    link: str | None = None
    enclosures: list[Enclosure] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "published": self.published.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedEntry:
        return cls(str(data["id"]), str(data["title"]), datetime.fromisoformat(data["published"]),
                   str(data["text"]), int(data["parts"]), data.get("link"),
                   [Enclosure(**e) for e in data.get("enclosures") or []])


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
        why = refusal(root, rel) or refusal(root, str(Path(rel).parent), folder=True)
        if why is not None:
            raise ChannelSetupError(f"channel '{channel.name}': the feed path '{rel}' cannot be "
                                    f"written: {why}; write a path such as feed.xml or public/feed.xml")
        self.channel = channel
        self.root = root
        self.rel = rel
        self.path = root / rel
        self.title = str(channel.options.get("title") or channel.name)
        self.link = _str(channel.options.get("link"))
        self.author = str(channel.options.get("author") or self.title)
        self.media_base = _str(channel.options.get("media_base")) or self.link
        self.permalink = _str(channel.options.get("permalink"))
        if self.permalink is not None and "{id}" not in self.permalink:
            raise ChannelSetupError(f"channel '{channel.name}': permalink '{self.permalink}' has no "
                                    "{id}; write it like https://acme.example/news/{id}")
        self.self_url = _str(channel.options.get("feed_url")) or (
            urljoin(self.link.rstrip("/") + "/", quote(Path(rel).as_posix())) if self.link else None)
        self.file = feed_file(self.path, rel)

    def files(self) -> list[Path]:
        return [self.path]

    # ---- the adapter interface ---------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        entry_id = self.entry_id(part)
        with self.file.lock:
            entries = self.file.load()
            entry = entries.get(entry_id)
            if part.index == 0 and entry is None:
                self.file.put(self._new_entry(entry_id, part))
            elif entry is None or entry.parts < part.index:
                raise PlatformError(f"the feed has no entry for part {part.index} of "
                                    f"'{part.post_id}' to continue (part {part.index} comes first)")
            elif entry.parts == part.index:
                entry.text = f"{entry.text}\n\n{part.text}"
                entry.enclosures += self._enclosures(part)
                entry.parts += 1
                self.file.put(entry)
        return self.ref(part)

    def flush(self) -> None:
        """Write the feed with everything published since it was last written."""
        with self.file.lock:
            self.file.write(self)

    def recover(self) -> None:
        """Write into the feed what a run that died before writing it had published (its
        journal), so that the ledger and the feed agree again."""
        with self.file.lock:
            if self.file.journal.exists():
                self.file.loaded = False  # read again: the journal is not what this process wrote
                self.file.write(self)

    def delete(self, ref: PublishedRef) -> None:
        entry_id = ref.id.split("#", 1)[0]
        with self.file.lock:
            if self.file.load().get(entry_id) is not None:
                self.file.remove(entry_id)
            self.file.write(self)

    def verify(self) -> Verification:
        try:
            with self.file.lock:
                count = len(self.file.load())
        except PlatformError as exc:
            return Verification(False, self.rel, None, exc.message)
        return Verification(True, self.rel, None, f"{self.rel} in the repository ({count} entries)")

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        """The feed is a local file, so it always knows for sure."""
        with self.file.lock:
            entry = self.file.load().get(self.entry_id(part))
        if entry is None or entry.parts <= part.index:
            return None
        return self.ref(part)

    # ---- entries ---------------------------------------------------------------------------
    def entry_id(self, part: OutgoingPart) -> str:
        host = urlsplit(self.link).hostname if self.link else None
        day = (part.published_at or _EPOCH).astimezone(UTC).strftime("%Y-%m-%d")
        return f"tag:{host or 'localhost'},{day}:{self.channel.name}/{part.post_id}"

    def entry_link(self, post_id: str) -> str | None:
        """The post's own page (the channel's permalink pattern), else a fragment of the site."""
        encoded = quote(post_id, safe="/")
        if self.permalink is not None:
            return self.permalink.replace("{id}", encoded)
        if self.link is None:
            return None
        return self.link.split("#", 1)[0] + "#" + encoded

    def ref(self, part: OutgoingPart) -> PublishedRef:
        entry_id = self.entry_id(part)
        return PublishedRef(entry_id if part.index == 0 else f"{entry_id}#part-{part.index + 1}",
                            self.entry_link(part.post_id))

    def _new_entry(self, entry_id: str, part: OutgoingPart) -> FeedEntry:
        return FeedEntry(entry_id, _title(part), (part.published_at or _EPOCH).astimezone(UTC),
                     part.text, 1, self.entry_link(part.post_id), self._enclosures(part))

    def _enclosures(self, part: OutgoingPart) -> list[Enclosure]:
        out: list[Enclosure] = []
        for media in part.media:
            rel = media.path.relative_to(self.root).as_posix() if media.path.is_absolute() \
                else media.path.as_posix()
            encoded = quote(rel, safe="/")
            href = urljoin(self.media_base.rstrip("/") + "/", encoded) if self.media_base else encoded
            size = media.path.stat().st_size if media.path.is_file() else None
            mime = media.mime or mimetypes.guess_type(rel)[0] or "application/octet-stream"
            out.append(Enclosure(href, mime, size, media.alt))
        return out


# ---- the file ---------------------------------------------------------------------------------

def feed_file(path: Path, rel: str) -> FeedFile:
    """The one FeedFile of a path in this process (two channels may share a file)."""
    with _FILES_GUARD:
        key = path.resolve()
        found = _FILES.get(key)
        if found is None:
            found = _FILES[key] = FeedFile(path, rel)
        return found


class FeedFile:
    """A feed file, read once and kept while it is unchanged on disk, with each entry's
    bytes; changes go to the journal at once and into the file at `write`."""

    def __init__(self, path: Path, rel: str) -> None:
        self.path = path
        self.rel = rel
        self.journal = path.with_name(f".{path.name}.pending")
        self.lock = threading.RLock()
        self.entries: dict[str, FeedEntry] = {}
        self.order: list[tuple[float, str]] = []  # newest first
        self.rendered: dict[str, bytes] = {}
        self.updated = _EPOCH  # the feed's updated, as the file said
        self.stamp: tuple[int, int, int] | None = None  # the file as last read or written
        self.loaded = False
        self.dirty = False

    def load(self) -> dict[str, FeedEntry]:
        current = _stamp(self.path)
        if self.loaded and current == self.stamp:
            return self.entries
        self.entries, self.updated = self._parse()
        self.order = sorted((_newest_first(e), e.id) for e in self.entries.values())
        self.rendered = {}
        self.stamp, self.loaded, self.dirty = current, True, False
        for entry in _replay(self.journal):  # what a run that died before writing had published
            self._set(entry)
            self.dirty = True
        return self.entries

    def put(self, entry: FeedEntry) -> None:
        """Record an entry (new or grown): in the journal now, in the file at `write`."""
        self._set(entry)
        self.dirty = True
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        with self.journal.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry.as_json(), ensure_ascii=False) + "\n")

    def remove(self, entry_id: str) -> None:
        entry = self.entries.pop(entry_id)
        self.order.remove((_newest_first(entry), entry_id))
        self.rendered.pop(entry_id, None)
        self.dirty = True

    def write(self, feed: FeedAdapter) -> None:
        if not self.loaded:
            self.load()
        if not self.dirty:
            return
        newest = max((e.published for e in self.entries.values()), default=_EPOCH)
        updated = max(newest, self.updated)
        data = self.render(feed, updated)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(self.path)
        self.journal.unlink(missing_ok=True)
        self.stamp, self.updated, self.dirty = _stamp(self.path), updated, False

    def render(self, feed: FeedAdapter, updated: datetime) -> bytes:
        """The same bytes as render_feed, made from each entry's bytes kept between writes."""
        if not self.entries:
            return render_feed(feed, [], updated)
        head = render_feed(feed, [_MARKER], updated)
        head = head[:head.index(b"<entry>")]
        body = []
        for _, entry_id in self.order:
            found = self.rendered.get(entry_id)
            if found is None:
                whole = render_feed(feed, [self.entries[entry_id]], updated)
                found = self.rendered[entry_id] = whole[whole.index(b"<entry>"):whole.rindex(b"</entry>") + 8]
            body.append(found)
        return head + b"\n  ".join(body) + b"\n</feed>\n"

    def _set(self, entry: FeedEntry) -> None:
        old = self.entries.get(entry.id)
        if old is not None:
            self.order.remove((_newest_first(old), old.id))
        self.entries[entry.id] = entry
        insort(self.order, (_newest_first(entry), entry.id))
        self.rendered.pop(entry.id, None)

    def _parse(self) -> tuple[dict[str, FeedEntry], datetime]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}, _EPOCH
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise PlatformError(f"{self.rel} is not valid XML ({exc}); fix or delete it") from None
        if root.tag != _a("feed"):
            raise PlatformError(f"{self.rel} is not an Atom feed; point the channel at another path")
        entries = {e.id: e for e in map(_parse_entry, root.findall(_a("entry"))) if e is not None}
        return entries, _parse_time(root.findtext(_a("updated"))) or _EPOCH


_MARKER = FeedEntry("marker", "", _EPOCH, "")


def _replay(journal: Path) -> list[FeedEntry]:
    try:
        lines = journal.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(FeedEntry.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            continue  # the last line of a run killed while writing it: that part is in the ledger as intent
    return out


def render_feed(feed: FeedAdapter, entries: list[FeedEntry], updated: datetime) -> bytes:
    """The whole feed, from its fields and the entries in the order given."""
    root = ET.Element(_a("feed"))
    ET.SubElement(root, _a("id")).text = feed.link or f"tag:localhost,1970-01-01:{feed.channel.name}"
    ET.SubElement(root, _a("title")).text = feed.title
    ET.SubElement(root, _a("updated")).text = _time(updated)
    if feed.link:
        ET.SubElement(root, _a("link"), {"rel": "alternate", "href": feed.link})
    if feed.self_url:
        ET.SubElement(root, _a("link"), {"rel": "self", "href": feed.self_url,
                                         "type": "application/atom+xml"})
    ET.SubElement(ET.SubElement(root, _a("author")), _a("name")).text = feed.author
    ET.SubElement(root, _a("generator")).text = "socialops"
    for entry in entries:
        node = ET.SubElement(root, _a("entry"))
        ET.SubElement(node, _a("id")).text = entry.id
        ET.SubElement(node, _a("title")).text = _XML_INVALID.sub("", entry.title)
        ET.SubElement(node, _a("published")).text = _time(entry.published)
        ET.SubElement(node, _a("updated")).text = _time(entry.published)
        if entry.link:
            ET.SubElement(node, _a("link"), {"rel": "alternate", "href": entry.link})
        for enc in entry.enclosures:
            attrs = {"rel": "enclosure", "href": enc.href, "type": enc.type}
            if enc.length is not None:
                attrs["length"] = str(enc.length)
            if enc.title:
                attrs["title"] = _XML_INVALID.sub("", enc.title)
            ET.SubElement(node, _a("link"), attrs)
        content = ET.SubElement(node, _a("content"), {"type": "html", f"{{{NS}}}parts": str(entry.parts)})
        content.text = _XML_INVALID.sub("", content_html(entry.text, entry.enclosures))
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def content_html(text: str, enclosures: list[Enclosure]) -> str:
    """The entry's text as HTML (a paragraph per blank-line block, line breaks kept, every
    character escaped), then its images; `text_of` reads it back exactly."""
    lines = ["<p>" + html.escape(block).replace("\n", "<br>") + "</p>" for block in text.split("\n\n")]
    lines += [f'<p><img src="{html.escape(e.href)}" alt="{html.escape(e.title or "")}"></p>'
              for e in enclosures if e.type.startswith("image/")]
    return "\n".join(lines)


def text_of(content: str) -> str:
    blocks = [line[3:-4] for line in content.split("\n") if not line.startswith("<p><img ")]
    return "\n\n".join(html.unescape(block.replace("<br>", "\n")) for block in blocks)


def _parse_entry(node: ET.Element) -> FeedEntry | None:
    entry_id = node.findtext(_a("id"))
    when = _parse_time(node.findtext(_a("published")) or node.findtext(_a("updated")))
    content = node.find(_a("content"))
    if not entry_id or when is None or content is None:
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
    text = content.text or ""
    return FeedEntry(entry_id, node.findtext(_a("title")) or "", when,
                 text_of(text) if content.get("type") == "html" else text,
                 int(parts) if parts.isdigit() else 1, link, enclosures)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _title(part: OutgoingPart) -> str:
    if part.title:
        return part.title
    first = next((line.strip() for line in part.text.splitlines() if line.strip()), "")
    return first if len(first) <= 100 else first[:99].rstrip() + "…"


def _newest_first(entry: FeedEntry) -> float:
    return -entry.published.timestamp()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _str(value: Any) -> str | None:
    return str(value) if value else None


ADAPTER = FeedAdapter
