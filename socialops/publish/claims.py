"""Claims: how a run tells other runs what it is publishing (committing and pushing them is
`publish.gitsync`'s part).

A run writes an intent (`status: intent` with a `claim`: run id, host, pid, the process's
start time where the system tells it, when, lease)
for every post and channel it is about to publish, commits the ledger, and pushes before
it calls any platform. Another run that sees a live claim leaves that channel alone. A
claim whose run is gone (same host, process ended, or its pid now another process's: the
start times differ) or whose lease ran out was left by a
crash: the next run settles it by asking the platform. Clocks: a lease is taken over only
CLOCK_SKEW (30 minutes) after it ended by the other machine's clock, and the run holding
it checks its own lease before every call, retries included. The tolerance is checked
against the branch: publish stops before claiming when a publishing run's commit on it is
dated more than CLOCK_SKEW after this machine's time (publish.check_clock).

`RunLedger` is one run's claim ledger: the ledger entries the run reads and writes, held in
memory, shared by the channel threads, and written to a post's file after every change, so a
crash loses at most the call in flight.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from socialops import ledger
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord
from socialops.timeutil import iso

#: how long a claim holds at least; a run that takes longer stops starting new parts
LEASE = timedelta(minutes=20)
#: how far two machines' clocks may disagree: another run's claim is taken over only this
#: long after its lease ended by this machine's clock (a run whose clock is 20 minutes
#: ahead still leaves a live claim alone); the run holding a claim starts no call, and no
#: retry, after its own lease ends by its own clock
CLOCK_SKEW = timedelta(minutes=30)
LEASE_PER_PART = timedelta(seconds=5)


def lease_until(start: datetime, parts: int) -> datetime:
    """When a claim for a queue of `parts` calls on one channel stops holding."""
    return start + LEASE + LEASE_PER_PART * parts


@dataclass(frozen=True)
class RunInfo:
    id: str
    host: str
    pid: int
    started: int | None = None  # the process's start, in clock ticks since boot (Linux)

    @classmethod
    def current(cls) -> RunInfo:
        pid = os.getpid()
        return cls(uuid.uuid4().hex[:12], socket.gethostname(), pid, process_start(pid))


def process_start(pid: int) -> int | None:
    """When process `pid` started (field 22 of /proc/PID/stat, ticks since boot), or None
    where the system does not say. A pid and its start time name one process: pids are
    reused, and a busy machine reuses them within minutes."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read()
        return int(stat[stat.rindex(b")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def claim_state(claim: dict[str, object] | None, run: RunInfo, now: datetime) -> str:
    """`ours`, `active` (another run is at work) or `stale` (left by a run that is gone)."""
    if not claim:
        return "stale"
    if claim.get("run") == run.id:
        return "ours"
    pid = claim.get("pid")
    if claim.get("host") == run.host and isinstance(pid, int) and (pid == run.pid or not _alive(pid)
                                                                  or _reused(pid, claim.get("started"))):
        return "stale"
    until = claim.get("until")
    try:
        expired = until is None or datetime.fromisoformat(str(until)) + CLOCK_SKEW <= now
    except (ValueError, OverflowError, TypeError):
        expired = True
    return "stale" if expired else "active"


def _reused(pid: int, started: object) -> bool:
    """The claim's pid now names another process (a claim without a start time never is)."""
    if not isinstance(started, int) or isinstance(started, bool):
        return False
    now = process_start(pid)
    return now is not None and now != started


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class RunLedger:
    """One run's claim ledger: the ledger entries it reads and writes (claims, intents,
    results), kept in memory and written per post file."""

    root: Path
    run: RunInfo
    clock: Callable[[], datetime]
    write_files: bool = True
    entries: dict[str, LedgerEntry] = field(default_factory=dict)
    touched: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock)
    dirty: set[str] = field(default_factory=set)  # changed, written at the next flush
    _versions: dict[str, int] = field(default_factory=dict)
    _written: dict[str, int] = field(default_factory=dict)
    _file_locks: dict[str, threading.Lock] = field(default_factory=dict)
    _blocks: dict[str, dict[str, str]] = field(default_factory=dict)  # post -> channel -> text
    #: the first ledger file this run could not write (a full disk, a read-only file), and
    #: why; set, no new call starts (see ChannelWorker) and the run says what went out
    write_error: str | None = None

    def now(self) -> str:
        return iso(self.clock())

    def entry(self, post_id: str, path: str | None) -> LedgerEntry:
        with self.lock:
            found = self.entries.get(post_id)
            if found is None:
                found = ledger.read(self.root, post_id) or LedgerEntry(post_id)
                self.entries[post_id] = found
            if path:
                found.path = path
            return found

    def record(self, post_id: str, channel: str) -> ChannelRecord | None:
        with self.lock:
            entry = self.entries.get(post_id)
            return entry.channel(channel) if entry else None

    # ---- changes ------------------------------------------------------------------------
    def claim(self, post_id: str, path: str | None, channel: str, due: str, until: datetime,
              count: int) -> None:
        """An intent for one post on one channel, before any platform is called."""
        with self.lock:
            entry = self.entry(post_id, path)
            old = entry.channel(channel)
            claim: dict[str, object] = {"run": self.run.id, "host": self.run.host, "pid": self.run.pid}
            if self.run.started is not None:
                claim["started"] = self.run.started
            claim.update({"at": self.now(), "until": iso(until)})
            reason = None
            if old and old.claim and old.status == "intent":
                reason = f"settling what run {old.claim.get('run')} left unfinished"
            entry.channels[channel] = ChannelRecord("intent", due, self.now(), reason, claim,
                                                   list(old.parts) if old else [], count)
            self._changed(post_id, channel, now=False)  # the caller flushes before committing

    def mark(self, post_id: str, path: str | None, channel: str, status: str, due: str | None,
             reason: str | None) -> None:
        """A channel decided without publishing (missed, held). The time it started is kept
        while the status and reason stay the same."""
        with self.lock:
            entry = self.entry(post_id, path)
            old = entry.channel(channel)
            if old and old.status == status and old.reason == reason and old.due == due:
                return
            entry.channels[channel] = ChannelRecord(status, due, self.now(), reason, None,
                                                   list(old.parts) if old else [],
                                                   old.count if old else None)
            self._changed(post_id, channel, now=False)

    def set_part(self, post_id: str, channel: str, part: PartRecord) -> None:
        with self.lock:
            record = self.entries[post_id].channels[channel]
            record.set_part(part)
            self._changed(post_id, channel)

    def finish(self, post_id: str, channel: str, part_count: int, reason: str | None = None) -> str:
        """The channel's final status for this run, from its parts; the claim is released.
        A part still marked as in flight (the run stopped inside a call) becomes unknown."""
        with self.lock:
            record = self.entries[post_id].channels[channel]
            for part in record.parts:
                if part.status == "intent":
                    part.status = "unknown"
                    part.error = part.error or "the run stopped while this part was being sent"
            status = record.status_from_parts(part_count)
            if status == "intent":  # nothing was sent in this run
                status = "failed"
            record.status, record.claim, record.reason = status, None, reason
            record.since = self.now()
            # not written at once: until the flush the file still says intent, with every part
            # recorded, which a later run settles the same way
            self._changed(post_id, channel, now=False)
            return status

    def release(self, post_id: str, channel: str, reason: str) -> None:
        """A claim this run gives back untouched: the channel is open for the next run."""
        with self.lock:
            record = self.entries[post_id].channels[channel]
            published = any(p.status == "published" for p in record.parts)
            record.status = "failed" if published else "not-published"
            record.claim, record.reason, record.since = None, reason, self.now()
            self._changed(post_id, channel, now=False)

    def set_channel(self, post_id: str, path: str | None, channel: str, record: ChannelRecord) -> None:
        with self.lock:
            self.entry(post_id, path).channels[channel] = record
            self._changed(post_id, channel)

    def _changed(self, post_id: str, channel: str, now: bool = True) -> None:
        self.touched.add((post_id, channel))
        self.dirty.add(post_id)
        self._blocks.get(post_id, {}).pop(channel, None)
        if now:
            self._write(post_id)

    def _write(self, post_id: str) -> None:
        """Write one post's ledger file now. The text is made under the run ledger's lock; the
        file is written under the post's own lock, newest text last."""
        if not self.write_files:
            return
        with self.lock:
            self.dirty.discard(post_id)
            text = ledger.dump(self.entries[post_id], self._blocks.setdefault(post_id, {}))
            version = self._versions[post_id] = self._versions.get(post_id, 0) + 1
            file_lock = self._file_locks.setdefault(post_id, threading.Lock())
        with file_lock:
            if version > self._written.get(post_id, 0):
                try:
                    ledger.write_text(self.root, post_id, text)
                except OSError as exc:  # kept in memory, written by a later flush if it can be
                    with self.lock:
                        self.dirty.add(post_id)
                        self.write_error = self.write_error or \
                            f"{ledger.relative_path(post_id)}: {exc.strerror or exc}"
                    return
                self._written[post_id] = version

    def flush(self) -> list[str]:
        """Write every file changed since it was last written; the posts whose files could
        not be written (see write_error)."""
        with self.lock:
            pending = sorted(self.dirty)
        for post_id in pending:
            self._write(post_id)
        with self.lock:
            return sorted(self.dirty)

    # ---- after a rejected push ----------------------------------------------------------
    def overlay(self) -> None:
        """Write what this run recorded on top of the ledger files as they are now (after
        the branch was reset to what another run pushed)."""
        with self.lock:
            ids = sorted({post_id for post_id, _ in self.touched})
            for post_id in ids:
                ours = self.entries[post_id]
                current = ledger.read(self.root, post_id) or LedgerEntry(post_id, ours.path)
                for pid, channel in self.touched:
                    if pid == post_id:
                        current.channels[channel] = ours.channels[channel]
                current.path = ours.path or current.path
                self.entries[post_id] = current
                self._blocks.pop(post_id, None)
                self.dirty.add(post_id)
        self.flush()
