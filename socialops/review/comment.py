"""The review comment: for each post a pull request adds or changes, everything a reviewer
needs to approve it from the comment alone. Each channel's text comes from
`socialops.render`, the code `publish` sends with, so what is approved is what is sent.

`build` returns data; `review.markdown.markdown` and `as_json` turn it into the comment
and the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from socialops import ledger
from socialops.model import POSTS_DIR, Post, Project, load_config, post_due, read_post
from socialops.problems import Level, Problem
from socialops.render import RenderedChannel, render_post
from socialops.review import approval

MARKER = "<!-- socialops-review -->"
SENT = ("published", "intent", "unknown")


@dataclass
class Schedule:
    publish_at: str | None
    due: datetime | None = None
    problem: str | None = None

    @property
    def queued(self) -> bool:
        return self.publish_at == "queue"


@dataclass
class ReviewedPost:
    post: Post
    added: bool
    schedule: Schedule
    channels: list[RenderedChannel]
    findings: list[Problem]  # lint, without calendar findings
    conflicts: list[Problem]  # calendar findings
    requirements: list[approval.Requirement]
    sent: dict[str, str] = field(default_factory=dict)  # channel -> what the ledger says
    diff: str | None = None  # the body's word diff against the base (socialops.review.changes)
    changed_keys: list[str] = field(default_factory=list)  # front-matter keys changed since the base
    #: for a post the pull request does not change, listed because lint finds something new
    #: for it (a blackout, a banned word, a limit the changed project files bring): those
    #: findings; None for a post the pull request adds or changes
    new_findings: list[Problem] | None = None

    @property
    def unchanged(self) -> bool:
        return self.new_findings is not None

    @property
    def errors(self) -> int:
        return sum(1 for p in self.findings + self.conflicts if p.level is Level.ERROR)


@dataclass
class Review:
    base: str
    posts: list[ReviewedPost]
    project_findings: list[Problem]  # socialops.yaml, styleguide.yaml, calendar.yaml, CODEOWNERS
    verified: bool  # approval.verify is github
    project_changes: list[Any] = field(default_factory=list)  # changes.FileChange per project file changed
    image_base: str | None = None  # where the PR's head commit serves files (images are shown from there)
    project_files: list[str] = field(default_factory=list)  # the project files the branch changed

    @property
    def changed_posts(self) -> list[ReviewedPost]:
        return [item for item in self.posts if not item.unchanged]

    @property
    def unchanged_posts(self) -> list[ReviewedPost]:
        return [item for item in self.posts if item.unchanged]


def build(project: Project, paths: list[Path], now: datetime, base: str,
          added: set[Path] | None = None, project_files: list[str] | None = None,
          image_base: str | None = None) -> Review:
    """`project_files`: the project files (changes.PROJECT_FILES) the branch changed."""
    from socialops import gitops
    from socialops.lint import lint
    from socialops.review import changes

    result = lint(project, paths, now)
    policy = approval.load_policy(project.config)
    wanted = {p.resolve() for p in paths}
    posts = [p for p in project.read_posts() if p.abs_path.resolve() in wanted]
    reviewed = []
    for post in posts:
        channels = render_post(post, project.config.channels, project.root,
                               names=project.config.channels_for(post)) if post.readable else []
        mine = [p for p in result.problems if p.path == post.path]
        mine += [p for r in channels for p in r.problems if p not in mine]
        mine.sort(key=Problem.sort_key)
        reviewed.append(ReviewedPost(
            post=post, added=post.abs_path.resolve() in (added or set()),
            schedule=schedule(post, project), channels=channels,
            findings=[p for p in mine if p.rule != "calendar"],
            conflicts=[p for p in mine if p.rule == "calendar"],
            requirements=policy.requirements(project.config.channels_for(post)),
            sent=_sent(project, post)))
        if post.abs_path.resolve() not in (added or set()):
            item = reviewed[-1]
            item.diff, item.changed_keys = changes.post_changes(
                post, gitops.file_at_base(project.root, base, post.abs_path))
    own = {p.path for p in posts}
    others = [p for p in result.problems if p.path not in own and not p.path.startswith("posts/")]
    review = Review(base, reviewed, others, policy.verified, image_base=image_base)
    if project_files:
        everything = lint(project, None, now)
        review.project_files = list(project_files)
        for path, new in _new_findings(project, base, now, everything.problems, own).items():
            post = read_post(project.root, project.root / path)
            mine = sorted((p for p in everything.problems if p.path == path), key=Problem.sort_key)
            review.posts.append(ReviewedPost(
                post=post, added=False, schedule=schedule(post, project),
                channels=render_post(post, project.config.channels, project.root,
                                     names=project.config.channels_for(post)) if post.readable else [],
                findings=[p for p in mine if p.rule != "calendar"],
                conflicts=[p for p in mine if p.rule == "calendar"],
                requirements=policy.requirements(project.config.channels_for(post)),
                sent=_sent(project, post), new_findings=new))
        by_rule: dict[str, set[str]] = {}
        for problem in everything.problems:
            by_rule.setdefault(problem.rule, set()).add(problem.path)
        texts = {name: gitops.file_at_base(project.root, base, project.root / name) for name in project_files}
        review.project_changes = changes.project_changes(project, texts, project.read_posts(), by_rule)
    return review


def _new_findings(project: Project, base: str, now: datetime, head: list[Problem],
                  skip: set[str]) -> dict[str, list[Problem]]:
    """The posts this branch does not change (not in `skip`) for which lint finds something
    it did not find at the base: what the changed project files (a blackout in calendar.yaml,
    a word styleguide.yaml now bans, a limit in socialops.yaml) do to posts nobody touched.
    The base is linted from a copy of its tree (git archive), with the same `now`."""
    import tempfile
    from collections import Counter

    from socialops import gitops
    from socialops.errors import SocialopsError
    from socialops.lint import lint

    def key(p: Problem) -> tuple[str, str, str, int, int]:
        return (p.rule, p.level.value, p.message, p.line, p.column)

    with tempfile.TemporaryDirectory(prefix="socialops-base-") as tmp:
        root = gitops.export_base(project.root, base, Path(tmp))
        if root is None:
            return {}
        try:
            before = lint(Project(root.resolve(), load_config(root.resolve())), None, now,
                          use_cache=False).problems
        except SocialopsError:  # the base's own config cannot be read: nothing to compare with
            return {}
    was: dict[str, Counter[tuple[str, str, str, int, int]]] = {}
    for problem in before:
        was.setdefault(problem.path, Counter())[key(problem)] += 1
    out: dict[str, list[Problem]] = {}
    for problem in sorted(head, key=Problem.sort_key):
        if not problem.path.startswith(POSTS_DIR + "/") or problem.path in skip \
                or not (project.root / problem.path).is_file():
            continue
        seen = was.setdefault(problem.path, Counter())
        if seen[key(problem)] > 0:
            seen[key(problem)] -= 1
        else:
            out.setdefault(problem.path, []).append(problem)
    return out


def schedule(post: Post, project: Project) -> Schedule:
    when = post_due(post, project.config.timezone)
    return Schedule("queue" if when.queued else post.publish_at, when.at, problem=when.problem)


def _sent(project: Project, post: Post) -> dict[str, str]:
    try:
        entry = ledger.read(project.root, post.id)
    except ledger.LedgerError:
        return {}
    if entry is None:
        return {}
    out = {}
    for name, record in entry.channels.items():
        if record.status in SENT:
            first = next((p.at for p in record.parts if p.at), None) or record.since
            out[name] = record.status + (f" {first}" if first else "")
    return out


# ---- JSON ---------------------------------------------------------------------------------------

def as_json(review: Review) -> dict[str, Any]:
    return {
        "version": 1,
        "base": review.base,
        "verified": review.verified,
        "posts": [{
            "path": item.post.path, "id": item.post.id, "added": item.added,
            "status": item.post.status,
            "publish_at": item.schedule.publish_at,
            "due": item.schedule.due.isoformat() if item.schedule.due else None,
            "channels": [{"channel": r.channel, "platform": r.platform, "ok": r.ok,
                          "parts": [p.as_dict() for p in r.parts]} for r in item.channels],
            "findings": [p.as_dict() for p in item.findings],
            "conflicts": [p.as_dict() for p in item.conflicts],
            "approval": [{"channel": r.channel, "required": r.count, "approvers": list(r.approvers)}
                         for r in item.requirements],
            "already_published": item.sent,
            "unchanged": item.unchanged,
            "new_findings": None if item.new_findings is None else [p.as_dict() for p in item.new_findings],
        } for item in review.posts],
        "project_findings": [p.as_dict() for p in review.project_findings],
    }


# ---- the comment on GitHub ------------------------------------------------------------------------

#: who writes the review comment: the job's GITHUB_TOKEN comments as github-actions[bot]; a
#: GitHub App or a personal token comments as someone else (set SOCIALOPS_BOT_LOGIN to it)
BOT_LOGIN = "github-actions[bot]"


def upsert_comment(client: Any, number: int, body: str, *, skip_new: bool = False,
                   bot: str = BOT_LOGIN) -> tuple[str, str | None]:
    """Create the one review comment on the pull request, or update it in place: the comment
    that carries the marker and that `bot` wrote. Anyone can paste the marker into a comment
    of their own; such a comment is never edited. Returns what was done (created, updated,
    skipped) and the comment's URL."""
    comments = client.paginate(f"/repos/{client.repo}/issues/{number}/comments")
    ours = [c for c in comments if isinstance(c, dict) and MARKER in str(c.get("body") or "")
            and _author(c).lower() == bot.lower()]
    if ours:
        done = client.patch(f"/repos/{client.repo}/issues/comments/{ours[0]['id']}", {"body": body})
        return "updated", _url(done)
    if skip_new:
        return "skipped", None
    done = client.post(f"/repos/{client.repo}/issues/{number}/comments", {"body": body})
    return "created", _url(done)


def _author(comment: dict[str, Any]) -> str:
    user = comment.get("user")
    return str(user.get("login") or "") if isinstance(user, dict) else ""


def _url(comment: Any) -> str | None:
    return str(comment.get("html_url")) if isinstance(comment, dict) and comment.get("html_url") else None


def pull_request_number(event_path: str | None) -> int | None:
    """The pull request's number from the GitHub Actions event file (GITHUB_EVENT_PATH)."""
    import json

    if not event_path:
        return None
    try:
        event = json.loads(Path(event_path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    for key in ("pull_request", "issue"):
        value = event.get(key) if isinstance(event, dict) else None
        if isinstance(value, dict) and isinstance(value.get("number"), int):
            return int(value["number"])
    number = event.get("number") if isinstance(event, dict) else None
    return number if isinstance(number, int) else None
