"""Lint findings about calendar.yaml itself: slot crons, names of channels and campaigns,
series that cannot run. Each at its line in calendar.yaml."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from socialops import yamlio
from socialops.calendar.config import Calendar, Series
from socialops.calendar.cron import TooManyInstants, cron_problem
from socialops.calendar.recurring import series_times
from socialops.model import Post, Project, inside_repo
from socialops.problems import Level, Problem
from socialops.suggest import did_you_mean


def file_problems(project: Project, cal: Calendar, posts: list[Post],
                  pools: dict[str, list[str]]) -> Iterator[Problem]:
    """Everything wrong with calendar.yaml that needs no timeline (`pools`: each series'
    pool members, by series id)."""
    yield from cal.problems
    if not cal.exists or any(p.rule == "syntax" for p in cal.problems):
        return
    try:
        data = yamlio.load(cal.text) or {}
    except yamlio.YamlError:
        return
    if not isinstance(data, dict):
        return
    channels = set(project.config.channels)
    yield from _slots(cal, channels)
    yield from _spacing(cal, data.get("spacing"), channels)
    for section in ("blackouts", "campaigns"):
        yield from _scoped_channels(cal, data.get(section), section, channels)
    by_path = {p.path: p for p in posts}
    for series in cal.series:
        yield from _series(project, cal, series, channels, by_path, pools.get(series.id, []))


def _known(channels: set[str]) -> str:
    return ", ".join(sorted(channels)) or "none yet"


def _slots(cal: Calendar, channels: set[str]) -> Iterator[Problem]:
    # the platforms' names: no platform module is loaded for this
    from socialops.platforms import PLATFORMS

    for key, crons in cal.slots.items():
        if key != "*" and key not in channels and key not in PLATFORMS:
            yield cal.problem(["slots", key], f"slots for '{key}', which is no channel or platform of this "
                              f"project{did_you_mean(str(key), channels)}; channels: {_known(channels)}",
                              level=Level.WARNING)
        for i, expr in enumerate(crons):
            reason = cron_problem(expr)
            if reason is not None:
                yield cal.problem(["slots", key, i], reason, key=False)


def _spacing(cal: Calendar, spacing: Any, channels: set[str]) -> Iterator[Problem]:
    if not isinstance(spacing, dict):
        return
    for key in (spacing.get("channels") or {}) if isinstance(spacing.get("channels"), dict) else {}:
        if str(key) not in channels:
            yield cal.problem(["spacing", "channels", str(key)], f"spacing for unknown channel '{key}'"
                              f"{did_you_mean(str(key), channels)}; "
                              f"channels: {_known(channels)}", level=Level.WARNING)
    for key in (spacing.get("campaigns") or {}) if isinstance(spacing.get("campaigns"), dict) else {}:
        if str(key) not in cal.campaigns:
            yield cal.problem(["spacing", "campaigns", str(key)], f"spacing for campaign '{key}', which is "
                              "not under campaigns", level=Level.WARNING)


def _scoped_channels(cal: Calendar, section: Any, name: str, channels: set[str]) -> Iterator[Problem]:
    items: Iterable[tuple[str | int, Any]]
    if isinstance(section, list):
        items = enumerate(section)
    elif isinstance(section, dict):
        items = ((str(k), v) for k, v in section.items())
    else:
        return
    for key, item in items:
        listed = item.get("channels") if isinstance(item, dict) else None
        for i, channel in enumerate(listed if isinstance(listed, list) else []):
            if str(channel) not in channels:
                yield cal.problem([name, key, "channels", i], f"unknown channel '{channel}'"
                                  f"{did_you_mean(str(channel), channels)}; socialops.yaml "
                                  f"defines: {_known(channels)}", key=False)


def _series(project: Project, cal: Calendar, series: Series, channels: set[str],
            by_path: dict[str, Post], pool: list[str]) -> Iterator[Problem]:
    where: list[str | int] = ["recurring", series.index]
    reason = cron_problem(series.cron)
    if reason is not None:
        yield cal.problem([*where, "cron"], reason, key=False)
    else:
        try:
            fires = _fires(series, cal)
            if fires:  # publish expands it from its start: that must stay bounded for 50 years
                series_times(series, cal.tz, min(series.end or HORIZON_END, series.start + HORIZON))
        except TooManyInstants as exc:
            yield cal.problem([*where, "cron"], str(exc), key=False)
        else:
            if not fires:
                yield cal.problem([*where, "cron"], f"'{series.cron}' never fires between the series' "
                                  "'from' and 'until'; fix the cron or the dates", key=False)
    for i, channel in enumerate(series.channels):
        if channel not in channels:
            yield cal.problem([*where, "channels", i], f"unknown channel '{channel}'"
                              f"{did_you_mean(str(channel), channels)}; socialops.yaml defines: "
                              f"{_known(channels)}", key=False)
    if series.post is not None:
        post = by_path.get(series.post)
        if not inside_repo(project.root, series.post) or post is None:
            yield cal.problem([*where, "post"], f"'{series.post}' is not a post file; give the path of a post "
                              "under posts/ from the repository root (posts/templates/tip.md)", key=False)
        elif post.status == "draft":
            yield cal.problem([*where, "post"], f"'{series.post}' is a draft, so this series publishes nothing; "
                              "set 'status: ready' in it", level=Level.WARNING, key=False)
    elif series.pool is not None:
        folder = project.root / series.pool
        if not inside_repo(project.root, series.pool) or not folder.is_dir():
            yield cal.problem([*where, "pool"], f"'{series.pool}' is not a folder of this repository; give a "
                              "folder of posts from the repository root (posts/evergreen)", key=False)
        elif not pool:
            yield cal.problem([*where, "pool"], f"the pool '{series.pool}' holds no post that is ready; add "
                              "posts there (drafts are left out of the rotation)", key=False)


#: how far lint expands a series without an end to know it stays bounded
HORIZON = timedelta(days=366 * 50)
HORIZON_END = datetime(9000, 1, 1, tzinfo=UTC)


def _fires(series: Series, cal: Calendar) -> bool:
    end = series.end or series.start + timedelta(days=366 * 5)
    step = series.start
    while step < end:  # look a year at a time, so a long series costs little
        step = min(step + timedelta(days=366), end)
        if series_times(series, cal.tz, step):
            return True
    return False
