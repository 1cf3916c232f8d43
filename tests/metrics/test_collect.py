"""`socialops metrics collect`: snapshots of what is due, committed and pushed like the ledger;
rate limits, deleted posts and refused tokens handled per channel."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx

from tests.conftest import git
from tests.metrics.conftest import NOW, Repo, json_response, mastodon_status


class Platforms:
    """Mastodon and X as their documentation shows them (see test_adapter_metrics.py)."""

    def __init__(self) -> None:
        self.mastodon: dict[str, int] = {}
        self.x: dict[str, int] = {}
        self.faults: dict[str, httpx.Response] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host in self.faults:
            return self.faults[host]
        if request.url.path == "/api/v1/statuses":
            ids = request.url.params.get_list("id[]")
            return json_response(200, [mastodon_status(i, self.mastodon[i]) for i in ids if i in self.mastodon])
        if request.url.path == "/api/v1/accounts/verify_credentials":
            return json_response(200, {"id": "1", "acct": "acme", "followers_count": 100 + len(self.mastodon)})
        if request.url.path == "/2/tweets":
            ids = request.url.params["ids"].split(",")
            return json_response(200, {"data": [{"id": i, "public_metrics": {
                "like_count": self.x[i], "retweet_count": 1, "reply_count": 0, "quote_count": 0,
                "bookmark_count": 0, "impression_count": 10 * self.x[i]}} for i in ids if i in self.x]})
        if request.url.path == "/2/users/me":
            return json_response(200, {"data": {"id": "7", "public_metrics": {"followers_count": 900}}})
        return json_response(404, {"error": "no such route"})


def rows(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


def test_a_snapshot_of_the_due_parts_is_sorted_committed_and_pushed(repo: Repo) -> None:
    fake = Platforms()
    fake.mastodon = {"101": 5, "102": 9, "103": 1}
    repo.handler = fake
    repo.publish("launch", "mastodon-main", "101", NOW - timedelta(hours=2))
    repo.publish("older", "mastodon-main", "102", NOW - timedelta(days=3, hours=1))
    repo.publish("fresh", "mastodon-main", "103", NOW - timedelta(minutes=20))  # not 1 h old yet
    repo.commit()
    result = repo.collect()
    assert not result.failed and result.pushed
    lines = repo.lines("2026/06/10")
    assert lines[:6] == [
        '{"channel":"mastodon-main","metric":"followers","platform":"mastodon","time":"2026-06-10T06:00:00Z","value":103}',
        '{"channel":"mastodon-main","metric":"likes","part":0,"platform":"mastodon","post":"launch","time":"2026-06-10T06:00:00Z","value":5}',
        '{"channel":"mastodon-main","metric":"quotes","part":0,"platform":"mastodon","post":"launch","time":"2026-06-10T06:00:00Z","value":0}',
        '{"channel":"mastodon-main","metric":"replies","part":0,"platform":"mastodon","post":"launch","time":"2026-06-10T06:00:00Z","value":0}',
        '{"channel":"mastodon-main","metric":"reposts","part":0,"platform":"mastodon","post":"launch","time":"2026-06-10T06:00:00Z","value":0}',
        '{"channel":"mastodon-main","metric":"likes","part":0,"platform":"mastodon","post":"older","time":"2026-06-10T06:00:00Z","value":9}']
    assert len(lines) == 10 and "fresh" not in "".join(lines)
    # X has no post due but its followers are recorded; the feed has no metrics at all.
    assert [c.status for c in result.channels] == ["no-metrics", "ok", "ok"]
    assert result.channels[2].followers == 900 and not (repo.root / ".socialops/metrics/2026/06/11.jsonl").exists()
    assert repo.remote_lines("2026/06/10") == lines
    assert git(repo.remote, "log", "-1", "--format=%s", "main").strip() == \
        "socialops: metrics snapshot of 2026-06-10T06:00:00Z"
    # An hour later only the post that was too young is due; the followers are read again.
    fake.mastodon["101"] = 6
    later = repo.collect(NOW + timedelta(hours=1))
    assert sum(c.sampled for c in later.channels) == 1
    new = rows(repo.lines("2026/06/10")[len(lines):])
    assert {(r.get("post"), r["metric"]) for r in new} == {
        (None, "followers"), *(("fresh", m) for m in ("likes", "reposts", "replies", "quotes"))}


def test_each_age_is_sampled_once_and_a_missed_run_is_caught_up_at_the_real_time(repo: Repo) -> None:
    fake = Platforms()
    fake.mastodon = {"101": 1}
    repo.handler = fake
    published = NOW - timedelta(hours=2)
    repo.publish("launch", "mastodon-main", "101", published)
    repo.commit()
    samples = []
    # daily runs at 06:00 for three weeks, except days 4-9 (the CI's schedule was off)
    for day in range(22):
        if 4 <= day <= 9:
            continue
        fake.mastodon["101"] += 1
        result = repo.collect(NOW + timedelta(days=day))
        if result.channels[1].sampled:
            samples.append(day)
    # ages 1h (day 0), 1d, 2d, 3d; 7d missed (run off) -> caught up on day 10; 14d on day 14
    assert samples == [0, 1, 2, 3, 10, 14]
    caught_up = [r for r in rows(repo.lines("2026/06/20")) if r.get("metric") == "likes"]
    assert caught_up == [{"channel": "mastodon-main", "metric": "likes", "part": 0, "platform": "mastodon",
                          "post": "launch", "time": "2026-06-20T06:00:00Z", "value": 6}]


def test_a_deleted_post_is_recorded_once_and_not_asked_for_again(repo: Repo) -> None:
    fake = Platforms()
    fake.mastodon = {"101": 4}
    repo.handler = fake
    repo.publish("gone", "mastodon-main", "102", NOW - timedelta(hours=2))
    repo.publish("here", "mastodon-main", "101", NOW - timedelta(hours=2))
    repo.commit()
    result = repo.collect()
    assert result.channels[1].deleted == 1 and result.channels[1].sampled == 1 and not result.failed
    assert ('{"channel":"mastodon-main","metric":"status","part":0,"platform":"mastodon","post":"gone",'
            '"time":"2026-06-10T06:00:00Z","value":"deleted"}') in repo.lines("2026/06/10")
    repo.requests.clear()
    repo.collect(NOW + timedelta(days=1))
    (statuses,) = [r for r in repo.requests if r.url.path == "/api/v1/statuses"]
    assert statuses.url.params.get_list("id[]") == ["101"]


def test_a_rate_limited_channel_stops_and_says_when_to_resume_while_the_others_go_on(repo: Repo) -> None:
    fake = Platforms()
    fake.x = {"9": 3}
    fake.faults["m.example"] = json_response(429, {"error": "Too many requests"},
                                             {"X-RateLimit-Reset": "2026-06-10T06:05:00.000Z",
                                              "Date": "Wed, 10 Jun 2026 06:00:00 GMT"})
    repo.handler = fake
    repo.publish("a", "mastodon-main", "101", NOW - timedelta(hours=2))
    repo.publish("b", "x-main", "9", NOW - timedelta(hours=2))
    repo.commit()
    result = repo.collect()
    masto, x = result.channels[1], result.channels[2]
    assert (masto.status, masto.left, masto.resume_at) == ("rate-limited", 1, "2026-06-10T08:05+02:00") or \
        (masto.status, masto.left) == ("rate-limited", 1)
    assert masto.resume_at is not None and "run again after" in (masto.message or "")
    assert (x.status, x.sampled, x.followers) == ("ok", 1, 900)
    assert not result.failed  # the next run catches up
    assert any('"post":"b"' in line for line in repo.lines("2026/06/10"))
    # the next day the limit is gone: the mastodon post is read then
    del fake.faults["m.example"]
    fake.mastodon = {"101": 2}
    assert repo.collect(NOW + timedelta(days=1)).channels[1].sampled == 1


def test_a_refused_token_fails_its_channel_and_keeps_every_earlier_snapshot(repo: Repo) -> None:
    fake = Platforms()
    fake.mastodon = {"101": 1}
    fake.x = {"9": 1}
    repo.handler = fake
    repo.publish("a", "mastodon-main", "101", NOW - timedelta(hours=2))
    repo.publish("b", "x-main", "9", NOW - timedelta(hours=2))
    repo.commit()
    repo.collect()
    before = repo.lines("2026/06/10")
    fake.faults["x.example"] = json_response(401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
    fake.mastodon["101"] = 2
    result = repo.collect(NOW + timedelta(days=1))
    x = result.channels[2]
    assert result.failed and x.status == "refused" and x.left == 1
    assert "expired or been revoked" in (x.message or "") and "every earlier snapshot is kept" in (x.message or "")
    assert repo.lines("2026/06/10") == before == repo.remote_lines("2026/06/10")
    assert any('"post":"a"' in line for line in repo.remote_lines("2026/06/11"))  # mastodon went on


def test_a_missing_secret_fails_that_channel_only(repo: Repo) -> None:
    fake = Platforms()
    fake.mastodon = {"101": 1}
    repo.handler = fake
    repo.publish("a", "mastodon-main", "101", NOW - timedelta(hours=2))
    repo.commit()
    result = repo.collect(env={"MASTODON_TOKEN": "tok-m"})
    assert result.failed and result.channels[2].status == "failed" and "XK" in (result.channels[2].message or "")
    assert result.channels[1].sampled == 1


def test_a_push_rejected_because_another_run_wrote_the_same_day_re_applies_on_top(repo: Repo) -> None:
    fake = Platforms()
    fake.mastodon = {"101": 1}
    repo.publish("a", "mastodon-main", "101", NOW - timedelta(hours=2))
    repo.commit()
    other = repo.tmp / "other"
    git(repo.tmp, "clone", "-q", str(repo.remote), str(other))
    theirs = '{"channel":"x-main","metric":"followers","platform":"x","time":"2026-06-10T05:59:00Z","value":1}'

    def racing(request: httpx.Request) -> httpx.Response:
        if not (other / ".socialops/metrics").exists():  # another run pushes its snapshot meanwhile
            (other / ".socialops/metrics/2026/06").mkdir(parents=True)
            (other / ".socialops/metrics/2026/06/10.jsonl").write_text(theirs + "\n")
            git(other, "add", "-A")
            git(other, "commit", "-q", "-m", "their snapshot")
            git(other, "push", "-q", "origin", "main")
        return fake(request)

    repo.handler = racing
    result = repo.collect(channels=frozenset({"mastodon-main"}))
    assert result.pushed
    remote = repo.remote_lines("2026/06/10")
    assert remote[0] == theirs and len(remote) == 6
    assert git(repo.remote, "log", "--format=%s", "main").splitlines()[:2] == [
        "socialops: metrics snapshot of 2026-06-10T06:00:00Z", "their snapshot"]
