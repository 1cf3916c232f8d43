"""The plan: one entry per post (or occurrence) and channel, with its time, status and source.

Statuses:
- published, failed, unknown (and retracted) come from the ledger when it has the channel;
- draft: the post (or the occurrence's post) is a draft;
- ready: a queued post that `socialops schedule` has not given a time yet (its `at` is the
  slot it would take now, or none when no slot is free);
- held: nothing will be published: the time is inside a blackout for the channel, a
  series has no post to publish, or publishing is paused (`socialops pause`) and the time
  has come;
- missed: the time is more than the lateness limit ago and nothing was published;
- scheduled: everything else with a time (due now or later).

Sources: explicit (a time written in the post), queue (a queued post's projected slot),
recurring (an occurrence of a recurring series).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socialops.calendar import lateness
from socialops.calendar.config import Calendar
from socialops.calendar.ledger import Ledger
from socialops.calendar.recurring import Recurrence
from socialops.calendar.schedule import assign
from socialops.calendar.speed import without_gc
from socialops.calendar.timeline import (
    QUEUE,
    RECURRING,
    Scheduled,
    is_queued,
    occurrence_items,
    post_channels,
    post_items,
)
from socialops.model import Post, Project, mask_comments
from socialops.pause import read_pause
from socialops.timeutil import iso

STATUSES = ("draft", "ready", "scheduled", "published", "failed", "unknown", "missed", "held")


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One line of the plan: a post (or an occurrence of a recurring series) on one channel
    at its time, with its status and where it came from (`source`)."""

    id: str
    channel: str
    at: datetime | None  # UTC; None for a queued post without a free slot
    status: str
    source: str
    path: str
    campaign: str | None
    author: str | None
    url: str | None = None  # the published URL, from the ledger
    post: Post | None = None
    series: str | None = None

    def as_json(self, project: Project) -> dict[str, Any]:
        tz = project.config.timezone
        return {"id": self.id, "channel": self.channel, "at": iso(self.at.astimezone(tz)) if self.at else None,
                "status": self.status, "source": self.source, "path": self.path,
                "campaign": self.campaign, "author": self.author, "url": self.url}

    def text(self, project: Project) -> str:
        """The text this channel gets, chosen as render.choose_text chooses it (its variant by
        channel, then platform, else the body), comments masked."""
        if self.post is None:
            return ""
        channel = project.config.channels.get(self.channel)
        if channel is None:
            text = self.post.variants.get(self.channel, self.post.body)
        else:
            from socialops.render import choose_text  # the platforms' modules: only for the views

            text = choose_text(self.post, channel).text
        return mask_comments(text).strip()

    def first_line(self, project: Project) -> str:
        for line in self.text(project).splitlines():
            if line.strip() and line.strip() != "---":
                return line.strip()
        return self.id


def build(project: Project, cal: Calendar, posts: list[Post], now: datetime, start: datetime, end: datetime,
          authors: Mapping[str, str] | None = None, ledger: Ledger | None = None) -> list[PlanEntry]:
    """Every entry in [start, end), plus queued posts that have no slot, by time."""
    with without_gc():
        return _build(project, cal, posts, now, start, end, authors or {}, ledger or Ledger(project))


def _build(project: Project, cal: Calendar, posts: list[Post], now: datetime, start: datetime, end: datetime,
           authors: Mapping[str, str], ledger: Ledger) -> list[PlanEntry]:
    by_path = {p.path: p for p in posts}
    recurrence = Recurrence(cal, posts)
    limit = lateness(project, cal)
    paused = read_pause(project.root) is not None
    explicit = post_items(posts, project)
    chosen = [i for i in explicit if start <= i.at < end]
    chosen += occurrence_items(recurrence, by_path, start, end)
    entries: list[PlanEntry] = []
    if any(p.readable and is_queued(p) for p in posts):
        queued = assign(project, cal, posts, explicit, now,
                        lambda a, b: occurrence_items(recurrence, by_path, a, b))
        chosen += [Scheduled(a.post.id, a.at, post_channels(a.post, project), QUEUE, a.post, a.post.path,
                        a.post.campaign) for a in queued.assigned if start <= a.at < end]
        for post in [u.post for u in queued.unassigned] + queued.drafts:
            entries += [_entry(post.id, channel, None, "draft" if post.status == "draft" else "ready", QUEUE,
                               post, post.path, authors) for channel in post_channels(post, project)]
    for item in chosen:
        for channel in item.channels:
            status, url = _status(item, channel, ledger, cal, now, limit, paused)
            entries.append(_entry(item.id, channel, item.at, status, item.source, item.post, item.path,
                                  authors, url, item.occurrence.series if item.occurrence else None))
    entries.sort(key=lambda e: (e.at is None, e.at or now, e.id, e.channel))
    return entries


def _entry(entry_id: str, channel: str, at: datetime | None, status: str, source: str, post: Post | None,
           path: str, authors: Mapping[str, str], url: str | None = None, series: str | None = None) -> PlanEntry:
    author = (post.author or authors.get(post.path)) if post is not None else None
    campaign = post.campaign if post is not None else None
    return PlanEntry(entry_id, channel, at, status, source, path, campaign, author, url, post, series)


def _status(item: Scheduled, channel: str, ledger: Ledger, cal: Calendar, now: datetime,
            limit: timedelta, paused: bool) -> tuple[str, str | None]:
    record = ledger.record(item.id, channel)
    if record is not None:
        return record.status, record.url
    if item.draft:
        return "draft", None
    if item.source == QUEUE:
        return "ready", None
    if cal.blackout_at(channel, item.at) is not None or (item.source == RECURRING and item.post is None):
        return "held", None
    if item.at + limit < now:
        return "missed", None
    if paused and item.at <= now:
        return "held", None
    return "scheduled", None
