"""What a publish run did, as data: per post, channel and thread part. The command
renders it for people or as the JSON envelope (version 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socialops.pause import Pause

#: channel statuses a run reports; `planned` only in a dry run
REPORTED = ("published", "failed", "unknown", "missed", "skipped", "held", "stopped", "planned",
            "retracted")
BAD = frozenset({"failed", "unknown"})
#: how the message of a post left because a pause was pushed while the run worked begins
PAUSED_DURING = "publishing was paused during this run"


@dataclass
class PartResult:
    index: int
    status: str
    url: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "status": self.status, "url": self.url, "error": self.error}


@dataclass
class ChannelResult:
    channel: str
    status: str
    message: str | None = None  # why: missed by how long, held by whom, skipped because...
    parts: list[PartResult] = field(default_factory=list)
    since: str | None = None
    unchecked: bool = False  # held because something could not be checked (not merely unapproved)
    new: bool = False  # missed: recorded as missed by this run (a later run does not count it again)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"channel": self.channel, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.since:
            out["since"] = self.since
        if self.unchecked:
            out["unchecked"] = True
        out["parts"] = [p.as_dict() for p in self.parts]
        return out


@dataclass
class PostResult:
    id: str
    path: str | None
    due: str | None
    channels: list[ChannelResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "due": self.due,
                "channels": [c.as_dict() for c in self.channels]}


@dataclass
class PublishResult:
    posts: list[PostResult] = field(default_factory=list)
    paused: Pause | None = None
    dry_run: bool = False
    pushed: bool = False
    commits: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "no git remote: committed locally"
    errors: list[str] = field(default_factory=list)  # run-level failures (a push that failed)
    stopped: bool = False  # told to stop (Ctrl-C, SIGTERM): what was not started is left

    @property
    def attention(self) -> list[str]:
        """Why a person should look (each makes the exit code 1): calls that failed, parts
        that are unknown, posts held because something could not be checked, posts that went
        missed in this run, run-level errors. Posts held only for want of approval are not
        here (people are at work on them); a post missed earlier counts only in the run that
        recorded it (`status --fail-on missed` checks at any time)."""
        found = self.channel_results()
        reasons = []
        failed = sum(1 for c in found if c.status == "failed")
        unknown = sum(1 for c in found if c.status == "unknown")
        unchecked = sum(1 for c in found if c.status == "held" and c.unchecked)
        missed = sum(1 for c in found if c.status == "missed" and c.new)
        if failed:
            reasons.append(f"{failed} failed")
        if unknown:
            reasons.append(f"{unknown} unknown")
        if unchecked:
            reasons.append(f"{unchecked} held because the approval could not be checked")
        if missed:
            reasons.append(f"{missed} missed")
        if self.errors:
            reasons.append(f"{len(self.errors)} run error{'s' if len(self.errors) > 1 else ''}")
        return reasons

    def summary_line(self) -> str:
        """The last line of the run's output: what needs a person, or that nothing does."""
        if self.paused is not None:
            return "paused: nothing was published"
        published = self.count("published")
        if self.stopped:
            left = self.count("stopped")
            line = f"stopped: {published} sent, {left} left for the next run"
            return line + (f"; {', '.join(self.attention)}" if self.attention else "")
        if self.attention:
            return "exit 1: " + ", ".join(self.attention) + " (a person should look)"
        held_back = sum(1 for c in self.channel_results()
                        if c.status == "skipped" and (c.message or "").startswith(PAUSED_DURING))
        if held_back:
            return f"paused during this run: {published} sent, {held_back} left until socialops resume"
        if self.dry_run:
            return f"dry run: {self.count('planned')} would be sent"
        if not self.posts:
            return "ok: nothing was due"
        return f"ok: {published} sent" + (f", {self.count('held')} waiting for approval"
                                          if self.count("held") else "")

    def channel_results(self) -> list[ChannelResult]:
        return [c for p in self.posts for c in p.channels]

    def count(self, status: str) -> int:
        return sum(1 for c in self.channel_results() if c.status == status)

    @property
    def failed(self) -> bool:
        return bool(self.attention)

    @property
    def status(self) -> str:
        if not self.failed:
            return "success"
        good = any(c.status == "published" for c in self.channel_results())
        return "partial" if good else "error"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": 1, "status": self.status, "dry_run": self.dry_run,
                               "paused": self.paused.as_dict() if self.paused else None,
                               "pushed": self.pushed, "stopped": self.stopped,
                               "attention": self.attention,
                               "summary": {s: self.count(s) for s in REPORTED if self.count(s)},
                               "posts": [p.as_dict() for p in self.posts]}
        if self.notes:
            out["notes"] = self.notes
        if self.errors:
            out["errors"] = self.errors
        return out
