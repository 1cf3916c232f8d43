"""Slots and recurring series keep their wall-clock time across DST changes, over 2026 and
2027, in Europe/Berlin, America/New_York and Australia/Lord_Howe (a 30-minute shift)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from socialops.calendar.config import Calendar, Series, parse_bound
from socialops.calendar.cron import Gap, instants
from socialops.calendar.recurring import Recurrence

START = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=14)
END = datetime(2028, 1, 1, tzinfo=UTC) - timedelta(hours=14)


@dataclass(frozen=True)
class Zone:
    name: str
    shift: timedelta  # how far the clocks move
    gaps: tuple[str, ...]  # days the clocks go forward
    gap_time: str  # a wall time that does not exist on those days
    moved_to: str  # where a recurring occurrence at gap_time goes
    folds: tuple[str, ...]  # days the clocks go back
    fold_time: str  # a wall time that happens twice on those days
    first_offset: str  # the offset of its first occurrence


ZONES = [
    Zone("Europe/Berlin", timedelta(hours=1), ("2026-03-29", "2027-03-28"), "02:30", "03:30",
         ("2026-10-25", "2027-10-31"), "02:30", "+02:00"),
    Zone("America/New_York", timedelta(hours=1), ("2026-03-08", "2027-03-14"), "02:30", "03:30",
         ("2026-11-01", "2027-11-07"), "01:30", "-04:00"),
    Zone("Australia/Lord_Howe", timedelta(minutes=30), ("2026-10-04", "2027-10-03"), "02:15", "02:45",
         ("2026-04-05", "2027-04-04"), "01:45", "+11:00"),
]
IDS = [z.name for z in ZONES]


def daily(wall: str) -> str:
    hour, minute = wall.split(":")
    return f"{int(minute)} {int(hour)} * * *"


def local(at: datetime, zone: Zone) -> datetime:
    return at.astimezone(ZoneInfo(zone.name))


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_daily_slot_stays_at_ten_oclock_all_year(zone: Zone) -> None:
    tz = ZoneInfo(zone.name)
    found = instants("0 10 * * *", tz, START, END)
    assert len(found) == 730
    assert {local(at, zone).strftime("%H:%M") for at in found} == {"10:00"}
    assert len({local(at, zone).date() for at in found}) == 730
    steps = Counter(b - a for a, b in pairwise(found))
    day = timedelta(days=1)
    # Twice a year the day is shorter, twice longer, by exactly the shift; all others 24h.
    assert steps == {day: 725, day - zone.shift: 2, day + zone.shift: 2}


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_slot_at_a_time_that_does_not_exist_is_skipped_that_day(zone: Zone) -> None:
    found = instants(daily(zone.gap_time), ZoneInfo(zone.name), START, END, Gap.SKIP)
    days = {local(at, zone).strftime("%Y-%m-%d") for at in found}
    assert len(found) == 728
    assert not days & set(zone.gaps)
    assert {local(at, zone).strftime("%H:%M") for at in found} == {zone.gap_time}


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_time_that_happens_twice_is_taken_once_at_its_first_occurrence(zone: Zone) -> None:
    found = instants(daily(zone.fold_time), ZoneInfo(zone.name), START, END, Gap.SKIP)
    # In Berlin 02:30 is also the time skipped in spring: those two days have no slot.
    assert len(found) == (728 if zone.fold_time == zone.gap_time else 730)
    for day in zone.folds:
        on_day = [at for at in found if local(at, zone).strftime("%Y-%m-%d") == day]
        assert len(on_day) == 1
        assert local(on_day[0], zone).isoformat(timespec="minutes") == f"{day}T{zone.fold_time}{zone.first_offset}"


def _series(zone: Zone, cron: str) -> tuple[Calendar, Series]:
    tz = ZoneInfo(zone.name)
    series = Series("tip", cron, ("mastodon-main",), parse_bound("2026-01-01", tz),
                    parse_bound("2027-12-31", tz, end=True), "posts/tip.md", None, 0)
    return Calendar(tz, series=[series]), series


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_recurring_series_keeps_its_wall_time_and_moves_past_a_gap(zone: Zone) -> None:
    cal, _ = _series(zone, daily(zone.gap_time))
    found = Recurrence(cal, []).between(START, END)
    assert len(found) == 730
    assert len({o.id for o in found}) == 730
    by_day = {o.id.split("@")[1][:10]: o for o in found}
    for day in zone.gaps:
        moved = by_day[day]
        assert moved.id == f"tip@{day}T{zone.moved_to}"
        assert local(moved.at, zone).strftime("%H:%M") == zone.moved_to
    others = [o for o in found if o.id.split("@")[1][:10] not in zone.gaps]
    assert {local(o.at, zone).strftime("%H:%M") for o in others} == {zone.gap_time}
    assert [o.index for o in found] == list(range(730))


@pytest.mark.parametrize("zone", ZONES, ids=IDS)
def test_a_recurring_series_takes_a_repeated_time_once(zone: Zone) -> None:
    cal, _ = _series(zone, daily(zone.fold_time))
    found = Recurrence(cal, []).between(START, END)
    assert len(found) == 730
    for day in zone.folds:
        (occ,) = [o for o in found if o.id == f"tip@{day}T{zone.fold_time}"]
        assert local(occ.at, zone).isoformat(timespec="minutes").endswith(zone.first_offset)


def test_weekly_ids_and_instants_across_the_berlin_spring_change() -> None:
    zone = ZONES[0]
    cal, _ = _series(zone, "0 10 * * TUE")
    found = Recurrence(cal, []).between(datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 4, 3, tzinfo=UTC))
    assert [(o.id, o.at.isoformat()) for o in found] == [
        ("tip@2026-03-24T10:00", "2026-03-24T09:00:00+00:00"),
        ("tip@2026-03-31T10:00", "2026-03-31T08:00:00+00:00"),
    ]


def test_lord_howe_half_hour_slots_on_the_day_the_clocks_go_back() -> None:
    """Every 30 minutes on 2026-04-05: 01:30 happens twice (taken once), nothing is lost."""
    zone = ZONES[2]
    tz = ZoneInfo(zone.name)
    start, end = parse_bound("2026-04-05", tz), parse_bound("2026-04-05", tz, end=True)
    found = instants("*/30 * * * *", tz, start, end)
    walls = [local(at, zone).strftime("%H:%M") for at in found]
    assert walls == [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
    assert end - start == timedelta(hours=24, minutes=30)
