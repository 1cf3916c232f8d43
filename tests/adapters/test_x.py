"""The X adapter signs every request with OAuth 1.0a and sends X's documented requests."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialops.adapters.base import OutgoingMedia, PlatformError, PublishedRef
from tests.adapters.platform_kit import (
    PNG,
    Mock,
    adapter,
    media_files,
    oauth_signature_ok,
    part,
    recorded,
)

OPTIONS = {"api_key_env": "K", "api_secret_env": "S", "access_token_env": "T", "access_secret_env": "A"}
SECRETS = {"api_key": "ck-123", "api_secret": "cs-456", "access_token": "at-789", "access_secret": "as-012"}


def test_publish_uploads_the_image_sets_alt_text_and_replies(tmp_path: Path) -> None:
    shot, _ = media_files(tmp_path)
    with Mock({"POST /2/media/upload": (200, {"data": {"id": "m1", "media_key": "3_m1"}}),
               "POST /2/media/metadata": (200, {"data": {"id": "m1"}}),
               "POST /2/tweets": (201, {"data": {"id": "900", "text": "Hello"}})}) as mock:
        ref = adapter("x", OPTIONS, SECRETS, mock.client, tmp_path).publish(
            part("Hello", 1, media=(shot,), reply_to=PublishedRef("899"), options={"reply_settings": "following"}))
    assert ref == PublishedRef("900", "https://x.com/i/web/status/900")
    assert mock.lines() == ["POST https://api.x.com/2/media/upload", "POST https://api.x.com/2/media/metadata",
                            "POST https://api.x.com/2/tweets"]
    upload = {p.name: p for p in recorded(mock.requests[0]).multipart()}
    assert upload["media"].data == PNG and upload["media_category"].text == "tweet_image"
    assert recorded(mock.requests[1]).json() == {
        "id": "m1", "metadata": {"alt_text": {"text": "A screenshot of the calendar"}}}
    assert recorded(mock.requests[2]).json() == {
        "text": "Hello", "media": {"media_ids": ["m1"]}, "reply": {"in_reply_to_tweet_id": "899"},
        "reply_settings": "following"}
    for request in mock.requests:
        assert request.headers["Authorization"].startswith("OAuth ")
        assert 'oauth_signature_method="HMAC-SHA1"' in request.headers["Authorization"]
        assert oauth_signature_ok(request, SECRETS)
        assert not oauth_signature_ok(request, {**SECRETS, "access_secret": "wrong"})


def test_video_goes_through_the_chunked_upload_and_waits_for_processing(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"v" * 100)
    status = [(200, {"data": {"id": "m2", "processing_info": {"state": "in_progress", "check_after_secs": 0}}}),
              (200, {"data": {"id": "m2", "processing_info": {"state": "succeeded"}}})]
    with Mock({"POST /2/media/upload/initialize": (200, {"data": {"id": "m2"}}),
               "POST /2/media/upload/m2/append": (200, {"data": {}}),
               "POST /2/media/upload/m2/finalize": (200, {"data": {"id": "m2", "processing_info": {
                   "state": "pending", "check_after_secs": 0}}}),
               "GET /2/media/upload": status,
               "POST /2/tweets": (201, {"data": {"id": "901"}})}) as mock:
        adapter("x", OPTIONS, SECRETS, mock.client, tmp_path).publish(
            part("Watch", media=(OutgoingMedia(clip, "A short demo", "video/mp4"),)))
    assert mock.lines() == [
        "POST https://api.x.com/2/media/upload/initialize", "POST https://api.x.com/2/media/upload/m2/append",
        "POST https://api.x.com/2/media/upload/m2/finalize",
        "GET https://api.x.com/2/media/upload?command=STATUS&media_id=m2",
        "GET https://api.x.com/2/media/upload?command=STATUS&media_id=m2", "POST https://api.x.com/2/tweets"]
    assert recorded(mock.requests[0]).json() == {"media_type": "video/mp4", "total_bytes": 112,
                                                 "media_category": "tweet_video"}
    assert all(oauth_signature_ok(r, SECRETS) for r in mock.requests)


def test_duplicate_content_is_a_final_error_with_xs_words(tmp_path: Path) -> None:
    body = {"detail": "You are not allowed to create a Tweet with duplicate content.", "type": "about:blank",
            "title": "Forbidden", "status": 403}
    with Mock({"POST /2/tweets": (403, body)}) as mock, pytest.raises(PlatformError) as failed:
        adapter("x", OPTIONS, SECRETS, mock.client, tmp_path).publish(part())
    assert failed.value.message == ("X: could not create the post: 403 You are not allowed to create a "
                                    "Tweet with duplicate content.")
    assert not failed.value.retryable and not failed.value.maybe_sent


def test_rate_limit_reads_the_epoch_reset_header(tmp_path: Path) -> None:
    headers = {"Date": "Sat, 21 Nov 2026 10:00:00 GMT", "x-rate-limit-reset": "1795255290",
               "x-rate-limit-remaining": "0"}
    with Mock({"POST /2/tweets": (429, {"title": "Too Many Requests", "detail": "Too Many Requests"}, headers)}) as mock, pytest.raises(PlatformError) as failed:
        adapter("x", OPTIONS, SECRETS, mock.client, tmp_path).publish(part())
    assert failed.value.retryable and failed.value.retry_after == 90.0


def test_verify_delete_and_lookup(tmp_path: Path) -> None:
    tweets = {"data": [{"id": "5", "text": "Launch &amp; more: https://t.co/abcdefghij",
                        "referenced_tweets": [{"type": "replied_to", "id": "4"}]},
                       {"id": "3", "text": "Launch &amp; more: https://t.co/abcdefghij"}]}
    with Mock({"GET /2/users/me": (200, {"data": {"id": "42", "username": "acme"}}),
               "GET /2/users/42/tweets": (200, tweets),
               "DELETE /2/tweets/5": [(200, {"data": {"deleted": True}}), (404, {"title": "Not Found Error"})]}) as mock:
        x = adapter("x", OPTIONS, SECRETS, mock.client, tmp_path)
        assert x.verify().account == "@acme"
        text = "Launch & more: acme.com/launch?x=1"
        assert x.lookup(part(text)) == PublishedRef("3", "https://x.com/i/web/status/3")
        assert x.lookup(part(text, 1, reply_to=PublishedRef("4"))) == PublishedRef("5", "https://x.com/i/web/status/5")
        assert x.lookup(part("Launch & less")) is None
        x.delete(PublishedRef("5"))
        x.delete(PublishedRef("5"))
        x.lookup(part(text, due=datetime(2025, 6, 1, 9, 0, tzinfo=UTC)))
    fields = "tweet.fields=created_at%2Creferenced_tweets%2Centities%2Cattachments"
    assert mock.lines()[1] == f"GET https://api.x.com/2/users/42/tweets?max_results=100&exclude=retweets&{fields}"
    assert mock.lines()[-1] == ("GET https://api.x.com/2/users/42/tweets?max_results=100&exclude=retweets"
                                f"&start_time=2025-06-01T08%3A58%3A00Z&{fields}")
    assert all(oauth_signature_ok(r, SECRETS) for r in mock.requests)


_SHORT_POST = """
import sys
from pathlib import Path
import httpx
from socialops.adapters.base import OutgoingPart, PublishedRef
from socialops.adapters.x import ADAPTER
from socialops.model import Channel

def answer(request):
    return httpx.Response(201, json={"data": {"id": "900", "text": "Hello"}})

options = {"platform": "x", "api_key_env": "K", "api_secret_env": "S", "access_token_env": "T",
           "access_secret_env": "A"}
keys = {"api_key": "k", "api_secret": "s", "access_token": "t", "access_secret": "a"}
with httpx.Client(transport=httpx.MockTransport(answer)) as client:
    x = ADAPTER(Channel("x", "x", options), client, keys, Path(sys.argv[1]))
    ref = x.publish(OutgoingPart("launch", "x", 0, "Hello https://acme.example/launch", (), None, None,
                                 "key-0", {}, None, None, None))
assert ref == PublishedRef("900", "https://x.com/i/web/status/900"), ref
assert "twitter_text" not in sys.modules, "twitter-text was loaded"
print("ok")
"""


def test_publishing_an_ordinary_post_to_x_does_not_load_twitter_text(tmp_path: Path) -> None:
    """twitter-text (a quarter of a second to load) is needed only to look up a post that may
    have been sent (its links), not to send one."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _SHORT_POST, str(tmp_path)], capture_output=True, text=True,
                          check=False, timeout=120, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "ok", "")
