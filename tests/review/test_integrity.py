"""Approvals that cannot be sidestepped, against the local fake GitHub: the policy in
socialops.yaml is content that must come through review, the approval cache cannot be
forged, media are part of what was approved, a recurring series' channels decide, only pull
requests into the publishing branch count, and nobody who made a pull request approves it."""

from __future__ import annotations

from collections.abc import Callable

import yaml

from socialops.github import GitHub
from socialops.model import Project
from socialops.review.approval import Approval, check_posts
from tests.conftest import ProjectDir, Result, git
from tests.github_fake.server import FakeGitHub
from tests.review.conftest import APPROVAL_CONFIG, github_env, merge_branch, post_text

NOW_TEXT = "2026-12-01T09:30"
POST = "posts/launch.md"
KEY = "approval-cache-key-for-tests"
STRICT = APPROVAL_CONFIG.replace("  required_approvals: 1\n", "  required_approvals: 2\n", 1)


def check(project: ProjectDir, client: GitHub | None, *, channels: dict[str, list[str]] | None = None,
          key: str | None = KEY) -> Approval:
    from datetime import UTC, datetime

    loaded = Project.load(project.root)
    return check_posts(loaded, loaded.read_posts(), client, datetime(2026, 12, 1, 9, tzinfo=UTC),
                       channels=channels, key=key)["launch"]


def through_pr(project: ProjectDir, fake: FakeGitHub, number: int, files: dict[str, str], *,
               approvers: tuple[str, ...] = ("bob",), author: str = "writer", base: str = "main",
               squash: bool = False, committers: list[tuple[str | None, str | None]] | None = None) -> str:
    """`files` brought into main through pull request `number` (a merge commit, or a squash
    commit), approved on its final commit by `approvers`; returns the PR's head."""
    if squash:
        git(project.root, "checkout", "-q", "-b", f"pr-{number}", "main")
        for rel, text in files.items():
            project.write(rel, text)
        project.commit(f"pr {number}")
        head = git(project.root, "rev-parse", "HEAD").strip()
        git(project.root, "checkout", "-q", "main")
        git(project.root, "merge", "-q", "--squash", f"pr-{number}")
        project.commit(f"Squashed (#{number})")
        merged_as, commits = git(project.root, "rev-parse", "HEAD").strip(), [head]
    else:
        merged = merge_branch(project, f"pr-{number}", [files])
        head, merged_as, commits = merged.head, merged.merge, merged.commits
    fake.add_pull(number, head, commits=commits, merge_commit=merged_as, author=author, base=base,
                  committers=committers, files=files)
    for login in approvers:
        fake.review(number, login, "APPROVED", head)
    return head


def direct_push(project: ProjectDir, files: dict[str, str], message: str = "a quick fix on main") -> str:
    for rel, text in files.items():
        project.write(rel, text)
    project.commit(message)
    return git(project.root, "rev-parse", "HEAD").strip()


def config_with(base: str, old: str, new: str) -> str:
    assert old in base
    return base.replace(old, new, 1)


# ---- the policy is content -----------------------------------------------------------------

def test_a_direct_push_turning_verification_off_holds_everything_and_names_the_commit(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()})
    sha = direct_push(approval_project, {"socialops.yaml": config_with(APPROVAL_CONFIG, "verify: github", "verify: none")})
    held = check(approval_project, client)
    assert not held.approved and held.commit == sha
    assert held.reason.startswith(f"socialops.yaml was changed by commit {sha[:7]} without an approved pull request")


def test_a_direct_push_pointing_a_channel_at_another_server_is_not_obeyed(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()})
    sha = direct_push(approval_project, {"socialops.yaml": config_with(
        APPROVAL_CONFIG, "https://mastodon.example", "https://collector.example")})
    held = check(approval_project, client)
    assert not held.approved and f"commit {sha[:7]}" in held.reason


def test_lowering_required_approvals_needs_the_approvals_the_old_policy_asked_for(
        project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    project.write("socialops.yaml", STRICT)
    project.commit("start")
    through_pr(project, fake, 7, {POST: post_text()}, approvers=("bob", "carol"))
    through_pr(project, fake, 8, {"socialops.yaml": STRICT.replace("required_approvals: 2", "required_approvals: 1", 1)},
               approvers=("mallory",))
    held = check(project, client)
    assert not held.approved
    assert "pull request #8 has 1 of the 2 approvals" in held.reason


def test_an_approved_policy_change_is_obeyed_and_posts_publish(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()})
    through_pr(approval_project, fake, 8, {"socialops.yaml": config_with(
        APPROVAL_CONFIG, "https://mastodon.example", "https://social.example")}, approvers=("carol",))
    approved = check(approval_project, client)
    assert approved.approved and approved.pr == 7


def test_verification_turned_off_through_an_approved_pull_request(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    direct_push(approval_project, {POST: post_text()})
    fake.teams["acme/brand"] = {"dave": "active"}
    change = {"socialops.yaml": config_with(APPROVAL_CONFIG, "verify: github", "verify: none")}
    through_pr(approval_project, fake, 8, change, approvers=("carol",))
    held = check(approval_project, client)  # a change of the whole policy: every channel's approvers
    assert not held.approved and "0 of the 2 approvals linkedin-company needs" in held.reason
    through_pr(approval_project, fake, 9, {"socialops.yaml": change["socialops.yaml"] + "# again\n"},
               approvers=("carol", "alice", "dave"))
    approved = check(approval_project, client)
    assert approved.approved and "turned off through an approved pull request" in approved.reason


def test_a_direct_push_reverting_an_approved_change_is_held(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()})
    through_pr(approval_project, fake, 8, {"socialops.yaml": config_with(
        APPROVAL_CONFIG, "https://mastodon.example", "https://social.example")}, approvers=("carol",))
    git(approval_project.root, "revert", "--no-edit", "-m", "1", "HEAD")  # the merge, undone on main
    revert = git(approval_project.root, "rev-parse", "HEAD").strip()
    held = check(approval_project, client)
    assert not held.approved and held.commit == revert


def test_a_policy_change_merged_with_a_squash_commit_counts(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()})
    through_pr(approval_project, fake, 8, {"socialops.yaml": config_with(
        APPROVAL_CONFIG, "https://mastodon.example", "https://social.example")}, approvers=("carol",),
        squash=True)
    assert check(approval_project, client).approved


def test_the_manager_alone_may_approve_a_policy_change(project: ProjectDir, fake: FakeGitHub,
                                                      client: GitHub) -> None:
    config = STRICT + "roles:\n  manager: [dana]\n"
    project.write("socialops.yaml", config)
    project.commit("start")
    through_pr(project, fake, 7, {POST: post_text()}, approvers=("bob", "carol"))
    through_pr(project, fake, 8, {"socialops.yaml": config.replace("required_approvals: 2", "required_approvals: 1", 1)},
               approvers=("dana",))
    assert check(project, client).approved


def test_an_uncommitted_policy_is_not_used(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()})
    approval_project.write("socialops.yaml", config_with(APPROVAL_CONFIG, "verify: github", "verify: none"))
    held = check(approval_project, client)
    assert not held.approved and "socialops.yaml has changes that are not committed" in held.reason


# ---- the approval cache ---------------------------------------------------------------------

def test_a_pushed_approval_cache_is_not_believed(approval_project: ProjectDir, fake: FakeGitHub,
                                                 client: GitHub) -> None:
    head = through_pr(approval_project, fake, 7, {POST: post_text()}, approvers=())
    commit, blob = git(approval_project.root, "log", "-1", "--format=%H", "--", POST).strip(), \
        git(approval_project.root, "rev-parse", f"HEAD:{POST}").strip()
    forged = {POST: {"commit": commit, "blob": blob, "policy": "anything", "pr": 7, "approvers": ["bob"],
                     "verified_at": "2026-12-01T08:00+00:00", "signature": "0" * 64}}
    direct_push(approval_project, {".socialops/approvals.yaml": yaml.safe_dump(forged)})
    held = check(approval_project, client)
    assert not held.approved and not held.cached
    assert fake.calls("GET", f"/commits/{head}/pulls") or fake.calls("GET", "/pulls")  # GitHub was asked


def test_the_cache_is_signed_and_believed_only_with_the_key(approval_project: ProjectDir, fake: FakeGitHub,
                                                           client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()})
    assert check(approval_project, client).approved
    entry = yaml.safe_load((approval_project.root / ".socialops/approvals.yaml").read_text())[POST]
    assert len(entry["signature"]) == 64
    asked = len(fake.requests)
    assert check(approval_project, client).cached and len(fake.requests) == asked
    assert not check(approval_project, client, key="another key").cached  # asked GitHub again
    assert not check(approval_project, client, key=None).cached
    # an entry edited by hand (another approver) loses its signature's worth
    path = approval_project.root / ".socialops/approvals.yaml"
    path.write_text(path.read_text().replace("- bob", "- mallory"))
    again = check(approval_project, client)
    assert again.approved and not again.cached and again.approvers == ("bob",)


# ---- what was approved ---------------------------------------------------------------------

def test_a_media_file_swapped_after_approval_is_held(approval_project: ProjectDir, fake: FakeGitHub,
                                                     client: GitHub) -> None:
    text = post_text(extra="media:\n  - {path: media/launch.png, alt: The new dashboard with the calendar}\n")
    through_pr(approval_project, fake, 7, {POST: text, "media/launch.png": "the approved picture"})
    assert check(approval_project, client).approved
    direct_push(approval_project, {"media/launch.png": "another picture"})
    held = check(approval_project, client)
    assert not held.approved
    assert held.reason.startswith(f"media/launch.png (media of {POST}) is not what pull request #7 approved")


def test_a_recurring_occurrence_needs_the_approvals_of_the_series_channels(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text("[mastodon-main]")})
    assert check(approval_project, client).approved
    held = check(approval_project, client, channels={"launch": ["linkedin-company"]})
    assert not held.approved and "approvals linkedin-company needs" in held.reason


def test_a_pull_request_into_another_branch_does_not_count(approval_project: ProjectDir, fake: FakeGitHub,
                                                           client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()}, base="staging")
    held = check(approval_project, client)
    assert not held.approved and "into another branch than main" in held.reason


def test_someone_who_committed_to_the_pull_request_may_not_approve_it(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    through_pr(approval_project, fake, 7, {POST: post_text()}, approvers=("bob",),
               committers=[("writer", "writer"), ("bob", "web-flow")])
    held = check(approval_project, client)
    assert not held.approved and held.reason.endswith("not counted: bob (committed to the pull request)")


def test_a_post_merged_with_a_merge_commit_is_found_by_its_branch_commit(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    head = through_pr(approval_project, fake, 7, {POST: post_text()})
    approved = check(approval_project, client)
    assert approved.approved and approved.commit == head


# ---- through publish, as CI runs it ---------------------------------------------------------

def test_publish_holds_everything_after_a_direct_policy_push_and_goes_red(
        approval_project: ProjectDir, fake: FakeGitHub, cli: Callable[..., Result]) -> None:
    through_pr(approval_project, fake, 7, {"posts/launch.md": post_text("[feed]")})
    sha = direct_push(approval_project, {"socialops.yaml": config_with(APPROVAL_CONFIG, "verify: github", "verify: none")})
    result = cli("publish", "--no-push", "--now", NOW_TEXT, cwd=approval_project.root, env=github_env(fake))
    assert result.exit_code == 1, result.output
    assert f"socialops.yaml was changed by commit {sha[:7]}" in result.stdout
    assert not (approval_project.root / "feed.xml").exists()
    assert result.stdout.rstrip().splitlines()[-1].startswith("exit 1: 1 held")
