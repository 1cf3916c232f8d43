"""The review comment: for each post a pull request adds or changes, everything a reviewer
needs to approve it from the comment alone. Each channel's text comes from
`socialops.render`, the code `publish` sends with, so what is approved is what is sent.

`build` returns data; `markdown` and `as_json` turn it into the comment and the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialops import approval, ledger
from socialops.model import Post, Project
from socialops.problems import Level, Problem
from socialops.render import RenderedChannel, RenderedPart, render_post
from socialops.timeutil import TimeError, parse_time

MARKER = "<!-- socialops-review -->"
MAX_COMMENT = 60_000  # GitHub takes 65,536 characters; leave room for the footer
SENT = ("published", "intent", "unknown")
ICON = {Level.ERROR: "❌", Level.WARNING: "⚠️", Level.SUGGESTION: "💡"}


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

    @property
    def errors(self) -> int:
        return sum(1 for p in self.findings + self.conflicts if p.level is Level.ERROR)


@dataclass
class Review:
    base: str
    posts: list[ReviewedPost]
    project_findings: list[Problem]  # socialops.yaml, styleguide.yaml, calendar.yaml, CODEOWNERS
    verified: bool  # approval.verify is github


def build(project: Project, paths: list[Path], now: datetime, base: str,
          added: set[Path] | None = None) -> Review:
    from socialops.lint import lint

    result = lint(project, paths, now)
    policy = approval.load_policy(project.config)
    wanted = {p.resolve() for p in paths}
    posts = [p for p in project.read_posts() if p.abs_path.resolve() in wanted]
    reviewed = []
    for post in posts:
        channels = render_post(post, project.config.channels, project.root,
                               default_channels=project.config.default_channels) if post.readable else []
        mine = [p for p in result.problems if p.path == post.path]
        mine += [p for r in channels for p in r.problems if p not in mine]
        mine.sort(key=Problem.sort_key)
        reviewed.append(ReviewedPost(
            post=post, added=post.abs_path.resolve() in (added or set()),
            schedule=schedule(post, project), channels=channels,
            findings=[p for p in mine if p.rule != "calendar"],
            conflicts=[p for p in mine if p.rule == "calendar"],
            requirements=policy.requirements(post.channels or project.config.default_channels),
            sent=_sent(project, post)))
    own = {p.path for p in posts}
    others = [p for p in result.problems if p.path not in own and not p.path.startswith("posts/")]
    return Review(base, reviewed, others, policy.verified)


def schedule(post: Post, project: Project) -> Schedule:
    value = post.publish_at
    if value is None or value == "queue":
        return Schedule(value)
    try:
        return Schedule(value, parse_time(value, project.config.timezone))
    except TimeError as exc:
        return Schedule(value, problem=str(exc))


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


# ---- Markdown ------------------------------------------------------------------------------------

def markdown(review: Review, project: Project) -> str:
    tz = project.config.timezone
    head = [MARKER, f"## socialops review: {_count(len(review.posts), 'post')} added or changed", ""]
    if not review.posts:
        head.append("No post is added or changed in this pull request.")
    else:
        head += _summary(review, tz)
    out = "\n".join(head) + "\n"
    if review.project_findings:
        out += "\n" + "\n".join(["### Project files", "", *_findings(review.project_findings)]) + "\n"
    left = 0
    for index, item in enumerate(review.posts):
        section = "\n" + "\n".join(_post_section(item, review, tz)) + "\n"
        if len(out) + len(section) > MAX_COMMENT:
            left = len(review.posts) - index
            break
        out += section
    if left:
        out += (f"\n_{_count(left, 'more post')} not shown: the comment would be too long for "
                f"GitHub. Run `socialops review` locally to see every post._\n")
    return out


def _summary(review: Review, tz: Any) -> list[str]:
    lines = ["| post | when | channels | checks |", "|---|---|---|---|"]
    for item in review.posts:
        post = item.post
        checks = "✅" if item.errors == 0 else f"❌ {_count(item.errors, 'error')}"
        if item.sent:
            checks += " · 🚨 already published"
        channels = ", ".join(_code(c) for c in post.channels) or "(defaults)"
        lines.append(f"| {_cell(_code(post.path))} | {_when_short(item.schedule, tz)} | "
                     f"{_cell(channels)} | {checks} |")
    return lines


def _post_section(item: ReviewedPost, review: Review, tz: Any) -> list[str]:
    post = item.post
    lines = [f"### {_code(post.path)}", ""]
    if item.sent:
        where = ", ".join(f"{name} ({what})" for name, what in sorted(item.sent.items()))
        lines += ["> [!CAUTION]",
                  f"> **This post was already published:** {_text(where)}. Merging this change does "
                  "not publish it again and does not change what was sent; to correct it, retract "
                  "it (`socialops retract`) and add a new post.", ""]
    lines += [f"- **Id:** {_code(post.id)} ({'new file' if item.added else 'changed'})",
              f"- **When:** {_when_long(item.schedule, tz)}",
              f"- **Status:** {_code(post.status)}" + (" (a draft is never published)" if post.status == "draft" else "")]
    if post.campaign:
        lines.append(f"- **Campaign:** {_code(post.campaign)}")
    lines.append(f"- **Must approve:** {_approvers(item.requirements, review.verified)}")
    lines.append("")
    for rendered in item.channels:
        lines += _channel(rendered)
    if item.conflicts:
        lines += ["**Schedule conflicts**", "", *_findings(item.conflicts), ""]
    lines += (["**Lint findings**", "", *_findings(item.findings), ""] if item.findings
              else ["**Lint:** no findings ✅", ""])
    return lines


def _channel(rendered: RenderedChannel) -> list[str]:
    from socialops.platforms import PLATFORMS

    platform = PLATFORMS.get(rendered.platform)
    label = platform.label if platform else rendered.platform
    unit = platform.unit if platform else "characters"
    total = len(rendered.parts)
    lines = [f"#### {_code(rendered.channel)} · {_text(label)}" + ("" if rendered.ok else " ❌"), ""]
    for part in rendered.parts:
        title = f"Part {part.index + 1} of {total}: " if total > 1 else ""
        lines += [f"{title}{_counts(part, unit)}", "", *_fenced(part.text), ""]
        for media in part.media:
            alt = f"alt text: {_text(media.alt)}" if media.alt else "❌ **no alt text**"
            lines.append(f"- 🖼️ {_code(media.path)}: {alt}")
        if part.facets:
            lines.append(f"- Links, mentions and tags that become clickable: {_facets(part.facets)}")
        if part.media or part.facets:
            lines.append("")
    return lines


def _counts(part: RenderedPart, unit: str) -> str:
    if part.invalid:
        return f"❌ {_text(part.invalid)}"
    text = f"{part.length} / {part.limit} {unit}" if part.limit is not None else f"{part.length} {unit} (no limit)"
    if part.byte_limit is not None and part.bytes is not None:
        text += f", {part.bytes} / {part.byte_limit} bytes"
    over = part.limit is not None and part.length > part.limit
    mark = f"❌ {part.length - part.limit} over" if over and part.limit is not None else ("✅" if part.ok else "❌")
    issues = "".join(f"; {_text(i)}" for i in part.issues)
    return f"{text} {mark}{issues}"


def _facets(facets: list[dict[str, Any]]) -> str:
    kinds: dict[str, int] = {}
    for facet in facets:
        for feature in facet.get("features", []):
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1] or "facet"
            kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(kinds.items()))


def _findings(problems: list[Problem]) -> list[str]:
    return [f"- {ICON[p.level]} {p.level.value} {_code(p.rule)} {_code(f'{p.path}:{p.line}:{p.column}')}: "
            f"{_text(p.message)}" for p in problems]


def _approvers(requirements: list[approval.Requirement], verified: bool) -> str:
    if not requirements:
        return "no channel"
    needs = "; ".join(f"{_code(r.channel)}: {_count(r.count, 'approval')} from "
                      f"{', '.join(_code(a) for a in r.approvers) if r.approvers else 'anyone with write access'}"
                      for r in requirements)
    return needs + (" (verified by socialops at publish time, on the final commit)" if verified
                    else " (enforced by branch protection)")


def _when_short(item: Schedule, tz: Any) -> str:
    if item.due is not None:
        return item.due.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    return "queued" if item.queued else "no time" if item.publish_at is None else "❌ invalid"


def _when_long(item: Schedule, tz: Any) -> str:
    if item.due is not None:
        local = item.due.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        return f"{local} ({_text(str(tz))}), {item.due.astimezone(UTC).strftime('%Y-%m-%d %H:%M')} UTC"
    if item.queued:
        return "`queue`: no time yet. Run `socialops schedule` and commit the time it writes, so the time is approved too."
    if item.publish_at is None:
        return "no `publish_at`: this post is never published until it gets one"
    return f"❌ {_text(item.problem or 'not a time')}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _code(text: str) -> str:
    """An inline code span that holds any text (backticks included), on one line."""
    text = text.replace("\n", " ")
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(text: str) -> str:
    """Markdown for a table cell: a `|` would end the cell, even inside a code span."""
    return text.replace("|", "\\|")


def _fenced(text: str) -> list[str]:
    """A fenced block showing `text` exactly (a fence longer than any backtick run in it)."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return [f"{fence}text", *(text.split("\n") if text else [""]), fence]


def _longest_run(text: str, char: str) -> int:
    best = current = 0
    for c in text:
        current = current + 1 if c == char else 0
        best = max(best, current)
    return best


_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]<>|#~"}, "&": "&amp;"})


def _text(text: str) -> str:
    """Plain text for Markdown: special characters escaped, on one line, and `@name`
    broken so that it mentions nobody."""
    return text.replace("\n", " ").translate(_SPECIAL).replace("@", "@&#8203;")


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
        } for item in review.posts],
        "project_findings": [p.as_dict() for p in review.project_findings],
    }


# ---- the comment on GitHub ------------------------------------------------------------------------

def upsert_comment(client: Any, number: int, body: str, *, skip_new: bool = False) -> tuple[str, str | None]:
    """Create the one review comment on the pull request, or update it in place (found by
    its marker). Returns what was done (created, updated, skipped) and the comment's URL."""
    comments = client.paginate(f"/repos/{client.repo}/issues/{number}/comments")
    ours = [c for c in comments if isinstance(c, dict) and MARKER in str(c.get("body") or "")]
    if ours:
        done = client.patch(f"/repos/{client.repo}/issues/comments/{ours[0]['id']}", {"body": body})
        return "updated", _url(done)
    if skip_new:
        return "skipped", None
    done = client.post(f"/repos/{client.repo}/issues/{number}/comments", {"body": body})
    return "created", _url(done)


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
