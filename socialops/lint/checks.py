"""The checks lint runs. Post checks are plain functions `(post, ctx) -> Iterable[Problem]`
listed in POST_CHECKS; project-wide checks `(ctx) -> Iterable[Problem]` in PROJECT_CHECKS.
Each reads what it shares with the others from the LintContext (loaded once per run)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from socialops import schemas
from socialops.lint.config_checks import check_channel_options, check_policy_channels
from socialops.lint.context import LintContext
from socialops.lint.silent import check_disable_comments, check_passed_ready
from socialops.model import Post, inside_repo, post_due
from socialops.problems import Level, Problem
from socialops.safepaths import refusal
from socialops.suggest import did_you_mean

PostCheck = Callable[[Post, LintContext], Iterable[Problem]]
ProjectCheck = Callable[[LintContext], Iterable[Problem]]


# ---- built-in post checks ----------------------------------------------------------------

def check_schema(post: Post, ctx: LintContext) -> Iterable[Problem]:
    return schemas.validate("post", post.meta, post.path, post.locator, line_offset=1)


def check_channels(post: Post, ctx: LintContext) -> Iterable[Problem]:
    if not ctx.project.config.channels_for(post):
        yield post.problem("channel", "this post names no channels; add 'channels: [name]' with a channel "
                           "from socialops.yaml", 2)
        return
    known = ctx.channels
    raw = post.meta.get("channels")
    for i, value in enumerate(raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []):
        name = str(value)
        if name not in known:
            where: list[str | int] = ["channels", i] if isinstance(raw, list) else ["channels"]
            line, col = post.meta_position(where, key=False)
            names = ", ".join(sorted(known)) or "none yet"
            yield post.problem("channel", f"unknown channel '{name}'{did_you_mean(name, known)}; "
                               f"socialops.yaml defines: {names}", line, col)
    platforms = {c.platform for c in known.values()}
    for key in post.variants:
        if key not in known and key not in platforms:
            line, col = post.meta_position(["variants", key])
            yield post.problem("channel", f"variant '{key}' names no channel or platform of this project",
                               line, col, Level.WARNING)


def check_media(post: Post, ctx: LintContext) -> Iterable[Problem]:
    root = ctx.project.root
    for media in post.media:
        why = refusal(root, media.path) if inside_repo(root, media.path) else None
        if not inside_repo(root, media.path):
            yield post.problem("path", f"media path '{media.path}' leaves the repository; put the file "
                               "under media/ and write its path from the repository root",
                               *post.meta_position(["media", media.index, "path"], key=False))
        elif why is not None:
            yield post.problem("path", f"media path '{media.path}' cannot be published: {why}; put a "
                               "regular file under media/ and write its path from the repository root",
                               *post.meta_position(["media", media.index, "path"], key=False))
        elif not os.path.isfile(os.path.join(root, media.path)):
            yield post.problem("media-missing", f"media file '{media.path}' does not exist; add it or fix "
                               "the path (paths start at the repository root)",
                               *post.meta_position(["media", media.index, "path"], key=False))


def check_time(post: Post, ctx: LintContext) -> Iterable[Problem]:
    value = post.publish_at
    if value is None or not isinstance(post.meta.get("publish_at"), str):
        return  # not a text: the schema check says so
    when = post_due(post, ctx.project.config.timezone).at  # kept for the calendar's checks
    if when is None:
        problem = post_due(post, ctx.project.config.timezone).problem
        if problem:
            yield post.problem("time", problem, *post.meta_position(["publish_at"], key=False))
        return
    if post.status == "draft" and ctx.now is not None and when < ctx.now:
        line, col = post.meta_position(["publish_at"], key=False)
        yield post.problem("time", f"this draft's time ({value}) has passed; set a new publish_at or "
                           "mark it ready", line, col, Level.WARNING)


def check_style(post: Post, ctx: LintContext) -> Iterable[Problem]:
    """The style guide's rules over every text of the post its audience sees."""
    from socialops.rules.apply import FIXABLE, matches, message

    for rule, target, match in matches(post, ctx.styleguide(), ctx.project.config):
        line, column = target.position(match.start)
        fixable = match.fix is not None and match.start is not None and target.segment.kind in FIXABLE
        yield Problem(post.path, line, column, rule.id, rule.level, message(rule, match), fixable)


def check_platform_limits(post: Post, ctx: LintContext) -> Iterable[Problem]:
    """Length, media and threads as each channel's platform counts them (socialops.render)."""
    from socialops.render import limit_problems

    return limit_problems(post, ctx.project)


# ---- built-in project checks --------------------------------------------------------------

def check_config(ctx: LintContext) -> Iterable[Problem]:
    from dataclasses import replace

    from socialops import escape

    # a schema finding quotes the value it refuses, and a URL there may carry its token
    return [replace(p, message=escape.urls(p.message)) if "://" in p.message else p
            for p in ctx.project.config.problems]


def check_duplicate_ids(ctx: LintContext) -> Iterable[Problem]:
    """Two posts with one id. Linting some posts only, the others' ids come from a quick
    scan of their front matter instead of a full read."""
    owners: dict[str, list[str]] = {}
    for post in ctx.posts:
        if post.readable:
            owners.setdefault(post.id, []).append(post.path)
    others = ctx.others()
    if others is not None:
        for pid, paths in owners.items():
            paths.extend(others.owners(pid))
    for post in ctx.posts:
        paths = sorted(owners.get(post.id, [])) if post.readable else []
        if len(paths) > 1 and paths[0] != post.path:
            line = post.meta_position(["id"])[0] if "id" in post.meta else 1
            yield post.problem("duplicate-id", f"the id '{post.id}' is also used by {paths[0]}; "
                               "give one of them another 'id:'", line)


def check_paths(ctx: LintContext) -> Iterable[Problem]:
    """The folders and files publish writes (ledger, metrics, feeds) are real folders and
    files inside the repository; post files are not told apart by case or Unicode form only."""
    from socialops.safepaths import unsafe_files

    root = ctx.project.root
    feeds = [str(c.options.get("path") or "feed.xml") for c in ctx.project.config.channels.values()
             if c.platform == "feed"]
    for rel, why in unsafe_files(root, [".socialops", ".socialops/ledger", ".socialops/metrics"], feeds):
        yield Problem(rel, 1, 1, "path", Level.ERROR, f"{why}; publish refuses to read or write "
                      "through it: replace it with a regular file or folder inside the repository")
    if os.path.isdir(os.path.join(root, ".socialops", "metrics")):
        from socialops.publish.metrics.store import misnamed

        for rel, why in misnamed(root):
            yield Problem(rel, 1, 1, "path", Level.WARNING, f"no metrics report reads this snapshot file: {why}; "
                          "`socialops metrics collect` writes each day's rows to YYYY/MM/DD.jsonl: move its rows "
                          "to the file of their day, or remove it")
    if ctx.everything:
        yield from _look_alike_posts(ctx)


def _look_alike_posts(ctx: LintContext) -> Iterable[Problem]:
    """Two post files whose names differ only in case or Unicode normalisation (NFC/NFD):
    one file on macOS and Windows, two on Linux; which one a checkout holds is chance."""
    import unicodedata

    groups: dict[str, list[str]] = {}
    for post in ctx.posts:
        groups.setdefault(unicodedata.normalize("NFC", post.path).casefold(), []).append(post.path)
    for paths in groups.values():
        for path in sorted(paths)[1:]:
            yield Problem(path, 1, 1, "path", Level.ERROR,
                          f"this file name differs from {sorted(paths)[0]} only in case or Unicode "
                          "normalisation; on macOS and Windows they are one file: rename one of them")


def check_styleguide(ctx: LintContext) -> Iterable[Problem]:
    return ctx.styleguide_problems()


def check_codeowners(ctx: LintContext) -> Iterable[Problem]:
    from socialops.roles import codeowners_problems

    return codeowners_problems(ctx.project.root, ctx.project.config)


def check_calendar(post: Post, ctx: LintContext) -> Iterable[Problem]:
    """Spacing, daily maximum, blackouts, campaigns and the queue, for one post."""
    return ctx.calendar().by_path.get(post.path, [])


def check_calendar_file(ctx: LintContext) -> Iterable[Problem]:
    """calendar.yaml: schema, slot crons, series, occurrences that collide."""
    return ctx.calendar().calendar


def check_published_edit(post: Post, ctx: LintContext) -> Iterable[Problem]:
    """A published post edited afterwards, or a renamed one that lost its ledger (the ledger)."""
    from socialops.lint.published import published_edit_problems

    return published_edit_problems(post, ctx)


def check_workflows(ctx: LintContext) -> Iterable[Problem]:
    """The workflows: socialops installable (no placeholder), and every credential a channel
    names passed to the publish job (socialops.ci)."""
    from socialops import ci

    root, config = ctx.project.root, ctx.project.config
    yield from ci.placeholder_problems(root, Level.ERROR if ctx.in_ci else Level.WARNING)
    yield from ci.secrets_problems(root, config.channels, config.text)


# ---- the lists lint runs, in this order -----------------------------------------------------

POST_CHECKS: list[PostCheck] = [check_schema, check_channels, check_media, check_time, check_passed_ready,
                                check_style, check_disable_comments, check_platform_limits, check_calendar,
                                check_published_edit]
PROJECT_CHECKS: list[ProjectCheck] = [check_config, check_policy_channels, check_channel_options,
                                      check_duplicate_ids, check_styleguide, check_codeowners,
                                      check_calendar_file, check_paths, check_workflows]

# Post checks whose findings depend on more than the post file and the configuration: run
# every time, also for posts whose other findings come from the cache (socialops.lint.cache).
VOLATILE: set[PostCheck] = {check_media, check_time, check_passed_ready, check_published_edit}
# Post checks that look at every other post: run once all posts are read.
NEEDS_ALL_POSTS: set[PostCheck] = {check_calendar}
