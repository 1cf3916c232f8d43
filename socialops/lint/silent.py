"""Post checks for mistakes that would otherwise change what happens without a word: a
`socialops-disable` comment naming no rule (it silences nothing, and the writer believes
it does), and a ready post whose time has passed beyond the lateness limit with nothing in
the ledger (the next run records it as missed instead of publishing it)."""

from __future__ import annotations

from collections.abc import Iterable

from socialops.lint.context import LintContext
from socialops.model import DISABLE_COMMENT, Post, post_due
from socialops.problems import Level, Problem
from socialops.suggest import did_you_mean

#: the ids of lint's own findings (besides the style guide's rules)
BUILT_IN_RULES = frozenset({"syntax", "schema", "channel", "media-missing", "path", "duplicate-id", "time",
                            "published-edit", "calendar", "length", "media", "thread", "workflow",
                            "codeowners"})


def check_disable_comments(post: Post, ctx: LintContext) -> Iterable[Problem]:
    if "socialops-disable" not in post.body:
        return
    known = BUILT_IN_RULES | {rule.id for rule in ctx.styleguide().rules}
    for match in DISABLE_COMMENT.finditer(post.body):
        for name in (r.strip() for r in match.group(1).split(",")):
            if not name or name in known:
                continue
            line = post.body_line + post.body.count("\n", 0, match.start())
            yield post.problem("schema", f"<!-- socialops-disable {name} --> names no rule"
                               f"{did_you_mean(name, known)}, so it silences nothing; rules: "
                               f"{', '.join(sorted(known))}", line, 1, Level.WARNING)


def check_passed_ready(post: Post, ctx: LintContext) -> Iterable[Problem]:
    if post.status != "ready" or ctx.now is None or not isinstance(post.meta.get("publish_at"), str):
        return
    when = post_due(post, ctx.project.config.timezone).at
    if when is None or ctx.now - when <= ctx.lateness() or post.id in ctx.ledger_ids():
        return
    line, col = post.meta_position(["publish_at"], key=False)
    yield post.problem("time", f"this ready post's time ({post.publish_at}) has passed beyond the lateness "
                       "limit and it is not in the ledger: it will be recorded as missed at the next "
                       "run, not published; set a new publish_at", line, col, Level.WARNING)


