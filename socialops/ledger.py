"""The ledger: what `publish` did, one YAML file per post under `.socialops/ledger/`.

```yaml
post: 2026/12/launch
path: posts/2026/12/launch.md
channels:
  mastodon-main:
    status: published          # intent | published | failed | unknown | retracted |
                               # not-published | missed | held
    due: 2026-12-01T09:00+01:00
    parts:
    - {index: 0, status: published, id: "1093", url: https://..., at: ..., hash: ..., attempts: 1}
```

Only `publish` and its commands (retract, resolve) write these files. Reading is lenient:
a field that is missing or of the wrong type reads as absent, so an older or hand-edited
ledger never stops a run. Errors recorded here are the platform's messages, never secrets.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from socialops import yamlio
from socialops.errors import SocialopsError
from socialops.model import LEDGER_DIR

PART_STATUSES = ("intent", "published", "failed", "unknown", "retracted", "not-published")
#: a channel can also be missed (too late) or held (not approved); those have no parts
CHANNEL_STATUSES = (*PART_STATUSES, "missed", "held")
#: statuses after which the channel may be published (again) by a later run
OPEN_STATUSES = frozenset({"failed", "not-published"})


class LedgerError(SocialopsError, ValueError):
    """A post id that cannot name a ledger file (it would leave the ledger folder), or a
    ledger file that cannot be read."""


@dataclass
class PartRecord:
    index: int
    status: str
    id: str | None = None
    url: str | None = None
    at: str | None = None
    hash: str | None = None
    attempts: int = 0
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # what the platform gave back (e.g. a cid)
    run: str | None = None  # the run that wrote this record

    @classmethod
    def from_dict(cls, data: Any) -> PartRecord | None:
        if not isinstance(data, dict) or not isinstance(data.get("index"), int):
            return None
        extra = data.get("extra")
        return cls(index=data["index"], status=_text(data.get("status")) or "unknown",
                   id=_text(data.get("id")), url=_text(data.get("url")), at=_text(data.get("at")),
                   hash=_text(data.get("hash")),
                   attempts=data["attempts"] if isinstance(data.get("attempts"), int) else 0,
                   error=_text(data.get("error")), extra=extra if isinstance(extra, dict) else {},
                   run=_text(data.get("run")))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "status": self.status}
        for key in ("id", "url", "at", "hash"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["attempts"] = self.attempts
        if self.error:
            out["error"] = self.error
        if self.extra:
            out["extra"] = self.extra
        if self.run:
            out["run"] = self.run
        return out


@dataclass
class ChannelRecord:
    status: str
    due: str | None = None  # the publish time the run acted on (ISO 8601)
    since: str | None = None  # when the status last changed
    reason: str | None = None  # why missed, held, unknown, retracted or resolved
    claim: dict[str, Any] | None = None  # the run that claimed it: run, host, pid, at, until
    parts: list[PartRecord] = field(default_factory=list)
    count: int | None = None  # how many parts the thread has

    @classmethod
    def from_dict(cls, data: Any) -> ChannelRecord:
        if not isinstance(data, dict):
            return cls("unknown", reason="unreadable ledger entry")
        parts = [p for p in map(PartRecord.from_dict, data.get("parts") or []) if p is not None] \
            if isinstance(data.get("parts"), list) else []
        claim = data.get("claim")
        return cls(status=_text(data.get("status")) or "unknown", due=_text(data.get("due")),
                   since=_text(data.get("since")), reason=_text(data.get("reason")),
                   claim=claim if isinstance(claim, dict) else None,
                   parts=sorted(parts, key=lambda p: p.index),
                   count=data["count"] if isinstance(data.get("count"), int) else None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        for key in ("due", "since", "reason", "claim", "count"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["parts"] = [p.to_dict() for p in self.parts]
        return out

    def part(self, index: int) -> PartRecord | None:
        for p in self.parts:
            if p.index == index:
                return p
        return None

    def set_part(self, record: PartRecord) -> None:
        self.parts = sorted([p for p in self.parts if p.index != record.index] + [record],
                            key=lambda p: p.index)

    def published_hashes(self) -> list[str | None]:
        return [p.hash for p in self.parts if p.status == "published"]

    def status_from_parts(self, part_count: int | None = None) -> str:
        """The channel's status from its parts (a thread is published when every part is)."""
        part_count = part_count or self.count or len(self.parts)
        statuses = [p.status for p in self.parts]
        for status in ("unknown", "intent", "failed"):
            if status in statuses:
                return status
        if statuses and all(s == "retracted" for s in statuses):
            return "retracted"
        if statuses and all(s == "not-published" for s in statuses):
            return "not-published"
        published = sum(1 for s in statuses if s == "published")
        if published >= part_count and part_count > 0:
            return "published"
        return "failed" if published else (statuses[0] if statuses else self.status)


@dataclass
class LedgerEntry:
    post: str
    path: str | None = None
    channels: dict[str, ChannelRecord] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any, fallback_id: str) -> LedgerEntry:
        if not isinstance(data, dict):
            return cls(fallback_id)
        channels = data.get("channels")
        return cls(post=_text(data.get("post")) or fallback_id, path=_text(data.get("path")),
                   channels={str(k): ChannelRecord.from_dict(v) for k, v in channels.items()}
                   if isinstance(channels, dict) else {})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"post": self.post}
        if self.path:
            out["path"] = self.path
        out["channels"] = {name: self.channels[name].to_dict() for name in sorted(self.channels)}
        return out

    def channel(self, name: str) -> ChannelRecord | None:
        return self.channels.get(name)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


# ---- files -------------------------------------------------------------------------------

def relative_path(post_id: str) -> str:
    """`2026/12/launch` -> `.socialops/ledger/2026/12/launch.yaml` (the id as it is, so every
    reader finds a post's ledger at `Project.ledger_path(id)`)."""
    parts = post_id.split("/")
    if not post_id or post_id.startswith("/") or "\\" in post_id or "\0" in post_id \
            or any(p in ("", ".", "..") for p in parts):
        raise LedgerError(f"the post id '{post_id}' cannot name a ledger file; give the post an "
                          "'id:' made of letters, digits, '-', '_' and '/'")
    return f"{LEDGER_DIR}/{post_id}.yaml"


def path_for(root: Path, post_id: str) -> Path:
    return root / relative_path(post_id)


def read(root: Path, post_id: str) -> LedgerEntry | None:
    path = path_for(root, post_id)
    try:
        text = _text_of(root, path)
    except FileNotFoundError:
        return None
    return parse(text, post_id)


#: a ledger file larger than this is not read (one post's file is a few KB)
MAX_LEDGER_BYTES = 16 * 1024 * 1024


def _text_of(root: Path, path: Path) -> str:
    """A ledger file's text; bytes that are not UTF-8 read as U+FFFD (reading is lenient;
    publish's selection refuses such a file before it claims anything). A file that is not
    a regular file inside the repository raises safepaths.UnsafePath."""
    from socialops import safepaths

    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return safepaths.read_bytes(root, path, rel, MAX_LEDGER_BYTES).decode("utf-8", errors="replace")


def parse(text: str, fallback_id: str, *, strict: bool = False) -> LedgerEntry:
    """A ledger entry from a file's text. `strict`: a file that is not a ledger at all (broken
    YAML, conflict markers) raises LedgerError instead of reading as empty, so that publish
    never takes a damaged record for "nothing was published"."""
    try:
        data = yamlio.load(text)
    except yamlio.YamlError as exc:
        if strict:
            raise LedgerError(f"line {exc.line}: {exc.message}") from None
        data = None
    return _entry(data, fallback_id, strict=strict)


def _lenient_data(text: str) -> Any:
    """What a lenient `parse` makes an entry of: the file's YAML, None when it is not YAML."""
    try:
        return yamlio.load(text)
    except yamlio.YamlError:
        return None


def _entry(data: Any, fallback_id: str, *, strict: bool = False) -> LedgerEntry:
    if strict and not (isinstance(data, dict) and isinstance(data.get("channels"), dict)):
        raise LedgerError("it holds no 'channels:' mapping")
    return LedgerEntry.from_dict(data, fallback_id)


def write(root: Path, entry: LedgerEntry) -> Path:
    """Write one ledger file atomically (a crash leaves the old or the new file, never half)."""
    return write_text(root, entry.post, dump(entry))


def dump(entry: LedgerEntry, blocks: dict[str, str] | None = None) -> str:
    """The file's text. `blocks` caches each channel's part of it by channel name (the
    caller drops a channel's block when the channel changes): a run that records one part
    at a time re-renders one channel, not the whole post."""
    parts = []
    for name in sorted(entry.channels):
        block = blocks.get(name) if blocks is not None else None
        if block is None:
            block = _indent(yamlio.dump({name: entry.channels[name].to_dict()}))
            if blocks is not None:
                blocks[name] = block
        parts.append(block)
    return _head(entry.post, entry.path) + ("channels:\n" + "".join(parts) if parts else "channels: {}\n")


@lru_cache(maxsize=1024)
def _head(post: str, path: str | None) -> str:
    """The file's first lines (post id and path): the same for every write of a run."""
    head: dict[str, Any] = {"post": post}
    if path:
        head["path"] = path
    return yamlio.dump(head)


def _indent(text: str) -> str:
    """textwrap.indent(text, "  "), without a call per line: every line that is not only
    white space gets two spaces in front."""
    return "".join(["  " + line if line.strip() else line for line in text.splitlines(keepends=True)])


def write_text(root: Path, post_id: str, text: str) -> Path:
    """Write one ledger file atomically, after checking that every folder on the way is a
    real folder inside the repository (a symlinked ledger folder would put the ledger
    outside it, where it is never committed: every run would publish again)."""
    from socialops import safepaths

    path = path_for(root, post_id)
    safepaths.prepare_write(root, path, relative_path(post_id))
    safepaths.write_atomically(path, text)
    return path


class LedgerIndex:
    """The ledger folder of a repository, listed once: the one walk of it, for selection,
    status, lint and the calendar. Post ids come from the file paths; each file's text is
    read at most once, and only when asked for."""

    def __init__(self, root: Path) -> None:
        self.root = root
        base = str(root / LEDGER_DIR)
        self.paths: dict[str, str] = {}  # post id (from the file path) -> the file
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
            prefix = "" if rel == "." else rel + "/"
            for name in sorted(filenames):
                if name.endswith(".yaml") and not name.startswith("."):
                    self.paths[prefix + name[: -len(".yaml")]] = os.path.join(dirpath, name)
        self._texts: dict[str, str | None] = {}
        self.refused: dict[str, str] = {}  # post id -> why its ledger file is not read

    def __contains__(self, post_id: str) -> bool:
        return post_id in self.paths

    def text(self, post_id: str) -> str | None:
        """The file's text; None when there is none, it is not UTF-8, or it is refused."""
        from socialops import safepaths

        if post_id not in self._texts:
            try:
                raw = safepaths.read_bytes(self.root, self.paths[post_id], relative_path(post_id),
                                           MAX_LEDGER_BYTES)
                self._texts[post_id] = raw.decode("utf-8")
            except (KeyError, OSError, UnicodeDecodeError, LedgerError):
                self._texts[post_id] = None
            except safepaths.UnsafePath as exc:
                self._texts[post_id] = None
                self.refused[post_id] = exc.message
        return self._texts[post_id]

    def entry(self, post_id: str) -> LedgerEntry | None:
        """The post's entry, read strictly: raises LedgerError when its file is damaged (or
        not text), so that publish never takes it for "nothing was published"."""
        text = self.text(post_id)
        if text is None:
            if post_id in self.refused:
                raise LedgerError(self.refused[post_id])
            if post_id in self.paths:
                raise LedgerError("it is not UTF-8 text, or it cannot be opened")
            return None
        return parse(text, post_id, strict=True)

    def read_all(self, kept: KeptLedger | None = None) -> dict[str, LedgerEntry]:
        """Every entry, read leniently (for reports), by post id (the `post:` key, else
        the file name). `kept`: what an earlier read parsed of the files that did not change
        since (socialops.lint.ledgercache), and where this read's parses are kept."""
        out: dict[str, LedgerEntry] = {}
        for post_id, path in self.paths.items():
            data = kept.get(path) if kept is not None else NOT_KEPT
            if data is NOT_KEPT:
                text = self._texts.get(post_id)  # read already (strictly: the same text)
                data = _lenient_data(text if text is not None else _text_of(self.root, Path(path)))
                if kept is not None:
                    kept.keep(path, data)
            entry = _entry(data, post_id)
            out[entry.post] = entry
        return out


#: KeptLedger.get's answer for a file it holds nothing (current) of
NOT_KEPT: Any = object()


class KeptLedger(Protocol):
    """The parsed YAML of ledger files, kept while each file stays the same."""

    def get(self, path: str) -> Any:
        """What the file at `path` parsed to, or NOT_KEPT (the file changed, or is new)."""

    def keep(self, path: str, data: Any) -> None:
        """What the file at `path` parsed to now (after `get` looked at it)."""


def ids(root: Path) -> set[str]:
    """The id of every post with a ledger file (from the file's path)."""
    return set(LedgerIndex(root).paths)


def read_all(root: Path) -> dict[str, LedgerEntry]:
    """Every ledger entry by post id (the `post:` key, else the file name)."""
    return LedgerIndex(root).read_all()


def published_by_hash(entries: dict[str, LedgerEntry], root: Path | None = None,
                      ) -> dict[tuple[str, ...], list[tuple[str, str]]]:
    """(hashes of the published parts, in order) -> [(post id, channel)] for every channel
    that received content: how a renamed post is recognised. With `root`, entries whose post
    file is still there are left out: a post with the same text as one that exists is
    another post (a repeated announcement, a recurring series' occurrence), not a rename."""
    index: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for entry in entries.values():
        if root is not None and entry.path and (root / entry.path).is_file():
            continue
        for name, record in entry.channels.items():
            hashes = tuple(h for h in record.published_hashes() if h)
            if hashes:
                index.setdefault(hashes, []).append((entry.post, name))
    return index


# ---- quick looks (for selection in large repositories) -------------------------------------

# a line not starting with a space (a top-level key, or an empty line: either ends the
# channels), a channel's key, or a channel's own status line; other indented lines are passed over
_LAYOUT_LINE = re.compile(r"^(?:(?! )([^\n]*)|  ([A-Za-z0-9][A-Za-z0-9_.-]*):[ \t]*|    status:[ \t]+([a-z-]+)[ \t]*)$",
                          re.M)
_HASH = re.compile(r"^[ \t-]+hash:[ \t]+'?([0-9a-f]{16,})'?[ \t]*$", re.M)
DONE = frozenset({"published", "retracted"})


def done_channels(text: str) -> set[str] | None:
    """The channels a ledger file written by publish records as published or retracted,
    from a quick look at its lines (one regular expression finds the few that matter);
    None when the file is not laid out as publish writes it (then read it properly)."""
    if not text.startswith("post:"):
        return None
    statuses: dict[str, str | None] = {}
    current: str | None = None
    in_channels = False
    for top, key, status in _LAYOUT_LINE.findall(text):
        if key:
            if in_channels:
                current = key
                if current in statuses:
                    return None
                statuses[current] = None
        elif status:
            if in_channels and current is not None:
                if statuses[current] is not None:
                    return None
                statuses[current] = status
        else:
            in_channels = top.rstrip() == "channels:"
            current = None
    if any(s is None for s in statuses.values()):
        return None
    return {name for name, s in statuses.items() if s in DONE}


def hashes_in(text: str) -> set[str]:
    """Every content hash written in a ledger file (a superset of what it says was sent)."""
    return set(_HASH.findall(text))


_QUICK_LINE = re.compile(r"^(?:  ([A-Za-z0-9][A-Za-z0-9_.-]*):[ \t]*|    - index: (\d+)[ \t]*"
                         r"|      (status|id|at):[ \t]+(.*?)[ \t]*|(\S.*))$", re.M)


def quick_parts(text: str) -> dict[str, list[tuple[int, str, str | None, str | None]]] | None:
    """channel -> [(index, status, platform id, at)] for every part, from a quick look at a
    ledger file written by publish (what metrics needs, several times faster than YAML);
    None when the file is not laid out as publish writes it (then read it properly)."""
    if not text.startswith("post:"):
        return None
    found: dict[str, list[tuple[int, str, str | None, str | None]]] = {}
    parts: list[tuple[int, str, str | None, str | None]] | None = None
    index, status, platform_id, at = -1, "", None, None
    in_channels = False
    for match in _QUICK_LINE.finditer(text):
        channel, number, key, value, top = match.groups()
        if top is not None:
            in_channels = top.rstrip() == "channels:"
            continue
        if not in_channels:
            continue
        if channel is not None or number is not None:
            if parts is not None and index >= 0:
                parts.append((index, status, platform_id, at))
            index, status, platform_id, at = -1, "", None, None
            if channel is not None:
                if channel in found:
                    return None
                parts = found[channel] = []
            else:
                index = int(number)
            continue
        if index < 0:
            continue
        if value.startswith("'") and value.endswith("'") and len(value) >= 2:
            value = value[1:-1].replace("''", "'")
        elif value.startswith(('"', "[", "{", "&", "*", "!", "|", ">")):
            return None
        if key == "status":
            status = value
        elif key == "id":
            platform_id = value
        else:
            at = value
    if parts is not None and index >= 0:
        parts.append((index, status, platform_id, at))
    return found


def sent_parts(root: Path) -> Iterator[tuple[str, str, int, str, str, str]]:
    """(post, channel, part, status, platform id, at) of every part the ledger says was
    published (status published, or retracted since), with its platform id and time."""
    for post_id, path in LedgerIndex(root).paths.items():  # strings: 10,000 Path objects cost 0.2 s
        yield from file_sent_parts(post_id, path)


def file_sent_parts(post_id: str, path: str) -> list[tuple[str, str, int, str, str, str]]:
    """`sent_parts` of one ledger file (post id from its path)."""
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    return text_sent_parts(post_id, text)


def text_sent_parts(post_id: str, text: str) -> list[tuple[str, str, int, str, str, str]]:
    """`sent_parts` of one ledger file's text (post id from its path)."""
    quick = quick_parts(text)
    head = text[len("post:"):text.find("\n")].strip() if quick is not None else ""
    if quick is None or not head or head[0] in "'\"[{&*!|>":
        entry = parse(text, post_id)
        return [(entry.post, name, p.index, p.status, p.id, p.at) for name, record in entry.channels.items()
                for p in record.parts if p.status in DONE and p.id and p.at]
    return [(head, name, index, status, platform_id, at) for name, parts in quick.items()
            for index, status, platform_id, at in parts if status in DONE and platform_id and at]
