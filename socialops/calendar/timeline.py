"""Everything with a time on the calendar, before statuses: posts with a written time and
the occurrences of recurring series, each as an Scheduled on its channels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from socialops.calendar.recurring import Occurrence, Recurrence
from socialops.model import CALENDAR_FILE, Post, Project, post_due

EXPLICIT, QUEUE, RECURRING = "explicit", "queue", "recurring"


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A post or an occurrence at one time on one or more channels."""

    id: str
    at: datetime  # UTC
    channels: tuple[str, ...]
    source: str  # explicit | queue | recurring
    post: Post | None  # the post file (an occurrence's template or pool member)
    path: str  # the post file's path, or calendar.yaml for an occurrence without one
    campaign: str | None
    occurrence: Occurrence | None = None

    @property
    def draft(self) -> bool:
        return self.post is not None and self.post.status == "draft"


def post_channels(post: Post, project: Project) -> tuple[str, ...]:
    """The channels a post goes to (`Config.channels_for`), as a tuple."""
    return tuple(project.config.channels_for(post))


def post_time(post: Post, tz: ZoneInfo) -> datetime | None:
    """A post's written time in UTC; None for `queue`, no time, or a time lint refuses."""
    at = post_due(post, tz).at
    return at.astimezone(UTC) if at is not None else None


def is_queued(post: Post) -> bool:
    return post.queued


def post_items(posts: Iterable[Post], project: Project) -> list[Scheduled]:
    tz = project.config.timezone
    out: list[Scheduled] = []
    for post in posts:
        if not post.readable:
            continue
        at = post_time(post, tz)
        if at is not None:
            out.append(Scheduled(post.id, at, post_channels(post, project), EXPLICIT, post, post.path, post.campaign))
    return out


def occurrence_items(recurrence: Recurrence, by_path: dict[str, Post], start: datetime,
                     end: datetime) -> list[Scheduled]:
    out: list[Scheduled] = []
    for occ in recurrence.between(start, end):
        post = by_path.get(occ.path) if occ.path else None
        campaign = post.campaign if post is not None else None
        out.append(Scheduled(occ.id, occ.at, occ.channels, RECURRING, post, occ.path or CALENDAR_FILE,
                        campaign, occ))
    return out
