"""Cron expressions (croniter) walked in the wall-clock time of the project timezone.

croniter walks naive local times, so a 10:00 slot stays at 10:00 local time in summer
and in winter. Each wall time then becomes an instant:

- a time that exists once is taken as it is;
- a time that exists twice (the clocks go back) is taken once, at its first occurrence;
- a time that does not exist (the clocks go forward) is skipped for slots (a slot is only
  an offer: the queue takes the next one), and moved forward by the length of the gap for
  recurring series (02:30 becomes 03:30 in Berlin, 02:15 becomes 02:45 on Lord Howe), so
  a series never silently loses an occurrence. A moved occurrence that lands on another
  one of the same series is taken once.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

ALIASES = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
EXAMPLE = "five fields: minute hour day-of-month month day-of-week, like '0 9 * * MON-FRI'"


#: the most instants one expansion may hold; a series or slot that would expand to more
#: (every minute since 1970) is an error, not a hang
MAX_INSTANTS = 500_000


class TooManyInstants(ValueError):
    """An expansion that would hold more than MAX_INSTANTS instants."""

    def __init__(self, expr: str, first: datetime) -> None:
        super().__init__(f"'{expr}' fires more than {MAX_INSTANTS:,} times from {first:%Y-%m-%d} on; "
                         "start the series later (from:), end it sooner (until:) or fire less often")


class Gap(StrEnum):
    """What to do with a wall time that does not exist on a day (a DST gap)."""

    SKIP = "skip"  # slots
    SHIFT = "shift"  # recurring occurrences


def cron_problem(expr: str) -> str | None:
    """Why a cron expression cannot be used, in a writer's words; None when it can."""
    from croniter import CroniterBadDateError, croniter

    text = expr.strip()
    if text.lower() not in ALIASES:
        fields = text.split()
        if len(fields) != 5:
            return f"'{expr}' has {len(fields)} field{'s' if len(fields) != 1 else ''}; a cron expression has {EXAMPLE}"
    if not croniter.is_valid(text):
        return f"'{expr}' is not a valid cron expression; write {EXAMPLE}"
    try:
        croniter(text, datetime(2000, 1, 1)).get_next(datetime)
    except CroniterBadDateError:
        return f"'{expr}' never fires: no day matches it (like 30 February); fix the day or the month"
    return None


def instants(expr: str, tz: ZoneInfo, start: datetime, end: datetime, gap: Gap = Gap.SKIP) -> tuple[datetime, ...]:
    """The instants (UTC) in [start, end) at which `expr` fires in `tz`'s wall-clock time.
    An expression that cannot be used gives none (lint reports it)."""
    return _instants(expr.strip(), tz, start.astimezone(UTC), end.astimezone(UTC), gap)


@lru_cache(maxsize=2048)
def _instants(expr: str, tz: ZoneInfo, start: datetime, end: datetime, gap: Gap) -> tuple[datetime, ...]:
    if start >= end or cron_problem(expr) is not None:
        return ()
    first = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    last = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    found: set[datetime] = set()
    for wall in wall_times(expr, first, last):
        at = to_instant(wall, tz, gap)
        if at is not None and start <= at < end:
            found.add(at)  # a set: a moved time may land on (or before) another one
    return tuple(sorted(found))


def wall_times(expr: str, first: datetime, last: datetime) -> list[datetime]:
    """Naive wall times in [first, last] at which `expr` fires."""
    fields = _plain_fields(expr)
    if fields is None:
        return _walk(expr, first, last)
    minutes, hours, days, months, weekdays, either = fields
    clock = [time(h, m) for h in hours for m in minutes]
    out: list[datetime] = []
    day, end = first.date(), last.date()
    while day <= end:
        if day.month in months:
            by_date, by_weekday = day.day in days, (day.weekday() + 1) % 7 in weekdays
            if (by_date or by_weekday) if either else (by_date and by_weekday):
                out.extend(w for w in (datetime.combine(day, t) for t in clock) if first <= w <= last)
                if len(out) > MAX_INSTANTS:
                    raise TooManyInstants(expr, first)
        day += timedelta(days=1)
    return out


def _walk(expr: str, first: datetime, last: datetime) -> list[datetime]:
    from croniter import CroniterBadDateError, croniter

    out: list[datetime] = []
    walker = croniter(expr, first - timedelta(seconds=1))
    try:
        while True:
            wall: datetime = walker.get_next(datetime)
            if wall > last:
                return out
            out.append(wall)
            if len(out) > MAX_INSTANTS:
                raise TooManyInstants(expr, first)
    except CroniterBadDateError:
        return out


Fields = tuple[list[int], list[int], frozenset[int], frozenset[int], frozenset[int], bool]


@lru_cache(maxsize=1024)
def _plain_fields(expr: str) -> Fields | None:
    """croniter's reading of an expression without L, W or # (which only croniter's own walk
    handles), as sets to match days against; walking days with them is much faster than
    asking croniter for each time. The tests check both walks agree."""
    from croniter import croniter

    raw = expr.split()
    if len(raw) == 5 and ("L" in raw[2].upper() or "W" in raw[2].upper() or "#" in raw[4] or "L" in raw[4].upper()):
        return None
    (minutes, hours, days, months, weekdays), nth = croniter.expand(expr)
    if nth or any(isinstance(v, str) and v != "*" for field in (minutes, hours, days, months, weekdays)
                  for v in field):
        return None

    def values(field: list[Any], every: range) -> list[int]:
        return list(every) if field == ["*"] else sorted(int(v) for v in field)

    either = days != ["*"] and weekdays != ["*"]  # cron: both restricted means either may match
    return (values(minutes, range(60)), values(hours, range(24)), frozenset(values(days, range(1, 32))),
            frozenset(values(months, range(1, 13))), frozenset(values(weekdays, range(7))), either)


def to_instant(wall: datetime, tz: ZoneInfo, gap: Gap) -> datetime | None:
    """A naive wall time in `tz` as a UTC instant (see the module docstring for DST)."""
    first = wall.replace(tzinfo=tz, fold=0)
    if first.utcoffset() == wall.replace(tzinfo=tz, fold=1).utcoffset():
        return first.astimezone(UTC)
    at = first.astimezone(UTC)
    if at.astimezone(tz).replace(tzinfo=None) == wall:
        return at  # exists twice: the first one
    return at if gap is Gap.SHIFT else None  # fold=0 in a gap reads as the time after the gap


def local_label(at: datetime, tz: ZoneInfo) -> str:
    """`2026-12-01T10:00`: the local wall time used in occurrence ids."""
    return at.astimezone(tz).strftime("%Y-%m-%dT%H:%M")
