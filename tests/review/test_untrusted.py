"""Untrusted text stays text: what comes from a post or a pull request can mention nobody,
link nowhere and run nothing, in a GitHub comment, a Slack message, a workflow log or a
terminal; review edits only the comment its own bot wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt

from socialops import escape
from socialops.review import reminders
from tests.conftest import ProjectDir
from tests.github_fake.server import FakeGitHub
from tests.review.conftest import github_env
from tests.review.test_review import LAUNCH, LAUNCH_TEXT, NOW, event_file, pr_branch  # noqa: F401

HOSTILE = ("@acme/all-staff", "<!channel>", "<@U0123|boss>", "[click](https://evil.example)",
           "https://evil.example/x", "`` `x", "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07")


def reminder() -> reminders.Reminder:
    return reminders.Reminder("p", "posts/@everyone <!here>.md", datetime(2026, 12, 1, 10, tzinfo=UTC),
                              HOSTILE, "in pull request #12, not approved yet", ("acme/social",), 12,
                              "https://github.example/acme/content/pull/12")


def test_a_reminder_comment_shows_the_pull_requests_words_as_code() -> None:
    body = reminders.pr_comment([reminder()], datetime(2026, 12, 1, 8, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
    tokens = MarkdownIt("commonmark").parse(body)
    inline = [t for t in tokens if t.type == "inline"]
    texts = [c for t in inline for c in t.children or [] if c.type == "text"]
    # outside code spans nothing from the pull request is left: no mention, link or markup
    outside = "".join(c.content for c in texts)
    assert "all-staff" not in outside and "evil.example" not in outside and "channel" not in outside
    assert not any(c.type == "link_open" for t in inline for c in t.children or [])
    code = [c.content for t in inline for c in t.children or [] if c.type == "code_inline"]
    assert "@acme/all-staff" in code and "<!channel>" in code and "`` `x" in code
    assert "@acme/social: please review." in body  # who socialops.yaml names is still asked


def test_a_slack_reminder_escapes_what_slack_would_read() -> None:
    text = reminders.slack_text([reminder()], datetime(2026, 12, 1, 8, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
    assert "<!channel>" not in text and "<@U0123" not in text and "<!here>" not in text
    assert "`&lt;!channel&gt;`" in text and "`&lt;@U0123|boss&gt;`" in text
    assert "`https://evil.example/x`" in text  # in code: not made a link
    assert "\x1b" not in text
    assert text.endswith("<https://github.example/acme/content/pull/12|#12>")  # the one link it wrote


def test_terminal_escape_codes_are_removed() -> None:
    assert escape.terminal("a\x1b[2Jb\x1b]0;title\x07c\x9bd\te\nf") == "abcd\te\nf"


def test_review_output_cannot_run_workflow_commands(pr_branch: ProjectDir, cli) -> None:  # noqa: F811
    pr_branch.write(LAUNCH, LAUNCH_TEXT.replace("We launch today!", "::add-mask::We launch today!\n::error::boom"))
    pr_branch.commit("commands in a post")
    result = cli("review", "--now", NOW, cwd=pr_branch.root, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::stop-commands::") and len(lines[0]) > len("::stop-commands::") + 16
    token = lines[0].removeprefix("::stop-commands::")
    assert lines[-1] == f"::{token}::"
    inside = lines[1:-1]
    assert any(line.startswith("::add-mask::") for line in inside)  # shown, while commands are off
    assert token not in "\n".join(inside)


def test_review_edits_only_the_comment_its_bot_wrote(pr_branch: ProjectDir, fake: FakeGitHub, cli,  # noqa: F811
                                                      tmp_path: Path) -> None:
    planted = "<!-- socialops-review -->\nApproved by socialops, merge away"
    from socialops.review.comment import MARKER

    fake.comments[12] = [{"id": 7, "body": planted.replace("<!-- socialops-review -->", MARKER),
                          "user": {"login": "mallory", "type": "User"}}]
    env = {**github_env(fake), **event_file(tmp_path, 12)}
    result = cli("review", "--now", NOW, "--post-to-github", cwd=pr_branch.root, env=env)
    assert result.exit_code == 0, result.output
    assert "posted the review comment" in result.stderr
    assert fake.calls("PATCH") == []
    assert fake.comments[12][0]["body"].endswith("merge away")  # mallory's comment untouched
    again = cli("review", "--now", NOW, "--post-to-github", cwd=pr_branch.root, env=env)
    assert "updated the review comment" in again.stderr
    assert [c.path for c in fake.calls("PATCH")] == ["/repos/acme/content/issues/comments/1001"]


def test_preview_shows_a_posts_escape_codes_as_nothing(project: ProjectDir, cli) -> None:
    project.post("evil.md", "channels: [mastodon-main]\npublish_at: 2026-12-01T09:00",
                 "Hello \x1b]0;pwned\x07world \x1b[2J\x1b[31mred\n")
    project.commit("evil")
    result = cli("preview", "evil", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Hello world red" in result.stdout
