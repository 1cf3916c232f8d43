"""The shared pieces of the HTTP adapters: base URLs, rate-limit times, lookups' cut-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from socialops.adapters import ChannelSetupError
from socialops.adapters.base import OutgoingPart, base_url
from socialops.adapters.calls import Http, lookup_since, retry_after
from socialops.model import Channel


@pytest.mark.parametrize("url", ["https://mastodon.example/", "http://127.0.0.1:8080", "http://127.9.9.9",
                                 "http://localhost:3000/api", "http://[::1]:9000"])
def test_https_anywhere_and_plain_http_only_to_this_machine(url: str) -> None:
    assert base_url(Channel("m", "mastodon", {"instance": url}), "instance", None) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://mastodon.example", "http://10.0.0.1", "ftp://127.0.0.1", "mastodon.example"])
def test_anything_else_is_refused_with_the_option_named(url: str) -> None:
    with pytest.raises(ChannelSetupError) as refused:
        base_url(Channel("masto", "mastodon", {"instance": url}), "instance", None)
    assert str(refused.value) == (f"channel 'masto': `instance: {url}` must be an https:// URL (plain http:// "
                                  "only for a server on this machine: 127.0.0.1, localhost or ::1)")


def test_the_public_default_applies_and_a_missing_required_url_says_what_to_add() -> None:
    assert base_url(Channel("x", "x", {}), "api", "https://api.x.com") == "https://api.x.com"
    with pytest.raises(ChannelSetupError, match=r"channel 'hook' needs `url:` in socialops\.yaml"):
        base_url(Channel("hook", "webhook", {}), "url", None)


DATE = "Sat, 21 Nov 2026 10:00:00 GMT"


@pytest.mark.parametrize(("headers", "body", "seconds"), [
    ({"Retry-After": "12"}, None, 12.0),
    ({"Retry-After": "Sat, 21 Nov 2026 10:01:00 GMT", "Date": DATE}, None, 60.0),
    ({"X-RateLimit-Reset-After": "2.5"}, None, 2.5),
    ({"X-RateLimit-Reset": "2026-11-21T10:00:45Z", "Date": DATE}, None, 45.0),
    ({"x-rate-limit-reset": "1795255215", "Date": DATE}, None, 15.0),
    ({"RateLimit-Reset": "7"}, None, 7.0),
    ({}, {"retry_after": 1.25, "global": False}, 1.25),
    ({}, {"ok": False, "parameters": {"retry_after": 9}}, 9.0),
    ({}, {"error": "slow down"}, None),
])
def test_retry_after_reads_every_platforms_way_of_saying_when(headers: dict[str, str], body: object,
                                                              seconds: float | None) -> None:
    response = httpx.Response(429, headers=headers, json=body)
    assert retry_after(response, body) == seconds


def test_a_lookup_reads_back_to_the_due_time_unless_that_is_still_ahead() -> None:
    due = datetime.now(UTC) - timedelta(hours=1)
    part = OutgoingPart("p", "c", 0, "text", published_at=due)
    assert lookup_since(part) == (due - timedelta(seconds=120)).replace(microsecond=due.microsecond)
    ahead = OutgoingPart("p", "c", 0, "text", published_at=datetime.now(UTC) + timedelta(days=3))
    assert lookup_since(ahead) is None  # publish --now in the future: clocks not comparable
    assert lookup_since(OutgoingPart("p", "c", 0, "text")) is None


def test_scrub_hides_secrets_their_url_encoding_and_webhook_path_parts() -> None:
    http = Http(httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200))), "Discord",
                ["https://discord.com/api/webhooks/123/abcdefghijkl", "tok en/1"])
    text = "https://discord.com/api/webhooks/123/abcdefghijkl then abcdefghijkl then tok%20en%2F1 and tok en/1"
    assert http.scrub(text) == "[secret] then [secret] then [secret] and [secret]"
