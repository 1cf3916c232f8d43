"""Who is where on each channel, for the queue: the minimum gap, the daily maximum (days in
the project timezone), per channel and per campaign, answered with binary search."""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import Counter
from datetime import date, datetime, timedelta

from socialops.calendar.config import Calendar, Limits


def _seconds(at: datetime) -> int:
    return int(at.timestamp())


class Occupancy:
    """The times taken on each channel (and within each campaign on a channel)."""

    def __init__(self, cal: Calendar) -> None:
        self._cal = cal
        self._times: dict[tuple[str, str | None], list[int]] = {}
        self._days: Counter[tuple[str, str | None, date]] = Counter()

    def _day(self, at: datetime) -> date:
        return at.astimezone(self._cal.tz).date()

    def add(self, channel: str, at: datetime, campaign: str | None) -> None:
        day = self._day(at)
        scopes: list[str | None] = [None]
        if campaign is not None and campaign in self._cal.campaign_limits:
            scopes.append(campaign)
        for scope in scopes:
            insort(self._times.setdefault((channel, scope), []), _seconds(at))
            self._days[(channel, scope, day)] += 1

    def conflict(self, channel: str, at: datetime, campaign: str | None) -> str | None:
        """Why `at` is not free on `channel` for a post of `campaign`, or None when it is."""
        day = self._day(at)
        reason = self._check(channel, None, at, day, self._cal.limits_for(channel))
        if reason is None and campaign is not None and campaign in self._cal.campaign_limits:
            reason = self._check(channel, campaign, at, day, self._cal.campaign_limits[campaign])
        return reason

    def _check(self, channel: str, scope: str | None, at: datetime, day: date, limits: Limits) -> str | None:
        taken = self._times.get((channel, scope), [])
        t = _seconds(at)
        gap = int((limits.min_gap or timedelta(0)).total_seconds())
        i = bisect_right(taken, t - gap) if gap else bisect_right(taken, t - 1)
        if i < len(taken) and taken[i] < t + max(gap, 1):
            return "too close to another post" + (f" of campaign {scope}" if scope else "")
        if limits.max_per_day is not None and self._days[(channel, scope, day)] >= limits.max_per_day:
            return "the day is full" + (f" for campaign {scope}" if scope else "")
        return None
