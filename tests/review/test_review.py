"""`socialops review`: the comment for a fixture pull request (a real git repository with a
branch), checked as Markdown; and the one comment on GitHub, created then updated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from socialops.model import Project, read_post
from socialops.render import render_post
from tests.conftest import ProjectDir, git
from tests.github_fake.server import FakeGitHub
from tests.review.conftest import APPROVAL_CONFIG, github_env

NOW = "2026-11-20T10:00"
LAUNCH = "posts/2026/12/launch.md"
LAUNCH_TEXT = """\
---
channels: [mastodon-main, bluesky-main]
publish_at: 2026-12-01T09:00
media:
  - path: media/launch.png
    alt: Screenshot of the new dashboard with the calendar open
---
We launch today! Read more at https://example.com/launch #launch @alice@mastodon.example
<!-- a note for reviewers only -->

---
Second part: a `code` span, ``` a fence, a *star*, <b>html</b> and @bob.
"""
LEDGER = """\
post: old
path: posts/old.md
channels:
  mastodon-main:
    status: published
    due: 2026-11-10T09:00+01:00
    parts:
    - {index: 0, status: published, id: "1093", url: https://mastodon.example/@acme/1093, at: 2026-11-10T09:00+01:00, hash: abc, attempts: 1}
"""


@pytest.fixture
def pr_branch(project: ProjectDir) -> ProjectDir:
    """main with two posts (one published), and a branch that adds, changes and queues posts."""
    project.write("socialops.yaml", APPROVAL_CONFIG)
    project.write("posts/old.md", "---\nchannels: [mastodon-main]\npublish_at: 2026-11-10T09:00\n---\nOld news.\n")
    project.write("posts/keep.md", "---\nchannels: [mastodon-main]\npublish_at: 2026-11-11T09:00\n---\nUntouched.\n")
    project.write(".socialops/ledger/old.yaml", LEDGER)
    project.write("media/launch.png", b"\x89PNG\r\n\x1a\n")
    project.commit("main")
    git(project.root, "checkout", "-q", "-b", "writer/launch")
    project.write(LAUNCH, LAUNCH_TEXT)
    project.write("posts/old.md", "---\nchannels: [mastodon-main]\npublish_at: 2026-11-10T09:00\n---\nOld news, edited.\n")
    project.write("posts/queued.md", "---\nchannels: [x-main]\npublish_at: queue\n---\n" + "Too long. " * 30 + "\n")
    project.commit("launch posts")
    return project


def parse(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def headings(tokens: list[Token], level: str) -> list[str]:
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == level]


def test_the_comment_is_markdown_a_reviewer_can_approve_from(pr_branch: ProjectDir, cli) -> None:
    result = cli("review", "--now", NOW, cwd=pr_branch.root)
    assert result.exit_code == 0, result.output
    text = result.stdout
    tokens = parse(text)
    assert tokens[0].type == "html_block" and tokens[0].content == "<!-- socialops-review -->\n"
    assert headings(tokens, "h2") == ["socialops review: 3 posts added or changed"]
    assert headings(tokens, "h3") == [f"`{LAUNCH}`", "`posts/old.md`", "`posts/queued.md`"]
    # the same text for two channels is shown once, with both channels named
    assert headings(tokens, "h4") == ["`mastodon-main` · Mastodon, `bluesky-main` · Bluesky",
                                      "`mastodon-main` · Mastodon", "`x-main` · X ❌"]
    assert "posts/keep.md" not in text

    # the summary table: one row per post
    cells = [t.content for t in tokens if t.type == "inline"
             and tokens[tokens.index(t) - 1].type == "td_open"]
    assert cells[:4] == [f"`{LAUNCH}`", "2026-12-01 09:00 CET", "`mastodon-main`, `bluesky-main`", "✅"]
    # editing a published post is lint's `published-edit` error (DESIGN.md section 2)
    assert cells[4:8] == ["`posts/old.md`", "2026-11-10 09:00 CET", "`mastodon-main`", "❌ 1 error · 🚨 already published"]
    assert cells[8:11] == ["`posts/queued.md`", "queued", "`x-main`"]
    assert cells[11].startswith("❌ ")


def test_each_channel_shows_exactly_what_will_be_sent(pr_branch: ProjectDir, cli) -> None:
    text = cli("review", "--now", NOW, cwd=pr_branch.root).stdout
    fences = [t.content for t in parse(text) if t.type == "fence"]
    project = Project.load(pr_branch.root)
    post = read_post(project.root, project.root / LAUNCH)
    rendered = render_post(post, project.config.channels, project.root)
    sent = [p.text + "\n" for r in rendered for p in r.parts]
    assert sent[:2] == sent[2:]  # Mastodon and Bluesky get the same text: shown once
    assert fences[:2] == sent[:2]
    assert fences[0] == "We launch today! Read more at https://example.com/launch #launch @alice@mastodon.example\n"
    assert "a note for reviewers only" not in text  # comments are not sent, so not shown
    launch = text.split("### `posts/old.md`")[0]
    assert "**Part 2 of 2**\n\n- `mastodon-main`: 72 / 500 characters ✅\n" \
        "- `bluesky-main`: 72 / 300 graphemes, 72 / 3000 bytes ✅" in launch
    assert "- `bluesky-main`: 88 / 300 graphemes, 88 / 3000 bytes ✅" in launch
    assert "- 🖼️ `media/launch.png`: alt text: Screenshot of the new dashboard with the calendar open" in text
    assert "- Links, mentions and tags that become clickable: 1 link, 1 tag" in text


def test_a_changed_post_shows_a_word_diff_against_the_base(pr_branch: ProjectDir, cli) -> None:
    text = cli("review", "--now", NOW, cwd=pr_branch.root).stdout
    old = text.split("### `posts/old.md`")[1].split("### ")[0]
    assert "**Changed since `main`**" in old
    fences = [t.content for t in parse(old) if t.type == "fence"]
    assert fences[0] == "Old [-news.-]{+news, edited.+}\n"
    assert "Changed since" not in text.split("### `posts/old.md`")[0]  # a new post has no diff


def test_project_files_changed_are_summarised_with_the_posts_they_touch(pr_branch: ProjectDir, cli) -> None:
    pr_branch.write("styleguide.yaml", "rules:\n  - {id: no-news, kind: existence, level: warning, tokens: [news]}\n")
    pr_branch.write("calendar.yaml", "blackouts:\n  - {name: Freeze, from: 2026-12-24, to: 2026-12-27}\n")
    pr_branch.commit("style and calendar")
    text = cli("review", "--now", NOW, cwd=pr_branch.root).stdout
    section = text.split("### Project files changed")[1].split("\n### ")[0]
    assert "**`styleguide.yaml`**\n\n- rules.no-news: added\n- Posts it touches: `posts/old.md`" in section
    assert "**`calendar.yaml`**" in section and "- blackouts: added" in section


def test_images_are_shown_from_the_pull_requests_head_commit(pr_branch: ProjectDir, cli, tmp_path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": "abc123"}}}))
    text = cli("review", "--now", NOW, cwd=pr_branch.root,
               env={"GITHUB_REPOSITORY": "acme/content", "GITHUB_EVENT_PATH": str(event),
                    "GITHUB_SERVER_URL": "https://github.example"}).stdout
    assert ('<img src="https://github.example/acme/content/raw/abc123/media/launch.png" '
            'alt="Screenshot of the new dashboard with the calendar open" height="160">') in text


def test_schedule_approvers_findings_and_the_published_warning(pr_branch: ProjectDir, cli) -> None:
    text = cli("review", "--now", NOW, cwd=pr_branch.root).stdout
    assert "- **When:** 2026-12-01 09:00 CET (Europe/Berlin), 2026-12-01 08:00 UTC" in text
    assert ("- **Must approve:** `mastodon-main`: 1 approval from anyone with write access; "
            "`bluesky-main`: 1 approval from anyone with write access (verified by socialops at "
            "publish time, on the final commit)") in text
    assert "- **Id:** `2026/12/launch` (new file)" in text and "- **Id:** `old` (changed)" in text
    tokens = parse(text)
    quotes = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "blockquote_open"]
    assert quotes == ["[!CAUTION]\n**This post was already published:** mastodon-main (published "
                      "2026-11-10T09:00+01:00). Merging this change does not publish it again and does "
                      "not change what was sent; to correct it, retract it (`socialops retract`) and "
                      "add a new post."]
    queued = text.split("### `posts/queued.md`")[1]
    assert "- **When:** `queue`: no time yet. Run `socialops schedule`" in queued
    assert "**Lint findings**" in queued and "❌ error `length` `posts/queued.md:" in queued
    assert "- **Must approve:** `x-main`: 1 approval from anyone with write access" in queued


def test_text_from_the_post_mentions_nobody_outside_code(pr_branch: ProjectDir, cli) -> None:
    text = cli("review", "--now", NOW, cwd=pr_branch.root).stdout
    outside = [t for t in parse(text) if t.type == "inline"]
    for token in outside:
        for child in token.children or []:
            if child.type == "text":
                assert "@bob" not in child.content and "@alice" not in child.content


def test_json_format(pr_branch: ProjectDir, cli) -> None:
    result = cli("review", "--now", NOW, "--format", "json", cwd=pr_branch.root)
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["base"] == "main" and data["verified"] is True
    assert [p["path"] for p in data["posts"]] == [LAUNCH, "posts/old.md", "posts/queued.md"]
    launch = data["posts"][0]
    assert launch["added"] is True and launch["due"] == "2026-12-01T09:00:00+01:00"
    assert [c["channel"] for c in launch["channels"]] == ["mastodon-main", "bluesky-main"]
    assert launch["channels"][0]["parts"][0]["limit"] == 500
    assert launch["approval"][0] == {"channel": "mastodon-main", "required": 1, "approvers": []}
    assert data["posts"][1]["already_published"] == {"mastodon-main": "published 2026-11-10T09:00+01:00"}


def test_base_option_and_github_base_ref(pr_branch: ProjectDir, cli) -> None:
    git(pr_branch.root, "branch", "-q", "older", "main")
    only_last = cli("review", "--now", NOW, "--base", "HEAD~0", cwd=pr_branch.root)
    assert "0 posts added or changed" in only_last.stdout
    assert "No post is added or changed in this pull request." in only_last.stdout
    by_env = cli("review", "--now", NOW, "--format", "json", cwd=pr_branch.root, env={"GITHUB_BASE_REF": "older"})
    assert json.loads(by_env.stdout)["base"] == "older"


def event_file(tmp_path: Path, number: int) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "synchronize", "number": number,
                                "pull_request": {"number": number, "title": "$(rm -rf /)"}}))
    return {"GITHUB_EVENT_PATH": str(path)}


def test_post_to_github_creates_then_updates_one_comment(pr_branch: ProjectDir, fake: FakeGitHub, cli,
                                                         tmp_path: Path) -> None:
    fake.comments[12] = [{"id": 1, "body": "Looks good to me", "user": {"login": "alice"}}]
    env = {**github_env(fake), **event_file(tmp_path, 12)}
    first = cli("review", "--now", NOW, "--post-to-github", cwd=pr_branch.root, env=env)
    assert first.exit_code == 0, first.output
    assert "posted the review comment on pull request #12: https://github.example/acme/content/pull/12#issuecomment-1001" in first.stderr
    assert [c["body"][:40] for c in fake.comments[12]] == ["Looks good to me", first.stdout[:40]]
    assert fake.comments[12][1]["body"] == first.stdout
    pr_branch.write(LAUNCH, LAUNCH_TEXT.replace("We launch today!", "We launch tomorrow!"))
    pr_branch.commit("edit")
    second = cli("review", "--now", NOW, "--post-to-github", cwd=pr_branch.root, env=env)
    assert second.exit_code == 0, second.output
    assert "updated the review comment on pull request #12" in second.stderr
    assert len(fake.comments[12]) == 2
    assert "We launch tomorrow!" in fake.comments[12][1]["body"]
    assert [(c.method, c.path) for c in fake.requests if c.method != "GET"] == [
        ("POST", "/repos/acme/content/issues/12/comments"),
        ("PATCH", "/repos/acme/content/issues/comments/1001"),
    ]


def test_no_post_changed_means_no_new_comment(pr_branch: ProjectDir, fake: FakeGitHub, cli, tmp_path: Path) -> None:
    env = {**github_env(fake), **event_file(tmp_path, 12)}
    result = cli("review", "--base", "HEAD", "--post-to-github", "--now", NOW, cwd=pr_branch.root, env=env)
    assert result.exit_code == 0
    assert "no post or project file changed: no review comment on pull request #12" in result.stderr
    assert fake.calls("POST") == []


def test_post_to_github_needs_the_pull_request(pr_branch: ProjectDir, fake: FakeGitHub, cli) -> None:
    result = cli("review", "--post-to-github", cwd=pr_branch.root, env={**github_env(fake), "GITHUB_EVENT_PATH": ""})
    assert result.exit_code == 2
    assert "--post-to-github needs the pull request" in result.stderr


def test_a_refused_comment_is_a_clear_failure(pr_branch: ProjectDir, fake: FakeGitHub, cli) -> None:
    fake.fail(r"POST /repos/acme/content/issues/12/comments", 403, message="Resource not accessible by integration")
    result = cli("review", "--post-to-github", "--pr", "12", "--now", NOW, cwd=pr_branch.root, env=github_env(fake))
    assert result.exit_code == 1
    assert ("error: GitHub forbids POST /repos/acme/content/issues/12/comments (403 (Resource not "
            "accessible by integration)); the token lacks a permission this needs") in result.stderr
    assert "Traceback" not in result.stderr and "ghs_" not in result.output


def test_calendar_conflicts_have_their_own_section(pr_branch: ProjectDir, cli) -> None:
    pr_branch.write("calendar.yaml", "blackouts:\n  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}\n")
    pr_branch.write("posts/xmas.md", "---\nchannels: [mastodon-main]\npublish_at: 2026-12-25T10:00\n---\nHappy holidays!\n")
    pr_branch.commit("xmas")
    text = cli("review", "--now", NOW, cwd=pr_branch.root).stdout
    xmas = text.split("### `posts/xmas.md`")[1]
    conflicts = xmas.split("**Schedule conflicts**")[1].split("**Lint")[0]
    items = [line for line in conflicts.splitlines() if line.startswith("- ")]
    assert len(items) == 1 and "`calendar` `posts/xmas.md:3:" in items[0] and "Holiday freeze" in items[0]
    assert "| `posts/xmas.md` | 2026-12-25 10:00 CET | `mastodon-main` | ❌ 1 error |" in text
