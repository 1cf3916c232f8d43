"""The queue: each `publish_at: queue` post gets the earliest free slot after now.

Posts are taken in file-path order. A slot is free for a post when it is a slot of one of
the post's channels (a post for several channels takes one time for all of them), lies inside the post's campaign, in no blackout for those channels,
and keeps the spacing (minimum gap, daily maximum, also per campaign) on each of them
against every post with a time, every occurrence of a recurring series and every post
placed before it. Drafts stay in the queue until they are ready. Nothing here writes a
file (see socialops.calendar.rewrite).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from socialops.calendar.config import Calendar, Campaign
from socialops.calendar.cron import Gap, instants
from socialops.calendar.recurring import Recurrence
from socialops.calendar.spacing import DAY_FULL, TOO_CLOSE, Occupancy, seconds
from socialops.calendar.speed import without_gc
from socialops.calendar.timeline import (
    Scheduled,
    is_queued,
    occurrence_items,
    post_channels,
    post_items,
)
from socialops.model import Post, Project
from socialops.timeutil import exists_once

HORIZON = timedelta(days=731)  # how far ahead the queue looks for a free slot
CHUNK = timedelta(days=92)  # slots are expanded this much at a time


@dataclass(frozen=True, slots=True)
class Assignment:
    post: Post
    at: datetime  # UTC
    value: str  # what is written into publish_at


@dataclass(frozen=True, slots=True)
class Unassigned:
    post: Post
    reason: str


@dataclass
class QueueResult:
    assigned: list[Assignment] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)
    drafts: list[Post] = field(default_factory=list)


class _Slots:
    """The instants of a set of slot crons (those of a post's channels), expanded chunk by
    chunk, with each one's POSIX seconds and local day computed once."""

    def __init__(self, cal: Calendar, exprs: tuple[str, ...], now: datetime) -> None:
        self._cal, self._exprs = cal, exprs
        self._until, self._last = now + timedelta(seconds=1), now + HORIZON
        self.times: list[datetime] = []
        self.secs: list[int] = []
        self.days: list[int] = []

    def extend(self) -> bool:
        if self._until >= self._last:
            return False
        end = min(self._until + CHUNK, self._last)
        found = sorted({at for e in self._exprs for at in instants(e, self._cal.tz, self._until, end, Gap.SKIP)})
        self.times.extend(found)
        self.secs.extend(seconds(at) for at in found)
        self.days.extend(at.astimezone(self._cal.tz).date().toordinal() for at in found)
        self._until = end
        return True


BusySource = Callable[[datetime, datetime], list[Scheduled]]


class Queue:
    """Places queued posts one by one. `busy` are the posts with a time; `more(start, end)`
    gives the occurrences of recurring series in a range, asked for as the search goes on."""

    def __init__(self, project: Project, cal: Calendar, busy: list[Scheduled], now: datetime,
                 more: BusySource | None = None) -> None:
        self.project, self.cal, self.now = project, cal, now
        self.occupancy = Occupancy(cal)
        for item in busy:
            self._take(item)
        self._more = more
        self._reach = _widest_gap(cal) + timedelta(days=1)
        self._loaded = now - self._reach
        self._slots: dict[tuple[str, ...], _Slots] = {}  # by cron expressions: channels share them
        self._cursor: dict[tuple[tuple[str, ...], str | None], int] = {}

    def _take(self, item: Scheduled) -> None:
        for channel in item.channels:
            self.occupancy.add(channel, item.at, item.campaign)

    def _load_until(self, at: datetime) -> None:
        """Make sure every occurrence that could conflict with `at` is known."""
        while self._more is not None and self._loaded < at + self._reach:
            end = self._loaded + CHUNK
            for item in self._more(self._loaded, end):
                self._take(item)
            self._loaded = end

    def place(self, post: Post) -> Assignment | Unassigned:
        channels = post_channels(post, self.project)
        if not channels:
            return Unassigned(post, "the post names no channels")
        crons: list[tuple[str, ...]] = []
        for channel in channels:
            known = self.project.config.channels.get(channel)
            key = self.cal.slot_key(channel, known.platform if known else None)
            if key is None:
                return Unassigned(post, f"calendar.yaml has no slots for channel '{channel}'; add "
                                  f"'{channel}:' (or '*') under slots")
            crons.append(tuple(self.cal.slots[key]))
        campaign = self.cal.campaigns.get(post.campaign) if post.campaign else None
        if post.campaign and campaign is None:
            return Unassigned(post, f"campaign '{post.campaign}' is not in calendar.yaml")
        at = self._search(channels, crons, campaign)
        if isinstance(at, str):
            return Unassigned(post, at)
        for channel in channels:
            self.occupancy.add(channel, at, post.campaign)
        return Assignment(post, at, self.written(at))

    def _search(self, channels: tuple[str, ...], crons: list[tuple[str, ...]],
                campaign: Campaign | None) -> datetime | str:
        exprs = tuple(sorted({e for c in crons for e in c}))
        slots = self._slots.get(exprs) or self._slots.setdefault(exprs, _Slots(self.cal, exprs, self.now))
        key = (channels, campaign.name if campaign else None)
        i = self._cursor.get(key, 0)
        while True:
            if i >= len(slots.times):
                if slots.extend():
                    continue
                return (f"no free slot for {', '.join(channels)} in the next {HORIZON.days} days; "
                        "add slots or loosen the spacing in calendar.yaml")
            at = slots.times[i]
            if campaign is not None and at >= campaign.end:
                return (f"no free slot left in campaign '{campaign.name}' (it ends "
                        f"{self.shown(campaign.end)}); add slots or loosen the spacing")
            if at + self._reach > self._loaded:
                self._load_until(at)
            following = self._next_candidate(channels, slots, i, campaign)
            if following is None:
                self._cursor[key] = i
                return at
            # What is taken now stays taken: the next post of this kind starts from here.
            i = following

    def _next_candidate(self, channels: tuple[str, ...], slots: _Slots, i: int,
                        campaign: Campaign | None) -> int | None:
        """None when slot i is free on every channel; else the next slot worth a look."""
        at = slots.times[i]
        if campaign is not None and at < campaign.start:
            return max(i + 1, bisect_left(slots.times, campaign.start))
        for channel in channels:
            blackout = self.cal.blackout_at(channel, at)
            if blackout is not None:
                return max(i + 1, bisect_left(slots.times, blackout.end))
            found = self.occupancy.conflict(channel, slots.secs[i], slots.days[i],
                                            campaign.name if campaign else None)
            if found == DAY_FULL:
                return bisect_right(slots.days, slots.days[i])  # the first slot of the next day
            if found == TOO_CLOSE:
                return i + 1
        return None

    def written(self, at: datetime) -> str:
        """The time as written into the post: local, with an offset only where the local
        time happens twice (the clocks go back)."""
        local = at.astimezone(self.cal.tz)
        naive = local.replace(tzinfo=None)
        if exists_once(naive, self.cal.tz):
            return naive.isoformat(timespec="minutes")
        return local.isoformat(timespec="minutes")

    def shown(self, at: datetime) -> str:
        return at.astimezone(self.cal.tz).strftime("%Y-%m-%d %H:%M")


def _widest_gap(cal: Calendar) -> timedelta:
    limits = [cal.limits, *cal.channel_limits.values(), *cal.campaign_limits.values()]
    return max((lim.min_gap for lim in limits if lim.min_gap is not None), default=timedelta(0))


def assign(project: Project, cal: Calendar, posts: list[Post], busy: list[Scheduled], now: datetime,
           more: BusySource | None = None) -> QueueResult:
    """Place every queued post that is ready, in file-path order (nothing is written)."""
    queue = Queue(project, cal, busy, now, more)
    result = QueueResult()
    for post in sorted(posts, key=lambda p: p.path):
        if not post.readable or not is_queued(post):
            continue
        if post.status == "draft":
            result.drafts.append(post)
            continue
        placed = queue.place(post)
        if isinstance(placed, Assignment):
            result.assigned.append(placed)
        else:
            result.unassigned.append(placed)
    return result


def queue_posts(project: Project, cal: Calendar, posts: list[Post], now: datetime) -> QueueResult:
    """`assign` against every post with a time and the recurring occurrences."""
    with without_gc():
        recurrence = Recurrence(cal, posts)
        by_path = {p.path: p for p in posts}
        return assign(project, cal, posts, post_items(posts, project), now,
                      lambda start, end: occurrence_items(recurrence, by_path, start, end))
