"""The calendar: slots, spacing, blackouts, campaigns, recurring series, the queue, the plan.

Everything is computed from the files, deterministically, with `now` passed in; every
datetime returned is aware and in UTC (turn it into the project timezone to show it).

API for other parts of socialops (the publisher in particular):

- `lateness(project) -> timedelta`: how late a due post may still be published
  (socialops.yaml `lateness` when set, else calendar.yaml's, default 6h); later it is
  `missed`.
- `occurrences(project, start, end) -> list[Occurrence]`: the occurrences of every
  recurring series with `start <= at < end`, by time. An `Occurrence` has `id`
  (`weekly-tip@2026-12-01T10:00`, the series id and the local wall time: use it as the
  post id for the ledger), `series`, `at` (UTC), `channels` (tuple), `path` (the post file
  to publish, from the repository root; None when the series' pool has no post) and
  `index` (0-based position in the series, which picks the pool member).
- `load(project) -> Calendar`: calendar.yaml as data (`slots`, `limits`, `blackouts`,
  `campaigns`, `series`, `lateness`, `problems`; `blackout_at(channel, at)` tells whether
  a channel is blacked out at a time). A missing file is an empty calendar; problems
  (syntax, schema, time) come with their line in calendar.yaml.

Modules: config (calendar.yaml), cron (wall-clock cron expansion across DST changes),
recurring (series and pool rotation), timeline (posts and occurrences with times),
spacing and schedule (the queue), rewrite (writing a time into a post file), ledger
(reading statuses), plan (entries with statuses), checks (lint findings), and the views
terminal, ics and html.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialops.calendar.config import Calendar, load

if TYPE_CHECKING:
    from socialops.calendar.recurring import Occurrence
    from socialops.model import Project

__all__ = ["Calendar", "lateness", "load", "occurrences"]


def lateness(project: Project, cal: Calendar | None = None) -> timedelta:
    """How late a due post may still go out: socialops.yaml `lateness` when it is set (and
    readable), else calendar.yaml's (default 6h)."""
    from socialops.timeutil import TimeError, parse_duration

    value = project.config.data.get("lateness")
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            return parse_duration(value)
        except TimeError:
            pass  # lint reports it in socialops.yaml
    return (cal or load(project)).lateness


def occurrences(project: Project, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences of every recurring series in [start, end), by time (see the module doc)."""
    from socialops.calendar.recurring import Recurrence
    from socialops.model import read_post

    cal = load(project)
    prefixes = tuple(s.pool.rstrip("/") + "/" for s in cal.series if s.pool is not None)
    if not prefixes:
        return Recurrence(cal, []).between(start, end)
    paths, _ = project.post_paths()  # the same files plan and lint rotate through
    posts = [read_post(project.root, p) for p in paths if p.relative_to(project.root).as_posix().startswith(prefixes)]
    return Recurrence(cal, posts).between(start, end)
