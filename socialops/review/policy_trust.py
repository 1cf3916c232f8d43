"""Is the policy in socialops.yaml one the team approved?

The policy is content like a post: once `approval.verify` is github, each later change of
socialops.yaml (a commit of the publishing branch's first-parent history; a merged pull
request counts as one change) must have come through a pull request approved under the
policy that was in force before it: by the approvers of every channel it touches (every
channel when it changes anything but `channels:`, `approval.channels` or `roles.reviewers`
entries), or by one of `roles.manager`. So a direct push can neither turn verification off,
nor lower required_approvals, nor point a channel at another server.

The history is walked from the first version: a change made while verification was off is
taken as it is; a change that was not approved does not become the trusted policy, and the
policy at the tip is trusted only when its content is the last trusted content (a direct
push reverted through a reviewed pull request is fine; a direct-pushed revert of an approved
change is not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from socialops import yamlio


@dataclass(frozen=True)
class Version:
    commit: str
    blob: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class TrustVerdict:
    trusted: bool
    reason: str
    commit: str | None = None  # the change to bring in through review
    unchecked: bool = False  # GitHub could not answer: a person should look
    data: dict[str, Any] | None = None  # the trusted policy's data


def versions(texts: list[tuple[str, str | None, str | None]]) -> list[Version]:
    out = []
    for commit, blob, text in texts:
        try:
            data = yamlio.load(text) if text is not None else None
        except yamlio.YamlError:
            data = None
        out.append(Version(commit, blob, data if isinstance(data, dict) else {}))
    return out


def verified(data: dict[str, Any]) -> bool:
    approval = data.get("approval")
    return isinstance(approval, dict) and str(approval.get("verify", "none")) == "github"


def ever_verified(history: list[Version]) -> bool:
    return any(verified(v.data) for v in history)


def touched_channels(old: dict[str, Any], new: dict[str, Any]) -> list[str] | None:
    """The channels a change touches, None when it touches the whole policy."""
    def without(data: dict[str, Any]) -> dict[str, Any]:
        rest = {k: v for k, v in data.items() if k != "channels"}
        approval = rest.get("approval")
        if isinstance(approval, dict):
            rest["approval"] = {k: v for k, v in approval.items() if k != "channels"}
        roles = rest.get("roles")
        if isinstance(roles, dict):
            reviewers = roles.get("reviewers")
            kept = {k: v for k, v in reviewers.items() if k == "*"} if isinstance(reviewers, dict) else reviewers
            rest["roles"] = {**roles, "reviewers": kept}
        return rest

    if without(old) != without(new):
        return None
    names: set[str] = set()
    for pick in (_channels, _approval_channels, _reviewers):
        a, b = pick(old), pick(new)
        names |= {n for n in set(a) | set(b) if a.get(n) != b.get(n)}
    return sorted(names)


def all_channels(*datas: dict[str, Any]) -> list[str]:
    return sorted({str(n) for d in datas for n in _channels(d)})


def _channels(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("channels")
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _approval_channels(data: dict[str, Any]) -> dict[str, Any]:
    approval = data.get("approval")
    value = approval.get("channels") if isinstance(approval, dict) else None
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _reviewers(data: dict[str, Any]) -> dict[str, Any]:
    roles = data.get("roles")
    value = roles.get("reviewers") if isinstance(roles, dict) else None
    return {str(k): v for k, v in value.items() if k != "*"} if isinstance(value, dict) else {}


#: judge(change, trusted data before it) -> (approved, reason, unchecked)
Judge = Callable[[Version, dict[str, Any]], tuple[bool, str, bool]]


def check(history: list[Version], tip_blob: str | None, judge: Judge, path: str) -> TrustVerdict:
    """Walk the changes oldest first; the tip must carry the last trusted content."""
    trusted: Version | None = None
    offending: Version | None = None
    why = ""
    unchecked = False
    for version in history:
        if trusted is None or not verified(trusted.data) or version.blob == trusted.blob:
            trusted, offending = version, None
            continue
        approved, reason, failed = judge(version, trusted.data)
        if approved:
            trusted, offending = version, None
            continue
        if offending is None:
            offending, why, unchecked = version, reason, failed
    if trusted is None:
        return TrustVerdict(True, f"{path} has no history", data={})
    if tip_blob == trusted.blob:
        return TrustVerdict(True, "the policy came in through review", data=trusted.data)
    culprit = offending.commit if offending is not None else "uncommitted"
    if offending is None:
        return TrustVerdict(False, f"{path} has changes that are not committed; publish uses the "
                       "committed policy only: commit them through a reviewed pull request",
                       culprit, data=trusted.data)
    return TrustVerdict(False, f"{path} was changed by commit {culprit[:7]} without an approved pull "
                   f"request ({why}); nothing is published until that change comes in through a "
                   "pull request approved under the policy before it (or is reverted through one)",
                   culprit, unchecked, data=trusted.data)
