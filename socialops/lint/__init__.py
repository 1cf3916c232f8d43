"""`socialops lint`: every finding for the posts, the config, the style guide and the
calendar, as data. Nothing here prints.

Post checks are plain functions `(post, ctx) -> Iterable[Problem]` listed in POST_CHECKS;
project-wide checks `(ctx) -> Iterable[Problem]` in PROJECT_CHECKS.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialops import schemas
from socialops.lint.cache import LintCache, Stamp, offsets, post_from, stamp
from socialops.model import Post, Project, inside_repo, read_post, rel_path
from socialops.problems import Level, Problem
from socialops.timeutil import TimeError, parse_time


@dataclass
class LintContext:
    project: Project
    now: datetime | None
    posts: list[Post]  # the posts being linted
    everything: bool = True  # every post of the project is being linted
    cache: dict[str, Any] = field(default_factory=dict)  # for checks to share loaded data
    lint_cache: LintCache | None = None  # findings kept between runs (socialops.lint.cache)

    @property
    def channels(self) -> dict[str, Any]:
        return self.project.config.channels

    def other_posts(self) -> list[Post]:
        """The posts not being linted, read quickly (socialops.lint.quickread), once per run."""
        if self.everything:
            return []
        found = self.cache.get("other_posts")
        if found is None:
            from socialops.lint.quickread import quick_posts

            found = self.cache["other_posts"] = quick_posts(self.project, {p.path for p in self.posts},
                                                            self.lint_cache)
        return list(found)


@dataclass
class LintResult:
    problems: list[Problem]
    files: int

    def count(self, level: Level) -> int:
        return sum(1 for p in self.problems if p.level is level)

    def fails(self, fail_on: Level) -> bool:
        return any(p.level.rank >= fail_on.rank for p in self.problems)


PostCheck = Callable[[Post, LintContext], Iterable[Problem]]
ProjectCheck = Callable[[LintContext], Iterable[Problem]]


# ---- built-in post checks ----------------------------------------------------------------

def check_schema(post: Post, ctx: LintContext) -> Iterable[Problem]:
    return schemas.validate("post", post.meta, post.path, post.locator, line_offset=1)


def check_channels(post: Post, ctx: LintContext) -> Iterable[Problem]:
    if "channels" not in post.meta and not ctx.project.config.default_channels:
        yield post.problem("channel", "this post names no channels; add 'channels: [name]' with a channel "
                           "from socialops.yaml", 2)
        return
    known = ctx.channels
    for i, name in enumerate(post.channels):
        if name not in known:
            line, col = post.meta_position(["channels", i], key=False)
            names = ", ".join(sorted(known)) or "none yet"
            yield post.problem("channel", f"unknown channel '{name}'; socialops.yaml defines: {names}", line, col)
    platforms = {c.platform for c in known.values()}
    for key in post.variants:
        if key not in known and key not in platforms:
            line, col = post.meta_position(["variants", key])
            yield post.problem("channel", f"variant '{key}' names no channel or platform of this project",
                               line, col, Level.WARNING)


def check_media(post: Post, ctx: LintContext) -> Iterable[Problem]:
    root = ctx.project.root
    for media in post.media:
        if not inside_repo(root, media.path):
            yield post.problem("path", f"media path '{media.path}' leaves the repository; put the file "
                               "under media/ and write its path from the repository root",
                               *post.meta_position(["media", media.index, "path"], key=False))
        elif not os.path.isfile(os.path.join(root, media.path)):
            yield post.problem("media-missing", f"media file '{media.path}' does not exist; add it or fix "
                               "the path (paths start at the repository root)",
                               *post.meta_position(["media", media.index, "path"], key=False))


def check_time(post: Post, ctx: LintContext) -> Iterable[Problem]:
    value = post.publish_at
    if value is None or value == "queue" or not isinstance(post.meta.get("publish_at"), str):
        return
    tz = ctx.project.config.timezone
    try:
        when = parse_time(value, tz)
    except TimeError as exc:
        yield post.problem("time", str(exc), *post.meta_position(["publish_at"], key=False))
        return
    post.times[(value, tz.key)] = when.astimezone(UTC)  # the calendar's post_time, worked out here
    if post.status == "draft" and ctx.now is not None and when < ctx.now:
        line, col = post.meta_position(["publish_at"], key=False)
        yield post.problem("time", f"this draft's time ({value}) has passed; set a new publish_at or "
                           "mark it ready", line, col, Level.WARNING)


def check_style(post: Post, ctx: LintContext) -> Iterable[Problem]:
    from socialops.rules.apply import post_problems

    return post_problems(post, ctx)


POST_CHECKS: list[PostCheck] = [check_schema, check_channels, check_media, check_time, check_style]


def check_platform_limits(post: Post, ctx: LintContext) -> Iterable[Problem]:
    """Length, media and threads as each channel's platform counts them (socialops.render)."""
    from socialops.render import limit_problems

    return limit_problems(post, ctx.project)


POST_CHECKS.append(check_platform_limits)


# ---- built-in project checks --------------------------------------------------------------

def check_config(ctx: LintContext) -> Iterable[Problem]:
    return ctx.project.config.problems


def check_duplicate_ids(ctx: LintContext) -> Iterable[Problem]:
    """Two posts with one id. Linting some posts only, the others' ids come from a quick
    scan of their front matter instead of a full read."""
    owners: dict[str, list[str]] = {}
    for other in ctx.other_posts():
        owners.setdefault(other.id, []).append(other.path)
    for post in ctx.posts:
        if post.readable:
            owners.setdefault(post.id, []).append(post.path)
    for post in ctx.posts:
        paths = sorted(owners.get(post.id, [])) if post.readable else []
        if len(paths) > 1 and paths[0] != post.path:
            line = post.meta_position(["id"])[0] if "id" in post.meta else 1
            yield post.problem("duplicate-id", f"the id '{post.id}' is also used by {paths[0]}; "
                               "give one of them another 'id:'", line)


def check_styleguide(ctx: LintContext) -> Iterable[Problem]:
    from socialops.rules.apply import styleguide_problems

    return styleguide_problems(ctx)


PROJECT_CHECKS: list[ProjectCheck] = [check_config, check_duplicate_ids, check_styleguide]


def check_codeowners(ctx: LintContext) -> Iterable[Problem]:
    from socialops.roles import codeowners_problems

    return codeowners_problems(ctx.project.root, ctx.project.config)


PROJECT_CHECKS.append(check_codeowners)


def check_calendar(post: Post, ctx: LintContext) -> Iterable[Problem]:
    """Spacing, daily maximum, blackouts, campaigns and the queue, for one post."""
    from socialops.calendar.checks import post_findings

    return post_findings(post, ctx)


def check_calendar_file(ctx: LintContext) -> Iterable[Problem]:
    """calendar.yaml: schema, slot crons, series, occurrences that collide."""
    from socialops.calendar.checks import calendar_findings

    return calendar_findings(ctx)


POST_CHECKS.append(check_calendar)
PROJECT_CHECKS.append(check_calendar_file)


def check_published_edit(post: Post, ctx: LintContext) -> Iterable[Problem]:
    """A published post edited afterwards, or a renamed one that lost its ledger (the ledger)."""
    from socialops.lint.published import published_edit_problems

    return published_edit_problems(post, ctx)


POST_CHECKS.append(check_published_edit)


# ---- the run ---------------------------------------------------------------------------------

# Post checks whose findings depend on more than the post file and the configuration: run
# every time, also for posts whose other findings come from the cache (socialops.lint.cache).
VOLATILE: set[PostCheck] = {check_media, check_time, check_published_edit}
# Post checks that look at every other post: run once all posts are read.
NEEDS_ALL_POSTS: set[PostCheck] = {check_calendar}


def lint(project: Project, paths: list[Path] | None = None, now: datetime | None = None, *,
         use_cache: bool = True) -> LintResult:
    """Lint the given post files (default: every post) and the project files."""
    from socialops.calendar.speed import without_gc

    with without_gc():  # thousands of posts and cache entries, none of them in a cycle
        return _lint(project, paths, now, use_cache)


def _lint(project: Project, paths: list[Path] | None, now: datetime | None, use_cache: bool) -> LintResult:
    cache = LintCache.open(project) if use_cache else None
    if paths is None:
        targets, layout_problems = project.post_files()
    else:
        layout_problems = []
        targets = [str(p) for p in sorted({p.resolve() for p in paths}) if p.is_file()]
    ctx = LintContext(project, now, [], everything=paths is None, lint_cache=cache)
    problems: list[Problem] = list(layout_problems)
    stale: list[tuple[str, Stamp | None]] = []
    changing = [check for check in POST_CHECKS if check in VOLATILE]
    for path in targets:
        # an empty cache (a first run) holds nothing to compare: whoever reads the file stats it
        current = stamp(path) if cache is not None and cache.entries else None
        hit = cache.lookup(rel_path(project.root, path), path, current) if cache and current else None
        if hit is None:
            stale.append((path, current))
            continue
        post, found = hit
        ctx.posts.append(post)
        problems.extend(found)
        problems.extend(_run(post, ctx, changing))
    workers = _worker_count(len(stale))
    checked = _check_in_workers(ctx, stale, workers) if workers > 1 else _check(ctx, stale)
    for post, content, volatile, entry in checked:
        ctx.posts.append(post)
        problems.extend(content)
        problems.extend(volatile)
        if cache is not None:
            cache.keep(post, entry)
    ctx.posts.sort(key=lambda p: p.path)
    if cache is not None and paths is None:
        cache.forget_missing({p.path for p in ctx.posts})
    if workers > 1:  # the other core works out the calendar while this one saves the cache
        if ctx.everything:  # (linting some posts, the calendar needs the others: read here, later)
            ctx.cache["calendar"] = _calendar_beside(ctx)
        if cache is not None:
            cache.save()
    for check in PROJECT_CHECKS:
        problems.extend(check(ctx))
    across = [check for check in POST_CHECKS if check in NEEDS_ALL_POSTS]
    for post in ctx.posts:
        problems.extend(_run(post, ctx, across))
    if cache is not None:
        cache.save()  # what changed since, e.g. the other posts a partial lint read (if any)
    problems.sort(key=Problem.sort_key)
    return LintResult(_dedupe(problems), len(targets))


# the post, its content findings, the others, its entry for the lint cache
Checked = tuple[Post, list[Problem], list[Problem], list[Any] | None]


BATCH = 256  # posts read, then checked together


def _check(ctx: LintContext, items: list[tuple[str, Stamp | None]]) -> list[Checked]:
    """Read posts and run their own checks: those the cache may keep, and the volatile ones.
    A batch of posts is read first and then each check runs over all of them: the parser's
    and each check's code and data stay in the processor's caches (a quarter less time than
    reading and checking one post after the other)."""
    out: list[Checked] = []
    for start in range(0, len(items), BATCH):
        out.extend(_check_batch(ctx, items[start:start + BATCH]))
    return out


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
    return [(post, mine, other, cache.entry(post, mine, current) if cache is not None else None)
            for post, mine, other, current in zip(posts, content, volatile, stamps, strict=True)]


def _run(post: Post, ctx: LintContext, checks: Iterable[PostCheck]) -> list[Problem]:
    if not post.readable:
        return []
    found: list[Problem] = []
    for check in checks:
        found.extend(p for p in check(post, ctx) if p.rule not in post.disabled_rules)
    return found


PARALLEL_FROM = 2000  # posts; below this, starting workers costs more than it saves
_FORKED: dict[str, Any] = {}


def _worker_count(posts: int) -> int:
    if posts < PARALLEL_FROM:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, 8)


def _check_in_workers(ctx: LintContext, stale: list[tuple[str, Stamp | None]], workers: int) -> list[Checked]:
    """`_check` for every path in forked workers. The first post is checked here before the
    fork, so the caches every worker needs (style guide, compiled patterns) are built once.
    Each worker sends back its posts' findings, what the checks across posts need of each
    post (its text and front matter), and the post's entry for the lint cache."""
    import multiprocessing
    import sys

    out = _check(ctx, stale[:1])
    chunks = workers * 16  # small enough that no worker idles long while another finishes
    step = max(1, (len(stale) - 1) // chunks + 1)
    ranges = [(i, min(i + step, len(stale))) for i in range(1, len(stale), step)]
    _FORKED["ctx"], _FORKED["stale"] = ctx, stale
    sys.stdout.flush()
    sys.stderr.flush()
    root = ctx.project.root
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as pool:
            for chunk in pool.imap(_check_range, ranges):  # made into posts while the others run
                for (rel, text, meta, where, readable, times), content, volatile, entry in chunk:
                    path = root / rel
                    if not readable:
                        post = Post(rel, path, readable=False)
                    elif isinstance(where, list):
                        post = post_from(rel, path, text, meta, where)
                    else:
                        post = Post(rel, path, text, meta, *where)
                    post.times = times
                    out.append((post, content, volatile, entry))
    finally:
        _FORKED.clear()
    return out


def _ignore_interrupt() -> None:
    """In a forked process: Ctrl-C is the main process's to handle (it ends the others);
    here it would print the traceback of wherever it struck."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _calendar_beside(ctx: LintContext) -> Callable[[], Any]:
    """The calendar's findings worked out in a forked process; the function returned
    waits for them (None if that process failed: the calendar checks then work them out
    here, as they do without workers)."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    receiving, sending = fork.Pipe(duplex=False)

    def work() -> None:
        from socialops.calendar.checks import findings

        _ignore_interrupt()
        receiving.close()  # the main process's end: were it left open here, a send could wait forever
        try:
            sending.send(findings(ctx.project, ctx.posts, ctx.now))
        except Exception:  # worked out again, and reported, in the main process
            sending.send(None)

    process = fork.Process(target=work, daemon=True)
    process.start()
    sending.close()

    def result() -> Any:
        found: Any = None
        try:
            found = receiving.recv()
        except (EOFError, OSError):
            return None
        finally:
            receiving.close()
            if found is None:  # not received (e.g. Ctrl-C meanwhile): it would wait to send
                process.terminate()
            process.join()
        return found

    return result


_Sent = tuple[tuple[str, str, dict[str, Any], Any, bool, dict[tuple[str, str], datetime | None]],
              list[Problem], list[Problem], list[Any] | None]


def _check_range(bounds: tuple[int, int]) -> list[_Sent]:
    ctx: LintContext = _FORKED["ctx"]
    sent: list[_Sent] = []
    for post, content, volatile, entry in _check(ctx, _FORKED["stale"][bounds[0]:bounds[1]]):
        where = offsets(post) if post.readable else None
        sent.append(((post.path, post.text, post.meta, where or (post.front_matter, post.body, post.body_line),
                      post.readable, post.times), content, volatile, entry))
    return sent


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out: list[Problem] = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
