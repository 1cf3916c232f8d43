"""`socialops remind`: drafts on main, held posts and open pull requests due soon."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import ProjectDir, git
from tests.github_fake.server import FakeGitHub
from tests.review.conftest import github_env

NOW = "2026-12-01T08:00"  # Europe/Berlin
ROLES = """\
roles:
  manager: [dana]
  writers: [acme/writers]
"""


def post(channels: str, at: str, status: str = "ready", extra: str = "") -> str:
    return f"---\nchannels: {channels}\npublish_at: {at}\nstatus: {status}\n{extra}---\nHello there.\n"


@pytest.fixture
def waiting(approval_project: ProjectDir, fake: FakeGitHub) -> ProjectDir:
    """Two drafts and a directly pushed post on main; two open pull requests."""
    p = approval_project
    p.write("socialops.yaml", (p.root / "socialops.yaml").read_text() + ROLES)
    git(p.root, "commit", "-q", "--amend", "--no-edit", "-a")  # the first, trusted policy
    p.write("posts/draft-soon.md", post("[mastodon-main]", "2026-12-01T13:00", "draft", "author: carol\n"))
    p.write("posts/draft-later.md", post("[mastodon-main]", "2026-12-05T13:00", "draft"))
    p.write("posts/pushed.md", post("[mastodon-main]", "2026-12-01T10:00"))
    p.commit("posts on main")
    soon = post("[linkedin-company]", "2026-12-01T18:00")
    fake.add_pull(12, "c" * 40, merged=False, files={"posts/pr-soon.md": soon, "README.md": "x"})
    fake.add_pull(13, "d" * 40, merged=False, files={"posts/pr-later.md": post("[feed]", "2026-12-09T09:00")})
    fake.pulls[12]["requested_reviewers"] = [{"login": "zoe"}]
    fake.review(12, "alice", "APPROVED", "c" * 40)
    return p


def test_lists_what_waits_and_who_must_act(waiting: ProjectDir, fake: FakeGitHub, cli) -> None:
    result = cli("remind", "--now", NOW, cwd=waiting.root, env=github_env(fake))
    assert result.exit_code == 0, result.output
    sha = git(waiting.root, "rev-parse", "--short=7", "HEAD").strip()
    assert result.stdout.splitlines() == [
        "posts/pushed.md: due 2026-12-01 10:00 CET (in 2h) on mastodon-main; held: posts/pushed.md "
        f"reached the default branch without a pull request (commit {sha} was pushed directly, or "
        "merged from a pull request into another branch than main); bring the change in through "
        "a reviewed pull request into main; who must act: dana",
        "posts/draft-soon.md: due 2026-12-01 13:00 CET (in 5h) on mastodon-main; a draft on the "
        "default branch: finish it, set status: ready and bring it in through a pull request; who "
        "must act: carol",
        "posts/pr-soon.md: due 2026-12-01 18:00 CET (in 10h) on linkedin-company; in pull request "
        "#12, not approved yet (linkedin-company needs 2 from acme/brand, alice; approvals on the final "
        "commit: alice); who must act: acme/brand, alice",
    ]
    assert fake.calls("POST") == []


def test_json_output(waiting: ProjectDir, fake: FakeGitHub, cli) -> None:
    result = cli("remind", "--now", NOW, "--within", "12h", "--format", "json", cwd=waiting.root,
                 env=github_env(fake))
    data = json.loads(result.stdout)
    assert [(r["path"], r["pr"], r["who"]) for r in data["reminders"]] == [
        ("posts/pushed.md", None, ["dana"]), ("posts/draft-soon.md", None, ["carol"]),
        ("posts/pr-soon.md", 12, ["acme/brand", "alice"])]
    assert data["reminders"][2]["pr_url"] == "https://github.example/acme/content/pull/12"


def test_a_short_window_leaves_later_posts_out(waiting: ProjectDir, fake: FakeGitHub, cli) -> None:
    result = cli("remind", "--now", NOW, "--within", "3h", cwd=waiting.root, env=github_env(fake))
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["posts/pushed.md"]


def test_notify_github_comments_on_the_pull_request(waiting: ProjectDir, fake: FakeGitHub, cli) -> None:
    result = cli("remind", "--now", NOW, "--notify", "github", cwd=waiting.root, env=github_env(fake))
    assert result.exit_code == 0, result.output
    assert [c.path for c in fake.calls("POST")] == ["/repos/acme/content/issues/12/comments"]
    assert fake.comments[12][0]["body"] == (
        "<!-- socialops-remind -->\n**Reminder from socialops:** due soon and not approved yet.\n\n"
        "- `posts/pr-soon.md`: due 2026-12-01 18:00 CET (in 10h) on `linkedin-company`\n\n"
        "@acme/brand @alice: please review.\n")
    lines = result.stdout.splitlines()
    # what has no pull request goes to the log
    assert [line.split(":")[0] for line in lines[:2]] == ["posts/pushed.md", "posts/draft-soon.md"]
    assert lines[2] == "reminded the reviewers of pull request #12"


def test_notify_github_needs_a_token(waiting: ProjectDir, cli) -> None:
    result = cli("remind", "--now", NOW, "--notify", "github", cwd=waiting.root,
                 env={"GITHUB_TOKEN": "", "GITHUB_REPOSITORY": "acme/content"})
    assert result.exit_code == 1 and "GITHUB_TOKEN is not set" in result.stderr


def test_without_github_only_the_default_branch_is_checked(waiting: ProjectDir, cli) -> None:
    result = cli("remind", "--now", NOW, cwd=waiting.root,
                 env={"GITHUB_TOKEN": "", "GITHUB_REPOSITORY": ""})
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["posts/draft-soon.md"]


class _Slack(BaseHTTPRequestHandler):
    received: list[Any]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def slack() -> Iterator[tuple[str, list[Any]]]:
    received: list[Any] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Slack,), {"received": received}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/services/T0/B0/secret", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_notify_slack_posts_one_message(waiting: ProjectDir, fake: FakeGitHub, cli, slack) -> None:
    url, received = slack
    env = {**github_env(fake), "TEAM_SLACK": url}
    result = cli("remind", "--now", NOW, "--notify", "slack", "--slack-env", "TEAM_SLACK",
                 cwd=waiting.root, env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent 3 reminders to Slack\n"
    assert url not in result.output
    assert len(received) == 1
    text = received[0]["text"]
    assert text.startswith("*Due soon and not approved yet* (socialops):\n• `posts/pushed.md`: due")
    assert text.endswith("who must act: acme/brand, alice <https://github.example/acme/content/pull/12|#12>")


def test_notify_slack_without_the_variable_explains(waiting: ProjectDir, fake: FakeGitHub, cli) -> None:
    result = cli("remind", "--now", NOW, "--notify", "slack", cwd=waiting.root,
                 env={**github_env(fake), "SLACK_WEBHOOK_URL": ""})
    assert result.exit_code == 2
    assert "--notify slack needs the webhook URL in the environment variable SLACK_WEBHOOK_URL" in result.stderr


class _GoneSlack(_Slack):
    def do_POST(self) -> None:  # Slack's answer for a webhook that was removed
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.write(b"no_service")


def test_a_slack_refusal_is_reported_without_the_webhook_url(waiting: ProjectDir, fake: FakeGitHub, cli) -> None:
    """Reminders go out through the Slack adapter: Slack's own answer, and the secret URL
    scrubbed from everything printed."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_GoneSlack,), {"received": []}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/services/T0/B0/secret"
    try:
        result = cli("remind", "--now", NOW, "--notify", "slack", cwd=waiting.root,
                     env={**github_env(fake), "SLACK_WEBHOOK_URL": url})
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert result.exit_code == 1, result.output
    assert "Slack refused the reminder" in result.stderr and "no_service" in result.stderr
    assert "secret" not in result.output and "unexpected error" not in result.stderr
