"""Recurring series expanded into occurrences, with their template post or pool rotation.

Occurrence `n` of a series (counted from its start, 0-based) uses the series' template
post, or pool member `n mod len(pool)`, the pool being the series folder's post files that
are not drafts, in path order. Counting from the start keeps each occurrence's post the
same whatever window is asked for.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from socialops.calendar.config import Calendar, Series
from socialops.calendar.cron import Gap, TooManyInstants, instants, local_label
from socialops.model import Post


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a recurring series, published and recorded like a post."""

    id: str  # `<series>@<local time>`, e.g. weekly-tip@2026-12-01T10:00
    series: str
    at: datetime  # UTC
    channels: tuple[str, ...]
    path: str | None  # the post file published at this occurrence (None: the pool is empty)
    index: int  # 0-based position in the series


def pool_members(pool: str, posts: Iterable[Post]) -> list[str]:
    """Paths of the posts in a pool folder (any depth) that are readable and not drafts."""
    prefix = pool.rstrip("/") + "/"
    return sorted(p.path for p in posts if p.path.startswith(prefix) and p.readable and p.status != "draft")


_TIMES: dict[tuple[Series, ZoneInfo], tuple[list[datetime], datetime]] = {}


def series_times(series: Series, tz: ZoneInfo, end: datetime) -> list[datetime]:
    """Every instant of a series from its start up to `end` (or its own end, if sooner).
    Expanded once per process and extended on demand, so asking chunk by chunk is cheap."""
    stop = min(end, series.end) if series.end is not None else end
    key = (series, tz)
    times, until = _TIMES.get(key, ([], series.start))
    if stop > until:
        if len(_TIMES) > 512:
            _TIMES.clear()
        times = times + list(instants(series.cron, tz, until, stop, Gap.SHIFT))
        _TIMES[key] = (times, stop)
    return times[:bisect_left(times, stop)]


class Recurrence:
    """The recurring series of a calendar with their pools, ready to expand any window."""

    def __init__(self, cal: Calendar, posts: Iterable[Post]) -> None:
        self.cal = cal
        posts = list(posts)
        folders = {s.pool for s in cal.series if s.pool is not None}
        members = {folder: pool_members(folder, posts) for folder in folders}  # once per folder
        self.pools = {s.id: members[s.pool] for s in cal.series if s.pool is not None}
        self.errors: dict[str, str] = {}  # series id -> why it was not expanded

    def expand(self, series: Series, start: datetime, end: datetime) -> list[Occurrence]:
        """The occurrences of one series in [start, end)."""
        tz = self.cal.tz
        try:
            times = series_times(series, tz, end)
        except TooManyInstants as exc:  # lint reports it at the series' cron; publish too
            self.errors[series.id] = str(exc)
            return []
        pool = self.pools.get(series.id, [])
        out: list[Occurrence] = []
        for i in range(bisect_left(times, start), len(times)):
            if series.post is not None:
                path: str | None = series.post
            else:
                path = pool[i % len(pool)] if pool else None
            out.append(Occurrence(f"{series.id}@{local_label(times[i], tz)}", series.id, times[i],
                                  series.channels, path, i))
        return out

    def between(self, start: datetime, end: datetime) -> list[Occurrence]:
        """The occurrences of every series in [start, end), in time order."""
        out = [occ for series in self.cal.series for occ in self.expand(series, start, end)]
        out.sort(key=lambda o: (o.at, o.id))
        return out
