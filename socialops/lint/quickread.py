"""The posts that are not being linted, read quickly.

Linting one post (a pre-commit hook, `lint --changed-since`) still checks it against
every other post: its id must be unique, and the calendar checks it against the others on
its channels. So the others must be read, but only their id, channels, time, status,
campaign and text. `LintContext.others()` reads them once for every check (`Others`: their
briefs, and the few posts the calendar needs). Publish
takes the same quick look at every post to find the few that need something now, and the
views (status, plan, calendar) read every post so, with its author besides. Simple front
matter (plain `key: value` lines, flow or block lists of channels) is read with a few
regular expressions; anything else (anchors, tags, block scalars, quoted keys, variants)
is read in full with the YAML loader, as lint reads it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from socialops.lint.cache import (
    EPOCH,
    NO_TIME,
    Brief,
    Index,
    LintCache,
    Stamp,
    brief_of,
    list_order,
    stamp,
)
from socialops.model import (
    MAX_POST_BYTES,
    Post,
    Project,
    default_post_id,
    front_matter_span,
    normalize_newlines,
    post_due,
    read_post,
    stamp_of,
)
from socialops.timeutil import FIRST_YEAR, LAST_YEAR, TimeError, parse_time

if TYPE_CHECKING:
    from socialops.calendar.config import Calendar
    from socialops.lint.bulkread import Readings
from socialops.safepaths import UnsafePath, read_bytes

_KEYS = ("id", "publish_at", "status", "campaign", "channels", "author")  # the keys the quick read takes
_SCALAR = re.compile(r"""^(?:'([^'\n]*)'|"([^"\\\n]*)"|([^\s'"#\[\]{}&*!|>%@`,][^#\n]*?))[ \t]*(?:#.*)?$""")
_GLUED_HASH = re.compile(r"[^ \t]#")
# what YAML does not take in a document (it refuses the file), and YAML 1.1's other line breaks
_NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_QUOTED = re.compile(r"""^(?:'[^'\n]*'|"[^"\\\n]*")(?:[ \t]+#.*)?[ \t]*$""")  # another key's quoted value
_NOT_FIRST = frozenset("'\"#[]{}&*!|>%@`,")  # what _SCALAR's plain scalar may not start with
_ITEM = re.compile(r"^[ \t]+-[ \t]+(.*?)[ \t]*$")
_NOT_TEXT = re.compile(r"^(?:[-+]?(?:\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+|0[xob][\da-fA-F_]+|\.(?:inf|Inf|INF))"
                       r"|\.(?:nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$")
# anchors, aliases, tags, block scalars, flow mappings, variants, quoted or complex keys,
# top-level sequences: read those in full
_MICROSECOND = timedelta(microseconds=1)
_EPOCH_NAIVE = datetime(1970, 1, 1)
BATCH = 256  # files read, then each step over all of them (as lint's batches)
AT_ONCE_FROM = 1000  # other posts to read with nothing known of them: from this many, read at once (bulkread)
_RISKY_STARTS = ("variants", "'", '"', "?", ":", "-")


def _risky(front: str) -> bool:
    """Whether a front matter may hold more than the quick read takes: one of the
    characters of anchors, aliases, tags, block scalars and flow mappings anywhere, or a
    line that starts a variant, a quoted or complex key or a top-level sequence (a few
    `in` tests: a regular expression took a tenth of a quick read)."""
    return ("&" in front or "*" in front or "!" in front or "|" in front or ">" in front or "{" in front
            or front.startswith(_RISKY_STARTS) or "\n-" in front or "\n'" in front or '\n"' in front
            or "\n?" in front or "\n:" in front or "\nvariants" in front)


class Others:
    """The posts not being linted (`skip`): each one's brief (id, channels, time, campaign,
    status) at once, from lint's cache where the file is unchanged (a stat and a comparison),
    read quickly (and kept in the cache) otherwise; a post itself only when asked for.

    The briefs from the cache stay in its index's columns (socialops.lint.cache.Index):
    `_valid` marks the rows whose file is unchanged, and the others' briefs are in `_extra`.
    When the files listed are the index's rows, in its order, their stamps are compared as
    two lists at once."""

    def __init__(self, project: Project, skip: set[str], cache: LintCache | None = None) -> None:
        self.project, self.cache = project, cache
        self._read: dict[str, Post] = {}
        self._extra: dict[str, Brief] = {}  # rel -> brief of those not taken from the index
        self._index = cache.index if cache is not None else None
        self._valid = bytearray(len(self._index) if self._index is not None else 0)
        self._prefix = str(project.root) + os.sep
        for again in (False, True):
            files, rels = self._list(project, cache, again)
            todo = self._compare(files, rels, skip)
            if self._listed and any(os.path.isdir(full) or not os.path.lexists(full) for full, _, _ in todo):
                # not a file now, though its folder did not change (a symlink's target): list again
                self._extra.clear()
                self._valid[:] = bytes(len(self._valid))
                continue
            break
        self._rels = [rel for rel in rels if rel not in skip] if skip else rels
        reader = _QuickReader(project)
        if len(todo) >= AT_ONCE_FROM and b"\x01" not in self._valid:  # none known (a fresh clone): all read at once
            todo = self._read_at_once(reader, todo)
        got = self._extra
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            reader.stamps.clear()
            for (full, rel, current), brief in zip(chunk, reader.briefs([(f, r) for f, r, _ in chunk]), strict=True):
                if brief is not None:  # the post itself is read again if a check asks for it
                    got[rel] = brief
                    if cache is not None:
                        cache.keep_brief(rel, current or reader.stamps.get(full), brief)
                    continue
                if current is None and cache is not None:
                    current = stamp(full)  # before reading it
                post = quick_post(project.root, Path(full), rel)
                self._read[rel] = post
                entry = cache.entry(post, None, current) if cache is not None else None
                got[rel] = entry[8] if entry is not None else brief_of(post, project)
                if cache is not None:
                    cache.keep(post, entry)  # the next partial lint reads it from there

    def _read_at_once(self, reader: _QuickReader, todo: list[tuple[str, str, Stamp | None]]
                      ) -> list[tuple[str, str, Stamp | None]]:
        """The briefs of the files in `todo` read at once (socialops.lint.bulkread), which
        become the index of the others (in place of the cache's, none of whose rows is
        taken) and are kept in the cache; what is left for the quick reader, file by file."""
        from socialops.lint.bulkread import read_briefs, workers_for

        found, rest = read_briefs(self.project, reader.readings(), todo, workers_for(len(todo)),
                                  self._rels if len(self._rels) == len(todo) else None)  # todo: self._rels' files
        if found is not None:
            self._index, self._valid = found, bytearray(b"\x01") * len(found)
            if self.cache is not None:
                self.cache.keep_briefs(found)
        return [todo[k] for k in rest]

    def _full(self, rels: list[str]) -> list[str]:
        prefix = self._prefix
        return [prefix + rel for rel in rels] if os.sep == "/" else [prefix + rel.replace("/", os.sep) for rel in rels]

    def _compare(self, files: list[str] | None, rels: list[str], skip: set[str]) -> list[tuple[str, str, Stamp | None]]:
        """Mark the index's rows whose file is unchanged (`_valid`) and take the briefs this
        run kept (`_extra`); what is left to read: (full path, rel, stamp) of each. `files`:
        the full path of each of `rels`, None to make them where needed."""
        cache, index, valid = self.cache, self._index, self._valid
        kept, removed = (cache.kept, cache.removed) if cache is not None else ({}, set())
        todo: list[tuple[str, str, Stamp | None]]
        if cache is None or ((index is None or (len(index) <= len(skip) and skip.issuperset(index.rels)))
                             and skip.issuperset(kept)):
            # nothing to compare with (a fresh clone, whose first save holds the posts being
            # linted alone): each file is stamped as it is read
            if files is None:
                files = self._full(rels)
            return [(full, rel, None) for full, rel in zip(files, rels, strict=True) if rel not in skip]
        if index is not None and skip.issuperset(kept) and skip.issuperset(removed):
            # the files listed against the index's rows, in one walk (both in list order):
            # a row whose file is unchanged is valid; a file changed, or with no row (a post
            # edited a moment ago, which the last lint could not keep), is read
            prefix = self._prefix
            todo = [(prefix + rel.replace("/", os.sep), rel, current)
                    for rel, current in _changed(index, rels, prefix, valid) if rel not in skip]
            for rel in skip:
                at = index.position(rel)
                if at is not None:
                    valid[at] = 0
            return todo
        todo = []
        if files is None:
            files = self._full(rels)
        for full, rel in zip(files, rels, strict=True):
            if rel in skip:
                continue
            found = kept.get(rel)
            row = index.position(rel) if found is None and index is not None and rel not in removed else None
            if found is None and row is None:  # nothing to compare with: stamped as it is read
                todo.append((full, rel, None))
                continue
            current = stamp(full)
            if row is not None and index is not None and index.stamp(row) == current:
                valid[row] = 1
                continue
            if isinstance(found, tuple) and len(found) == 4 and found[0] == current \
                    and isinstance(found[1], tuple) and len(found[1]) == 5:
                self._extra[rel] = found[1]
                continue
            if isinstance(found, list) and found[0] == current:  # kept whole during this run
                self._extra[rel] = found[8]
                continue
            todo.append((full, rel, current))
        return todo

    def _list(self, project: Project, cache: LintCache | None, again: bool = False) -> tuple[list[str] | None, list[str]]:
        """(full path, rel) of every post file: as the cache listed them while none of their
        folders changed (a stat of each folder, not a listing), else listed now (and kept)."""
        self._listed = False
        if cache is not None and not again:
            rels, folders = cache.listing()
            if rels is not None and folders is not None:
                try:
                    same = all(stamp(folder) == st for folder, st in folders)
                except (TypeError, ValueError):
                    same = False
                if same:
                    self._listed = True
                    return None, rels  # the full paths are made where needed
        folders_now: list[tuple[str, Stamp | None]] | None = [] if cache is not None else None
        began = time.time_ns()
        files, _ = project.post_files(folders_now)
        cut = len(str(project.root)) + 1
        rels = [full[cut:].replace("\\", "/") for full in files]  # under the root, as post_files gives them
        if cache is not None and folders_now is not None:
            cache.listed(rels, folders_now, began)
        return files, rels

    @property
    def briefs(self) -> list[tuple[str, Brief]]:
        """(rel, brief) of each of them, in the order of the files."""
        index, extra = self._index, self._extra
        out = []
        for rel in self._rels:
            if rel in extra:
                out.append((rel, extra[rel]))
            elif index is not None:
                i = index.position(rel)
                if i is not None and self._valid[i]:
                    out.append((rel, index.brief(i)))
        return out

    def owners(self, pid: str) -> list[str]:
        """Those whose id is `pid`."""
        out = [rel for rel, brief in self._extra.items() if brief[0] == pid]
        index = self._index
        if index is not None:
            out.extend(index.rels[i] for i in index.rows_with_id(pid) if self._valid[i])
        return out

    def post(self, rel: str) -> Post | None:
        post = self._read.get(rel)
        if post is None:
            full, cache = self._prefix + rel.replace("/", os.sep), self.cache
            current = stamp(full) if cache is not None else None
            hit = cache.lookup(rel, full, current, checked=False) if cache is not None else None
            if hit is not None:
                post = hit[0]
            else:  # only its brief was kept: read it, and keep it whole for the next partial lint
                post = quick_post(self.project.root, Path(full), rel)
                if cache is not None:
                    cache.keep(post, cache.entry(post, None, current))
            self._read[rel] = post
        return post

    def posts(self) -> list[Post]:
        """Every one of them as a post."""
        return [p for p in (self.post(rel) for rel in self._rels) if p is not None]

    def near(self, linted: list[Post], calendar: Calendar) -> list[Post]:
        """The posts the calendar's findings about the `linted` ones depend on, when they are
        not all of them: without recurring series (whose findings, in calendar.yaml, count
        every post), the posts on a channel of a linted post within the longest minimum gap
        and two days of its time (gaps, daily maximums, campaign limits) and, per channel, the
        one just before it (the X duplicate check compares a post with the one before). From
        the index, the times around each linted post's are looked up (`Index.by_time`)."""
        if calendar.series:
            return self.posts()
        tz = self.project.config.timezone
        gaps = [lim.min_gap for lim in (calendar.limits, *calendar.channel_limits.values(),
                                       *calendar.campaign_limits.values()) if lim.min_gap is not None]
        reach = (max(gaps, default=timedelta(0)) + timedelta(days=2)) // timedelta(microseconds=1)
        wanted: dict[str, list[int]] = {}  # channel -> the linted posts' times on it
        for post in linted:
            if not post.readable:
                continue
            at = post_due(post, tz).at
            if at is None:
                continue
            micros = (at.astimezone(UTC) - EPOCH) // timedelta(microseconds=1)
            for channel in self.project.config.channels_for(post):
                wanted.setdefault(channel, []).append(micros)
        chosen: set[str] = set()
        before: dict[tuple[str, int], tuple[int, str, str]] = {}  # (channel, linted time) -> the latest before
        for rel, (pid, channels, when, _, _) in self._extra.items():
            if when is None:
                continue
            for channel in channels:
                for mine in wanted.get(channel, ()):
                    if abs(when - mine) <= reach:
                        chosen.add(rel)
                    elif when < mine:
                        key = (channel, mine)
                        if key not in before or (when, pid) > before[key][:2]:
                            before[key] = (when, pid, rel)
        index = self._index
        if index is not None:
            valid, times, order, chans, ids, rels = (self._valid, index.times, index.by_time, index.channels,
                                                     index.ids, index.rels)
            count = len(order)
            for channel, mines in wanted.items():
                has = [channel in channels for channels in index.channel_sets]
                for mine in mines:
                    start = j = index.after(mine - reach)
                    while j < count and times[order[j]] <= mine + reach:
                        i = order[j]
                        if valid[i] and has[chans[i]]:
                            chosen.add(rels[i])
                        j += 1
                    latest: tuple[int, str, str] | None = None
                    for j in range(start - 1, -1, -1):  # the latest before, by (time, id)
                        i = order[j]
                        when = times[i]
                        if when == NO_TIME or (latest is not None and when < latest[0]):
                            break
                        if valid[i] and has[chans[i]] and (latest is None or (when, ids[i]) > latest[:2]):
                            latest = (when, ids[i], rels[i])
                    key = (channel, mine)
                    if latest is not None and (key not in before or latest[:2] > before[key][:2]):
                        before[key] = latest
        chosen.update(rel for _, _, rel in before.values())
        return [p for p in (self.post(rel) for rel in sorted(chosen)) if p is not None]


_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def _changed(index: Index, rels: list[str], prefix: str, valid: bytearray) -> list[tuple[str, Stamp | None]]:
    """Each of the files `rels` (in list order) against the index's rows: the row of a file
    whose stamp (cache.stamp) is the one kept is marked in `valid`; (rel, its stamp now, or
    None when it cannot be stat'ed) of each file changed is returned, and (rel, None) of each
    with no row, not stat'ed (its read stamps it: a fresh clone's 50,000 files). Each
    file is stat'ed and compared as it comes (50,000 of them: nothing is kept of the
    unchanged), relative to its folder, opened once, where the system allows."""
    out: list[tuple[str, Stamp | None]] = []
    append = out.append
    sizes, mtimes, ctimes, inodes, rows = index.sizes, index.mtimes, index.ctimes, index.inodes, index.rels
    count, same = len(rows), rels is rows or rels == rows
    stat_of, relative = os.stat, os.stat in os.supports_dir_fd and os.sep == "/"
    folder, fd, j = None, None, 0
    try:
        for i, rel in enumerate(rels):
            if same:
                row = i
            else:  # walk the rows up to this file's
                while j < count and rows[j] != rel and list_order(rows[j]) < list_order(rel):
                    j += 1
                if j == count or rows[j] != rel:  # no row (a fresh clone's): stamped as it is read
                    append((rel, None))
                    continue
                row, j = j, j + 1
            try:
                if relative:
                    parent, _, name = rel.rpartition("/")
                    if parent != folder:
                        if fd is not None:
                            os.close(fd)
                            fd = None
                        folder = parent
                        with contextlib.suppress(OSError):  # gone, or not a folder: each file then is
                            fd = os.open(prefix + parent, _FOLDER_FLAGS)
                    if fd is None:
                        raise FileNotFoundError(rel)
                    st = stat_of(name, dir_fd=fd)
                else:
                    st = stat_of(prefix + rel.replace("/", os.sep))
            except OSError:
                append((rel, None))
                continue
            if st.st_mtime_ns != mtimes[row] or st.st_size != sizes[row] or st.st_ctime_ns != ctimes[row] \
                    or st.st_ino != inodes[row]:
                append((rel, stamp_of(st)))
            else:
                valid[row] = 1
    finally:
        if fd is not None:
            os.close(fd)
    return out


def read_posts(project: Project, *, quick: bool = False) -> list[Post]:
    """Every post of the project, as the views read them (status, plan, calendar): from
    lint's cache where the file is unchanged since a lint or a view last read it, read (and
    kept in the cache for the next) otherwise. `quick`: the quick look at the front matter
    is enough (see above; a post read in full serves as well); else every post in full."""
    cache = LintCache.open(project)
    if cache is None:
        return [quick_post(project.root, p, project.rel(p)) if quick else read_post(project.root, p)
                for p in project.post_paths()[0]]
    files, _ = project.post_files()
    out: list[Post | None] = []
    todo: list[tuple[int, str, str, Stamp | None, bool]] = []  # (index, full, rel, stamp, in the cache)
    cut = len(str(project.root)) + 1
    for full in files:
        rel = full[cut:].replace("\\", "/")
        current = stamp(full)
        hit = cache.lookup(rel, full, current, checked=False)
        if hit is not None and (quick or not hit[0].quick):
            out.append(hit[0])
            continue
        todo.append((len(out), full, rel, current, hit is not None))
        out.append(None)
    reader = _QuickReader(project)
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        # quickly, a batch at a time (the usual front matter); the others one by one
        made = reader.posts([(full, rel) for _, full, rel, _, _ in chunk], cache.path_of) if quick else ()
        for (index, full, rel, current, known), post in itertools.zip_longest(chunk, made):
            if post is None:
                path = cache.path_of(full)
                post = quick_post(project.root, path, rel) if quick else read_post(project.root, path)
            if not known or not post.quick:  # never a quick entry in place of one read in full
                cache.keep(post, cache.entry(post, None, current))
            out[index] = post
    cache.save()
    return [post for post in out if post is not None]


class _QuickReader:
    """Many post files read quickly (no lint cache yet: a fresh clone): for their brief
    alone (Others) or as quick_post reads them (read_posts), a batch at a time. A file under
    a folder checked once (safepaths: inside the repository, not through a symlink that
    leaves it), opened without following a symlink, its simple front matter read as
    quick_post reads it. None for anything else (a symlink, an unusual front matter, a file
    that is not UTF-8...): quick_post then reads it, or the full reader, which says what is
    wrong."""

    def __init__(self, project: Project) -> None:
        from socialops.safepaths import WalkedReader

        self.project, self._read_file = project, WalkedReader(project.root, MAX_POST_BYTES).read_stat
        self._tz = project.config.timezone
        self._defaults = tuple(project.config.default_channels)
        self.stamps: dict[str, Stamp] = {}  # full path -> (size, mtime, ctime, inode) of a file as opened and read
        self._days: dict[str, tuple[date, int] | None] = {}  # _micros's: each day and time of day read once
        self._clocks: dict[str, tuple[dt_time, dt_time, int] | None] = {}
        self._offsets: dict[timedelta, int] = {}

    def readings(self) -> Readings:
        """How this reader reads a front matter's values, for reading many at once (bulkread)."""
        from socialops.lint.bulkread import Readings

        return Readings(self._micros, _scalar, _flow, _ITEM)

    def briefs(self, items: list[tuple[str, str]]) -> list[Brief | None]:
        """The brief of each (full path, rel) or None. Each step runs over all the files
        before the next (their code and data stay in the processor's caches: a third less
        time than one file after the other)."""
        brief = self._brief
        return [brief(rel, found[2]) if found is not None else None
                for (_, rel), found in zip(items, self._read_all(items), strict=True)]

    def _brief(self, rel: str, meta: dict[str, object]) -> Brief:
        """brief_of the post whose quick meta this is, without making the post (a third of
        the time a brief took): the same readings as Post.id, Config.channels_for,
        model.post_due, Post.campaign and Post.status, for the strings (and the list of
        channels) the quick reader gives. tests/test_quickread.py compares them."""
        explicit = meta.get("id")
        pid = explicit.strip() if isinstance(explicit, str) and explicit.strip() else default_post_id(rel)
        own = meta.get("channels")
        channels = (own,) if isinstance(own, str) else tuple(dict.fromkeys(own)) if isinstance(own, list) else ()
        value = meta.get("publish_at")
        micros: int | None = None
        if isinstance(value, str):
            text = value.strip()
            if text != "queue":
                micros = self._micros(text)
        campaign = meta.get("campaign")
        return (pid, channels or self._defaults, micros, str(campaign) if campaign else None,
                str(meta.get("status", "ready")))

    def _micros(self, text: str) -> int | None:
        """The time of a publish_at, as parse_time reads it, in µs since 1970 (UTC); None for
        none (as post_due gives for it). The usual `2026-12-01T09:00` is worked out here from
        its day and its time of day, each read once (_day, _clock), and the zone's offset at
        it (the same with either `fold`: else the clocks skip or repeat it, which parse_time
        refuses): a quarter of the time parse_time and a subtraction of aware times take."""
        if len(text) == 16 and text[10] == "T":
            day = self._days.get(text[:10])
            if day is None:
                day = self._days[text[:10]] = _day(text[:10])
            clock = self._clocks.get(text[11:])
            if clock is None:
                clock = self._clocks[text[11:]] = _clock(text[11:])
            if day and clock:
                tz, date_of = self._tz, day[0]
                offset = tz.utcoffset(datetime.combine(date_of, clock[0]))
                if offset is not None and offset == tz.utcoffset(datetime.combine(date_of, clock[1])):
                    shift = self._offsets.get(offset)
                    if shift is None:
                        shift = self._offsets[offset] = offset // _MICROSECOND
                    return day[1] + clock[2] - shift
        try:  # anything else, and what parse_time refuses (a time the clocks skip or repeat)
            return (parse_time(text, self._tz) - EPOCH) // _MICROSECOND
        except TimeError:
            return None

    def posts(self, items: list[tuple[str, str]], path_of: Callable[[str], Path]) -> list[Post | None]:
        """Each (full path, rel) as quick_post reads it, or None (quick_post then reads it)."""
        out: list[Post | None] = []
        for (full, rel), found in zip(items, self._read_all(items), strict=True):
            if found is None:
                out.append(None)
                continue
            text, (start, end, body_start, body_line), meta = found
            out.append(Post(rel, path_of(full), text=text, meta=meta, front_matter=text[start:end],
                            body=text[body_start:], body_line=body_line, quick=True))
        return out

    def _read_all(self, items: list[tuple[str, str]]) -> list[tuple[str, tuple[int, int, int, int], dict[str, object]] | None]:
        """(text, front_matter_span, the quick meta) of each file, or None."""
        raws = [self._read(full) for full, _ in items]
        texts = [self._text(raw) if raw is not None else None for raw in raws]
        out: list[tuple[str, tuple[int, int, int, int], dict[str, object]] | None] = []
        for found in texts:
            meta = _meta(found[0][found[1][0]:found[1][1]]) if found is not None else None
            out.append((found[0], found[1], meta) if found is not None and meta is not None else None)
        return out

    def _read(self, full: str) -> bytes | None:
        found = self._read_file(full)
        if found is None:
            return None
        self.stamps[full] = stamp_of(found[1])
        return found[0]

    @staticmethod
    def _text(raw: bytes) -> tuple[str, tuple[int, int, int, int]] | None:
        """The text and its front_matter_span, when the front matter is simple (not _risky)."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "\0" in text[:8192]:  # the full reader refuses it as a binary file
            return None
        text = normalize_newlines(text)
        span = front_matter_span(text)
        if span is None or _risky(text[span[0]:span[1]]):
            return None
        return text, span


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})")
_DAY_MICROS = 86_400_000_000


def _day(text: str) -> tuple[date, int] | None:
    """A day written `2026-12-01` within the years socialops takes: (the date, its start in
    µs since 1970), else None."""
    if _DAY.fullmatch(text) is None:
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        return None
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        return None
    return found, (found.toordinal() - _EPOCH_NAIVE.toordinal()) * _DAY_MICROS


def _clock(text: str) -> tuple[dt_time, dt_time, int] | None:
    """A time of day written `09:00`: (it with fold 0, with fold 1, µs since midnight), else None."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    try:
        found = dt_time(int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None
    return found, found.replace(fold=1), (found.hour * 60 + found.minute) * 60_000_000


def quick_post(root: Path, path: Path, rel: str) -> Post:
    try:
        raw = read_bytes(root, path, rel, MAX_POST_BYTES)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError, UnsafePath):  # the full read says what is wrong
        return read_post(root, path)
    text = normalize_newlines(text)
    span = front_matter_span(text)
    if len(raw) > MAX_POST_BYTES or span is None or b"\0" in raw[:8192]:  # (a binary file)
        return read_post(root, path)
    start, end, body_start, body_line = span
    front = text[start:end]
    meta = _meta(front) if not _risky(front) else None
    if meta is None:
        return read_post(root, path)
    return Post(rel, path, text=text, meta=meta, front_matter=front, body=text[body_start:],
                body_line=body_line, quick=True)


def _meta(front: str) -> dict[str, object] | None:
    """The front matter's simple keys, or None when it is not simple enough to trust: also
    when a line may make YAML read it otherwise, or refuse it (then the post is unreadable,
    and no brief of it may count): a top-level line that is no `key: value`, a plain value
    with `: ` in it, a line starting with a tab, an indented line right under one of the keys
    taken here (it continues that key's value) or before any key, a character YAML does not
    print, YAML 1.1's other line breaks."""
    if _NOT_PRINTABLE.search(front):
        return None
    meta: dict[str, object] = {}
    lines = front.split("\n")
    above = True  # the last key was one of ours, with its value on its line (or none yet: the mapping indented)
    for k, line in enumerate(lines):  # line by line, by hand: a regular expression took twice as long
        first = line[:1]
        if first == "\t":  # the loader refuses a tab in most places before a line's content
            return None
        if first == " ":
            content = line.lstrip(" \t")
            if content and content[0] != "#" and above:
                return None
            continue
        if not first or first == "#":
            continue
        # one of ours: a line `KEY[ \t]*:`, then nothing or spaces and the value (trailing spaces dropped)
        key, colon, after = line.partition(":") if line.startswith(_KEYS) else ("", "", "")
        key = key.rstrip(" \t")
        if not colon or key not in _KEYS or (after and after[0] not in " \t"):
            other = _other_value(line)  # `lang: de`, `idx: 1`; `id:x` or `ids` is no key YAML takes
            if other is None:
                return None
            above = bool(other) and other[0] != "#"
            continue
        rest = after.strip(" \t")
        if key in meta:
            return None  # YAML refuses a key twice: let the loader say so
        above = bool(rest) and rest[0] != "#"
        if key == "channels":
            if rest.startswith("["):
                flow = _flow(rest)
                items: list[str] | str | None = None if flow is None else list(flow)
            else:
                items = _channels(rest, "\n" + "\n".join(lines[k + 1:]))
            if items is None:
                return None
            meta[key] = items
            continue
        value = _scalar(rest)
        if value is None:
            return None
        meta[key] = value
    return meta


def _other_value(line: str) -> str | None:
    """The value (stripped, a comment included; "" for none) of a top-level line that is not
    one of the keys taken here, when it is a `key:` YAML takes: a colon followed by a space,
    a tab or the line's end, and after it nothing or a comment, a closed quoted string, a
    simple flow list, or a plain value without `: ` in it (YAML refuses that). None sends the
    file to the loader, which says."""
    if line[0] in _NOT_FIRST:  # a quoted, flow or other special key: the loader reads it
        return None
    at = line.find(":")
    while at >= 0 and at + 1 < len(line) and line[at + 1] not in " \t":
        at = line.find(":", at + 1)
    if at < 0 or "\t" in line[:at] or " #" in line[:at]:  # (a comment before the colon: no key)
        return None
    value = line[at + 1:].strip(" \t")
    if not value or value[0] == "#":
        return value
    if value[0] in "'\"":
        return value if _QUOTED.match(value) is not None else None  # closed, nothing but a comment after it
    if value[0] == "[":
        return value if _flow(value) is not None else None
    if value[0] in _NOT_FIRST or (value[0] in "-?:" and value[1:2] in ("", " ", "\t")):
        return None  # (an indicator: a sequence, a complex key, a mapping)
    plain = value.split(" #", 1)[0].split("\t#", 1)[0].rstrip(" \t")
    return value if ": " not in plain and ":\t" not in plain and not plain.endswith(":") else None


@lru_cache(maxsize=4096)  # channel names, statuses and campaigns repeat from post to post
def _scalar(text: str) -> str | None:
    """A quoted or plain scalar that YAML reads as a string; None for anything else (also
    for a '#' inside a word, no comment for YAML, which _SCALAR would take for one, and for
    a ': ', which YAML refuses in a plain scalar)."""
    if ": " in text or ":\t" in text or text.endswith(":"):
        return None  # a mapping where YAML wants a scalar (an error), or a quoted ': ': the loader says
    if text[:1] in ("-", "?", ":") and text[1:2] in ("", " ", "\t"):
        return None  # an indicator (a sequence's item, a complex key), no scalar
    if "#" in text:
        if _GLUED_HASH.search(text):
            return None
    elif text and text[0] not in _NOT_FIRST and not text[0].isspace():  # plain, no comment: the usual
        plain = text.rstrip(" \t")
        return None if _NOT_TEXT.match(plain) else plain
    match = _SCALAR.match(text)
    if match is None or (match.group(3) is not None and _NOT_TEXT.match(match.group(3))):
        return None
    return next(g for g in match.groups() if g is not None)


def _channels(rest: str, after: str) -> list[str] | str | None:
    if rest.startswith("["):
        found = _flow(rest)
        return None if found is None else list(found)
    if rest and not rest.startswith("#"):
        return _scalar(rest)
    items: list[str] = []
    for line in after.split("\n")[1:]:  # the lines below `channels:`
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ITEM.match(line)
        if match is None:
            if line[0] in " \t":  # more of the list that is no item (a value continued...): the loader says
                return None
            break
        if "\t" in line[:match.start(1)]:  # a tab before the item's value: the loader refuses it
            return None
        value = _scalar(match.group(1))
        if value is None:
            return None
        items.append(value)
    return items


@lru_cache(maxsize=1024)  # the same few lists of channels, post after post
def _flow(rest: str) -> tuple[str, ...] | None:
    """A flow list of channels (`[a, 'b']`, a comment after it), or None."""
    inner, closed, tail = rest[1:].partition("]")
    if not closed or (tail.strip() and not tail.strip().startswith("#")):
        return None
    values = [_scalar(v.strip()) for v in inner.split(",") if v.strip()]
    return None if any(v is None for v in values) else tuple(v for v in values if v is not None)
