"""`socialops metrics collect` as a user runs it, against a Mastodon server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml

from tests.conftest import git
from tests.metrics.conftest import CHANNELS, NOW, Repo


class Mastodon(BaseHTTPRequestHandler):
    token = "tok-cli"
    counts: dict[str, int] = {}  # noqa: RUF012

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {self.token}":
            return self._send(401, {"error": "The access token is invalid"})
        if self.path.startswith("/api/v1/statuses?"):
            ids = [part.split("=", 1)[1] for part in self.path.split("?", 1)[1].split("&")]
            return self._send(200, [{"id": i, "favourites_count": self.counts[i], "reblogs_count": 1,
                                     "replies_count": 0} for i in ids if i in self.counts])
        if self.path == "/api/v1/accounts/verify_credentials":
            return self._send(200, {"id": "1", "acct": "acme", "followers_count": 42})
        return self._send(404, {"error": "Record not found"})

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Mastodon)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_collect_from_the_command_line_then_a_revoked_token_exits_1(repo: Repo, server: str, cli: Any) -> None:
    channels = {"mastodon-main": {**CHANNELS["mastodon-main"], "instance": server}}
    repo.write("socialops.yaml", yaml.safe_dump({"timezone": "Europe/Berlin", "channels": channels}))
    repo.publish("launch", "mastodon-main", "101", NOW - timedelta(hours=3))
    repo.commit()
    Mastodon.counts = {"101": 17}
    ok = cli("metrics", "collect", "--now", "2026-06-10T08:00+02:00", cwd=repo.root, env={"MASTODON_TOKEN": "tok-cli"})
    assert ok.exit_code == 0, ok.output
    assert "mastodon-main (mastodon): 1 post read, 42 followers" in ok.stdout
    assert "(committed and pushed)" in ok.stdout
    assert '"value":17' in git(repo.remote, "show", "main:.socialops/metrics/2026/06/10.jsonl")
    refused = cli("metrics", "collect", "--now", "2026-06-11T08:00+02:00", "--format", "json", cwd=repo.root,
                  env={"MASTODON_TOKEN": "tok-revoked"})
    assert refused.exit_code == 1
    report = json.loads(refused.stdout)
    assert report["version"] == 1 and report["failed"] is True
    (channel,) = report["channels"]
    assert channel["status"] == "refused" and channel["left"] == 1
    assert "401 The access token is invalid" in channel["message"] and "tok-revoked" not in refused.output
    assert (repo.root / ".socialops/metrics/2026/06/10.jsonl").exists()


def test_bad_since_and_unknown_channel_are_usage_errors(repo: Repo, cli: Any) -> None:
    repo.commit()
    bad = cli("metrics", "collect", "--since", "soon", cwd=repo.root)
    assert bad.exit_code == 2 and "--since: 'soon' is not a duration" in bad.stderr and "Traceback" not in bad.stderr
    unknown = cli("metrics", "collect", "--channel", "nope", cwd=repo.root)
    assert unknown.exit_code == 2 and "unknown channel(s) nope" in unknown.stderr


def test_status_says_when_metrics_were_last_collected(repo: Repo, server: str, cli: Any) -> None:
    channels = {"mastodon-main": {**CHANNELS["mastodon-main"], "instance": server}}
    repo.write("socialops.yaml", yaml.safe_dump({"timezone": "Europe/Berlin", "channels": channels}))
    repo.publish("launch", "mastodon-main", "101", NOW - timedelta(hours=3))
    repo.commit()
    before = cli("status", "--now", "2026-06-10T08:00+02:00", cwd=repo.root)
    assert "metrics never collected (socialops metrics collect)" in before.stdout
    assert json.loads(cli("status", "--format", "json", cwd=repo.root).stdout)["metrics"] == {"last_collected": None}
    Mastodon.counts = {"101": 1}
    cli("metrics", "collect", "--now", "2026-06-10T08:00+02:00", cwd=repo.root, env={"MASTODON_TOKEN": "tok-cli"})
    after = cli("status", "--now", "2026-06-10T08:30+02:00", cwd=repo.root)
    # kept in UTC (06:00Z), shown in the project's timezone (Europe/Berlin) like every time status shows
    assert "metrics last collected 2026-06-10T08:00+02:00" in after.stdout
    assert json.loads(cli("status", "--format", "json", cwd=repo.root).stdout)["metrics"] == {
        "last_collected": "2026-06-10T08:00+02:00"}
    repo.write("socialops.yaml", yaml.safe_dump({"timezone": "America/New_York", "channels": channels}))
    assert "metrics last collected 2026-06-10T02:00-04:00" in cli("status", cwd=repo.root).stdout


class LinkedInMember(BaseHTTPRequestHandler):
    """LinkedIn's Posts API: `GET /rest/posts/{urn}` answers 200 for a post that is there."""

    def do_GET(self) -> None:
        Mastodon._send(self, 200 if self.path.startswith("/rest/posts/") else 404, {"id": "urn:li:share:1"})  # type: ignore[arg-type]

    def log_message(self, *args: Any) -> None:
        pass


def test_a_linkedin_member_channel_says_its_analytics_are_partner_only(repo: Repo, cli: Any) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), LinkedInMember)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        channels = {"linkedin-me": {"platform": "linkedin", "api": f"http://127.0.0.1:{httpd.server_address[1]}",
                                    "author": "urn:li:person:abc", "token_env": "LI_TOKEN"}}
        repo.write("socialops.yaml", yaml.safe_dump({"timezone": "Europe/Berlin", "channels": channels}))
        repo.publish("launch", "linkedin-me", "urn:li:share:1", NOW - timedelta(hours=3))
        repo.commit()
        out = cli("metrics", "collect", "--now", "2026-06-10T08:00+02:00", "--no-push", cwd=repo.root,
                  env={"LI_TOKEN": "tok-li", "COLUMNS": "400"})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert out.exit_code == 0, out.output
    text = " ".join(out.stdout.split())
    assert "analytics of a member's own (personal) posts to approved partners only" in text
    assert "recorded as missing (never 0)" in text and "no follower count" in text
    rows = [json.loads(line) for line in repo.lines("2026/06/10")]
    assert {r["value"] for r in rows} == {None} and not any(r["metric"] == "followers" for r in rows)


def test_init_writes_a_daily_metrics_workflow_with_least_permissions(tmp_path: Any, cli: Any) -> None:
    assert cli("init", "demo", cwd=tmp_path).exit_code == 0
    flow = yaml.safe_load((tmp_path / "demo/.github/workflows/metrics.yml").read_text())
    trigger = flow[True]  # YAML 1.1 reads the key `on` as true
    assert trigger["schedule"] == [{"cron": "17 5 * * *"}] and "workflow_dispatch" in trigger
    assert flow["permissions"] == {} and flow["concurrency"] == {"group": "socialops-metrics", "cancel-in-progress": False}
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {"contents": "write"} and job["environment"] == "socialops"  # publish's secrets
    assert job["steps"][-1]["run"] == "socialops metrics collect"


def test_a_project_without_metrics_platforms_is_not_told_to_collect(repo: Repo, cli: Any) -> None:
    """Feeds, Discord, Slack and webhooks have no counts: `status` does not ask for a collect
    that would find nothing, and an empty report does not print the legend of empty columns."""
    repo.write("socialops.yaml", yaml.safe_dump({"timezone": "UTC", "channels": {
        "feed": {"platform": "feed", "path": "feed.xml", "url": "https://example.com"}}}))
    repo.commit()
    status = cli("status", "--now", "2026-06-10T08:00Z", cwd=repo.root)
    assert status.exit_code == 0, status.output
    assert "metrics" not in status.stdout
    report = cli("metrics", "report", cwd=repo.root)
    assert report.exit_code == 0, report.output
    assert "run socialops metrics collect first" in report.stdout
    assert "er_follower" not in report.stdout  # the legend explains columns there are none of
