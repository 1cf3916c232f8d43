"""`socialops retract` (delete what was published) and `socialops resolve` (a person
settles an unknown). Both change the ledger, which the command then commits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from socialops import ledger
from socialops.adapters import ChannelSetupError, make_adapter, secrets_for
from socialops.adapters.base import PlatformError, PublishedRef
from socialops.errors import SocialopsError
from socialops.ledger import ChannelRecord, LedgerEntry
from socialops.model import Project
from socialops.publish.results import ChannelResult, PartResult
from socialops.publish.worker import Scrubber
from socialops.timeutil import iso


@dataclass
class Retraction:
    post: str
    channels: list[ChannelResult]
    others: dict[str, str] = field(default_factory=dict)  # channel -> still published / scheduled...

    @property
    def failed(self) -> bool:
        return any(c.status != "retracted" for c in self.channels)


def _entry(project: Project, post_id: str) -> LedgerEntry:
    entry = ledger.read(project.root, post_id)
    if entry is None:
        raise SocialopsError(f"the ledger has nothing for post '{post_id}' "
                             f"({ledger.relative_path(post_id)} does not exist): it was never published")
    return entry


def retract(project: Project, post_id: str, channel: str | None, environ: Mapping[str, str],
            clock: Callable[[], datetime], client: Any) -> Retraction:
    """Delete every published part (the last part first) and record each as retracted."""
    entry = _entry(project, post_id)
    names = [channel] if channel else sorted(
        n for n, r in entry.channels.items() if any(p.status == "published" for p in r.parts))
    if channel and channel not in entry.channels:
        raise SocialopsError(f"post '{post_id}' was never published on '{channel}'; the ledger has: "
                             f"{', '.join(sorted(entry.channels)) or 'nothing'}")
    if not names:
        raise SocialopsError(f"nothing of post '{post_id}' is published, so there is nothing to retract")
    out = Retraction(post_id, [])
    for name in names:
        out.channels.append(_retract_channel(project, entry, name, environ, clock, client))
        ledger.write(project.root, entry)
    out.others = _others(project, entry, set(names))
    return out


def _others(project: Project, entry: LedgerEntry, done: set[str]) -> dict[str, str]:
    """What the post's other channels still are: a retraction of one channel leaves them."""
    states: dict[str, str] = {}
    for name, record in sorted(entry.channels.items()):
        if name in done or record.status == "retracted":
            continue
        if any(p.status == "published" for p in record.parts):
            states[name] = "still published"
        elif record.status == "intent":
            states[name] = "being published by a run now"
        elif record.status in ("failed", "not-published", "held", "unknown"):
            states[name] = f"{record.status}; still scheduled (the next run may send it)"
    try:
        post = project.post_by_ref(entry.post)
    except SocialopsError:
        return states
    if post.status == "ready":
        for name in project.config.channels_for(post):
            if name not in done and name not in entry.channels:
                states[name] = "still scheduled"
    return states


def _retract_channel(project: Project, entry: LedgerEntry, name: str, environ: Mapping[str, str],
                     clock: Callable[[], datetime], client: Any) -> ChannelResult:
    record = entry.channels[name]
    if record.status == "intent":
        return ChannelResult(name, "failed", "a publish run is working on it; retract it afterwards")
    channel = project.config.channels.get(name)
    if channel is None:
        return ChannelResult(name, "failed", f"socialops.yaml no longer defines the channel '{name}'")
    try:
        adapter = make_adapter(channel, client, environ, project.root)
    except ChannelSetupError as exc:
        return ChannelResult(name, "failed", str(exc))
    scrub = Scrubber(secrets_for(channel, environ))  # the channel's credentials, not every variable
    results: list[PartResult] = []
    for part in sorted(record.parts, key=lambda p: p.index, reverse=True):
        if part.status != "published":
            continue
        try:
            adapter.delete(PublishedRef(part.id or "", part.url, dict(part.extra)))
        except PlatformError as exc:
            part.error = scrub(f"retract failed: {exc.message}")
            results.append(PartResult(part.index, "failed", part.url, part.error))
            break
        part.status, part.at, part.error = "retracted", iso(clock()), None
        results.append(PartResult(part.index, "retracted", part.url))
    record.status = record.status_from_parts()
    record.since = iso(clock())
    failed = [r for r in results if r.status == "failed"]
    if not failed:
        record.reason = "retracted"
    return ChannelResult(name, "failed" if failed else "retracted",
                         failed[0].error if failed else None, sorted(results, key=lambda r: r.index))


def _check_interrupted(post_id: str, channel: str, record: ChannelRecord,
                       clock: Callable[[], datetime]) -> None:
    """An intent is a person's to settle only when the run that wrote it is gone."""
    from socialops.publish.claims import RunInfo, claim_state

    if claim_state(record.claim, RunInfo.current(), clock()) == "active":
        claim = record.claim or {}
        raise SocialopsError(f"run {claim.get('run')} on {claim.get('host')} is publishing it now "
                             f"(claimed at {claim.get('at')}, until {claim.get('until')}); wait for "
                             "it to finish, then see socialops status")


def resolve(project: Project, post_id: str, channel: str, verdict: str, url: str | None,
            platform_id: str | None, who: str | None, clock: Callable[[], datetime]) -> ChannelResult:
    """A person says whether the parts the ledger calls unknown are on the platform."""
    if verdict not in ("published", "not-published"):
        raise SocialopsError("--as takes published or not-published")
    entry = _entry(project, post_id)
    record = entry.channel(channel)
    if record is None:
        raise SocialopsError(f"the ledger has nothing for post '{post_id}' on '{channel}'")
    if record.status == "intent":
        _check_interrupted(post_id, channel, record, clock)
    open_parts = [p for p in record.parts if p.status in ("unknown", "intent")]
    stopped_early = record.status == "intent" and verdict == "not-published"  # before any call
    if not open_parts and not stopped_early:
        raise SocialopsError(f"post '{post_id}' on '{channel}' is {record.status}; only unknown parts "
                             "and parts a stopped run was sending need resolving")
    now = iso(clock())
    for i, part in enumerate(open_parts):
        part.status, part.at = verdict, now
        part.error = None
        if verdict == "published" and i == 0:
            part.url = url or part.url
            part.id = platform_id or part.id or url
    # a thread whose later parts were never sent counts as failed: the next run sends them
    record.status = record.status_from_parts() if verdict == "published" else "not-published"
    record.claim = None
    record.since = now
    record.reason = f"resolved as {verdict} by {who or 'someone'} at {now}"
    ledger.write(project.root, entry)
    return ChannelResult(channel, record.status, record.reason,
                         [PartResult(p.index, p.status, p.url, p.error) for p in record.parts])
