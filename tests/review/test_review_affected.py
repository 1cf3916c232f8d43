"""`socialops review` for a pull request that changes only a project file: the posts it does
not touch but that lint now finds something new for (a blackout over their time, a word the
style guide now bans) are listed with everything lint found for them. Real git repositories:
the base commit on main, the pull request's head on a branch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ProjectDir, git
from tests.github_fake.server import FakeGitHub
from tests.review.conftest import github_env

NOW = "2026-11-20T10:00"
STYLE = "rules:\n  - {id: no-hype, kind: existence, level: warning, tokens: [amazing]}\n"


def posts(project: ProjectDir, folder: str = "") -> None:
    """Three posts on main: one inside the coming blackout, one outside, one with a finding
    already (an amazing word the style guide flags at the base)."""
    project.write(f"{folder}posts/xmas.md", "---\nchannels: [mastodon-main]\npublish_at: 2026-12-25T10:00\n---\n"
                  "Happy holidays, the new offer is groundbreaking!\n")
    project.write(f"{folder}posts/spring.md", "---\nchannels: [mastodon-main]\npublish_at: 2027-03-01T10:00\n---\n"
                  "Spring is here.\n")
    project.write(f"{folder}posts/hype.md", "---\nchannels: [mastodon-main]\npublish_at: 2027-03-02T10:00\n---\n"
                  "An amazing and groundbreaking release.\n")


@pytest.fixture
def repo(project: ProjectDir) -> ProjectDir:
    project.write("styleguide.yaml", STYLE)
    posts(project)
    project.commit("main")
    git(project.root, "checkout", "-q", "-b", "manager/policy")
    return project


def section(text: str, path: str) -> str:
    return text.split(f"### `{path}`")[1].split("\n### ")[0]


def test_a_blackout_added_lists_the_unchanged_post_it_covers(repo: ProjectDir, cli) -> None:
    repo.write("calendar.yaml", "blackouts:\n  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}\n")
    repo.commit("a holiday freeze")
    result = cli("review", "--now", NOW, cwd=repo.root)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "## socialops review: 0 posts added or changed, 1 unchanged post with new findings" in text
    assert "| `posts/xmas.md` | 2026-12-25 10:00 CET | `mastodon-main` | ❌ 1 error · 🆕 1 new finding |" in text
    xmas = section(text, "posts/xmas.md")
    assert "This post is not changed by this pull request" in xmas and "`calendar.yaml`" in xmas
    assert "- **Id:** `xmas` (unchanged)" in xmas and "Must approve" not in xmas
    conflict = next(line for line in xmas.split("**Schedule conflicts**")[1].splitlines() if line.startswith("- "))
    assert conflict.startswith("- 🆕 ❌ error `calendar` `posts/xmas.md:3:") and "Holiday freeze" in conflict
    assert "Happy holidays" in xmas  # what the channel receives is shown too
    assert "### `posts/spring.md`" not in text and "### `posts/hype.md`" not in text  # nothing new for them
    summary = text.split("### Project files changed")[1].split("\n### ")[0]
    assert "- Posts it touches: `posts/xmas.md`" in summary


def test_a_banned_word_lists_the_posts_using_it_with_all_their_findings(repo: ProjectDir, cli) -> None:
    repo.write("styleguide.yaml", STYLE + "  - {id: no-bragging, kind: existence, level: error, tokens: [groundbreaking]}\n")
    repo.commit("ban groundbreaking")
    text = cli("review", "--now", NOW, cwd=repo.root).stdout
    assert "0 posts added or changed, 2 unchanged posts with new findings" in text
    hype = section(text, "posts/hype.md")
    found = [line for line in hype.split("**Lint findings**")[1].splitlines() if line.startswith("- ")]
    # everything lint found for the post: the old finding too, only the new one marked
    assert len(found) == 2, found
    assert found[0].startswith("- ⚠️ warning `no-hype` `posts/hype.md:5:4`")  # there at the base: not new
    assert found[1].startswith("- 🆕 ❌ error `no-bragging` `posts/hype.md:5:16`")
    xmas = section(text, "posts/xmas.md")
    assert "🆕 ❌ error `no-bragging` `posts/xmas.md:5:" in xmas
    assert "### `posts/spring.md`" not in text


def test_a_changed_post_and_an_affected_one_together(repo: ProjectDir, cli) -> None:
    repo.write("calendar.yaml", "blackouts:\n  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}\n")
    repo.write("posts/spring.md", "---\nchannels: [mastodon-main]\npublish_at: 2027-03-01T10:00\n---\nSpring is near.\n")
    repo.commit("freeze, and spring edited")
    text = cli("review", "--now", NOW, cwd=repo.root).stdout
    assert "## socialops review: 1 post added or changed, 1 unchanged post with new findings" in text
    assert "- **Id:** `spring` (changed)" in section(text, "posts/spring.md")
    assert "- **Id:** `xmas` (unchanged)" in section(text, "posts/xmas.md")


def test_json_marks_the_unchanged_posts_and_their_new_findings(repo: ProjectDir, cli) -> None:
    repo.write("calendar.yaml", "blackouts:\n  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}\n")
    repo.commit("a holiday freeze")
    data = json.loads(cli("review", "--now", NOW, "--format", "json", cwd=repo.root).stdout)
    [xmas] = data["posts"]
    assert xmas["path"] == "posts/xmas.md" and xmas["unchanged"] is True
    assert [f["rule"] for f in xmas["new_findings"]] == ["calendar"]
    assert [f["rule"] for f in xmas["conflicts"]] == ["calendar"]


def test_a_project_in_a_subfolder_of_the_repository(tmp_path: Path, cli) -> None:
    from tests.conftest import DEFAULT_CONFIG

    top = ProjectDir(tmp_path / "monorepo")
    top.root.mkdir()
    git(top.root, "init", "-q", "-b", "main")
    top.write("README.md", "other things\n")
    top.write("social/socialops.yaml", DEFAULT_CONFIG)
    top.write("social/styleguide.yaml", STYLE)
    top.write("social/calendar.yaml", "{}\n")
    posts(top, "social/")
    top.commit("main")
    git(top.root, "checkout", "-q", "-b", "freeze")
    top.write("social/calendar.yaml", "blackouts:\n  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}\n")
    top.commit("a holiday freeze")
    text = cli("review", "--now", NOW, cwd=top.root / "social").stdout
    assert "1 unchanged post with new findings" in text and "### `posts/xmas.md`" in text


def test_a_calendar_only_pull_request_gets_its_comment(repo: ProjectDir, fake: FakeGitHub, cli) -> None:
    repo.write("calendar.yaml", "blackouts:\n  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}\n")
    repo.commit("a holiday freeze")
    result = cli("review", "--now", NOW, "--post-to-github", "--pr", "3", cwd=repo.root, env=github_env(fake))
    assert result.exit_code == 0, result.output
    assert "posted the review comment on pull request #3" in result.stderr
    assert "### `posts/xmas.md`" in fake.comments[3][0]["body"]
