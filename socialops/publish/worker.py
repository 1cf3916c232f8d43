"""Publishing the claimed posts of one channel: parts in order, each recorded as it goes.

For each part: record the intent, call the platform, record the result. Retryable errors
(429, 5xx and connection errors before anything was sent) wait and try again within the
run, honouring Retry-After, with a bounded total wait. A call that may have reached the
platform is never repeated blindly: the adapter is asked whether the part is there; when
it cannot say, the part is `unknown` and stays so until a person runs `socialops resolve`.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from socialops import escape, ledger
from socialops.adapters.base import (
    Halted,
    OutgoingMedia,
    OutgoingPart,
    PlatformError,
    PublishedRef,
    secret_fragments,
)
from socialops.ledger import LedgerEntry, PartRecord
from socialops.publish.claims import RunLedger
from socialops.publish.results import PAUSED_DURING, ChannelResult, PartResult
from socialops.publish.selection import Job


@dataclass
class RunOptions:
    sleep: Callable[[float], object]
    clock: Callable[[], datetime]
    max_attempts: int = 5  # calls of one part within a run
    max_wait: float = 120.0  # seconds one channel may spend waiting to retry, in total
    backoff: float = 1.0  # first wait of the exponential backoff
    on_event: Callable[[PartEvent], None] | None = None
    stop: threading.Event | None = None  # set by Ctrl-C or SIGTERM: start no new call
    look_every: float = 5.0  # a wait looks at the stop and the pause switch at least this often (s)

    def stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()


#: why a claim was given back when the run was told to stop
STOPPED_BEFORE_POST = "this run was stopped (Ctrl-C or a cancelled job) before this post; the next run sends it"
STOPPED_BEFORE_PART = "this run was stopped (Ctrl-C or a cancelled job) before this part; the next run continues"


@dataclass(frozen=True)
class PartEvent:
    post_id: str
    channel: str
    index: int
    count: int
    status: str
    url: str | None
    error: str | None


@dataclass
class Outcome:
    status: str  # published, failed, unknown, send (a lookup found nothing: safe to send)
    ref: PublishedRef | None = None
    error: str | None = None


#: part statuses that mean "it may have reached the platform": never sent again unless a
#: lookup says it is not there, in any run and any kind of checkout
IN_DOUBT = frozenset({"intent", "unknown"})


def idempotency_key(post_id: str, channel: str, index: int, content_hash: str) -> str:
    return hashlib.sha256(f"{post_id}\n{channel}\n{index}\n{content_hash}".encode()).hexdigest()


def resolve_hint(part: OutgoingPart) -> str:
    return (f"check the channel, then run: socialops resolve {part.post_id} --channel "
            f"{part.channel} --as published|not-published")


class Scrubber:
    """Removes credential values (and their URL-encoded forms and URL path parts, as the
    adapters' own HTTP calls do) from any text before it is recorded or shown, and shows
    every URL in it without its userinfo and query values (escape.urls)."""

    def __init__(self, secrets: Mapping[str, str] | Iterable[str]) -> None:
        values = secrets.values() if isinstance(secrets, Mapping) else secrets
        self.values = sorted(secret_fragments(values), key=len, reverse=True)

    def __call__(self, text: str | None) -> str | None:
        if text is None:
            return None
        for value in self.values:
            text = text.replace(value, "***")
        return escape.urls(text)

    def ref(self, ref: PublishedRef) -> PublishedRef:
        """What a platform answered, as it may be stored: its URL scrubbed like any text."""
        return replace(ref, url=self(ref.url)) if ref.url else ref


@dataclass
class ChannelWorker:
    """Runs the jobs of one channel, one post after another, in time order."""

    adapter: Any
    jobs: list[Job]
    run_ledger: RunLedger
    options: RunOptions
    scrub: Scrubber
    root: Path
    deadline: datetime | None = None  # start no new part after this (the claim's lease)
    paused: Callable[[], str | None] | None = None  # why publishing was paused meanwhile, if it was
    waited: float = 0.0
    _ledger: dict[str, LedgerEntry] | None = None  # the ledger as it was at the first lookup
    sent: list[OutgoingPart] = field(default_factory=list)  # for adapters that write files
    taken: int = 0  # jobs started (or given back)
    out: list[tuple[Job, ChannelResult]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    flush_error: str | None = None

    def __post_init__(self) -> None:
        # waits inside the adapter's calls (media processing) watch the stop and the pause
        with contextlib.suppress(AttributeError):
            self.adapter.waiter = self._wait_in_call

    def run(self) -> list[tuple[Job, ChannelResult]]:
        try:
            return self._run()
        finally:
            self.flush()

    def flush(self) -> None:
        """Adapters that write files (the feed) write them once, after the channel's posts; a
        file that cannot be written stays in its journal for the next run (flush_error)."""
        flush = getattr(self.adapter, "flush", None)
        if flush is None:
            return
        try:
            flush()
        except (OSError, PlatformError) as exc:
            self.flush_error = self.scrub(f"{self.adapter.channel.name}: could not write "
                                          f"{getattr(self.adapter, 'rel', 'its file')}: "
                                          f"{getattr(exc, 'message', None) or exc}; the next run writes it")

    def _run(self) -> list[tuple[Job, ChannelResult]]:
        while True:
            job = self._take()
            if job is None:
                break
            why = self.paused() if self.paused is not None else None
            if why is not None:
                self._done(job, self._release(job, f"{PAUSED_DURING}: {why}"))
                continue
            if self.run_ledger.write_error is not None:
                self._done(job, self._release(job, self._unwritable()))
                continue
            try:
                self._done(job, self._job(job))
            except Exception as exc:  # a bug must not stop the other posts or channels
                name = job.channel.name
                message = self.scrub(f"unexpected error: {type(exc).__name__}: {exc}")
                status = self.run_ledger.finish(job.due_post.id, name, len(job.rendered.parts), message)
                self._done(job, ChannelResult(name, status, message))
        self.release_rest()
        order = {id(j): i for i, j in enumerate(self.jobs)}
        return sorted(self.out, key=lambda done: order[id(done[0])])

    def _take(self) -> Job | None:
        with self.lock:
            if self.options.stopping() or self.taken >= len(self.jobs):
                return None
            self.taken += 1
            return self.jobs[self.taken - 1]

    def _done(self, job: Job, result: ChannelResult) -> None:
        with self.lock:
            self.out.append((job, result))

    def release_rest(self) -> None:
        """Give back every claim not started yet (the run was told to stop). Called by the
        channel's own thread, and by the main thread as soon as the stop is asked for, so
        a second signal that ends the process at once leaves only the calls in flight."""
        with self.lock:
            rest, self.taken = self.jobs[self.taken:], len(self.jobs)
        for job in rest:
            self._done(job, self._release(job, STOPPED_BEFORE_POST, "stopped"))

    def _lease_ends_within(self, seconds: float) -> bool:
        """Whether this run's claim ends before a retry after `seconds` could start: then
        it is not retried (another run may take the claim over once it has ended)."""
        if self.deadline is None:
            return False
        return self.options.clock() + timedelta(seconds=seconds) >= self.deadline

    def _unwritable(self) -> str:
        return (f"not sent: the ledger could not be written ({self.run_ledger.write_error}), and a post is "
                "sent only once its intent is written; the next run sends it")

    def _halt_reason(self) -> str:
        """What a post's record says when the run stopped (or paused) inside one of its parts."""
        if self.options.stopping():
            return STOPPED_BEFORE_PART
        if self.run_ledger.write_error is not None:
            return self._unwritable()
        why = self.paused() if self.paused is not None else None
        return f"{PAUSED_DURING}: {why}; the next run after the pause continues"

    def _halt(self) -> str | None:
        """Why no new call may start now (stopped, paused meanwhile, or the ledger cannot be
        written), if so."""
        if self.options.stopping():
            return "this run was stopped"
        if self.run_ledger.write_error is not None:
            return f"the ledger could not be written ({self.run_ledger.write_error})"
        why = self.paused() if self.paused is not None else None
        return f"{PAUSED_DURING}: {why}" if why else None

    def _wait(self, seconds: float) -> str | None:
        """Wait `seconds` (a retry's backoff or rate limit, media the platform is processing),
        looking at the stop, the ledger and the pause switch before it and at least every
        `look_every` seconds while it lasts (the remote's switch is fetched as PauseWatch
        allows). Returns why the run must not go on, at once, if it must not."""
        left = max(0.0, seconds)
        while True:
            halt = self._halt()
            if halt is not None or left <= 0:
                return halt
            step = min(left, max(self.options.look_every, 0.01))
            self.options.sleep(step)
            left -= step

    def _wait_in_call(self, seconds: float) -> None:
        """The adapters' waiter (adapters.base.wait): a halt ends the call before it posts."""
        halt = self._wait(seconds)
        if halt is not None:
            raise Halted(f"{halt} while {self.adapter.platform} was still processing the media; "
                         "nothing was posted")

    def _release(self, job: Job, reason: str, status: str = "skipped") -> ChannelResult:
        """Give back a claim this run will not start: the next run takes it up."""
        if job.settle and job.record is not None:  # still the earlier run's to settle
            self.run_ledger.set_channel(job.due_post.id, job.due_post.post.path, job.channel.name, job.record)
        else:
            self.run_ledger.release(job.due_post.id, job.channel.name, reason)
        return ChannelResult(job.channel.name, status, reason)

    # ---- one post on this channel -----------------------------------------------------------
    def _job(self, job: Job) -> ChannelResult:
        name = job.channel.name
        record = self.run_ledger.record(job.due_post.id, name)
        assert record is not None, "claimed before running"
        results: list[PartResult] = []
        prev: PublishedRef | None = None
        first: PublishedRef | None = None
        touched = job.settle and any(p.run == job.settle_run for p in record.parts)
        reason: str | None = None
        for rendered in job.rendered.parts:
            old = record.part(rendered.index)
            part = self._outgoing(job, rendered, prev, first)
            if old is not None and old.status == "published":
                if old.hash and old.hash != rendered.content_hash:
                    reason = (f"part {rendered.index + 1} was published with other text; the post "
                              "was edited after it was published (see socialops lint)")
                    break
                prev = PublishedRef(old.id or "", old.url, dict(old.extra))
                first = first or prev
                results.append(PartResult(rendered.index, "published", old.url))
                continue
            if self.options.stopping():
                reason = STOPPED_BEFORE_PART
                break
            if self.run_ledger.write_error is not None:
                reason = self._unwritable()
                break
            if self.paused is not None and rendered.index > 0:
                why = self.paused()
                if why is not None:
                    reason = f"{PAUSED_DURING}: {why}; the next run after " \
                             "the pause continues"
                    break
            if self.deadline is not None and self.options.clock() >= self.deadline:
                reason = "this run ran out of time before this part; the next run continues"
                break
            may_be_there = (old is not None and old.status in IN_DOUBT) or \
                (job.settle and old is None and not touched)
            outcome = self._settle(part, rendered.content_hash) if may_be_there else Outcome("send")
            if outcome.status == "send":
                outcome = self._send(part, rendered.content_hash, old.attempts if old else 0)
            else:
                self._record(part, rendered.content_hash, outcome, old.attempts if old else 0)
            if outcome.status == "halted":  # the run stops (or pauses) here; nothing was posted
                reason = self._halt_reason()
                results.append(PartResult(rendered.index, "not-published", None, outcome.error))
                if not any(p.status == "published" for p in record.parts):
                    stopped = self.options.stopping()
                    left = self._release(job, reason, "stopped" if stopped else "skipped")
                    return replace(left, parts=results)
                break
            results.append(PartResult(rendered.index, outcome.status,
                                      outcome.ref.url if outcome.ref else None, outcome.error))
            self._event(part, len(job.rendered.parts), outcome)
            if outcome.status != "published":
                if outcome.status == "unknown" and job.settle and not touched:
                    self._unknown_rest(job, rendered.index)
                break
            prev = outcome.ref
            first = first or prev
        status = self.run_ledger.finish(job.due_post.id, name, len(job.rendered.parts), reason)
        part_way = status == "failed" and all(r.status in ("published", "not-published") for r in results)
        if reason == STOPPED_BEFORE_PART and status != "published":
            status = "stopped"
        elif part_way and reason is not None and reason.startswith(PAUSED_DURING):
            status = "skipped"  # a crisis pause between parts: left for after the resume, not a failure
        return ChannelResult(name, status, reason, results)

    def _outgoing(self, job: Job, rendered: Any, prev: PublishedRef | None,
                  first: PublishedRef | None) -> OutgoingPart:
        post = job.due_post.post
        title = post.meta.get("title")
        return OutgoingPart(
            post_id=job.due_post.id, channel=job.channel.name, index=rendered.index, text=rendered.text,
            media=tuple(self._media(m) for m in getattr(rendered, "media", None) or ()),
            reply_to=prev, root=first,
            idempotency_key=idempotency_key(job.due_post.id, job.channel.name, rendered.index,
                                            rendered.content_hash),
            options=post.platform_options(job.channel.platform), lang=post.lang,
            title=str(title) if title else None, published_at=job.due_post.due)

    def _media(self, media: Any) -> OutgoingMedia:
        rel = str(getattr(media, "path", media))
        mime = getattr(media, "mime", None) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
        return OutgoingMedia(self.root / rel, getattr(media, "alt", None), mime)

    # ---- calls ----------------------------------------------------------------------------
    def _settle(self, part: OutgoingPart, content_hash: str) -> Outcome:
        """An earlier run may have sent this part: ask the platform."""
        try:
            found = self._lookup(part, content_hash)
        except PlatformError as exc:
            return Outcome("unknown", error=self.scrub(
                f"an earlier run stopped while sending this part, and {self.adapter.platform} "
                f"cannot say whether it arrived ({exc.message}); {resolve_hint(part)}"))
        except Exception as exc:
            return Outcome("unknown", error=self.scrub(
                f"asking whether it arrived failed: {exc}; {resolve_hint(part)}"))
        return Outcome("published", found) if found is not None else Outcome("send")

    def _send(self, part: OutgoingPart, content_hash: str, attempts: int) -> Outcome:
        tries = 0
        while True:
            tries += 1
            attempts += 1
            self._record(part, content_hash, Outcome("intent"), attempts)
            if self.run_ledger.write_error is not None:  # no intent on disk: do not call
                outcome = Outcome("failed", error=self.scrub(self._unwritable()))
                self._record(part, content_hash, outcome, attempts - 1)
                return outcome
            try:
                outcome = Outcome("published", self.scrub.ref(self.adapter.publish(part)))
            except Halted as exc:  # stopped or paused while the platform processed the media
                return self._halted(part, content_hash, exc.message, attempts)
            except PlatformError as exc:
                outcome = self._after_error(part, content_hash, exc)
                if outcome.status == "retry":
                    delay = self._delay(exc, tries)
                    if tries < self.options.max_attempts and delay is not None and \
                            not self._lease_ends_within(delay):
                        halt = self._wait(delay)
                        if halt is None:
                            continue
                        return self._halted(part, content_hash, f"{exc.message}; {halt} before "
                                            "trying again", attempts)
                    outcome = Outcome("failed", error=self.scrub(
                        f"{exc.message} (gave up after {tries} attempt{'s' if tries > 1 else ''}; "
                        "the next run tries again)"))
            except Exception as exc:  # an error the adapter did not expect: it may have sent
                outcome = self._after_error(part, content_hash, PlatformError(
                    f"{type(exc).__name__}: {exc}", maybe_sent=True))
                if outcome.status == "retry":
                    outcome = Outcome("failed", error=self.scrub(str(exc)))
            self._record(part, content_hash, outcome, attempts)
            return outcome

    def _halted(self, part: OutgoingPart, content_hash: str, why: str, attempts: int) -> Outcome:
        """A call ended without posting because the run must not go on (a wait broke off):
        the part is recorded as not published, for the next run to send."""
        outcome = Outcome("halted", error=self.scrub(f"{why}; nothing was posted, the next run sends it"))
        self._record(part, content_hash, replace(outcome, status="not-published"), attempts)
        return outcome

    def _after_error(self, part: OutgoingPart, content_hash: str, exc: PlatformError) -> Outcome:
        if exc.maybe_sent:
            try:
                found = self._lookup(part, content_hash)
            except Exception as lookup_error:
                said = lookup_error.message if isinstance(lookup_error, PlatformError) else str(lookup_error)
                return Outcome("unknown", error=self.scrub(
                    f"{exc.message}; the request may have reached {self.adapter.platform}, which "
                    f"cannot say whether the post exists ({said})"))
            if found is not None:
                return Outcome("published", found)
            return Outcome("retry")  # the platform says it is not there: safe to send again
        if exc.retryable:
            return Outcome("retry")
        return Outcome("failed", error=self.scrub(exc.message))

    def _lookup(self, part: OutgoingPart, content_hash: str) -> PublishedRef | None:
        """The adapter's lookup, told apart from every other post: never an id the ledger
        gives to another part, and, when the platform is searched by text, no answer while
        another post with the same text may have been sent too (then it is for a person)."""
        if getattr(self.adapter, "exact_lookup", False):
            found: PublishedRef | None = self.adapter.lookup(part)
            return self.scrub.ref(found) if found is not None else None
        taken, doubtful = self._others(part, content_hash)
        found = self.adapter.lookup(replace(part, exclude=taken))
        if found is None:
            return None
        platform = self.adapter.platform
        if found.id in taken:
            raise PlatformError(f"{platform}: the post found is recorded in the ledger for another "
                                "post", maybe_sent=True)
        if doubtful:
            more = f" and {len(doubtful) - 2} more" if len(doubtful) > 2 else ""
            raise PlatformError(f"{platform} holds a post with this text, but it cannot be told from "
                                f"{', '.join(doubtful[:2])}{more}, which may have been sent with the "
                                "same text", maybe_sent=True)
        return self.scrub.ref(found)

    def _others(self, part: OutgoingPart, content_hash: str) -> tuple[frozenset[str], list[str]]:
        """What the ledger says of this channel's other parts: the platform ids it gives them,
        and those with the same text whose outcome is in doubt."""
        if self._ledger is None:
            self._ledger = ledger.read_all(self.root)
        with self.run_ledger.lock:
            entries = {**self._ledger, **self.run_ledger.entries}
            taken: set[str] = set()
            doubtful: list[str] = []
            for entry in entries.values():
                record = entry.channel(part.channel)
                for other in record.parts if record else []:
                    if entry.post == part.post_id and other.index == part.index:
                        continue
                    if other.id and other.status in ("published", "retracted"):
                        taken.add(other.id)
                    elif other.status in IN_DOUBT and other.hash == content_hash:
                        doubtful.append(f"post '{entry.post}' part {other.index + 1}")
            for job in self.jobs:  # interrupted runs' parts of which the ledger holds no record
                record = entries[job.due_post.id].channel(part.channel) if job.due_post.id in entries else None
                if not job.settle or job.due_post.id == part.post_id or record is None:
                    continue
                doubtful += [f"post '{job.due_post.id}' part {r.index + 1}" for r in job.rendered.parts
                             if r.content_hash == content_hash and record.part(r.index) is None]
        return frozenset(taken), doubtful

    def _delay(self, exc: PlatformError, tries: int) -> float | None:
        """How long to wait before the next try; None when the channel's budget is spent."""
        delay = exc.retry_after if exc.retry_after is not None else \
            self.options.backoff * 2 ** (tries - 1)
        delay = max(0.0, delay)
        if self.waited + delay > self.options.max_wait:
            return None
        self.waited += delay
        return delay

    # ---- the ledger ---------------------------------------------------------------------------
    def _record(self, part: OutgoingPart, content_hash: str, outcome: Outcome, attempts: int) -> None:
        ref = outcome.ref
        record = PartRecord(part.index, outcome.status, id=ref.id if ref else None,
                            url=ref.url if ref else None, at=self.run_ledger.now(), hash=content_hash,
                            attempts=attempts, error=self.scrub(outcome.error),
                            extra=dict(ref.extra) if ref else {}, run=self.run_ledger.run.id)
        self.run_ledger.set_part(part.post_id, part.channel, record)
        if outcome.status == "published" and getattr(self.adapter, "writes_files", False):
            self.sent.append(part)

    def _unknown_rest(self, job: Job, after: int) -> None:
        """A crashed run may have sent any part it claimed: parts after one that cannot be
        settled stay unknown too, for the person who resolves it."""
        for rendered in job.rendered.parts:
            if rendered.index > after:
                self.run_ledger.set_part(job.due_post.id, job.channel.name, PartRecord(
                    rendered.index, "unknown", at=self.run_ledger.now(), hash=rendered.content_hash,
                    error="not checked: an earlier part could not be settled", run=self.run_ledger.run.id))

    def _event(self, part: OutgoingPart, count: int, outcome: Outcome) -> None:
        if self.options.on_event is not None:
            self.options.on_event(PartEvent(part.post_id, part.channel, part.index, count,
                                            outcome.status, outcome.ref.url if outcome.ref else None,
                                            outcome.error))
