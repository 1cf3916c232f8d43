"""Who is where on each channel, for the queue: the minimum gap, the daily maximum (days in
the project timezone), per channel and per campaign, answered with binary search.

Times are given as POSIX seconds and days as local date ordinals, computed once per slot
by the caller, so that checking thousands of slots stays cheap."""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import Counter
from datetime import datetime, timedelta

from socialops.calendar.config import Calendar, Limits

FREE, TOO_CLOSE, DAY_FULL = 0, 1, 2


def seconds(at: datetime) -> int:
    return int(at.timestamp())


class Occupancy:
    """The times taken on each channel (and within each campaign on a channel)."""

    def __init__(self, cal: Calendar) -> None:
        self._cal = cal
        self._times: dict[tuple[str, str | None], list[int]] = {}
        self._days: Counter[tuple[str, str | None, int]] = Counter()
        self._limits: dict[str, tuple[int, int | None]] = {}

    def day(self, at: datetime) -> int:
        return at.astimezone(self._cal.tz).date().toordinal()

    def add(self, channel: str, at: datetime, campaign: str | None, day: int | None = None) -> None:
        day = self.day(at) if day is None else day
        for scope in self._scopes(campaign):
            insort(self._times.setdefault((channel, scope), []), seconds(at))
            self._days[(channel, scope, day)] += 1

    def _scopes(self, campaign: str | None) -> list[str | None]:
        if campaign is not None and campaign in self._cal.campaign_limits:
            return [None, campaign]
        return [None]

    def conflict(self, channel: str, secs: int, day: int, campaign: str | None) -> int:
        """FREE, TOO_CLOSE (another post within the minimum gap) or DAY_FULL."""
        for scope in self._scopes(campaign):
            found = self._check(channel, scope, secs, day)
            if found != FREE:
                return found
        return FREE

    def _check(self, channel: str, scope: str | None, secs: int, day: int) -> int:
        gap, most = self._limit(channel, scope)
        if most is not None and self._days[(channel, scope, day)] >= most:
            return DAY_FULL
        taken = self._times.get((channel, scope))
        if taken:
            i = bisect_right(taken, secs - gap) if gap else bisect_right(taken, secs - 1)
            if i < len(taken) and taken[i] < secs + max(gap, 1):
                return TOO_CLOSE
        return FREE

    def _limit(self, channel: str, scope: str | None) -> tuple[int, int | None]:
        key = f"{channel}\0{scope or ''}"
        if key not in self._limits:
            limits: Limits = self._cal.campaign_limits[scope] if scope else self._cal.limits_for(channel)
            gap = int((limits.min_gap or timedelta(0)).total_seconds())
            self._limits[key] = (gap, limits.max_per_day)
        return self._limits[key]
