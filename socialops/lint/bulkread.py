"""The briefs of many post files read at once: what a one-post lint in a fresh clone (no
lint cache yet) needs of every other post (socialops.lint.quickread.Others).

Each file is opened and read as the quick reader reads it (safepaths.WalkedReader), a
batch at a time, and one regular expression (_FRONT) takes each front matter of the usual
shape whole: plain `key: value` lines, a flow or block list of channels, indented lines
under other keys, comments. The values are made what the quick reader makes of them
(_scalar, _flow, _micros), each distinct value once. Whatever the expression does not take,
it leaves to the quick reader file by file (anchors, quoted keys, a key twice, an empty
value, a blank line in a block list...): the briefs are always the quick reader's.
tests/test_bulkread.py compares them on thousands of random front matters.

With many files and a second core, a forked process takes batches too (`read_briefs`): the
two take turns at a pipe holding a token per batch, so the one that runs more reads more.
"""

from __future__ import annotations

import os
import re
import struct
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from socialops.lint.cache import NO_TIME, Index
from socialops.model import MAX_POST_BYTES, Project, default_post_id, normalize_newlines
from socialops.safepaths import WalkedReader

BATCH = 256  # files a batch (more when there would be more than MAX_BATCHES)
MAX_BATCHES = 4096  # their tokens fill a pipe before the fork: 8 KB, within any system's pipe buffer
# Files from which a second process reads too, while the machine is not busy (the load
# average of the last minute below the cores this process may use). Measured with
# bench/fresh_read.py (bench/README.md, issue 17) on 2 shared cores, the median wall time of
# two processes against one, at load 1.3-1.6: 1.23 at 3,000 files, 1.08 at 6,000, 0.87 at
# 10,000, 0.58 at 20,000, 0.56 at 50,000; at load 3: 1.09 at 10,000, 0.83 at 20,000, 1.22
# at 50,000. 2-4 % more CPU time at every size.
FORK_FROM = 10_000
_TOKEN = struct.Struct("<H")  # a batch's number in the pipe of tokens

# Characters no front matter read here holds: those _risky finds risky, line ends (YAML 1.1's
# too), those YAML does not print (quickread._NOT_PRINTABLE).
_NOT = "\\n\\0&*!|>{\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\x85\u2028\u2029\ufeff\ufffe\uffff\\ud800-\\udfff"
# After a line of one of the quick reader's keys: no indented line before the next key (it
# would continue the value; the quick reader leaves such a file to the loader).
_NO_MORE = r"(?!(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]+[^\s#])"
# A top-level key the quick reader does not take, as _other_value takes it, or less: a
# key without a colon, '#' or tab in it; after the colon nothing, a comment, a quoted value
# (no escapes) or a plain value without a colon, '#' or tab, not an indicator.
_OTHER_VALUE = (r"(?:'[^'\n]*'|\"[^\"\\\n]*\""
                rf"|(?![-?:][ \t\n])[^\s'\"#\[\]{{}}&*!|>%@`,:{_NOT}][^:#\t\n{_NOT}]*?)")
_OTHER = (rf"[^:#\t\n{_NOT}]*:(?:[ \t]*\n|[ \t]+#[^{_NOT}]*\n"
          rf"|[ \t]+{_OTHER_VALUE}(?:[ \t]+#[^{_NOT}]*)?[ \t]*\n{_NO_MORE})")
# A value as _meta takes it: after the colon and its spaces, up to the spaces before the line end.
_REST = rf"[^ \t{_NOT}](?:[^{_NOT}]*[^ \t{_NOT}])?"
_KEYS = r"(?:id|publish_at|status|campaign|channels|author|variants)"


def _key(name: str, group: str, usual: str | None = None) -> str:
    """The line of a key the quick reader takes, once: the value in `{group}g`, or in
    `{group}u` when it has the `usual` shape (then _scalar would give it as it is)."""
    fast = rf"(?P<{group}u>{usual})[ \t]*\n{_NO_MORE}|" if usual else ""
    return rf"{name}[ \t]*:(?({group})(?!)|[ \t]+(?P<{group}>)(?:{fast}(?P<{group}g>{_REST})[ \t]*\n{_NO_MORE}))"


def _front() -> re.Pattern[str]:
    """The expression of a front matter of the usual shape: the opening `---`, lines, the
    closing `---`. A line is a key's (once each: a second sends the file to the quick reader,
    as YAML refuses it), one under another key (indented), a comment or another top-level
    key (not starting as one of the quick reader's keys would, nor as _risky finds risky),
    or blank. A block list of channels ends at a line that is no item, blank or comment."""
    item = rf" +- +{_REST}[ \t]*\n"  # (spaces before the value: a tab there, the quick reader leaves it)
    channels = (rf"channels[ \t]*:(?(ch)(?!)|(?P<ch>)(?:[ \t]+(?!#)(?P<chg>{_REST})[ \t]*\n{_NO_MORE}"
                rf"|[ \t]*\n(?P<chb>(?:{item})+)(?=[^\s#])))")
    line = "|".join([
        rf"#[^{_NOT}]*\n",  # a comment
        rf"(?=[^\sacipsv'\"?:\-{_NOT}]){_OTHER}",  # another key (most lines)
        rf" [^{_NOT}]*\n",  # under a key (indented by spaces), or blank
        channels,
        _key("publish_at", "at", r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"),
        _key("status", "st"),
        # an id that _scalar takes as it is: no YAML number, boolean or null
        _key("id", "id", r"(?!(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL)[ \t]*\n)[A-Za-z_][A-Za-z0-9_./-]*"),
        _key("campaign", "ca"),
        _key("author", "au"),
        rf"(?!{_KEYS})(?=[acipsv]){_OTHER}",  # another key starting as one of those
        r"\n",
    ])
    # (the first line that is no comment or blank is not indented: a mapping indented whole
    # is one the quick reader leaves to the loader)
    pattern = rf"---[ \t]*\n(?!(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]+[^\s#])(?:{line})*---[ \t]*(?:\n|\Z)"
    # `(?(name)...)` (the key seen already) must name a group defined before it: by number
    # (every group is named: the n-th `(?P<` is group n)
    numbers = {name: k for k, name in enumerate(re.findall(r"\(\?P<(\w+)>", pattern), start=1)}
    front = re.compile(re.sub(r"\(\?\((\w+)\)", lambda m: f"(?({numbers[m.group(1)]})", pattern))
    assert front.groupindex == numbers and front.groups == len(numbers)
    return front


_FRONT = _front()
_GROUPS = ("ch", "chg", "chb", "at", "atu", "atg", "st", "stg", "id", "idu", "idg", "ca", "cag", "au", "aug")
assert tuple(sorted(_FRONT.groupindex, key=_FRONT.groupindex.__getitem__)) == _GROUPS
_SKIP = object()  # a value the quick reader does not take: the file goes to it


class Readings(NamedTuple):
    """How the quick reader reads a front matter's values (socialops.lint.quickread gives
    them; this module does not import it, which imports this one)."""

    micros: Callable[[str], int | None]  # a publish_at's time (_QuickReader._micros)
    scalar: Callable[[str], str | None]  # a value as written after the colon (_scalar)
    flow: Callable[[str], tuple[str, ...] | None]  # a flow list of channels (_flow)
    item: re.Pattern[str]  # an item line of a block list (_ITEM)


#: a batch read: (the numbers of the items left to the quick reader; of the others: sizes,
#: mtimes, ctimes, inodes (arrays as bytes), ids, times (array as bytes), channels,
#: campaigns, statuses)
Batch = tuple[list[int], bytes, bytes, bytes, bytes, list[str], bytes, list[tuple[str, ...]], list[str | None],
              list[str]]


class BulkReader:
    """Batches of post files read for their briefs (see above)."""

    def __init__(self, project: Project, readings: Readings) -> None:
        self.project, self.readings = project, readings
        self._defaults = tuple(project.config.default_channels)
        self._read_file = WalkedReader(project.root, MAX_POST_BYTES).read_stat  # as the quick reader reads them
        # per key: each value as written (after the colon) -> what the brief holds of it
        self._values: dict[str, dict[str, Any]] = {key: {} for key in ("channels", "block", "status", "campaign",
                                                                       "id", "publish_at", "author")}

    def batch(self, items: Sequence[tuple[str, str] | tuple[str, str, Any]], start: int, stop: int) -> Batch:
        """The briefs of items[start:stop] (full path, rel) that come out of _FRONT."""
        raws, stamps = self._read(items, start, stop)
        taken, times = array("q"), array("q")
        ids: list[str] = []
        channels: list[tuple[str, ...]] = []
        campaigns: list[str | None] = []
        statuses: list[str] = []
        micros, match, values = self.readings.micros, _FRONT.match, self._values
        flows, states = values["channels"], values["status"]  # the values most posts have, looked up here
        value, defaults = self._value, self._defaults
        for k, text in enumerate(_texts(raws)):
            found = match(text) if text else None
            if found is None:
                continue
            _, chg, chb, _, atu, atg, _, stg, _, idu, idg, _, cag, _, aug = found.groups()
            if chg is not None:
                own = flows.get(chg) or value("channels", chg)
            else:
                own = defaults if chb is None else value("block", chb)
            status = "ready" if stg is None else states.get(stg) or value("status", stg)
            campaign = None if cag is None else value("campaign", cag)
            pid = idu if idu is not None else None if idg is None else value("id", idg)
            at = micros(atu) if atu is not None else None if atg is None else value("publish_at", atg)
            if own is _SKIP or status is _SKIP or campaign is _SKIP or pid is _SKIP or at is _SKIP \
                    or (aug is not None and value("author", aug) is _SKIP):
                continue
            taken.append(k)
            if not pid:  # none, or blank: default_post_id, the path under posts/ less `.md`
                rel = items[start + k][1]
                pid = rel[6:-3] if rel.startswith("posts/") and rel.endswith(".md") else default_post_id(rel)
            ids.append(pid)
            times.append(NO_TIME if at is None else at)
            channels.append(own)
            campaigns.append(campaign)
            statuses.append(status)
        every = len(taken) == stop - start
        sizes, mtimes, ctimes, inodes = (column.tobytes() if every else
                                         array(column.typecode, [column[k] for k in taken]).tobytes()
                                         for column in stamps)
        chosen = set(taken)
        rest = [] if every else [start + k for k in range(stop - start) if k not in chosen]
        return (rest, sizes, mtimes, ctimes, inodes, ids, times.tobytes(), channels, campaigns, statuses)

    def _read(self, items: Sequence[tuple[str, str] | tuple[str, str, Any]], start: int, stop: int
              ) -> tuple[list[bytes], tuple[array[int], array[int], array[int], array[int]]]:
        """Each file's bytes (b"" for one the quick reader must see: unusual, unreadable, or
        holding a NUL) and the stamps of their fstat as opened (sizes, mtimes, ctimes,
        inodes), read as the quick reader reads them (safepaths.WalkedReader)."""
        read = self._read_file
        raws: list[bytes] = []
        sizes, mtimes, ctimes, inodes = array("q"), array("q"), array("q"), array("Q")
        for item in items[start:stop]:
            found = read(item[0])
            if found is not None and b"\0" not in found[0]:
                raw, info = found
                sizes.append(info.st_size)
                mtimes.append(info.st_mtime_ns)
                ctimes.append(info.st_ctime_ns)
                inodes.append(info.st_ino)
            else:  # the quick reader's
                raw = b""
                sizes.append(0)
                mtimes.append(0)
                ctimes.append(0)
                inodes.append(0)
            raws.append(raw)
        return raws, (sizes, mtimes, ctimes, inodes)

    def _value(self, key: str, written: str) -> Any:
        """What the quick reader makes of a key's value (as written, after the colon):
        worked out once per distinct value; _SKIP when it does not take it."""
        known = self._values[key]
        if written in known:
            return known[written]
        found = known[written] = self._work_out(key, written)
        return found

    def _work_out(self, key: str, written: str) -> Any:
        readings = self.readings
        scalar = readings.scalar
        if key == "block":  # the item lines of a block list of channels
            items = [scalar(m.group(1)) for m in (readings.item.match(line) for line in written.split("\n")[:-1])
                     if m is not None]
            if None in items:
                return _SKIP
            return tuple(dict.fromkeys(items))
        if key == "channels":
            own: Any = readings.flow(written) if written.startswith("[") else scalar(written)
            if own is None:
                return _SKIP
            channels = (own,) if isinstance(own, str) else tuple(dict.fromkeys(own))
            return channels or self._defaults
        value = scalar(written)
        if value is None:
            return _SKIP
        if key == "id":
            return value.strip()  # blank: the default id (`pid or ...`)
        if key == "campaign":
            return value or None
        if key == "publish_at":
            text = value.strip()
            return None if text == "queue" else readings.micros(text)
        return value  # a status, or an author (only checked)


def _texts(raws: list[bytes]) -> list[str]:
    """The files' texts, each as normalize_newlines makes it ("" for one that is not UTF-8).
    Each decoded on its own: a batch's texts decoded together make a string of 4 bytes a
    character as soon as one holds an emoji, whose memory is mapped and unmapped again for
    every batch (a page fault per 4 KB)."""
    out = []
    for raw in raws:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if "\r" in text or text.startswith("\ufeff"):
            text = normalize_newlines(text)
        out.append(text)
    return out


def workers_for(files: int) -> int:
    """Processes to read `files` files with: 2 from FORK_FROM where the system can fork,
    this process may use two cores and the machine is not busy (the load average of the
    last minute below the cores: see FORK_FROM). No more than two: the pipe of tokens is
    shared by two."""
    from socialops.calendar.speed import usable_cores

    if files < FORK_FROM or not hasattr(os, "fork"):
        return 1
    cores = usable_cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        load = 0.0
    return 2 if cores >= 2 and load < cores else 1


def read_briefs(project: Project, readings: Readings, items: Sequence[tuple[str, str] | tuple[str, str, Any]],
                workers: int = 1, rels: list[str] | None = None) -> tuple[Index | None, list[int]]:
    """An index of the briefs of the `items` (full path, rel; in the order of Index rows)
    read at once (rows without a place in the cache file: briefs alone), and the numbers of
    the items left to the quick reader. `workers` 2: a forked process reads too. `rels`:
    the items' rels as a list already made, which the index takes when it has them all (a
    list made again would write to every page of them: after a fork, a copy of each)."""
    bulk = BulkReader(project, readings)
    size = max(BATCH, -(-len(items) // MAX_BATCHES))
    count = -(-len(items) // size)

    def work(number: int) -> Batch:
        return bulk.batch(items, number * size, min((number + 1) * size, len(items)))

    batches = _shared(count, work) if workers > 1 else [work(number) for number in range(count)]
    sizes, mtimes, ctimes, times = (array("q") for _ in range(4))
    inodes = array("Q")
    rest: list[int] = []
    ids: list[str] = []
    channels: list[tuple[str, ...]] = []
    campaigns: list[str | None] = []
    statuses: list[str] = []
    for batch in batches:
        rest += batch[0]
        for column, data in zip((sizes, mtimes, ctimes, inodes), batch[1:5], strict=True):
            column.frombytes(data)
        times.frombytes(batch[6])
        ids += batch[5]
        channels += batch[7]
        campaigns += batch[8]
        statuses += batch[9]
    if not ids:
        return None, rest
    left = set(rest)
    if left:
        rels = [item[1] for k, item in enumerate(items) if k not in left]
    elif rels is None:
        rels = [item[1] for item in items]
    return Index.of_briefs(rels, (sizes, mtimes, ctimes, inodes), ids, times, channels, campaigns, statuses), rest


def _shared(count: int, work: Callable[[int], Batch]) -> list[Batch]:
    """work(0) ... work(count - 1), shared with a forked process (calendar.speed.meanwhile):
    each takes the next number from a pipe until none is left, the child sends back what it
    made. A child that fails leaves its numbers to this process."""
    from socialops.calendar.speed import meanwhile

    tokens_read, tokens_write = os.pipe()
    os.write(tokens_write, b"".join(_TOKEN.pack(n) for n in range(count)))
    os.close(tokens_write)  # the pipe ends when every token is taken
    try:
        with meanwhile(lambda: {n: work(n) for n in _numbers(tokens_read)}) as theirs:
            done = {n: work(n) for n in _numbers(tokens_read)}
            taken = theirs()  # here (after this process took every token: none) if the child failed
    finally:
        os.close(tokens_read)
    if isinstance(taken, dict):
        done.update((n, batch) for n, batch in taken.items() if n not in done)
    return [done[n] if n in done else work(n) for n in range(count)]


def _numbers(tokens: int) -> Iterator[int]:
    """The batch numbers taken from the pipe, one at a time (as the last one's work is
    done), until it is empty."""
    while True:
        token = os.read(tokens, _TOKEN.size)
        if len(token) < _TOKEN.size:
            return
        yield _TOKEN.unpack(token)[0]
