"""Lint findings from the timeline (rule `calendar`): posts closer than the minimum gap,
more than the daily maximum, posts in a blackout or outside their campaign, queued posts
without a time, occurrences colliding with posts, the same text twice in a row on X.

A finding about a post is reported at its line in the post file; a finding about the
occurrences of a recurring series once, at the series' line in calendar.yaml, with the
first occurrence and a count. What is past (before `now`) or already published on the
channel is never reported (it cannot be changed), but still counts against the others.
Occurrences are checked for a year after `now`. All of it sorts the timeline once and
walks each channel once, so it stays fast on large repositories.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from socialops import digests
from socialops.calendar.checks_file import file_problems
from socialops.calendar.config import Calendar, Limits, load
from socialops.calendar.ledger import Ledger
from socialops.calendar.recurring import Recurrence
from socialops.calendar.speed import without_gc
from socialops.calendar.timeline import (
    EXPLICIT,
    Scheduled,
    is_queued,
    occurrence_items,
    post_channels,
    post_items,
    post_time,
)
from socialops.model import CALENDAR_FILE, Channel, Post, PostBrief, Project, mask_comments
from socialops.problems import Level, Problem
from socialops.timeutil import duration_text

HORIZON = timedelta(days=366)


@dataclass
class Findings:
    by_path: dict[str, list[Problem]] = field(default_factory=lambda: defaultdict(list))
    calendar: list[Problem] = field(default_factory=list)


def findings(project: Project, posts: list[Post], now: datetime | None, only: set[str] | None = None) -> Findings:
    """Findings about every post with a time (or, with `only`, about those paths, checked
    against all the others) and about calendar.yaml."""
    with without_gc():
        return _findings(project, posts, now, only)


def _findings(project: Project, posts: list[Post], now: datetime | None, only: set[str] | None) -> Findings:
    cal = load(project)
    report = _Report(project, cal, Ledger(project), now, only)
    recurrence = Recurrence(cal, posts)
    report.out.calendar.extend(file_problems(project, cal, posts, recurrence.pools))
    base = now or min([s.start for s in cal.series], default=datetime(2000, 1, 1, tzinfo=UTC))
    timeline = post_items(posts, project) + occurrence_items(
        recurrence, {p.path: p for p in posts}, base - timedelta(days=2), base + HORIZON)
    timeline.sort(key=lambda i: (i.at, i.id))
    by_channel: dict[str, list[Scheduled]] = defaultdict(list)
    for item in timeline:
        for channel in item.channels:
            by_channel[channel].append(item)
            _blackout(report, cal, item, channel)
    for channel, items in sorted(by_channel.items()):  # in an order the other posts do not change
        own = cal.channel_limits.get(channel)
        where = (f"spacing.channels.{channel}.min_gap" if own and own.min_gap else "spacing.min_gap",
                 f"spacing.channels.{channel}.max_per_day" if own and own.max_per_day else "spacing.max_per_day")
        _limits(report, cal, channel, items, cal.limits_for(channel), where)
        for name, limits in cal.campaign_limits.items():
            mine = [i for i in items if i.campaign == name]
            _limits(report, cal, channel, mine, limits,
                    (f"spacing.campaigns.{name}.min_gap", f"spacing.campaigns.{name}.max_per_day"))
        known = project.config.channels.get(channel)
        if known is not None and known.platform == "x":
            _x_duplicates(report, known, items)
    for post in posts:
        if post.readable and (only is None or post.path in only):
            _campaign(report, cal, post)
            _queue(report, post)
    report.finish()
    return report.out


# ---- the report -----------------------------------------------------------------------------

class _Report:
    """Collects violations; merges the channels of one violation on a post and counts the
    occurrences of a series with the same kind of violation."""

    def __init__(self, project: Project, cal: Calendar, ledger: Ledger, now: datetime | None,
                 only: set[str] | None) -> None:
        self.project, self.cal, self.ledger, self.now, self.only = project, cal, ledger, now, only
        self.out = Findings()
        self._posts: dict[tuple[str, str, str], tuple[Scheduled, str, Level, list[str]]] = {}
        self._series: dict[tuple[str, str], tuple[Scheduled, str, Level, set[str]]] = {}
        self._days: dict[int, date] = {}  # by id() of the items of the timeline, which outlives this

    def fixed(self, item: Scheduled, channel: str) -> bool:
        if self.now is not None and item.at < self.now:
            return True
        record = self.ledger.record(item.id, channel)
        return record is not None and record.status == "published"

    def wants(self, item: Scheduled, channel: str) -> bool:
        """Whether a finding about this item on this channel would be reported (asked before
        a message is worded, which costs more than the check)."""
        if self.only is not None and item.source == EXPLICIT and item.path not in self.only:
            return False
        return not self.fixed(item, channel)

    def add(self, item: Scheduled, channel: str, kind: str, message: str, level: Level = Level.ERROR,
            other: str = "") -> None:
        """`message` may hold `{channels}`: the channels of the same violation, merged."""
        if self.fixed(item, channel):
            return
        if item.source == EXPLICIT:
            if self.only is not None and item.path not in self.only:
                return
            key = (item.path, kind, other)
            self._posts.setdefault(key, (item, message, level, []))[3].append(channel)
        elif item.occurrence is not None:
            first = self._series.setdefault((item.occurrence.series, kind),
                                            (item, message.replace("{channels}", channel), level, set()))
            first[3].add(item.id)

    def post_problem(self, post: Post, key: list[str | int], message: str, level: Level = Level.ERROR) -> None:
        line, column = post.meta_position(key, key=False)
        self.out.by_path[post.path].append(post.problem("calendar", message, line, column, level))

    def finish(self) -> None:
        for item, message, level, channels in self._posts.values():
            assert item.post is not None
            channels.sort(key=item.channels.index)  # in the post's own order
            self.post_problem(item.post, ["publish_at"], message.replace("{channels}", ", ".join(channels)), level)
        series = {s.id: s for s in self.cal.series}
        for (sid, _kind), (_item, message, level, ids) in self._series.items():
            more = f" ({len(ids) - 1} more occurrence{'s' if len(ids) > 2 else ''} like it)" if len(ids) > 1 else ""
            self.out.calendar.append(self.cal.problem(["recurring", series[sid].index], message + more,
                                                      level=level))

    def day(self, item: Scheduled) -> date:
        """The item's local day, computed once per item."""
        found = self._days.get(id(item))
        if found is None:
            found = self._days[id(item)] = item.at.astimezone(self.cal.tz).date()
        return found

    def when(self, at: datetime) -> str:
        return at.astimezone(self.cal.tz).strftime("%a %Y-%m-%d %H:%M")


def _what(item: Scheduled) -> str:
    if item.source == EXPLICIT:
        return item.path
    return f"the recurring post {item.id}"


def _subject(item: Scheduled) -> str:
    return "this post" if item.source == EXPLICIT else item.id


# ---- checks -----------------------------------------------------------------------------------

def _blackout(report: _Report, cal: Calendar, item: Scheduled, channel: str) -> None:
    blackout = cal.blackout_at(channel, item.at)
    if blackout is None or not report.wants(item, channel):
        return
    span = f"'{blackout.name}' ({report.when(blackout.start)} to {report.when(blackout.end)})"
    if item.source == EXPLICIT:
        report.add(item, channel, "blackout", f"this post on {{channels}} is at {report.when(item.at)}, inside the "
                   f"blackout {span}; nothing is published then: move it", other=blackout.name)
    else:
        report.add(item, channel, "blackout", f"{item.id} on {{channels}} falls inside the blackout {span} and "
                   "will be held", Level.WARNING)


def _limits(report: _Report, cal: Calendar, channel: str, items: list[Scheduled], limits: Limits,
            where: tuple[str, str]) -> None:
    gap = limits.min_gap or timedelta(0)
    for before, after in pairwise(items):
        delta = after.at - before.at
        if delta < gap or delta == timedelta(0):
            apart = "at the same time as" if not delta else f"only {duration_text(delta)} from"
            rule = f"; calendar.yaml asks for at least {duration_text(gap)} ({where[0]})" if gap else ""
            for item, other in ((before, after), (after, before)):
                if report.wants(item, channel):
                    report.add(item, channel, "gap", f"on {{channels}} {_subject(item)} is {apart} "
                               f"{_what(other)} ({report.when(other.at)}){rule}", other=other.id)
    if limits.max_per_day is None:
        return
    days: dict[date, list[Scheduled]] = defaultdict(list)
    for item in items:
        days[report.day(item)].append(item)
    for day, mine in days.items():
        for n, item in enumerate(mine[limits.max_per_day:], start=limits.max_per_day + 1):
            if report.wants(item, channel):
                report.add(item, channel, "day", f"{_subject(item)} is post {n} on {{channels}} on "
                           f"{day:%a %Y-%m-%d}; calendar.yaml allows {limits.max_per_day} a day ({where[1]})",
                           other=where[1])


def x_text_key(post: Post, channel: Channel) -> bytes:
    """What the X duplicate check compares of a post on an X channel: a digest of its text
    there, comments out and white space folded (b"" for no text). A post's brief
    (lint's, PostBrief) keeps it, worked out when the post was checked."""
    if isinstance(post, PostBrief):
        return post.x_key(channel.name)
    from socialops.render import choose_text

    text = " ".join(mask_comments(choose_text(post, channel).text).split())
    return digests.blake2b(text.encode(), digest_size=16).digest() if text else b""


def _x_duplicates(report: _Report, known: Channel, items: list[Scheduled]) -> None:
    channel = known.name
    texts: dict[str, bytes] = {}

    def text(item: Scheduled) -> bytes:
        if item.post is None:
            return b""
        if item.post.path not in texts:
            texts[item.post.path] = x_text_key(item.post, known)
        return texts[item.post.path]

    last_of_series: dict[str, Scheduled] = {}
    for i, after in enumerate(items):
        # the post just before on the channel, and the series' own previous occurrence
        befores = [items[i - 1]] if i else []
        series = after.occurrence.series if after.occurrence is not None else None
        if series is not None:
            if series in last_of_series and last_of_series[series] not in befores:
                befores.append(last_of_series[series])
            last_of_series[series] = after
        for before in befores:
            if report.wants(after, channel) and text(after) and text(after) == text(before):
                report.add(after, channel, "x-duplicate", f"{_subject(after)} has the same text as "
                           f"{_what(before)} ({report.when(before.at)}) before it on {{channels}}; X refuses a "
                           "duplicate: vary the text or add posts to the rotation", other=before.id)
                break


def _campaign(report: _Report, cal: Calendar, post: Post) -> None:
    name = post.campaign
    if name is None:
        return
    campaign = cal.campaigns.get(name)
    if campaign is None:
        known = ", ".join(sorted(cal.campaigns)) or "none yet"
        report.post_problem(post, ["campaign"], f"campaign '{name}' is not in {CALENDAR_FILE}; campaigns "
                            f"there: {known}")
        return
    channels = post_channels(post, report.project)
    at = post_time(post, cal.tz)
    item = Scheduled(post.id, at, channels, EXPLICIT, post, post.path, name) if at is not None else None
    if item is not None and all(report.fixed(item, c) for c in channels):
        return
    if item is not None and not campaign.contains(item.at):
        report.post_problem(post, ["publish_at"], f"this post is at {report.when(item.at)}, outside campaign "
                            f"'{name}' ({report.when(campaign.start)} to {report.when(campaign.end)}); move it "
                            "into the campaign or change 'campaign:'")
    if campaign.channels is not None:
        own = post.meta.get("channels")
        for channel in channels:
            if channel not in campaign.channels:
                where: list[str | int] = ["campaign"]
                if isinstance(own, list) and channel in own:
                    where = ["channels", own.index(channel)]
                elif isinstance(own, str):
                    where = ["channels"]
                report.post_problem(post, where, f"campaign '{name}' runs on "
                                    f"{', '.join(sorted(campaign.channels))}, not on {channel}"
                                    + ("" if post.own_channels else
                                       " (a channel of defaults.channels: name this post's channels)"))


def _queue(report: _Report, post: Post) -> None:
    if is_queued(post) and post.status != "draft":
        report.post_problem(post, ["publish_at"], "this post is queued but has no time yet; run 'socialops "
                            "schedule' to write the next free slot into it (publish never guesses a time)",
                            Level.WARNING)
