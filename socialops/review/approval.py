"""Verified approvals: did each due post reach the default branch through a pull request
that enough allowed reviewers approved on its final commit?

```yaml
approval:
  verify: github              # check at publish time (none: merged means approved)
  required_approvals: 1       # default for every channel
  approvers: [acme/social]    # default approvers: users and org/team slugs
  author_may_approve: false   # the post's author (PR opener or `author:`) does not count
  channels:
    linkedin-company: {required_approvals: 2, approvers: [acme/brand, alice]}
```

A channel without approvers takes `approval.approvers`, else the reviewers of `roles:`,
else anyone with write access to the repository (the review's author association is
OWNER, MEMBER or COLLABORATOR). Anything GitHub does not answer as needed holds the post:
nothing is published on a guess.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from socialops import roles as roles_mod
from socialops.github import GitHub, GitHubError
from socialops.model import CONFIG_FILE, Config, Post, Project
from socialops.review.approval_cache import CACHE_FILE, ApprovalCache, Verified
from socialops.timeutil import iso

WRITE_ACCESS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
__all__ = ["CACHE_FILE", "Approval", "Policy", "Requirement", "check_posts", "load_policy",
           "standing_approvals"]


@dataclass(frozen=True)
class Requirement:
    channel: str
    count: int
    approvers: tuple[str, ...]  # users and org/team; empty: anyone with write access

    def who(self) -> str:
        return ", ".join(self.approvers) if self.approvers else "anyone with write access"


@dataclass(frozen=True)
class Policy:
    verify: str = "none"
    required: int = 1
    approvers: tuple[str, ...] = ()
    author_may_approve: bool = False
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: roles_mod.Roles = field(default_factory=roles_mod.Roles)

    @property
    def verified(self) -> bool:
        return self.verify == "github"

    def requirement(self, channel: str) -> Requirement:
        own = self.channels.get(channel, {})
        count = own.get("required_approvals")
        approvers = (roles_mod.names(own.get("approvers")) or self.approvers
                     or self.roles.channel_reviewers(channel))
        return Requirement(channel, count if isinstance(count, int) else self.required, approvers)

    def requirements(self, channels: Iterable[str]) -> list[Requirement]:
        return [self.requirement(c) for c in channels]

    def fingerprint(self, channels: Iterable[str]) -> str:
        """What an approval of a post going to `channels` was judged by: a verified approval
        is reused only while this stays the same (a post's channels change with
        `defaults.channels` without the post file changing)."""
        data = json.dumps([self.verify, self.required, self.approvers, self.author_may_approve,
                           self.channels, asdict(self.roles), list(channels)], sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:16]


def load_policy(config: Config) -> Policy:
    return policy_of(config.data)


def policy_of(config_data: dict[str, Any]) -> Policy:
    """The policy a socialops.yaml's data states (any version of it)."""
    data = config_data.get("approval")
    data = data if isinstance(data, dict) else {}
    channels = data.get("channels")
    required = data.get("required_approvals")
    return Policy(
        verify=str(data.get("verify", "none")),
        required=required if isinstance(required, int) else 1,
        approvers=roles_mod.names(data.get("approvers")),
        author_may_approve=data.get("author_may_approve") is True,
        channels={str(k): v for k, v in channels.items() if isinstance(v, dict)}
        if isinstance(channels, dict) else {},
        roles=roles_mod.from_data(config_data),
    )


@dataclass(frozen=True)
class Approval:
    approved: bool
    reason: str
    pr: int | None = None
    approvers: tuple[str, ...] = ()
    commit: str | None = None
    cached: bool = False
    unchecked: bool = False  # GitHub could not be asked or refused to answer: a person should look


def check_posts(project: Project, posts: list[Post], client: GitHub | None, now: datetime,
                *, ref: str = "HEAD", branch: str | None = None, write_cache: bool = True,
                channels: Mapping[str, Sequence[str]] | None = None,
                key: str | None = None) -> dict[str, Approval]:
    """Approval of each post (by id), for the channels it goes to (`Config.channels_for`),
    or those `channels` gives for it (a recurring series' channels, for its pool posts). The
    policy itself is checked first (policy_trust). Verified approvals are cached in
    .socialops/approvals.yaml, keyed by the post file's commit and content, its media, the
    policy and those channels, and signed with `key` (SOCIALOPS_APPROVAL_KEY): without the
    key, or with another, an entry is not believed and GitHub is asked again."""
    from socialops import gitops
    from socialops.review import policy_trust

    policy = load_policy(project.config)
    history = policy_trust.versions(gitops.file_versions(project.root, CONFIG_FILE, ref))
    if not policy.verified and not policy_trust.ever_verified(history):
        return {p.id: Approval(True, "merged into the default branch (approval.verify is not github)")
                for p in posts}
    cache = ApprovalCache.load(project, key)
    branch = branch or gitops.default_branch(project.root, project.config.default_branch)
    checker = _Checker(client, policy, branch)
    trust = _check_policy(project, history, checker, cache, now, ref)
    if not trust.trusted:
        # a policy nobody approved makes every approval unverifiable: red, whatever the cause
        return {p.id: Approval(False, trust.reason, commit=trust.commit, unchecked=True) for p in posts}
    if not policy.verified:
        return {p.id: Approval(True, "merged into the default branch (approval.verify was turned "
                               "off through an approved pull request)") for p in posts}
    results: dict[str, Approval] = {}
    for post in posts:
        names = list(channels.get(post.id, ())) if channels else []
        names = names or project.config.channels_for(post)
        results[post.id] = _check_one(project, post, names, checker, cache, ref, now)
    if write_cache and cache.changed:
        cache.save(project)
    return results


def _check_policy(project: Project, history: list[Any], checker: _Checker, cache: ApprovalCache,
                  now: datetime, ref: str) -> Any:
    """Whether socialops.yaml as committed came in through review (see policy_trust)."""
    from socialops import gitops
    from socialops.review import policy_trust

    committed = gitops.blob_of(project.root, CONFIG_FILE, ref)
    if gitops.worktree_blob(project.root, CONFIG_FILE) != committed:
        return policy_trust.TrustVerdict(False, f"{CONFIG_FILE} has changes that are not committed; "
                                    "publish uses the committed, reviewed policy only: commit them "
                                    "through a reviewed pull request")

    def judge(change: Any, before: dict[str, Any]) -> tuple[bool, str, bool]:
        old = policy_of(before)
        touched = policy_trust.touched_channels(before, change.data)
        names = touched if touched is not None else policy_trust.all_channels(before, change.data)
        fingerprint = old.fingerprint(names) + ":config"
        where = f"{CONFIG_FILE}@{change.commit}"
        if cache.get(where, change.commit, change.blob or "", fingerprint) is not None:
            return True, "verified before", False
        if checker.client is None:
            return False, ("GITHUB_TOKEN and GITHUB_REPOSITORY are not set, so it cannot be "
                           "verified"), True
        try:
            found = checker.check_change(CONFIG_FILE, change.commit, change.blob, old, names)
        except GitHubError as exc:
            return False, f"it could not be verified: {exc}", True
        if found.approved:
            cache.put(where, change.commit, change.blob or "", fingerprint,
                      Verified(found.pr, found.approvers, iso(now)))
        return found.approved, found.reason, False

    return policy_trust.check(history, committed, judge, CONFIG_FILE)


def _check_one(project: Project, post: Post, channels: list[str], checker: _Checker,
               cache: ApprovalCache, ref: str, now: datetime) -> Approval:
    from socialops import gitops

    change = gitops.last_change(project.root, post.path, ref)
    if change is None:
        return Approval(False, f"{post.path} is not committed on the default branch")
    commit, blob = change
    media = {m.path: gitops.blob_of(project.root, m.path, ref) for m in post.media}
    fingerprint = checker.policy.fingerprint(channels) + ":" + \
        ",".join(f"{path}={b}" for path, b in sorted(media.items()))
    known = cache.get(post.path, commit, blob, fingerprint)
    if known is not None:
        return Approval(True, f"approved in pull request #{known.pr} by {', '.join(known.approvers) or 'nobody'} "
                        f"(verified {known.verified_at})", known.pr, known.approvers, commit, cached=True)
    if checker.client is None:
        return Approval(False, "approval.verify is github, but GITHUB_TOKEN and GITHUB_REPOSITORY "
                        "are not set, so the approval cannot be verified", commit=commit,
                        unchecked=True)
    try:
        result = checker.check(post, channels, commit, blob, media)
    except GitHubError as exc:
        return Approval(False, f"the approval could not be verified: {exc}", commit=commit,
                        unchecked=True)
    if result.approved:
        cache.put(post.path, commit, blob, fingerprint, Verified(result.pr, result.approvers, iso(now)))
    return result


class _Checker:
    """The GitHub side of one run; team memberships are looked up once per run."""

    def __init__(self, client: GitHub | None, policy: Policy, branch: str | None) -> None:
        self.client = client
        self.policy = policy
        self.branch = branch
        self.memberships: dict[tuple[str, str], bool] = {}

    def check(self, post: Post, channels: list[str], commit: str, blob: str,
              media: Mapping[str, str | None]) -> Approval:
        assert self.client is not None
        pr = self._pull_request(commit)
        if pr is None:
            return Approval(False, f"{post.path} reached the default branch without a pull request "
                            f"(commit {commit[:7]} was pushed directly, or merged from a pull request "
                            f"into another branch than {self.branch}); bring the change in through a "
                            f"reviewed pull request into {self.branch}", commit=commit)
        number, head = int(pr["number"]), str(pr["head"]["sha"])
        approved_blob = self._blob_at(post.path, head)
        if approved_blob != blob:
            return Approval(False, f"{post.path} changed after pull request #{number} was approved "
                            f"(its final commit {head[:7]} has other content); bring the change "
                            "in through a reviewed pull request", number, commit=commit)
        for path, here in sorted(media.items()):
            if here is None or self._blob_at(path, head) != here:
                return Approval(False, f"{path} (media of {post.path}) is not what pull request "
                                f"#{number} approved (its final commit {head[:7]} has other content "
                                "or none); bring the new file in through a reviewed pull request",
                                number, commit=commit)
        reviews = self.client.paginate(f"/repos/{self.client.repo}/pulls/{number}/reviews")
        excluded = self._authors(number, pr, post.author, "wrote the post")
        return self._judge(post.path, number, head, reviews, excluded, commit,
                           self.policy.requirements(channels), self.policy)

    def check_change(self, path: str, commit: str, blob: str | None, policy: Policy,
                     channels: list[str]) -> Approval:
        """A change of socialops.yaml, judged under the policy before it."""
        assert self.client is not None
        pr = self._pull_request(commit)
        if pr is None:
            return Approval(False, f"commit {commit[:7]} was not merged through a pull request into "
                            f"{self.branch}", commit=commit)
        number, head = int(pr["number"]), str(pr["head"]["sha"])
        if self._blob_at(path, head) != blob:
            return Approval(False, f"{path} differs from the final commit {head[:7]} of pull request "
                            f"#{number}", number, commit=commit)
        reviews = self.client.paginate(f"/repos/{self.client.repo}/pulls/{number}/reviews")
        excluded = self._authors(number, pr, None, "opened the pull request")
        if policy.roles.manager:
            standing, _ = standing_approvals(reviews, head)
            managers = [login for login, _ in standing if login.lower() not in excluded
                        and self._allowed(login, "", Requirement("*", 1, policy.roles.manager))]
            if managers:
                return Approval(True, f"approved in pull request #{number} by the manager "
                                f"{', '.join(sorted(managers))}", number, tuple(sorted(managers)), commit)
        return self._judge(path, number, head, reviews, excluded, commit,
                           policy.requirements(channels), policy)

    def _authors(self, number: int, pr: dict[str, Any], author: str | None, wrote: str) -> dict[str, str]:
        """Who made the pull request, and how: its opener, the post's `author:`, and every
        author and committer of its commits (not `web-flow`, GitHub's committer for what is
        made in the web interface)."""
        assert self.client is not None
        found = {a.lower(): wrote for a in (_login(pr.get("user")), author) if a}
        for item in self.client.paginate(f"/repos/{self.client.repo}/pulls/{number}/commits"):
            if isinstance(item, dict):
                for key in ("author", "committer"):
                    login = _login(item.get(key)).lower()
                    if login and login != "web-flow":
                        found.setdefault(login, "committed to the pull request")
        return found

    def _pull_request(self, commit: str) -> dict[str, Any] | None:
        """The pull request merged into the publishing branch that brought this commit;
        one merged into any other branch does not count."""
        assert self.client is not None
        pulls = self.client.paginate(f"/repos/{self.client.repo}/commits/{commit}/pulls")
        merged = [p for p in pulls if isinstance(p, dict) and p.get("merged_at")
                  and isinstance(p.get("base"), dict) and p["base"].get("ref") == self.branch]
        chosen = sorted(merged, key=lambda p: str(p.get("merged_at")))
        return chosen[-1] if chosen else None

    def _blob_at(self, path: str, head: str) -> str | None:
        assert self.client is not None
        try:
            info = self.client.get(f"/repos/{self.client.repo}/contents/{quote(path)}", {"ref": head})
        except GitHubError as exc:
            if exc.kind == "not-found":
                return None
            raise
        return str(info.get("sha")) if isinstance(info, dict) else None

    def _judge(self, path: str, number: int, head: str, reviews: list[Any], excluded: dict[str, str],
               commit: str, requirements: list[Requirement], policy: Policy) -> Approval:
        standing, found = standing_approvals(reviews, head)
        counted: set[str] = set()
        for need in requirements:
            ok: list[str] = []
            notes = dict(found)
            for login, association in standing:
                if login.lower() in excluded and not policy.author_may_approve:
                    notes.setdefault(login, excluded[login.lower()])
                elif self._allowed(login, association, need):
                    ok.append(login)
                else:
                    notes.setdefault(login, f"not an approver for {need.channel}")
            if len(ok) < need.count:
                return Approval(False, _shortfall(number, need, head, ok, notes), number,
                                tuple(sorted(counted | set(ok))), commit)
            counted.update(ok)
        who = ", ".join(sorted(counted)) or "nobody (no approval required)"
        return Approval(True, f"approved in pull request #{number} by {who}", number,
                        tuple(sorted(counted)), commit)

    def _allowed(self, login: str, association: str, need: Requirement) -> bool:
        if not need.approvers:
            return association in WRITE_ACCESS
        if any(entry.lower() == login.lower() for entry in need.approvers if "/" not in entry):
            return True  # named users first: a team lookup costs a request
        return any(self._member(entry, login) for entry in need.approvers if "/" in entry)

    def _member(self, team: str, login: str) -> bool:
        assert self.client is not None
        key = (team.lower(), login.lower())
        if key not in self.memberships:
            org, slug = team.split("/", 1)
            try:
                info = self.client.get(f"/orgs/{quote(org)}/teams/{quote(slug)}/memberships/{quote(login)}")
            except GitHubError as exc:
                if exc.kind != "not-found":  # 404 is GitHub's answer for "not a member"
                    raise
                info = None
            self.memberships[key] = isinstance(info, dict) and info.get("state") == "active"
        return self.memberships[key]


def standing_approvals(reviews: list[Any], head: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """[(login, author association)] of reviewers whose latest verdict is an approval of
    `head`, and a note for each reviewer who is not counted and why."""
    latest: dict[str, dict[str, Any]] = {}
    approved_before: set[str] = set()
    ordered = sorted(enumerate(reviews), key=lambda iv: (str(iv[1].get("submitted_at") or ""), iv[0]))
    for _, review in ordered:
        login, state = _login(review.get("user")), str(review.get("state", ""))
        if not login or state in ("COMMENTED", "PENDING"):
            continue
        if state == "APPROVED":
            approved_before.add(login)
        latest[login] = review
    standing: list[tuple[str, str]] = []
    notes: dict[str, str] = {}
    for login, review in latest.items():
        verdict, on = review.get("state"), str(review.get("commit_id") or "")
        if verdict == "APPROVED" and on == head:
            standing.append((login, str(review.get("author_association") or "")))
        elif verdict == "APPROVED":
            notes[login] = f"approved an older commit {on[:7]}"
        elif verdict == "DISMISSED":
            notes[login] = "approval was dismissed"
        elif verdict == "CHANGES_REQUESTED":
            notes[login] = "requested changes" + (" after approving" if login in approved_before else "")
    return sorted(standing), notes


def _shortfall(number: int, need: Requirement, head: str, ok: list[str], notes: dict[str, str]) -> str:
    got = f" ({', '.join(ok)})" if ok else ""
    text = (f"pull request #{number} has {len(ok)} of the {need.count} approvals {need.channel} "
            f"needs from {need.who()} on its final commit {head[:7]}{got}")
    ignored = [f"{login} ({why})" for login, why in sorted(notes.items()) if login not in ok]
    return text + (f"; not counted: {', '.join(ignored)}" if ignored else "")


def _login(user: Any) -> str:
    return str(user.get("login") or "") if isinstance(user, dict) else ""
