"""`socialops lint`: every finding for the posts, the config, the style guide and the
calendar, as data. Nothing here prints.

Post checks are plain functions `(post, ctx) -> Iterable[Problem]` listed in POST_CHECKS;
project-wide checks `(ctx) -> Iterable[Problem]` in PROJECT_CHECKS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from socialops import schemas
from socialops.model import Post, Project, inside_repo
from socialops.problems import Level, Problem
from socialops.timeutil import TimeError, parse_time


@dataclass
class LintContext:
    project: Project
    now: datetime | None
    posts: list[Post]  # the posts being linted
    all_posts: list[Post]  # every post in the project (ids, calendar)
    cache: dict[str, Any] = field(default_factory=dict)  # for checks to share loaded data

    @property
    def channels(self) -> dict[str, Any]:
        return self.project.config.channels


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
        line, col = post.meta_position(["media", media.index, "path"], key=False)
        if not inside_repo(root, media.path):
            yield post.problem("path", f"media path '{media.path}' leaves the repository; put the file "
                               "under media/ and write its path from the repository root", line, col)
        elif not (root / media.path).is_file():
            yield post.problem("media-missing", f"media file '{media.path}' does not exist; add it or fix "
                               "the path (paths start at the repository root)", line, col)


def check_time(post: Post, ctx: LintContext) -> Iterable[Problem]:
    value = post.publish_at
    if value is None or value == "queue" or not isinstance(post.meta.get("publish_at"), str):
        return
    line, col = post.meta_position(["publish_at"], key=False)
    try:
        when = parse_time(value, ctx.project.config.timezone)
    except TimeError as exc:
        yield post.problem("time", str(exc), line, col)
        return
    if post.status == "draft" and ctx.now is not None and when < ctx.now:
        yield post.problem("time", f"this draft's time ({value}) has passed; set a new publish_at or "
                           "mark it ready", line, col, Level.WARNING)


POST_CHECKS: list[PostCheck] = [check_schema, check_channels, check_media, check_time]


# ---- built-in project checks --------------------------------------------------------------

def check_config(ctx: LintContext) -> Iterable[Problem]:
    return ctx.project.config.problems


def check_duplicate_ids(ctx: LintContext) -> Iterable[Problem]:
    seen: dict[str, Post] = {}
    linted = {p.path for p in ctx.posts}
    for post in ctx.all_posts:
        if not post.readable:
            continue
        first = seen.setdefault(post.id, post)
        if first is not post and (post.path in linted or first.path in linted):
            line = post.meta_position(["id"])[0] if "id" in post.meta else 1
            yield post.problem("duplicate-id", f"the id '{post.id}' is also used by {first.path}; "
                               "give one of them another 'id:'", line)


PROJECT_CHECKS: list[ProjectCheck] = [check_config, check_duplicate_ids]


# ---- the run ---------------------------------------------------------------------------------

def lint(project: Project, paths: list[Path] | None = None, now: datetime | None = None) -> LintResult:
    """Lint the given post files (default: every post) and the project files."""
    all_paths, layout_problems = project.post_paths()
    all_posts = project.read_posts(all_paths)
    if paths is None:
        posts = all_posts
    else:
        wanted = {p.resolve() for p in paths}
        posts = [p for p in all_posts if p.abs_path.resolve() in wanted]
        known = {p.abs_path.resolve() for p in posts}
        from socialops.model import read_post
        posts += [read_post(project.root, p) for p in sorted(wanted - known) if p.is_file()]
    ctx = LintContext(project, now, posts, all_posts)
    problems: list[Problem] = list(layout_problems) if paths is None else []
    for check in PROJECT_CHECKS:
        problems.extend(check(ctx))
    for post in posts:
        problems.extend(lint_post(post, ctx))
    problems.sort(key=Problem.sort_key)
    return LintResult(_dedupe(problems), len(posts))


def lint_post(post: Post, ctx: LintContext) -> list[Problem]:
    found = list(post.problems)
    if not post.readable:
        return found
    for check in POST_CHECKS:
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
