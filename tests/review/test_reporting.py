"""`report: github`: the post URLs commented on the pull request that brought each post in."""

from __future__ import annotations

import httpx

from socialops.model import Project
from socialops.publish.report import report
from socialops.publish.results import ChannelResult, PartResult, PostResult, PublishResult
from tests.conftest import ProjectDir
from tests.github_fake.server import FakeGitHub
from tests.review.conftest import github_env, merge_branch, post_text


def ledger_text(post_id: str, path: str, urls: list[str]) -> str:
    parts = "".join(f"    - {{index: {i}, status: published, id: '{i}', url: '{u}', hash: h{i}, attempts: 1}}\n"
                    for i, u in enumerate(urls))
    return (f"post: {post_id}\npath: {path}\nchannels:\n  mastodon-main:\n    status: published\n"
            f"    parts:\n{parts}")


def published(post_id: str, path: str) -> PostResult:
    return PostResult(post_id, path, "2026-12-01T09:00+01:00",
                      [ChannelResult("mastodon-main", "published", parts=[PartResult(0, "published")])])


def test_urls_are_commented_once_and_updated_in_place(approval_project: ProjectDir, fake: FakeGitHub,
                                                     http: httpx.Client) -> None:
    p = approval_project
    p.write("socialops.yaml", (p.root / "socialops.yaml").read_text() + "report: github\n")
    p.commit("report")
    one = merge_branch(p, "two-posts", [{"posts/one.md": post_text(), "posts/two.md": post_text(body="Two.")}])
    fake.add_pull(7, one.head, commits=one.commits)
    p.write(".socialops/ledger/one.yaml", ledger_text("one", "posts/one.md", ["https://m.example/@acme/1"]))
    project = Project.load(p.root)
    first = PublishResult(posts=[published("one", "posts/one.md")])
    report(project, first, github_env(fake), http)
    assert first.notes == []
    assert fake.comments[7][0]["body"] == ("<!-- socialops-published: one -->\n**Published by socialops**\n\n"
                                           "- `posts/one.md`\n  - mastodon-main: https://m.example/@acme/1\n")
    p.write(".socialops/ledger/two.yaml", ledger_text("two", "posts/two.md",
                                                      ["https://m.example/@acme/2", "https://m.example/@acme/3"]))
    report(project, PublishResult(posts=[published("two", "posts/two.md")]), github_env(fake), http)
    assert len(fake.comments[7]) == 1
    assert fake.comments[7][0]["body"].splitlines() == [
        "<!-- socialops-published: one two -->", "**Published by socialops**", "",
        "- `posts/one.md`", "  - mastodon-main: https://m.example/@acme/1",
        "- `posts/two.md`",
        "  - mastodon-main: [part 1](https://m.example/@acme/2), [part 2](https://m.example/@acme/3)"]


def test_without_report_github_nothing_is_sent(approval_project: ProjectDir, fake: FakeGitHub,
                                              http: httpx.Client) -> None:
    report(Project.load(approval_project.root), PublishResult(posts=[published("one", "posts/one.md")]),
           github_env(fake), http)
    assert fake.requests == []


def test_a_comment_that_fails_is_a_note_not_a_failure(approval_project: ProjectDir, fake: FakeGitHub,
                                                      http: httpx.Client) -> None:
    p = approval_project
    p.write("socialops.yaml", (p.root / "socialops.yaml").read_text() + "report: github\n")
    p.commit("report")
    one = merge_branch(p, "one", [{"posts/one.md": post_text()}])
    fake.add_pull(7, one.head, commits=one.commits)
    fake.fail("POST", 403, message="Resource not accessible by integration")
    result = PublishResult(posts=[published("one", "posts/one.md")])
    report(Project.load(p.root), result, github_env(fake), http)
    assert not result.failed
    assert result.notes == ["report: github: the post URLs were not commented: GitHub forbids POST "
                            "/repos/acme/content/issues/7/comments (403 (Resource not accessible by "
                            "integration)); the token lacks a permission this needs"]
