"""What a publish run did, as data: per post, channel and thread part. The command
renders it for people or as the JSON envelope (version 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socialops.pause import Pause

#: channel statuses a run reports; `planned` only in a dry run
REPORTED = ("published", "failed", "unknown", "missed", "skipped", "held", "planned", "retracted")
BAD = frozenset({"failed", "unknown"})


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

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"channel": self.channel, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.since:
            out["since"] = self.since
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

    def channel_results(self) -> list[ChannelResult]:
        return [c for p in self.posts for c in p.channels]

    def count(self, status: str) -> int:
        return sum(1 for c in self.channel_results() if c.status == status)

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(c.status in BAD for c in self.channel_results())

    @property
    def status(self) -> str:
        if not self.failed:
            return "success"
        good = any(c.status == "published" for c in self.channel_results())
        return "partial" if good else "error"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": 1, "status": self.status, "dry_run": self.dry_run,
                               "paused": self.paused.as_dict() if self.paused else None,
                               "pushed": self.pushed,
                               "summary": {s: self.count(s) for s in REPORTED if self.count(s)},
                               "posts": [p.as_dict() for p in self.posts]}
        if self.notes:
            out["notes"] = self.notes
        if self.errors:
            out["errors"] = self.errors
        return out
