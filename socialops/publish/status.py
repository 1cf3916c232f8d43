"""`socialops status`: what is due next, what went out (with URLs), what failed, is unknown,
missed or held, and since when: the answer to "why didn't my post go out?".

Built on publish's own decisions (`socialops.publish.decide`, what `publish --dry-run`
shows), so status never says "the next run sends it" about a post publish would hold; like
a dry run it checks approvals on GitHub (approval.verify: github) and that each channel's
credentials are set, and calls no platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from socialops import ledger
from socialops.calendar import lateness
from socialops.ledger import ChannelRecord
from socialops.model import Channel, Post, Project, post_due
from socialops.pause import Pause, read_pause
from socialops.publish.claims import RunInfo, claim_state
from socialops.publish.metrics.store import last_collected
from socialops.publish.selection import Decision
from socialops.timeutil import duration_text, iso

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
    metrics_channels: bool = True  # whether any channel's platform has metrics to collect

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
           environ: Mapping[str, str] | None = None, http: Any = None,
           client_factory: Callable[[Channel], Any] | None = None,
           upcoming: int = 10, published: int = 20) -> StatusReport:
    """The report for every post, or everything about one post (by id or path).

    What is due is what `publish --dry-run` decides (`socialops.publish.decide`: selection,
    approvals through `http`, each channel's setup with `environ`); the rest comes from the
    posts (drafts, not due yet, without a time) and the ledger (published, retracted...)."""
    from socialops.adapters import has_metrics
    from socialops.lint import ledgercache
    from socialops.lint.quickread import read_posts
    from socialops.publish import PublishOptions, decide

    limit = lateness(project)
    collected = last_collected(project.root)
    report = StatusReport(iso(now), duration_text(limit), read_pause(project.root),
                          metrics_collected=_local(collected, project) if collected else None,
                          metrics_channels=collected is not None or any(
                              has_metrics(c.platform) for c in project.config.channels.values()))
    known = ledger.LedgerIndex(project.root)  # read once, by the decisions and by the rows
    run = RunInfo.current()
    options = PublishOptions(now=now, clock=lambda: clock_now, environ=dict(environ or {}), dry_run=True,
                             posts=frozenset({post}) if post is not None else None,
                             client_factory=client_factory, http=http)
    posts = read_posts(project, quick=True)  # publish.decide reads the due ones in full
    decided = decide(project, options, posts, known)
    entries = ledgercache.read_all(project, known)  # unchanged files' parses kept beside lint's cache
    if post is not None:
        posts = [p for p in posts if post in (p.id, p.path)]
        ids = {d.post_id for d in decided.decisions} | {p.id for p in posts} | {post}
        entries = {k: v for k, v in entries.items() if k in ids}
        upcoming = published = 10**9
    seen: set[tuple[str, str]] = set()
    for d in decided.decisions:
        entry = entries.get(d.post_id)
        record = entry.channel(d.channel) if entry else None
        report.rows.append(_decided_row(d, record, now, clock_now, run))
        seen.add((d.post_id, d.channel))
    for item in posts:
        if (item.id, "*") in seen:
            continue
        entry = entries.get(item.id)
        for name in project.config.channels_for(item):
            if (item.id, name) not in seen:
                seen.add((item.id, name))
                report.rows.append(_post_row(project, item, name, entry, now, clock_now, run))
    for entry in entries.values():  # recurring occurrences and posts whose file is gone
        for name, record in entry.channels.items():
            if (entry.post, name) not in seen and (entry.post, "*") not in seen:
                report.rows.append(_ledger_row(entry.post, entry.path, name, record, clock_now, run))
    _trim(report, upcoming, published)
    return report


#: ledger states whose own row says best what the next run does with a planned channel
_LEDGER_SAYS = ("intent", "failed", "not-published", "unknown")


def _local(moment: str, project: Project) -> str:
    """A snapshot's time (UTC, as the files keep it) in the project's timezone, as status
    shows every other time."""
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    return iso((when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(project.config.timezone))


def _decided_row(d: Decision, record: ChannelRecord | None, now: datetime, clock_now: datetime,
                 run: RunInfo) -> Row:
    """A due post on one channel, as publish decided it."""
    if record is not None and d.status in ("planned", "skipped", "unknown") and record.status in _LEDGER_SAYS:
        return _ledger_row(d.post_id, d.path, d.channel, record, clock_now, run)
    row = Row(d.post_id, d.path, d.channel, SECTION_OF.get(d.status, "failed"), d.due, d.since, None, d.message)
    if d.status == "planned":
        due = datetime.fromisoformat(d.due) if d.due else now
        row.message = f"due {duration_text(now - due)} ago; the next publish run sends it"
    elif record is not None and record.status == d.status and record.reason == d.message:
        row.since = record.since  # held or missed since then, for the same reason
    elif d.status == "failed" and record is not None and record.status == "failed":
        last = _ledger_row(d.post_id, d.path, d.channel, record, clock_now, run)
        row.since, row.message = record.since, f"{d.message}; the last run: {last.message}"
    return row


#: a decision's status -> the status section it is shown in
SECTION_OF = {"planned": "waiting", "skipped": "publishing", "held": "held", "missed": "missed",
              "unknown": "unknown", "failed": "failed", "stopped": "waiting"}


def _post_row(project: Project, post: Post, name: str, entry: ledger.LedgerEntry | None, now: datetime,
              clock_now: datetime, run: RunInfo) -> Row:
    """A post on one channel that publish has nothing to decide about now: not due, a
    draft, without a time, or done in the ledger (published, retracted, missed at this time)."""
    when = post_due(post, project.config.timezone)
    record = entry.channel(name) if entry else None
    stale = record is not None and record.status in ("held", "missed") and \
        record.due != (iso(when.at) if when.at else None)
    if record is not None and not stale:
        return _ledger_row(post.id, post.path, name, record, clock_now, run)
    row = Row(post.id, post.path, name, "next", iso(when.at) if when.at else None)
    if post.status == "draft":
        row.section, row.message = "draft", "a draft is never published: set status: ready"
    elif post.status != "ready":
        row.section, row.message = "failed", f"status: {post.status} is not draft or ready; publish sends only ready posts"
    elif when.problem:
        row.section, row.message = "failed", f"publish_at: {when.problem}"
    elif when.at is None:
        row.section = "unscheduled"
        row.message = ("publish_at: queue: waiting for socialops schedule to give it a slot"
                       if when.queued else "it has no publish_at, so it is not published")
    elif project.config.channels.get(name) is None:
        row.section, row.message = "failed", f"unknown channel '{name}'"
    elif when.at > now:
        row.message = f"due in {duration_text(when.at - now)}"
    else:
        row.section, row.message = "waiting", "the next publish run decides it"
    return row


def _left_part_way(record: ChannelRecord) -> bool:
    """A thread a run left part-way without anything failing (it was stopped, paused, or ran
    out of time between parts): the ledger calls the channel failed, as it is not complete,
    but nothing needs a person; the next run continues it from the next part."""
    statuses = {p.status for p in record.parts}
    return "published" in statuses and statuses <= {"published", "not-published"}


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
    elif section == "failed" and _left_part_way(record):
        sent = sum(1 for p in record.parts if p.status == "published")
        count = record.count or len(record.parts)
        section = "waiting"
        message = f"{sent} of {count} parts sent; " + (message or "the next run sends the rest")
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
