"""The Threads adapter: container, then threads_publish, then the permalink."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from socialops.adapters.base import PlatformError, PublishedRef
from tests.adapters import platform_kit
from tests.adapters.platform_kit import Mock, adapter, media_files, part, recorded
from tests.fakes.servers import Fakes

fakes = platform_kit.fakes

OPTIONS = {"user_id": "1234", "token_env": "THREADS_TOKEN"}
SECRETS = {"token": "th-token-123"}
BASE = "https://graph.threads.net/v1.0"


def test_a_text_reply_is_a_container_then_a_publish_then_the_permalink(tmp_path: Path) -> None:
    with Mock({"POST /v1.0/1234/threads": (200, {"id": "c1"}),
               "GET /v1.0/c1": [(200, {"id": "c1", "status": "IN_PROGRESS"}), (200, {"id": "c1", "status": "FINISHED"})],
               "POST /v1.0/1234/threads_publish": (200, {"id": "m1"}),
               "GET /v1.0/m1": (200, {"id": "m1", "permalink": "https://www.threads.net/@acme/post/X"})}) as mock:
        ref = adapter("threads", OPTIONS, SECRETS, mock.client, tmp_path).publish(
            part("Second", 1, reply_to=PublishedRef("m0"), options={"topic_tag": "launch"}))
    assert ref == PublishedRef("m1", "https://www.threads.net/@acme/post/X")
    # Meta: wait until the container is ready before publishing it, text ones too
    status = f"GET {BASE}/c1?fields=status%2Cerror_message"
    assert mock.lines() == [f"POST {BASE}/1234/threads", status, status, f"POST {BASE}/1234/threads_publish",
                            f"GET {BASE}/m1?fields=permalink"]
    assert recorded(mock.requests[0]).fields() == {"media_type": "TEXT", "text": "Second", "reply_to_id": "m0",
                                                   "topic_tag": "launch"}
    assert recorded(mock.requests[3]).fields() == {"creation_id": "c1"}
    assert all(r.headers["Authorization"] == "Bearer th-token-123" for r in mock.requests)
    assert all("th-token-123" not in str(r.url) for r in mock.requests)


def test_media_needs_a_public_base_url(tmp_path: Path) -> None:
    shot, _ = media_files(tmp_path)
    with Mock({}) as mock, pytest.raises(PlatformError) as failed:
        adapter("threads", OPTIONS, SECRETS, mock.client, tmp_path).publish(part(media=(shot,)))
    assert "set `media_base_url:` on channel 'chan'" in failed.value.message
    assert not failed.value.retryable and mock.requests == []


def test_two_images_make_a_carousel_of_polled_items(tmp_path: Path) -> None:
    shot, photo = media_files(tmp_path)
    containers = [(200, {"id": "i1"}), (200, {"id": "i2"}), (200, {"id": "car"})]
    with Mock({"POST /v1.0/1234/threads": containers,
               "GET /v1.0/i1": [(200, {"status": "IN_PROGRESS"}), (200, {"status": "FINISHED"})],
               "GET /v1.0/i2": (200, {"status": "FINISHED"}), "GET /v1.0/car": (200, {"status": "FINISHED"}),
               "POST /v1.0/1234/threads_publish": (200, {"id": "m1"}),
               "GET /v1.0/m1": (200, {"permalink": "https://www.threads.net/@acme/post/Y"})}) as mock:
        adapter("threads", {**OPTIONS, "media_base_url": "https://raw.example/acme/social/main"}, SECRETS,
                mock.client, tmp_path).publish(part("Look", media=(shot, photo)))
    creates = [recorded(r).fields() for r in mock.requests if r.url.path.endswith("/threads")]
    assert creates == [
        {"media_type": "IMAGE", "image_url": "https://raw.example/acme/social/main/media/shot.png",
         "alt_text": "A screenshot of the calendar", "is_carousel_item": "true"},
        {"media_type": "IMAGE", "image_url": "https://raw.example/acme/social/main/media/photo.jpg",
         "alt_text": "The team at the launch", "is_carousel_item": "true"},
        {"media_type": "CAROUSEL", "children": "i1,i2", "text": "Look"}]
    assert f"GET {BASE}/i1?fields=status%2Cerror_message" in mock.lines()


def test_a_media_error_says_why_and_a_rate_limit_code_is_retryable(tmp_path: Path) -> None:
    shot, _ = media_files(tmp_path)
    with Mock({"POST /v1.0/1234/threads": (200, {"id": "c1"}),
               "GET /v1.0/c1": (200, {"status": "ERROR", "error_message": "Media download failed"})}) as mock, pytest.raises(PlatformError) as failed:
        adapter("threads", {**OPTIONS, "media_base_url": "https://raw.example/"}, SECRETS,
                mock.client, tmp_path).publish(part(media=(shot,)))
    assert "Meta could not use the media (ERROR: Media download failed)" in failed.value.message
    limited = (400, {"error": {"message": "Application request limit reached", "code": 4, "type": "OAuthException"}})
    with Mock({"POST /v1.0/1234/threads": limited}) as mock, pytest.raises(PlatformError) as failed:
        adapter("threads", OPTIONS, SECRETS, mock.client, tmp_path).publish(part())
    assert failed.value.retryable
    assert failed.value.message.startswith("Threads: could not create the post's container: 400 "
                                           "Application request limit reached (code 4)")


def test_lookup_verify_and_delete(tmp_path: Path) -> None:
    threads = {"data": [{"id": "m2", "text": "Other"}, {"id": "m1", "text": "Hello world", "permalink": "https://t/1",
                                                        "timestamp": "2025-06-01T09:00:30+0000"}]}
    replies = {"data": [{"id": "m3", "text": "Part two", "replied_to": {"id": "m9"}}]}
    with Mock({"GET /v1.0/1234/threads": (200, threads), "GET /v1.0/1234/replies": (200, replies),
               "GET /v1.0/me": (200, {"id": "1234", "username": "acme"}),
               "DELETE /v1.0/m1": [(200, {"success": True}), (400, {"error": {
                   "message": "Object with ID 'm1' does not exist", "code": 100}})]}) as mock:
        threads_adapter = adapter("threads", {**OPTIONS, "expires": "2027-02-01"}, SECRETS, mock.client, tmp_path)
        assert threads_adapter.lookup(part("Hello world")) == PublishedRef("m1", "https://t/1")
        assert threads_adapter.lookup(part("Hello world", due=datetime(2025, 6, 1, 9, 5, tzinfo=UTC))) is None
        assert threads_adapter.lookup(part("Part two", 1, reply_to=PublishedRef("m8"))) is None
        assert threads_adapter.lookup(part("Part two", 1, reply_to=PublishedRef("m9"))) == PublishedRef("m3")
        verified = threads_adapter.verify()
        threads_adapter.delete(PublishedRef("m1"))
        threads_adapter.delete(PublishedRef("m1"))
    assert mock.lines()[0] == f"GET {BASE}/1234/threads?fields=id%2Ctext%2Cpermalink%2Ctimestamp%2Creplied_to&limit=100"
    assert mock.lines()[1].endswith("&limit=100&since=1748768580")
    assert verified.account == "@acme" and str(verified.expires) == "2027-02-01 00:00:00+00:00"


def test_a_token_without_threads_read_replies_is_reported_and_reply_lookups_say_why(
        fakes: Fakes, tmp_path: Path) -> None:
    options = {k: v for k, v in fakes.channels()["threads"].items() if k != "platform"}
    with httpx.Client(timeout=2) as client:
        channel = adapter("threads", options, fakes.secrets_for("threads"), client, tmp_path, "threads")
        assert "threads_read_replies" not in channel.verify().message
        first = channel.publish(part("One.", channel="threads"))
        fakes.threads.scopes.discard("threads_read_replies")
        verified = channel.verify()
        assert verified.ok and "lacks `threads_read_replies`" in verified.message
        with pytest.raises(PlatformError) as failed:
            channel.lookup(part("Two.", 1, reply_to=first, root=first, channel="threads"))
        assert failed.value.maybe_sent and "`threads_read_replies`" in failed.value.message
        assert channel.lookup(part("One.", channel="threads")) == first  # top-level posts still work
