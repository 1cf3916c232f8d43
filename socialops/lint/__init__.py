"""`socialops lint`: every finding for the posts, the config, the style guide and the
calendar, as data. Nothing here prints.

The run: posts whose file is unchanged since the last lint come from the cache (cache.py),
the others are read and checked in batches (on several cores for a large repository:
parallel.py), then the project checks and the checks across posts run. What a check sees
is the LintContext (context.py); the checks themselves are in checks.py; the posts not being
linted are read quickly (quickread.py); findings from the ledger in published.py. Beside
lint's cache, `status` keeps its parses of the ledger files (ledgercache.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from socialops.lint import parallel
from socialops.lint.cache import LintCache, Stamp, sealed, stamp
from socialops.lint.checks import NEEDS_ALL_POSTS, POST_CHECKS, PROJECT_CHECKS, VOLATILE, PostCheck
from socialops.lint.context import LintContext
from socialops.lint.parallel import Checked
from socialops.model import Post, PostBrief, Project, read_post, rel_path
from socialops.problems import Level, Problem

__all__ = ["POST_CHECKS", "PROJECT_CHECKS", "LintContext", "LintResult", "lint"]


@dataclass
class LintResult:
    problems: list[Problem]
    files: int

    def count(self, level: Level) -> int:
        return sum(1 for p in self.problems if p.level is level)

    def fails(self, fail_on: Level) -> bool:
        return any(p.level.rank >= fail_on.rank for p in self.problems)


# ---- the run ---------------------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (posts done, posts in all), called in this process only


def lint(project: Project, paths: list[Path] | None = None, now: datetime | None = None, *,
         use_cache: bool = True, in_ci: bool = False, progress: Progress | None = None) -> LintResult:
    """Lint the given post files (default: every post) and the project files. `progress`
    hears how many posts are done now and then (every batch; a display)."""
    from socialops.calendar.speed import without_gc

    with without_gc():  # thousands of posts and cache entries, none of them in a cycle
        return _lint(project, paths, now, use_cache, in_ci, progress)


def _lint(project: Project, paths: list[Path] | None, now: datetime | None, use_cache: bool,
          in_ci: bool = False, progress: Progress | None = None) -> LintResult:
    cache = LintCache.open(project) if use_cache else None
    if paths is None:
        folders: list[tuple[str, Stamp | None]] | None = [] if cache is not None else None
        began = time.time_ns()
        targets, layout_problems = project.post_files(folders)
        if cache is not None and folders is not None:  # what a one-post lint lists next (quickread.Others)
            cut = len(str(project.root)) + 1
            cache.listed([full[cut:].replace("\\", "/") for full in targets], folders, began)
    else:
        layout_problems = []
        targets = [str(p) for p in sorted({p.resolve() for p in paths}) if p.is_file()]
    ctx = LintContext(project, now, [], everything=paths is None, lint_cache=cache, in_ci=in_ci)
    problems: list[Problem] = list(layout_problems)
    stale: list[tuple[str, Stamp | None]] = []
    changing = [check for check in POST_CHECKS if check in VOLATILE]
    briefs = _Briefs(project)
    # Each post is read (or taken from the cache), checked and then kept only as its brief
    # (PostBrief): what the checks across posts need once every post is checked.
    total = len(targets)
    for done, path in enumerate(targets):
        if progress is not None and not done % 1024:
            progress(done, total)
        # an empty cache (a first run) holds nothing to compare: whoever reads the file stats it
        current = stamp(path) if cache is not None and cache.has_entries() else None
        hit = cache.lookup(rel_path(project.root, path), path, current) if cache and current else None
        if hit is None:
            stale.append((path, current))
            continue
        post, found = hit
        problems.extend(found)
        problems.extend(_run(post, ctx, changing))
        ctx.posts.append(briefs.made(brief_state(post, project)))
    workers = parallel.worker_count(len(stale))
    if progress is None:
        checked = parallel.check_in_workers(ctx, stale, workers, _check) if workers > 1 else _check(ctx, stale)
    else:
        done, say = total - len(stale), progress

        def advance(posts: int) -> None:
            nonlocal done
            done += posts
            say(done, total)

        advance(0)
        checked = parallel.check_in_workers(ctx, stale, workers, _check, advance) if workers > 1 \
            else _check(ctx, stale, advance)
    for state, content, volatile, entry in checked:  # as they come: nothing kept but the brief
        brief = briefs.made(state)
        ctx.posts.append(brief)
        problems.extend(content)
        problems.extend(volatile)
        if cache is not None:
            cache.keep(brief, entry)
    del checked
    ctx.posts.sort(key=lambda p: p.path)
    if cache is not None and paths is None:
        cache.forget_missing({p.path for p in ctx.posts})
    if cache is not None:
        cache.save()  # before the calendar's work: what the run kept is on disk, and freed
    for check in PROJECT_CHECKS:
        problems.extend(check(ctx))
    across = [check for check in POST_CHECKS if check in NEEDS_ALL_POSTS]
    for post in ctx.posts:
        problems.extend(_run(post, ctx, across))
    if cache is not None:
        cache.save()  # what changed since, e.g. the other posts a partial lint read (if any)
    problems.sort(key=Problem.sort_key)
    if progress is not None:
        progress(total, total)
    return LintResult(_dedupe(problems), len(targets))


BATCH = 256  # posts read, then checked together


def _check(ctx: LintContext, items: list[tuple[str, Stamp | None]],
           advance: Callable[[int], None] | None = None) -> Iterator[Checked]:
    """Read posts and run their own checks: those the cache may keep, and the volatile ones.
    A batch of posts is read first and then each check runs over all of them: the parser's
    and each check's code and data stay in the processor's caches (a quarter less time than
    reading and checking one post after the other). Each post comes out as its brief, its
    findings and its cache entry, ready for the file (lint/cache.py)."""
    for start in range(0, len(items), BATCH):
        yield from _check_batch(ctx, items[start:start + BATCH])
        if advance is not None:
            advance(min(BATCH, len(items) - start))


def _check_batch(ctx: LintContext, items: list[tuple[str, Stamp | None]]) -> list[Checked]:
    cache, root = ctx.lint_cache, ctx.project.root
    # stat'ed before reading: a change while a file is read makes its entry stale
    stamps = [current if current is not None or cache is None else stamp(path) for path, current in items]
    posts = [read_post(root, Path(path)) for path, _ in items]
    content = [list(post.problems) for post in posts]
    volatile: list[list[Problem]] = [[] for _ in posts]
    for check in POST_CHECKS:
        if check in NEEDS_ALL_POSTS:
            continue
        found = volatile if check in VOLATILE else content
        for post, into in zip(posts, found, strict=True):
            if post.readable:
                into.extend(p for p in check(post, ctx) if p.rule not in post.disabled_rules)
    return [(brief_state(post, ctx.project), mine, other,
             sealed(cache.entry(post, mine, current)) if cache is not None else None)
            for post, mine, other, current in zip(posts, content, volatile, stamps, strict=True)]


def brief_state(post: Post, project: Project) -> PostBrief.State:
    """What the checks across posts keep of a post checked on its own (PostBrief), with the
    digest of its text on each X channel of the project (the calendar's duplicate check)."""
    from socialops.calendar.checks import x_text_key

    config = project.config
    x_keys = tuple((name, x_text_key(post, channel)) for name, channel in config.channels.items()
                   if channel.platform == "x") if post.readable else ()
    return PostBrief.state_of(post, config.timezone, x_keys)


class _Briefs:
    """Makes the briefs, one object for each value many posts share (a status, a list of
    channels, a timezone), as a worker's are sent as plain data."""

    def __init__(self, project: Project) -> None:
        self.root = project.root
        self.shared: dict[Any, Any] = {}

    def made(self, state: PostBrief.State) -> PostBrief:
        one = self.shared.setdefault
        (path, readable, explicit, has_id, publish_at, status, campaign, channels, zone, at, x_keys,
         disabled) = state
        return PostBrief(self.root, (path, readable, explicit, has_id, publish_at, one(status, status),
                                     one(campaign, campaign), one(channels, channels), one(zone, zone), at,
                                     x_keys, one(disabled, disabled)))


def _run(post: Post, ctx: LintContext, checks: Iterable[PostCheck]) -> list[Problem]:
    if not post.readable:
        return []
    found: list[Problem] = []
    for check in checks:
        found.extend(p for p in check(post, ctx) if p.rule not in post.disabled_rules)
    return found


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out: list[Problem] = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
