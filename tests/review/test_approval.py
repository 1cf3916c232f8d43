"""Verified approvals against the local fake GitHub: each way a post can be approved or held."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialops.github import GitHub
from socialops.model import Project
from socialops.review.approval import check_posts, load_policy
from tests.conftest import ProjectDir, git
from tests.github_fake.server import FakeGitHub
from tests.review.conftest import APPROVAL_CONFIG, merge_branch, post_text

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POST = "posts/launch.md"
LINKEDIN = post_text("[linkedin-company]")


KEY = "approval-cache-key-for-tests"


def check(project: ProjectDir, client: GitHub | None, write_cache: bool = True,  # type: ignore[no-untyped-def]
          key: str | None = KEY):
    loaded = Project.load(project.root)
    posts = loaded.read_posts()
    return check_posts(loaded, posts, client, NOW, write_cache=write_cache, key=key)["launch"]


def merged_post(project: ProjectDir, fake: FakeGitHub, text: str = post_text(), *, number: int = 7,
                author: str = "writer") -> str:
    """A post merged into main through PR `number`; returns the PR's head commit."""
    merged = merge_branch(project, f"post-{number}", [{POST: text}])
    fake.add_pull(number, merged.head, commits=merged.commits, files={POST: text}, author=author)
    return merged.head


def test_approved_on_the_final_commit(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "bob", "COMMENTED", head)
    fake.review(7, "bob", "APPROVED", head)
    result = check(approval_project, client)
    assert result.approved and result.pr == 7 and result.approvers == ("bob",)
    assert result.reason == "approved in pull request #7 by bob"
    assert [c.path for c in fake.requests] == [
        f"/repos/acme/content/commits/{head}/pulls",
        f"/repos/acme/content/contents/{POST}",
        "/repos/acme/content/pulls/7/reviews",
        "/repos/acme/content/pulls/7/commits",
    ]
    assert fake.requests[1].query == {"ref": head}


def test_too_few_approvals(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    head = merged_post(approval_project, fake, LINKEDIN)
    fake.review(7, "alice", "APPROVED", head)
    result = check(approval_project, client)
    assert not result.approved and result.pr == 7
    assert result.reason == (f"pull request #7 has 1 of the 2 approvals linkedin-company needs from "
                             f"acme/brand, alice on its final commit {head[:7]} (alice)")


def test_approval_from_a_team_member_counts_and_an_outsider_does_not(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    head = merged_post(approval_project, fake, LINKEDIN)
    fake.teams["acme/brand"] = {"dave": "active", "erin": "pending"}
    for login in ("alice", "carol", "erin"):
        fake.review(7, login, "APPROVED", head)
    held = check(approval_project, client)
    assert not held.approved
    assert held.reason.endswith("(alice); not counted: carol (not an approver for linkedin-company), "
                                "erin (not an approver for linkedin-company)")
    assert [c.path for c in fake.calls("GET", "/orgs/")] == [
        "/orgs/acme/teams/brand/memberships/carol", "/orgs/acme/teams/brand/memberships/erin"]
    fake.review(7, "dave", "APPROVED", head)
    approved = check(approval_project, client)
    assert approved.approved and approved.approvers == ("alice", "dave")


def test_approval_on_an_older_commit(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    merged = merge_branch(approval_project, "post-7", [{POST: post_text(body="First draft.")},
                                                       {POST: post_text(body="Edited after review.")}])
    fake.add_pull(7, merged.head, commits=merged.commits, files={POST: post_text(body="Edited after review.")})
    first = merged.commits[0]
    fake.review(7, "bob", "APPROVED", first)
    result = check(approval_project, client)
    assert not result.approved
    assert result.reason == (f"pull request #7 has 0 of the 1 approvals mastodon-main needs from anyone "
                             f"with write access on its final commit {merged.head[:7]}; not counted: "
                             f"bob (approved an older commit {first[:7]})")


def test_dismissed_approval(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "bob", "DISMISSED", head)
    result = check(approval_project, client)
    assert not result.approved and result.reason.endswith("not counted: bob (approval was dismissed)")


def test_changes_requested_after_approval(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "bob", "APPROVED", head)
    fake.review(7, "bob", "CHANGES_REQUESTED", head)
    fake.review(7, "bob", "COMMENTED", head)
    result = check(approval_project, client)
    assert not result.approved
    assert result.reason.endswith("not counted: bob (requested changes after approving)")


def test_a_later_approval_replaces_requested_changes(approval_project: ProjectDir, fake: FakeGitHub,
                                                     client: GitHub) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "bob", "CHANGES_REQUESTED", head, at="2026-11-21T09:00:00Z")
    fake.review(7, "bob", "APPROVED", head, at="2026-11-21T09:30:00Z")
    assert check(approval_project, client).approved


def test_without_approvers_only_people_with_write_access_count(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "drive-by", "APPROVED", head, association="CONTRIBUTOR")
    result = check(approval_project, client)
    assert not result.approved
    assert result.reason.endswith("not counted: drive-by (not an approver for mastodon-main)")


def test_direct_push_is_held(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    approval_project.write(POST, post_text())
    approval_project.commit("add a post straight on main")
    sha = git(approval_project.root, "rev-parse", "HEAD").strip()
    result = check(approval_project, client)
    assert not result.approved and result.pr is None
    assert result.reason == (f"{POST} reached the default branch without a pull request (commit "
                             f"{sha[:7]} was pushed directly, or merged from a pull request into "
                             "another branch than main); bring the change in through a reviewed "
                             "pull request into main")


def test_an_edit_pushed_after_the_merge_is_held(approval_project: ProjectDir, fake: FakeGitHub,
                                                client: GitHub) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "bob", "APPROVED", head)
    assert check(approval_project, client, write_cache=False).approved
    approval_project.write(POST, post_text(body="Changed on main after the review."))
    approval_project.commit("quick fix")
    result = check(approval_project, client)
    assert not result.approved and "without a pull request" in result.reason


def test_content_that_differs_from_the_approved_head_is_held(approval_project: ProjectDir,
                                                             fake: FakeGitHub, client: GitHub) -> None:
    root = approval_project.root
    git(root, "checkout", "-q", "-b", "post-7")
    approval_project.write(POST, post_text())
    approval_project.commit("add post")
    head = git(root, "rev-parse", "HEAD").strip()
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "--no-commit", "post-7")
    approval_project.write(POST, post_text(body="Rewritten inside the merge commit."))
    approval_project.commit("Merge post-7")
    merge = git(root, "rev-parse", "HEAD").strip()
    fake.add_pull(7, head, commits=[head, merge], files={POST: post_text()})
    fake.review(7, "bob", "APPROVED", head)
    result = check(approval_project, client)
    assert not result.approved
    assert result.reason.startswith(f"{POST} changed after pull request #7 was approved (its final "
                                    f"commit {head[:7]} has other content)")


def test_the_authors_own_approval_does_not_count(approval_project: ProjectDir, fake: FakeGitHub,
                                                 client: GitHub) -> None:
    head = merged_post(approval_project, fake, post_text(extra="author: bob\n"), author="github-actions")
    fake.review(7, "bob", "APPROVED", head)
    held = check(approval_project, client)
    assert not held.approved and held.reason.endswith("not counted: bob (wrote the post)")


def test_the_authors_own_approval_counts_where_the_policy_allows_it(project: ProjectDir, fake: FakeGitHub,
                                                                    client: GitHub) -> None:
    project.write("socialops.yaml", APPROVAL_CONFIG.replace(
        "  required_approvals: 1\n", "  required_approvals: 1\n  author_may_approve: true\n", 1))
    project.commit("start")
    head = merged_post(project, fake, post_text(extra="author: bob\n"), author="github-actions")
    fake.review(7, "bob", "APPROVED", head)
    assert check(project, client).approved


def test_the_pull_request_opener_counts_as_the_author(approval_project: ProjectDir, fake: FakeGitHub,
                                                      client: GitHub) -> None:
    head = merged_post(approval_project, fake, author="Bob")
    fake.review(7, "bob", "APPROVED", head)
    assert check(approval_project, client).reason.endswith("not counted: bob (wrote the post)")


def test_every_channel_of_the_post_must_be_satisfied(approval_project: ProjectDir, fake: FakeGitHub,
                                                     client: GitHub) -> None:
    head = merged_post(approval_project, fake, post_text("[mastodon-main, linkedin-company]"))
    fake.teams["acme/brand"] = {"dave": "active"}
    fake.review(7, "bob", "APPROVED", head)
    fake.review(7, "dave", "APPROVED", head)
    held = check(approval_project, client)
    assert not held.approved and "1 of the 2 approvals linkedin-company needs" in held.reason
    fake.review(7, "alice", "APPROVED", head)
    approved = check(approval_project, client)
    assert approved.approved and approved.approvers == ("alice", "bob", "dave")


def test_reviews_on_a_later_page_are_read(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    fake.page_size = 2
    head = merged_post(approval_project, fake)
    for i in range(5):
        fake.review(7, f"commenter{i}", "COMMENTED", head)
    fake.review(7, "bob", "APPROVED", head)
    assert check(approval_project, client).approved
    assert len(fake.calls("GET", "/reviews")) == 3


@pytest.mark.parametrize(("status", "headers", "words"), [
    (401, {}, "GitHub refused the token (401"),
    (403, {}, "GitHub forbids GET"),
    (404, {}, "GitHub has no /repos/acme/content/commits/"),
    (500, {}, "(HTTP 500); try again later"),
    (503, {}, "(HTTP 503); try again later"),
    (429, {"Retry-After": "3600"}, "rate limit is reached (HTTP 429)"),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"}, "rate limit is reached (HTTP 403)"),
])
def test_any_api_error_holds_the_post(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub,
                                      status: int, headers: dict[str, str], words: str) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "bob", "APPROVED", head)
    fake.fail(r"/commits/", status, headers=headers)
    result = check(approval_project, client)
    assert not result.approved
    assert result.reason.startswith("the approval could not be verified: ") and words in result.reason
    assert not (approval_project.root / ".socialops/approvals.yaml").exists()


def test_a_team_lookup_the_token_may_not_make_holds_the_post(approval_project: ProjectDir, fake: FakeGitHub,
                                                             client: GitHub) -> None:
    head = merged_post(approval_project, fake, LINKEDIN)
    fake.review(7, "alice", "APPROVED", head)
    fake.review(7, "dave", "APPROVED", head)
    fake.fail(r"/memberships/", 403, message="Resource not accessible by integration")
    result = check(approval_project, client)
    assert not result.approved and "Resource not accessible by integration" in result.reason


def test_verified_approvals_are_cached_by_commit_and_content(approval_project: ProjectDir,
                                                             fake: FakeGitHub, client: GitHub) -> None:
    head = merged_post(approval_project, fake)
    fake.review(7, "bob", "APPROVED", head)
    assert check(approval_project, client).approved
    cache = (approval_project.root / ".socialops/approvals.yaml").read_text()
    assert f"commit: {head}" in cache and "approvers:\n  - bob" in cache and "pr: 7" in cache
    calls = len(fake.requests)
    again = check(approval_project, client)
    assert again.approved and again.cached and again.pr == 7 and len(fake.requests) == calls
    config = approval_project.root / "socialops.yaml"
    config.write_text(config.read_text().replace("required_approvals: 1\n", "required_approvals: 2\n", 1))
    assert not check(approval_project, client).approved  # a stricter policy is verified again


def test_a_held_post_is_not_cached(approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    merged_post(approval_project, fake)
    assert not check(approval_project, client).approved
    assert not (approval_project.root / ".socialops/approvals.yaml").exists()


def test_without_verification_merged_means_approved(project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    project.write(POST, post_text())
    project.commit("post")
    result = check(project, client)
    assert result.approved and "approval.verify is not github" in result.reason
    assert fake.requests == []


def test_without_a_token_the_post_is_held(approval_project: ProjectDir, fake: FakeGitHub) -> None:
    merged_post(approval_project, fake)
    result = check(approval_project, None)
    assert not result.approved and "GITHUB_TOKEN and GITHUB_REPOSITORY are not set" in result.reason


def test_an_uncommitted_post_is_held(approval_project: ProjectDir, client: GitHub) -> None:
    approval_project.write(POST, post_text())
    result = check(approval_project, client)
    assert not result.approved and result.reason == f"{POST} is not committed on the default branch"


def test_policy_falls_back_to_the_roles_reviewers(project: ProjectDir) -> None:
    project.write("socialops.yaml", project.root.joinpath("socialops.yaml").read_text() + """\
approval: {verify: github, channels: {x-main: {required_approvals: 3}}}
roles:
  reviewers: {"*": ["@acme/social"], linkedin-company: [Alice]}
""")
    policy = load_policy(Project.load(project.root).config)
    assert policy.requirement("linkedin-company").approvers == ("Alice",)
    assert policy.requirement("mastodon-main").approvers == ("acme/social",)
    assert policy.requirement("x-main").count == 3 and policy.requirement("feed").count == 1


def test_a_squash_merged_pull_request_is_found_by_its_squash_commit(
        approval_project: ProjectDir, fake: FakeGitHub, client: GitHub) -> None:
    root = approval_project.root
    git(root, "checkout", "-q", "-b", "post-7")
    approval_project.write(POST, post_text(body="Draft."))
    approval_project.commit("draft")
    approval_project.write(POST, post_text())
    approval_project.commit("final")
    head = git(root, "rev-parse", "HEAD").strip()
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--squash", "post-7")
    approval_project.commit("Add a post (#7)")
    squash = git(root, "rev-parse", "HEAD").strip()
    fake.add_pull(7, head, commits=[squash], files={POST: post_text()})
    fake.review(7, "bob", "APPROVED", head)
    result = check(approval_project, client)
    assert result.approved and result.pr == 7 and result.commit == squash
