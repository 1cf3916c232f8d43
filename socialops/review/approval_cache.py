"""The approvals socialops has verified, kept in `.socialops/approvals.yaml` (committed
with the ledger by publish) so a post is not verified again on every run.

Anyone who can push could write this file, so an entry is believed only when it carries
a valid signature: an HMAC-SHA256 of the entry under a secret only the publish job has
(`SOCIALOPS_APPROVAL_KEY`, a secret of the socialops environment). Without the key no entry
is believed (every run asks GitHub again; the file still records what was verified, for a
person to read), and an entry written or edited without the key is never believed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialops.model import Project

CACHE_FILE = ".socialops/approvals.yaml"
KEY_ENV = "SOCIALOPS_APPROVAL_KEY"


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

    def __init__(self, entries: dict[str, Any], key: str | None = None) -> None:
        self.entries = entries
        self.key = key.encode("utf-8") if key else None
        self.changed = False

    @classmethod
    def load(cls, project: Project, key: str | None = None) -> ApprovalCache:
        from socialops import yamlio

        try:
            data = yamlio.load((project.root / CACHE_FILE).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yamlio.YamlError):
            data = None
        return cls(data if isinstance(data, dict) else {}, key)

    def get(self, path: str, commit: str, blob: str, policy: str) -> Verified | None:
        entry = self.entries.get(path)
        if not isinstance(entry, dict) or (entry.get("commit"), entry.get("blob"),
                                           entry.get("policy")) != (commit, blob, policy):
            return None
        if not self._signed(path, entry):
            return None
        pr = entry.get("pr")
        approvers = tuple(str(a) for a in entry.get("approvers") or [])
        return Verified(pr if isinstance(pr, int) else None, approvers, str(entry.get("verified_at")))

    def put(self, path: str, commit: str, blob: str, policy: str, verified: Verified) -> None:
        entry: dict[str, Any] = {"commit": commit, "blob": blob, "policy": policy, "pr": verified.pr,
                                 "approvers": list(verified.approvers),
                                 "verified_at": verified.verified_at}
        signature = self._signature(path, entry)
        if signature:
            entry["signature"] = signature
        self.entries[path] = entry
        self.changed = True

    def _signature(self, path: str, entry: dict[str, Any]) -> str | None:
        if self.key is None:
            return None
        fields = {k: v for k, v in entry.items() if k != "signature"}
        text = json.dumps([path, fields], sort_keys=True, default=str)
        return hmac.new(self.key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def _signed(self, path: str, entry: dict[str, Any]) -> bool:
        expected = self._signature(path, entry)
        found = entry.get("signature")
        return expected is not None and isinstance(found, str) and hmac.compare_digest(expected, found)

    def save(self, project: Project) -> None:
        from socialops import yamlio

        path = project.root / CACHE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        header = "# Approvals socialops verified on GitHub (written by publish; safe to delete).\n"
        path.write_text(header + yamlio.dump(dict(sorted(self.entries.items()))), "utf-8")
