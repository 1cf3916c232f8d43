"""The approvals socialops has verified, kept in `.socialops/approvals.yaml` (committed
with the ledger by publish) so a post is not verified again on every run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialops.model import Project

CACHE_FILE = ".socialops/approvals.yaml"


@dataclass(frozen=True)
class Verified:
    """An approval verified on GitHub: the pull request, who approved, when it was checked."""

    pr: int | None
    approvers: tuple[str, ...]
    verified_at: str


class ApprovalCache:
    """Approvals already verified, by post path, valid while the post file's commit and
    content and the policy stay the same. Only approvals are kept: a held post is checked
    again on the next run."""

    def __init__(self, entries: dict[str, Any]) -> None:
        self.entries = entries
        self.changed = False

    @classmethod
    def load(cls, project: Project) -> ApprovalCache:
        from socialops import yamlio

        try:
            data = yamlio.load((project.root / CACHE_FILE).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yamlio.YamlError):
            data = None
        return cls(data if isinstance(data, dict) else {})

    def get(self, path: str, commit: str, blob: str, policy: str) -> Verified | None:
        entry = self.entries.get(path)
        if not isinstance(entry, dict) or (entry.get("commit"), entry.get("blob"),
                                           entry.get("policy")) != (commit, blob, policy):
            return None
        pr = entry.get("pr")
        approvers = tuple(str(a) for a in entry.get("approvers") or [])
        return Verified(pr if isinstance(pr, int) else None, approvers, str(entry.get("verified_at")))

    def put(self, path: str, commit: str, blob: str, policy: str, verified: Verified) -> None:
        self.entries[path] = {"commit": commit, "blob": blob, "policy": policy, "pr": verified.pr,
                              "approvers": list(verified.approvers), "verified_at": verified.verified_at}
        self.changed = True

    def save(self, project: Project) -> None:
        from socialops import yamlio

        path = project.root / CACHE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        header = "# Approvals socialops verified on GitHub (written by publish; safe to delete).\n"
        path.write_text(header + yamlio.dump(dict(sorted(self.entries.items()))), "utf-8")
