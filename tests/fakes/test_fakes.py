"""The fakes' own fault switches behave as documented (other tests rely on them)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.fakes.servers import Fakes


def _post(fakes: Fakes, client: httpx.Client, text: str) -> httpx.Response:
    token = fakes.env()["MASTODON_TOKEN"]
    return client.post(f"{fakes.mastodon.url}/api/v1/statuses", data={"status": text},
                       headers={"Authorization": f"Bearer {token}"})


def test_status_fault_before_and_after_the_post_is_created(fakes: Fakes) -> None:
    with httpx.Client(timeout=2) as client:
        fakes.mastodon.fail(503)
        assert _post(fakes, client, "one").status_code == 503
        assert fakes.mastodon.texts() == []
        fakes.mastodon.fail(502, after=True)
        assert _post(fakes, client, "two").status_code == 502
        assert fakes.mastodon.texts() == ["two"]
        assert _post(fakes, client, "three").status_code == 200


def test_accept_then_timeout_creates_the_post_and_answers_too_late(fakes: Fakes) -> None:
    fakes.mastodon.accept_then_timeout(hang=2)
    with httpx.Client(timeout=0.3) as client, pytest.raises(httpx.ReadTimeout):
        _post(fakes, client, "late")
    assert fakes.mastodon.texts() == ["late"]


def test_create_then_drop_closes_the_connection_after_creating(fakes: Fakes) -> None:
    fakes.mastodon.create_then_drop()
    with httpx.Client(timeout=2) as client, pytest.raises(httpx.RemoteProtocolError):
        _post(fakes, client, "dropped")
    assert fakes.mastodon.texts() == ["dropped"]


def test_rate_limit_uses_the_platform_headers(fakes: Fakes) -> None:
    fakes.mastodon.rate_limit(30)
    fakes.discord.rate_limit(2.5)
    with httpx.Client(timeout=2) as client:
        answer = _post(fakes, client, "x")
        hook = client.post(fakes.env()["DISCORD_WEBHOOK_URL"], json={"content": "x"})
    assert answer.status_code == 429 and answer.headers["x-ratelimit-remaining"] == "0"
    assert answer.headers["x-ratelimit-reset"].endswith("Z")
    assert hook.status_code == 429 and hook.json()["retry_after"] == 2.5
    assert hook.headers["retry-after"] == "3"


def test_latency_is_added_to_every_answer(fakes: Fakes) -> None:
    fakes.slack.latency = 0.2
    with httpx.Client(timeout=2) as client:
        started = time.monotonic()
        assert client.post(fakes.env()["SLACK_WEBHOOK_URL"], json={"text": "hi"}).text == "ok"
    assert time.monotonic() - started >= 0.2


def test_x_rejects_a_request_without_a_valid_oauth_signature(fakes: Fakes) -> None:
    with httpx.Client(timeout=2) as client:
        answer = client.get(f"{fakes.x.url}/2/users/me",
                            headers={"Authorization": 'OAuth oauth_consumer_key="k", oauth_signature="bad"'})
    assert answer.status_code == 401
    assert answer.json()["title"] == "Unauthorized"
