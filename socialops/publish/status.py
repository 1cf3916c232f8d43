"""`socialops status`: what is due next, what went out (with URLs), what failed, is unknown,
missed or held, and since when: the answer to "why didn't my post go out?".

Reads the posts and the ledger only; no network, no secrets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialops import ledger
from socialops.ledger import ChannelRecord
from socialops.model import Post, Project
from socialops.pause import Pause, read_pause
from socialops.publish.claims import RunInfo, claim_state
from socialops.publish.metrics.store import last_collected
from socialops.publish.selection import lateness
from socialops.timeutil import TimeError, iso, parse_time

#: the order sections are shown in
SECTIONS = ("unknown", "interrupted", "failed", "missed", "held", "publishing", "waiting", "next",
            "unscheduled", "draft", "published", "retracted")


@dataclass
class Row:
    post: str
    path: str | None
    channel: str
    section: str
    due: str | None = None
    since: str | None = None
    url: str | None = None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StatusReport:
    now: str
    lateness: str
    paused: Pause | None
    rows: list[Row] = field(default_factory=list)
    metrics_collected: str | None = None  # the latest snapshot's time (socialops metrics collect)

    def section(self, name: str) -> list[Row]:
        return [r for r in self.rows if r.section == name]

    @property
    def troubled(self) -> bool:
        return any(r.section in ("unknown", "failed") for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {"version": 1, "now": self.now, "lateness": self.lateness,
                "paused": self.paused.as_dict() if self.paused else None,
                "metrics": {"last_collected": self.metrics_collected},
                "sections": {name: [r.as_dict() for r in self.section(name)] for name in SECTIONS}}


def status(project: Project, now: datetime, clock_now: datetime, *, post: str | None = None,
           upcoming: int = 10, published: int = 20) -> StatusReport:
    """The report for every post, or everything about one post (by id or path)."""
    limit = lateness(project)
    report = StatusReport(iso(now), _span(limit), read_pause(project.root),
                          metrics_collected=last_collected(project.root))
    entries = ledger.read_all(project.root)
    run = RunInfo.current()
    posts = project.read_posts()
    if post is not None:
        posts = [p for p in posts if post in (p.id, p.path)]
        entries = {k: v for k, v in entries.items() if k == post or any(k == p.id for p in posts)}
        upcoming = published = 10**9
    seen: set[tuple[str, str]] = set()
    for item in posts:
        for row in _post_rows(project, item, entries.get(item.id), now, limit, clock_now, run):
            seen.add((row.post, row.channel))
            report.rows.append(row)
    for entry in entries.values():  # recurring occurrences and posts whose file is gone
        for name, record in entry.channels.items():
            if (entry.post, name) not in seen:
                report.rows.append(_ledger_row(entry.post, entry.path, name, record, clock_now, run))
    _trim(report, upcoming, published)
    return report


def _post_rows(project: Project, post: Post, entry: ledger.LedgerEntry | None, now: datetime,
               limit: timedelta, clock_now: datetime, run: RunInfo) -> list[Row]:
    channels = project.config.channels_for(post)
    if not post.readable:
        first = post.problems[0].message if post.problems else "it cannot be read"
        return [Row(post.id, post.path, "*", "failed", message=f"the file cannot be read: {first}")]
    due: datetime | None = None
    problem = None
    if post.publish_at not in (None, "queue"):
        try:
            due = parse_time(str(post.publish_at), project.config.timezone).astimezone(project.config.timezone)
        except TimeError as exc:
            problem = f"publish_at: {exc}"
    rows = []
    for name in channels:
        record = entry.channel(name) if entry else None
        if record is not None and record.status != "held":
            rows.append(_ledger_row(post.id, post.path, name, record, clock_now, run))
            continue
        row = Row(post.id, post.path, name, "next", iso(due) if due else None)
        if post.status == "draft":
            row.section, row.message = "draft", "a draft is never published: set status: ready"
        elif problem:
            row.section, row.message = "failed", problem
        elif due is None:
            row.section = "unscheduled"
            row.message = ("publish_at: queue: waiting for socialops schedule to give it a slot"
                           if post.publish_at == "queue" else "it has no publish_at, so it is not published")
        elif record is not None:  # held
            row.section, row.since, row.message = "held", record.since, record.reason
        elif due > now:
            row.message = f"due in {_span(due - now)}"
        elif now - due > limit:
            row.section = "missed"
            row.message = (f"due {_span(now - due)} ago and no run published it within the lateness "
                           f"limit ({_span(limit)}); the next run records it as missed")
        else:
            row.section = "waiting"
            row.message = f"due {_span(now - due)} ago; the next publish run sends it"
        channel = project.config.channels.get(name)
        if channel is None:
            row.section, row.message = "failed", f"unknown channel '{name}'"
        elif row.section == "waiting":
            refused = _render_problem(project, post, channel)
            if refused:
                row.section, row.message = "failed", refused
        rows.append(row)
    return rows


def _render_problem(project: Project, post: Post, channel: Any) -> str | None:
    """Why publish would refuse this post on this channel (too long, media...), if it would."""
    from socialops.render import render_channel

    errors = [p for p in render_channel(post, channel, project.root).problems if p.level.value == "error"]
    if not errors:
        return None
    return f"{errors[0].path}:{errors[0].line}: {errors[0].message}; publish does not send it (run socialops lint)"


def _ledger_row(post_id: str, path: str | None, channel: str, record: ChannelRecord,
                clock_now: datetime, run: RunInfo) -> Row:
    url = next((p.url for p in record.parts if p.url and p.status == "published"), None)
    errors = [f"part {p.index + 1}: {p.error}" for p in record.parts if p.error and p.status != "published"]
    section = record.status
    message = record.reason
    if section == "intent":
        state = claim_state(record.claim, run, clock_now)
        section = "publishing" if state == "active" else "interrupted"
        claim = record.claim or {}
        message = f"run {claim.get('run')} on {claim.get('host')} claimed it at {claim.get('at')}"
        if state != "active":
            message += ("; that run stopped before it finished: the next run asks the platform "
                        "whether what it was sending arrived, and sends the rest; to decide now, "
                        f"check the channel, then: socialops resolve {post_id} --channel {channel} "
                        "--as published|not-published")
    elif section == "not-published":
        section, message = "waiting", record.reason or "resolved as not published; the next run sends it"
    elif section == "unknown":
        message = "; ".join(errors) or message or "an earlier run may have sent it"
        message += f"; check the channel, then: socialops resolve {post_id} --channel {channel} " \
                   "--as published|not-published"
    elif section == "failed":
        message = "; ".join(errors) or message or "failed"
        message += "; the next run tries again"
    if section not in SECTIONS:
        section = "unknown"
    return Row(post_id, path, channel, section, record.due, record.since, url, message)


def _trim(report: StatusReport, upcoming: int, published: int) -> None:
    def when(row: Row) -> str:
        return row.since or row.due or ""

    nexts = sorted(report.section("next"), key=lambda r: _moment(r.due))[:upcoming]
    done = sorted(report.section("published"), key=when, reverse=True)[:published]
    keep = {id(r) for r in nexts + done}
    report.rows = [r for r in report.rows if r.section not in ("next", "published") or id(r) in keep]
    order = {name: i for i, name in enumerate(SECTIONS)}
    report.rows.sort(key=lambda r: (order[r.section], _moment(r.due), r.post, r.channel))


def _moment(text: str | None) -> float:
    if not text:
        return float("inf")
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return float("inf")


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h" + (f" {rest}m" if rest else "")
    return f"{hours // 24}d" + (f" {hours % 24}h" if hours % 24 else "")
