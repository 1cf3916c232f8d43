"""Which posts go out now: ready, approved, due, not later than the lateness limit, and
not yet published on the channel; in time order.

Every (post, channel) ends up either as a `Job` (publish it in this run) or as a
`Decision` (missed, held, unknown, skipped or failed before any call, with the reason).
Channels already published, retracted or already reported as missed are left out.
A post's channels are `Config.channels_for`, its due time `model.post_due` (a recurring
occurrence's, the series' in calendar.yaml), the ledger is read through
`ledger.LedgerIndex`: the same readings lint, the calendar and status use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialops import ledger, model, safepaths
from socialops.ledger import ChannelRecord, LedgerEntry
from socialops.model import Channel, Post, Project, post_due
from socialops.publish.claims import RunInfo, claim_state
from socialops.timeutil import duration_text, iso

RECURRING_LOOKBACK = timedelta(days=1)
#: how long after a post was due a part left `unknown` on a platform that can be asked
#: (`looks_up = True`: its lookup failed, or could not tell identical texts apart) is
#: looked up again by every run, before it waits for `socialops resolve`
LOOK_AGAIN_FOR = timedelta(days=1)


@dataclass
class DuePost:
    """A post (or one occurrence of a recurring series) that is due."""

    id: str
    post: Post  # the file whose content is sent
    due: datetime
    channels: list[str]

    @property
    def due_text(self) -> str:
        return iso(self.due)


@dataclass
class Job:
    """One due post on one channel, to publish in this run. A job that `settle`s first finds
    out, by asking the platform, what became of the parts an earlier run left without a
    result (its intents after a crash, or parts recorded unknown), and sends only what is
    not there; that is the one meaning of "settle" in socialops (a channel's status worked
    out from its parts is `ChannelRecord.status_from_parts`)."""

    due_post: DuePost
    channel: Channel
    rendered: Any  # socialops.render.RenderedChannel: the text exactly as it will be sent
    record: ChannelRecord | None  # what the ledger said before this run
    settle_run: str | None = None  # the run whose unfinished parts to settle first: its run id

    @property
    def settle(self) -> bool:
        return self.settle_run is not None


@dataclass
class Decision:
    post_id: str
    path: str | None
    due: str | None
    channel: str
    status: str  # missed, held, unknown, skipped, failed, planned
    message: str
    since: str | None = None
    to_ledger: bool = False  # write it into the ledger (missed, held)
    unchecked: bool = False  # held because something could not be checked (a person should look)


@dataclass
class Selection:
    jobs: list[Job] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


@dataclass
class Query:
    now: datetime  # what counts as due
    clock: Callable[[], datetime]  # the real time, for claims' leases
    run: RunInfo
    lateness: timedelta
    posts: frozenset[str] | None = None  # only these post ids (or paths)
    channels: frozenset[str] | None = None  # only these channels
    environ: Mapping[str, str] = field(default_factory=dict)




def select(project: Project, query: Query, posts: list[Post] | None = None,
           known: ledger.LedgerIndex | None = None) -> Selection:
    """Jobs and decisions for every due post and occurrence. `posts`: every post (status has
    them), read in full or quickly (socialops.lint.quickread); else they are found. Either
    way only those that may need something now are read in full. `known`: the ledger, when
    the caller reads it too (status), so each file is read once."""
    selection = Selection()
    known = known if known is not None else ledger.LedgerIndex(project.root)
    if posts is None:
        posts = _posts_to_consider(project, query, known)
    else:
        posts = [_in_full(project, p) for p in posts if not p.readable or not _nothing_to_do(project, p, query, known)]
    found = due_posts(project, posts, query, selection)
    sent: SentIndex | None = None
    cache: dict[str, Any] = {}
    for due_post in found:
        if not due_post.post.readable:
            selection.decisions.append(_decide(due_post, "*", "failed", f"{due_post.post.path} cannot be "
                                               "read; run socialops lint"))
            continue
        try:
            entry = known.entry(due_post.id)
        except ledger.LedgerError as exc:
            selection.decisions.append(_decide(
                due_post, "*", "failed", f"the ledger file {ledger.relative_path(due_post.id)} cannot be read "
                f"({exc}); nothing of this post is published until it is repaired (git log -p shows "
                "what it said)"))
            continue
        for name in due_post.channels:
            if query.channels is not None and name not in query.channels:
                continue
            channel = project.config.channels.get(name)
            if channel is None:
                selection.decisions.append(_decide(due_post, name, "failed", f"unknown channel '{name}'; "
                                                   "socialops.yaml does not define it"))
                continue
            blackout = _blackout(project, cache, name, due_post.due, query.now)
            if blackout is not None:
                selection.decisions.append(_decide(due_post, name, "held", blackout, to_ledger=True))
                continue
            job = _consider(due_post, channel, entry, query, selection)
            if job is None or not _render(job, project, selection):
                continue
            if entry is None:
                sent = sent or SentIndex(known)
                if _already_sent(job, sent, selection):
                    continue
            selection.jobs.append(job)
    return selection


def _blackout(project: Project, cache: dict[str, Any], channel: str, due: datetime,
              now: datetime) -> str | None:
    """Why nothing may go out on the channel now: a blackout of calendar.yaml covers the
    post's time or this moment. A post scheduled inside one stays held until it is given
    another time; one due before it goes out after it (within the lateness limit)."""
    from socialops import calendar

    cal = cache.get("calendar")
    if cal is None:
        cal = cache["calendar"] = calendar.load(project)
    unreadable = next((p for p in cal.problems if p.rule == "syntax"), None)
    if unreadable is not None:  # its blackouts are unknown: a crisis freeze may be in there
        return (f"calendar.yaml cannot be read ({unreadable.path}:{unreadable.line}: {unreadable.message}); "
                "nothing is published while its blackouts are unknown: fix it (socialops lint shows where)")
    for at, what in ((due, "its time is inside"), (now, "publishing is paused by")):
        found = cal.blackout_at(channel, at)
        if found is not None:
            tz = project.config.timezone
            return (f"{what} the blackout '{found.name}' ({found.start.astimezone(tz):%Y-%m-%d %H:%M} to "
                    f"{found.end.astimezone(tz):%Y-%m-%d %H:%M}, calendar.yaml)"
                    + ("; give the post a time outside it" if at is due else ""))
    return None


def _posts_to_consider(project: Project, query: Query, known: ledger.LedgerIndex) -> list[Post]:
    """Every post, read in full, except those a quick look shows need nothing now: not
    ready, not due yet, or published on all their channels."""
    from socialops.lint.quickread import quick_post
    from socialops.model import read_post

    paths, _ = project.post_paths()
    cut = len(str(project.root)) + 1
    posts: list[Post] = []
    for path in paths:
        post = quick_post(project.root, path, str(path)[cut:].replace(os.sep, "/"))
        if not post.quick:
            posts.append(post)  # read in full already (front matter a quick look does not trust)
        elif not _nothing_to_do(project, post, query, known):
            posts.append(read_post(project.root, path))
    return posts


def _in_full(project: Project, post: Post) -> Post:
    from socialops.model import read_post

    return read_post(project.root, post.abs_path) if post.quick else post


def _nothing_to_do(project: Project, quick: Post, query: Query, known: ledger.LedgerIndex) -> bool:
    if query.posts is not None and quick.id not in query.posts and quick.path not in query.posts:
        return True
    if quick.status != "ready":
        return True
    when = post_due(quick, project.config.timezone)
    if when.problem:
        return False  # the full read reports it
    if when.at is None or when.at > query.now:
        return True
    text = known.text(quick.id) if quick.id in known else None
    if text is None:
        return False
    done = ledger.done_channels(text)
    wanted = [c for c in project.config.channels_for(quick)
              if query.channels is None or c in query.channels]
    return done is not None and bool(wanted) and all(c in done for c in wanted)


class SentIndex:
    """Which ledger entries hold a content hash (from their text); the few entries that
    may match are then read properly."""

    def __init__(self, known: ledger.LedgerIndex) -> None:
        self.known = known
        self.ids: dict[str, list[str]] = {}
        for post_id in known.paths:
            for digest in ledger.hashes_in(known.text(post_id) or ""):
                self.ids.setdefault(digest, []).append(post_id)

    def channels_with(self, hashes: tuple[str, ...]) -> list[tuple[str, str]]:
        """(post id, channel) of every channel whose published parts are exactly `hashes`."""
        entries = {}
        for post_id in self.ids.get(hashes[0], []) if hashes else []:
            try:
                entry = self.known.entry(post_id)
            except ledger.LedgerError:
                continue
            if entry is not None:
                entries[entry.post] = entry
        return ledger.published_by_hash(entries, self.known.root).get(hashes, [])


def due_posts(project: Project, posts: list[Post], query: Query, selection: Selection) -> list[DuePost]:
    tz = project.config.timezone
    out: list[DuePost] = []
    for post in posts:
        if query.posts is not None and post.id not in query.posts and post.path not in query.posts:
            continue
        if not post.readable:
            first = post.problems[0].message if post.problems else "it cannot be read"
            selection.decisions.append(Decision(post.id, post.path, None, "*", "failed",
                                                f"{post.path} cannot be read: {first}; run socialops lint"))
            continue
        if post.status != "ready":
            continue
        when = post_due(post, tz)
        if when.problem:
            selection.decisions.append(Decision(post.id, post.path, None, "*", "failed",
                                                f"publish_at: {when.problem}"))
        elif when.at is not None and when.at <= query.now:
            out.append(DuePost(post.id, post, when.at, project.config.channels_for(post)))
    out.extend(due_occurrences(project, posts, query))
    out.sort(key=lambda d: (d.due, d.id))
    return _unique(out, selection)


def _unique(found: list[DuePost], selection: Selection) -> list[DuePost]:
    """Two due posts with one id would share a ledger: neither goes out until one is renamed."""
    paths: dict[str, list[str]] = {}
    for due_post in found:
        paths.setdefault(due_post.id, []).append(due_post.post.path)
    out = []
    for due_post in found:
        if len(paths[due_post.id]) == 1:
            out.append(due_post)
            continue
        others = ", ".join(p for p in paths[due_post.id] if p != due_post.post.path)
        selection.decisions.append(_decide(due_post, "*", "failed", f"the id '{due_post.id}' is also used by "
                                           f"{others}; give one of them another 'id:'"))
    return out


def due_occurrences(project: Project, posts: list[Post], query: Query) -> list[DuePost]:
    """Occurrences of recurring series (calendar.yaml `recurring`) that are due; those
    older than the lateness limit by up to a day are reported as missed."""
    from socialops import calendar
    from socialops.model import read_post

    start = query.now - query.lateness - RECURRING_LOOKBACK
    by_path = {p.path: p for p in posts}
    out: list[DuePost] = []
    for occurrence in calendar.occurrences(project, start, query.now + timedelta(microseconds=1)):
        if occurrence.path is None:
            continue
        if query.posts is not None and occurrence.id not in query.posts:
            continue
        post = by_path.get(occurrence.path)
        if post is None:
            post = read_post(project.root, project.root / occurrence.path)
        out.append(DuePost(occurrence.id, post, occurrence.at.astimezone(project.config.timezone),
                          list(occurrence.channels)))
    return out


def _consider(due_post: DuePost, channel: Channel, entry: LedgerEntry | None, query: Query,
              selection: Selection) -> Job | None:
    record = entry.channel(channel.name) if entry else None
    status = record.status if record else None
    if record is None or status in ("failed", "not-published", "held") or \
            (status == "missed" and record.due != due_post.due_text):
        return _fresh(due_post, channel, record, query, selection)
    if status == "intent":
        state = claim_state(record.claim, query.run, query.clock())
        if state == "active":
            claim = record.claim or {}
            selection.decisions.append(_decide(
                due_post, channel.name, "skipped", f"another run ({claim.get('run')} on "
                f"{claim.get('host')}) is publishing it since {claim.get('at')}", claim.get("at")))
            return None
        run = str((record.claim or {}).get("run") or "")
        return Job(due_post, channel, None, record, settle_run=run)
    if status == "unknown" and record is not None and _look_again(due_post, channel, record, query):
        run = next((p.run for p in record.parts if p.status == "unknown" and p.run), "")
        return Job(due_post, channel, None, record, settle_run=run or "unknown")
    if status == "unknown":
        selection.decisions.append(_decide(
            due_post, channel.name, "unknown", record.reason or "an earlier run may have sent it; check "
            f"the channel, then run: socialops resolve {due_post.id} --channel {channel.name} "
            "--as published|not-published", record.since))
    return None  # published, retracted, missed at this time


def _look_again(due_post: DuePost, channel: Channel, record: ChannelRecord, query: Query) -> bool:
    """Whether this run asks the platform again about a part left unknown (a lookup that
    failed may answer now): only a platform whose lookup can answer, only within
    LOOK_AGAIN_FOR of the due time (the lookup reads back a bounded number of posts)."""
    from socialops.adapters import ChannelSetupError, adapter_class

    if not any(p.status == "unknown" for p in record.parts):
        return False
    if not timedelta(0) <= query.now - due_post.due <= LOOK_AGAIN_FOR:
        return False
    try:
        return bool(getattr(adapter_class(channel.platform), "looks_up", False))
    except ChannelSetupError:
        return False


def _fresh(due_post: DuePost, channel: Channel, record: ChannelRecord | None, query: Query,
           selection: Selection) -> Job | None:
    started = record is not None and any(p.status == "published" for p in record.parts)
    late = query.now - due_post.due
    if late > query.lateness and not started:
        selection.decisions.append(_decide(
            due_post, channel.name, "missed", f"due at {due_post.due_text}, {duration_text(late)} ago: later than "
            f"the lateness limit ({duration_text(query.lateness)}); set a new publish_at to send it",
            to_ledger=True))
        return None
    return Job(due_post, channel, None, record)


def _render(job: Job, project: Project, selection: Selection) -> bool:
    """The text exactly as it will be sent; a post the platform would refuse is not claimed."""
    from socialops.render import render_channel

    job.rendered = render_channel(job.due_post.post, job.channel, project.root)
    for part in job.rendered.parts:
        for media in getattr(part, "media", None) or ():
            rel = str(getattr(media, "path", media))
            why = safepaths.refusal(project.root, rel) if model.inside_repo(project.root, rel) \
                else "it leaves the repository"
            if why is not None:
                selection.decisions.append(_decide(
                    job.due_post, job.channel.name, "failed", f"{job.due_post.post.path}: media '{rel}' is not "
                    f"sent: {why}; run socialops lint"))
                return False
    errors = [p for p in job.rendered.problems if p.level.value == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        selection.decisions.append(_decide(
            job.due_post, job.channel.name, "failed", f"{first.path}:{first.line}: {first.message}{more}; "
            "publish does not send it (run socialops lint)"))
        return False
    return True


def _already_sent(job: Job, sent: SentIndex, selection: Selection) -> bool:
    """A post without a ledger whose text a channel already received (a renamed file)."""
    if job.rendered is None:
        return False
    hashes = tuple(p.content_hash for p in job.rendered.parts)
    for old_id, name in sent.channels_with(hashes):
        if name == job.channel.name:
            selection.decisions.append(_decide(
                job.due_post, name, "failed", f"the ledger says this text was already published on "
                f"{name} as post '{old_id}'; if the file was renamed, add 'id: {old_id}' to its "
                "front matter"))
            return True
    return False


def _decide(due_post: DuePost, channel: str, status: str, message: str, since: Any = None,
            to_ledger: bool = False) -> Decision:
    return Decision(due_post.id, due_post.post.path, due_post.due_text, channel, status, message,
                    str(since) if since else None, to_ledger)
