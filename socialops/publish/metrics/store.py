"""The snapshots: `.socialops/metrics/YYYY/MM/DD.jsonl`, one file per UTC day of fetching.

Each line is one JSON object with sorted keys: `time` (when it was fetched, UTC), `post`,
`channel`, `part`, `platform`, `metric`, `value`. A channel's followers have no `post` and
no `part`. `value` is a number, null when the platform has the metric but did not give
it (never 0 in its place), or, for `metric: status`, the text `deleted`. Metrics a
platform does not have at all are not written. Lines are sorted by time, channel, post,
part and metric, so each run adds a block at the end of the day's file and diffs stay
small; nothing already written is ever changed.

A sample writes only the metrics whose value changed since the part's previous sample
(`changed`); a sample in which nothing changed writes its first metric again, so every
sample stays on record (the ages collect keeps to, and the report's longevity). The
value of a metric at any sample is therefore its last row at or before that time. Files
written before this rule (every metric at every sample) read the same way.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from socialops import safepaths

METRICS_DIR = ".socialops/metrics"
STATUS = "status"  # the metric of a row that says a post is gone (`value: deleted`)
FOLLOWERS = "followers"
_DAY = re.compile(r"^(\d{4})/(\d{2})/(\d{2})\.jsonl$")

Row = dict[str, Any]


def day_file(root: Path, day: date) -> Path:
    return root / METRICS_DIR / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}.jsonl"


def encode(row: Row) -> str:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def order(row: Row) -> tuple[str, str, str, int, str]:
    return (str(row.get("time", "")), str(row.get("channel") or ""), str(row.get("post") or ""),
            row["part"] if isinstance(row.get("part"), int) else -1, str(row.get("metric", "")))


def changed(previous: dict[str, Any] | None, rows: list[Row]) -> list[Row]:
    """The rows of one part's sample (one per metric, in the order they are written) worth
    writing: those whose value is not the part's last recorded value of that metric
    (`previous`: metric -> value; None for a part never sampled), or the first row when
    none changed (the sample is still on record)."""
    if not previous:
        return list(rows)
    kept = [r for r in rows if r["metric"] not in previous or previous[r["metric"]] != r["value"]
            or type(previous[r["metric"]]) is not type(r["value"])]
    return kept or rows[:1]


def append(root: Path, rows: Iterable[Row]) -> list[Path]:
    """Add rows to their day's file (by the UTC day of their time), keeping every line that
    is there; a line already there is not written twice. Each file is replaced atomically.
    Returns the files written."""
    by_day: dict[date, list[Row]] = {}
    for row in rows:
        by_day.setdefault(datetime.fromisoformat(str(row["time"])).date(), []).append(row)
    written = []
    for day, new in sorted(by_day.items()):
        path = day_file(root, day)
        kept: list[str] = []
        old: list[Row] = []
        if path.exists() or path.is_symlink():
            safepaths.check(root, path, path.relative_to(root).as_posix())  # never written through a link
            for line in day_text(root, path).splitlines():
                parsed = _parse(line)
                if parsed is None:
                    if line.strip():
                        kept.append(line)  # not ours to drop; it stays first
                else:
                    old.append(parsed)
        lines = sorted({encode(r): r for r in [*old, *new]}.items(), key=lambda item: order(item[1]))
        text = "\n".join([*kept, *(line for line, _ in lines)]) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        safepaths.write_atomically(path, text)
        written.append(path)
    return written


MAX_DAY_BYTES = 256 * 1024 * 1024  # a day of 100,000 posts' samples is a few tens of MB


def day_text(root: Path, path: Path, bad: list[str] | None = None) -> str:
    """A day file's text, read through the safe-path checks: a day file that is a symlink
    out of the repository (to /dev/zero: a read that never ends), a FIFO or a device is not
    read; it is named in `bad` with the reason and reads as empty."""
    rel = path.relative_to(root).as_posix()
    try:
        return safepaths.read_bytes(root, rel, rel, MAX_DAY_BYTES).decode("utf-8", errors="replace")
    except safepaths.UnsafePath as exc:
        if bad is not None:
            bad.append(f"{rel}: not read: {exc.message.removeprefix(f'{rel}: ')}")
        return ""
    except FileNotFoundError:
        return ""


def _parse(line: str) -> Row | None:
    try:
        row = json.loads(line)
    except ValueError:
        return None
    return row if isinstance(row, dict) and "time" in row and "metric" in row else None


def files(root: Path, start: date | None = None, end: date | None = None) -> list[tuple[date, Path]]:
    """The day files from `start` to `end` (both included), oldest first."""
    base = root / METRICS_DIR
    found: list[tuple[date, Path]] = []
    if not base.is_dir():
        return found
    for year in sorted(p for p in base.iterdir() if p.is_dir() and p.name.isdigit()):
        if (start and int(year.name) < start.year) or (end and int(year.name) > end.year):
            continue
        for month in sorted(p for p in year.iterdir() if p.is_dir()):
            for path in sorted(month.glob("*.jsonl")):
                match = _DAY.match(f"{year.name}/{month.name}/{path.name}")
                if not match:
                    continue
                try:
                    day = date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    continue
                if (start is None or day >= start) and (end is None or day <= end):
                    found.append((day, path))
    return found


def misnamed(root: Path) -> list[tuple[str, str]]:
    """(path, why) of each snapshot file under .socialops/metrics that `files` never reads:
    a `.jsonl` file not at YYYY/MM/DD.jsonl, or at a day the calendar does not have
    (2026/02/31). Symlinks are not followed (lint's path check names them)."""
    import os

    base = root / METRICS_DIR
    out: list[tuple[str, str]] = []
    if not base.is_dir() or base.is_symlink():
        return out
    cut = len(str(base)) + 1
    for folder, folders, names in os.walk(base):
        folders.sort()
        for name in sorted(names):
            if not name.endswith(".jsonl"):
                continue
            under = os.path.join(folder, name)[cut:].replace(os.sep, "/")
            match = _DAY.match(under)
            why = "it is not at YYYY/MM/DD.jsonl"
            if match:
                try:
                    date(int(match[1]), int(match[2]), int(match[3]))
                    continue
                except ValueError:
                    why = f"{match[1]}-{match[2]}-{match[3]} is no day"
            out.append((f"{METRICS_DIR}/{under}", why))
    return out


def read(root: Path, start: date | None = None, end: date | None = None,
         bad: list[str] | None = None) -> Iterator[Row]:
    """Every row of the day files from `start` to `end`, oldest file first. A line that is
    not a snapshot row is skipped and named in `bad` (file:line), never guessed at."""
    for _, path in files(root, start, end):
        text = day_text(root, path, bad)
        try:  # one parse of the whole file is several times faster than one per line
            rows = json.loads("[" + ",".join(line for line in text.splitlines() if line.strip()) + "]")
            if all(isinstance(r, dict) and "time" in r and "metric" in r for r in rows):
                yield from rows
                continue
        except ValueError:
            pass
        for number, line in enumerate(text.splitlines(), 1):
            row = _parse(line)
            if row is not None:
                yield row
            elif line.strip() and bad is not None:
                bad.append(f"{path.relative_to(root).as_posix()}:{number}")


def last_collected(root: Path) -> str | None:
    """When metrics were last collected: the latest time in the newest day file."""
    days = files(root)
    for _, path in reversed(days):
        times = [str(row["time"]) for line in day_text(root, path).splitlines()
                 if (row := _parse(line)) is not None]
        if times:
            return max(times)
    return None


#: a post's row as `encode` writes it, on a line of its own (the fast path of `read_rows`).
#: A line written any other way, or a number JSON would not accept, does not match; a file
#: with such a line, or with a backslash anywhere (an escape in a string), is read line by
#: line with the JSON parser, which reads it right.
_TEXT = r'"([^"]*)"'
_NUMBER = r"-?(?:0|[1-9][0-9]*)"  # a whole number as JSON writes it
_POST_ROW = re.compile(rf'^\{{"channel":{_TEXT},"metric":{_TEXT},"part":(0|[1-9][0-9]*),"platform":{_TEXT},'
                       rf'"post":{_TEXT},"time":{_TEXT},"value":({_NUMBER}|null|"deleted")\}}$', re.M)
_FOLLOWERS_ROW = re.compile(rf'\{{"channel":{_TEXT},"metric":"followers","platform":{_TEXT},"time":{_TEXT},'
                            rf'"value":({_NUMBER}|null)\}}')
_FOLLOWERS = '"metric":"followers",'

#: (channel, metric, part, platform, post, time, value as JSON text)
PostRow = tuple[str, str, str, str, str, str, str]


def read_rows(root: Path, bad: list[str] | None = None, paths: list[Path] | None = None
              ) -> Iterator[tuple[list[PostRow], list[Row]]]:
    """Every day file (or those of `paths`), oldest first, as (the posts' rows as tuples of
    text, in time order; the other rows as dicts): what `read` gives, without making a dict
    of each of the hundreds of thousands of post rows a year holds. A file with a line
    written any other way (by hand, merged, an escape) is read line by line with the JSON
    parser instead."""
    for path in paths if paths is not None else [path for _, path in files(root)]:
        text = day_text(root, path, bad)
        posts = _POST_ROW.findall(text)
        counts = _followers_rows(text)
        lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        if len(posts) + len(counts) == lines and "\\" not in text:
            yield posts, [{"channel": c, "metric": FOLLOWERS, "platform": p, "time": t,
                           "value": None if v == "null" else int(v)} for c, p, t, v in counts]
            continue
        posts, rest = [], []
        for number, line in enumerate(text.splitlines(), 1):
            row = _parse(line)
            if row is None:
                if line.strip() and bad is not None:
                    bad.append(f"{path.relative_to(root).as_posix()}:{number}")
            elif isinstance(row.get("part"), int) and "post" in row:
                posts.append((str(row.get("channel")), str(row.get("metric")), str(row["part"]),
                              str(row.get("platform") or ""), str(row["post"]), str(row.get("time")),
                              _value_text(row.get("value"))))
            else:
                rest.append(row)
        posts.sort(key=_TIME)  # written by hand, perhaps out of order
        yield posts, rest


def _followers_rows(text: str) -> list[tuple[str, str, str, str]]:
    """The channels' follower rows as `encode` writes them: a handful a day among thousands
    of post rows, found by their metric rather than by trying the pattern on every line."""
    found: list[tuple[str, str, str, str]] = []
    at = text.find(_FOLLOWERS)
    while at >= 0:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        match = _FOLLOWERS_ROW.fullmatch(text, text.rfind("\n", 0, at) + 1, end)
        if match is not None:
            channel, platform, time, value = match.groups()
            found.append((channel, platform, time, value))
        at = text.find(_FOLLOWERS, end)
    return found


_TIME = operator.itemgetter(5)


def _value_text(value: Any) -> str:
    """A value as the fast path reads it: a whole number, null, or "deleted"."""
    if isinstance(value, bool) or value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return '"deleted"' if value == "deleted" else "null"
