"""X link clicks (non_public_metrics.url_link_clicks): read in user context for the
account's posts younger than 30 days, missing (never 0) for older ones, against the X fake
on 127.0.0.1 (tests/fakes/x.py, which answers as docs.x.com's metrics page says)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import yaml

from socialops.model import Project
from socialops.publish.metrics.collect import CollectOptions, collect
from socialops.publish.metrics.report import LEGEND, report
from tests.fakes.core import StoredPost
from tests.fakes.x import FakeX
from tests.metrics.conftest import CHANNELS, ENV, Repo

KEYS = ("k", "s", "t", "a")  # ENV's XK, XS, XT, XA


@pytest.fixture
def fake() -> Iterator[FakeX]:
    server = FakeX(*KEYS)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_clicks_for_posts_under_30_days_missing_after(repo: Repo, fake: FakeX) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    channels = {"x-main": {**CHANNELS["x-main"], "api": fake.url}}
    repo.write("socialops.yaml", yaml.safe_dump({"timezone": "Europe/Berlin", "channels": channels}))
    # young: 5 days; old: 40 days; skewed: 20 days by our ledger, 31 by X's clock
    for tweet, days, x_days in (("1001", 5, 5), ("1002", 40, 40), ("1003", 20, 31)):
        at = now - timedelta(days=days)
        repo.publish(f"p{tweet}", "x-main", tweet, at)
        fake.posts[tweet] = StoredPost(tweet, f"post {tweet}", created=(now - timedelta(days=x_days)).timestamp())
        fake.counts[tweet] = {"like_count": 7, "impression_count": 900}
        fake.clicks[tweet] = 12
    fake.followers = 321
    repo.commit()
    result = collect(Project.load(repo.root), CollectOptions(
        now=now, clock=lambda: now, environ=ENV, push=False, client_factory=lambda channel: httpx.Client()))
    assert not result.failed, result.as_dict()
    asked = [(r.method, r.path, r.query.get("ids"), r.query.get("tweet.fields")) for r in fake.requests]
    assert asked == [
        ("GET", "/2/tweets", ["1001,1003"], ["public_metrics,non_public_metrics"]),
        ("GET", "/2/tweets", ["1002,1003"], ["public_metrics"]),  # 1003: X refused its clicks
        ("GET", "/2/users/me", None, None),
    ]
    rows = [json.loads(line) for line in repo.lines(f"{now:%Y/%m/%d}")]
    clicks = {r["post"]: r["value"] for r in rows if r["metric"] == "clicks"}
    assert clicks == {"p1001": 12, "p1002": None, "p1003": None}  # missing, never 0
    assert {r["value"] for r in rows if r["metric"] == "followers"} == {321}
    posts = {p["post"]: p for p in report(Project.load(repo.root), now, "post")["posts"]}
    assert posts["p1001"]["metrics"]["clicks"] == 12 and posts["p1002"]["metrics"]["clicks"] is None
    assert posts["p1001"]["interactions"] == 7  # clicks are counted apart
    assert "X" in LEGEND["clicks"] and "30 days" in LEGEND["clicks"]


def test_the_fake_refuses_non_public_metrics_of_old_posts_as_the_docs_say(fake: FakeX) -> None:
    """docs.x.com fundamentals/metrics: non-public metrics only for posts created within
    the last 30 days; the others receive an error."""
    now = datetime.now(UTC)
    fake.posts["1"] = StoredPost("1", "old", created=(now - timedelta(days=31)).timestamp())
    from authlib.oauth1 import ClientAuth

    from socialops.adapters.x import OAuth1

    auth: Any = OAuth1(ClientAuth(*KEYS))
    body = httpx.get(f"{fake.url}/2/tweets", params={"ids": "1", "tweet.fields": "public_metrics,non_public_metrics"},
                     auth=auth).json()
    assert "data" not in body and body["errors"][0]["type"].endswith("/not-authorized-for-field")
