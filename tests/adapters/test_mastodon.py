"""The Mastodon adapter sends exactly Mastodon's documented requests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from socialops.adapters.base import PlatformError, PublishedRef
from tests.adapters.platform_kit import PNG, Mock, adapter, media_files, part, recorded

OPTIONS = {"instance": "https://mastodon.example/", "token_env": "MASTODON_TOKEN"}
SECRETS = {"token": "tok-mastodon-123"}
STATUS = {"id": "111", "url": "https://mastodon.example/@acme/111", "content": "<p>x</p>"}


def test_publish_uploads_media_waits_for_processing_and_sends_the_idempotency_key(tmp_path: Path) -> None:
    shot, _ = media_files(tmp_path)
    with Mock({"POST /api/v2/media": (202, {"id": "m1", "url": None}),
               "GET /api/v1/media/m1": [(206, {"id": "m1", "url": None}), (200, {"id": "m1", "url": "https://m/1"})],
               "POST /api/v1/statuses": (200, STATUS)}) as mock:
        ref = adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path).publish(
            part("Hallo Welt", 1, media=(shot,), reply_to=PublishedRef("110"), key="idem-1", lang="de-AT",
                 options={"spoiler_text": "Launch", "visibility": "unlisted", "sensitive": True}))
    assert ref == PublishedRef("111", "https://mastodon.example/@acme/111")
    assert mock.lines() == [
        "POST https://mastodon.example/api/v2/media",
        "GET https://mastodon.example/api/v1/media/m1",
        "GET https://mastodon.example/api/v1/media/m1",
        "POST https://mastodon.example/api/v1/statuses"]
    upload = {p.name: p for p in recorded(mock.requests[0]).multipart()}
    assert upload["file"].data == PNG and upload["file"].filename == "shot.png"
    assert upload["file"].content_type == "image/png"
    assert upload["description"].text == "A screenshot of the calendar"
    create = mock.requests[-1]
    assert create.headers["Idempotency-Key"] == "idem-1"
    assert all(r.headers["Authorization"] == "Bearer tok-mastodon-123" for r in mock.requests)
    assert recorded(create).json() == {
        "status": "Hallo Welt", "media_ids": ["m1"], "in_reply_to_id": "110", "visibility": "unlisted",
        "spoiler_text": "Launch", "sensitive": True, "language": "de"}


def test_publish_without_a_key_derives_one_from_post_channel_part_and_text(tmp_path: Path) -> None:
    with Mock({"POST /api/v1/statuses": (200, STATUS)}) as mock:
        masto = adapter("mastodon", {**OPTIONS, "visibility": "private"}, SECRETS, mock.client, tmp_path)
        masto.publish(part("one", key=""))
        masto.publish(part("one", key=""))
        masto.publish(part("two", key=""))
    keys = [r.headers["Idempotency-Key"] for r in mock.requests]
    assert keys[0] == keys[1] != keys[2] and len(keys[0]) == 64
    assert recorded(mock.requests[0]).json() == {"status": "one", "visibility": "private"}


def test_delete_asks_to_delete_media_and_accepts_a_status_already_gone(tmp_path: Path) -> None:
    with Mock({"DELETE /api/v1/statuses/111": [(200, STATUS), (404, {"error": "Record not found"}),
                                              (503, {"error": "Service Unavailable"})]}) as mock:
        masto = adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path)
        masto.delete(PublishedRef("111"))
        masto.delete(PublishedRef("111"))
        with pytest.raises(PlatformError) as failed:
            masto.delete(PublishedRef("111"))
    assert mock.lines()[0] == "DELETE https://mastodon.example/api/v1/statuses/111?delete_media=true"
    assert failed.value.retryable and failed.value.status == 503


def test_verify_names_the_account(tmp_path: Path) -> None:
    with Mock({"GET /api/v1/accounts/verify_credentials": (200, {"id": "1", "acct": "acme"})}) as mock:
        result = adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path).verify()
    assert result.ok and result.account == "@acme@mastodon.example" and result.expires is None


def test_lookup_finds_the_status_by_its_rendered_text_and_parent(tmp_path: Path) -> None:
    content = ('<p>Launch day! <a href="https://acme.example/launch"><span class="invisible">https://</span>'
               '<span class="">acme.example/launch</span><span class="invisible"></span></a> with '
               '<span class="h-card"><a href="https://ex.org/@bob" class="u-url mention">@<span>bob</span></a>'
               '</span> &amp; friends</p><p>Second line<br />third</p>')
    statuses = [{"id": "7", "content": content, "in_reply_to_id": "6", "url": "https://m/7"},
                {"id": "5", "content": content, "in_reply_to_id": None, "url": "https://m/5"}]
    text = "Launch day! https://acme.example/launch with @bob@ex.org & friends\n\nSecond line\nthird"
    with Mock({"GET /api/v1/accounts/verify_credentials": (200, {"id": "42", "acct": "acme"}),
               "GET /api/v1/accounts/42/statuses": (200, statuses)}) as mock:
        masto = adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path)
        assert masto.lookup(part(text)) == PublishedRef("5", "https://m/5")
        assert masto.lookup(part(text, 1, reply_to=PublishedRef("6"))) == PublishedRef("7", "https://m/7")
        assert masto.lookup(part(text, 1, reply_to=PublishedRef("4"))) is None
        assert masto.lookup(part("Something else")) is None
    assert mock.lines()[1] == "GET https://mastodon.example/api/v1/accounts/42/statuses?limit=40"


def test_rate_limit_reads_the_iso_reset_header(tmp_path: Path) -> None:
    headers = {"Date": "Sat, 21 Nov 2026 10:00:00 GMT", "X-RateLimit-Reset": "2026-11-21T10:00:30.000Z",
               "X-RateLimit-Remaining": "0"}
    with Mock({"POST /api/v1/statuses": (429, {"error": "Too many requests"}, headers)}) as mock, pytest.raises(PlatformError) as failed:
        adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path).publish(part())
    assert failed.value.retryable and not failed.value.maybe_sent
    assert failed.value.retry_after == 30.0
    assert failed.value.message == ("Mastodon: could not create the status: 429 Too many requests "
                                    "(rate limited; try again in 30 s)")


def test_validation_error_carries_mastodons_message(tmp_path: Path) -> None:
    answer = (422, {"error": "Validation failed: Text character limit of 500 exceeded"})
    with Mock({"POST /api/v1/statuses": answer}) as mock, pytest.raises(PlatformError) as failed:
        adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path).publish(part("x" * 501))
    assert failed.value.message == ("Mastodon: could not create the status: 422 Validation failed: "
                                    "Text character limit of 500 exceeded")
    assert not failed.value.retryable and not failed.value.maybe_sent and failed.value.status == 422


def test_lookup_reads_back_page_by_page_and_stops_at_the_due_time(tmp_path: Path) -> None:
    def status(number: int, text: str, minute: int) -> dict[str, object]:
        return {"id": str(number), "content": f"<p>{text}</p>", "in_reply_to_id": None,
                "created_at": f"2025-06-01T09:{minute:02d}:00.000Z", "url": f"https://m/{number}"}

    newer = [status(200 - n, f"Other {n}", 30) for n in range(40)]
    older = [status(100, "Weekly tip", 5), status(99, "Weekly tip", 0)]  # last week's copy is older still
    with Mock({"GET /api/v1/accounts/verify_credentials": (200, {"id": "42", "acct": "acme"}),
               "GET /api/v1/accounts/42/statuses": [(200, newer), (200, older)]}) as mock:
        masto = adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path)
        found = masto.lookup(part("Weekly tip", due=datetime(2025, 6, 1, 9, 5, tzinfo=UTC)))
    assert found == PublishedRef("100", "https://m/100")
    assert mock.lines()[1:] == ["GET https://mastodon.example/api/v1/accounts/42/statuses?limit=40",
                                "GET https://mastodon.example/api/v1/accounts/42/statuses?limit=40&max_id=161"]
    with Mock({"GET /api/v1/accounts/verify_credentials": (200, {"id": "42", "acct": "acme"}),
               "GET /api/v1/accounts/42/statuses": (200, [status(99, "Weekly tip", 0)])}) as mock:
        masto = adapter("mastodon", OPTIONS, SECRETS, mock.client, tmp_path)
        assert masto.lookup(part("Weekly tip", due=datetime(2025, 6, 1, 9, 5, tzinfo=UTC))) is None


@pytest.mark.parametrize(("lang", "kept"), [("zh-TW", "zh-TW"), ("zh-hk", "zh-HK"), ("en-GB", "en"),
                                            ("pt-BR", "pt"), ("de", "de")])
def test_regional_language_codes_mastodon_knows_are_kept(tmp_path: Path, lang: str, kept: str) -> None:
    from tests.fakes.servers import start_fakes

    with start_fakes() as fakes, httpx.Client(timeout=2) as client:
        options = {k: v for k, v in fakes.channels()["mastodon"].items() if k != "platform"}
        channel = adapter("mastodon", options, fakes.secrets_for("mastodon"), client, tmp_path, "mastodon")
        ref = channel.publish(part("你好", lang=lang, channel="mastodon"))
        assert fakes.mastodon.statuses[ref.id]["language"] == kept


def test_verify_reads_the_instances_limit(tmp_path: Path) -> None:
    from tests.fakes.servers import start_fakes

    with start_fakes() as fakes, httpx.Client(timeout=2) as client:
        fakes.mastodon.max_characters = 11000
        options = {k: v for k, v in fakes.channels()["mastodon"].items() if k != "platform"}
        verified = adapter("mastodon", options, fakes.secrets_for("mastodon"), client, tmp_path).verify()
    assert verified.ok and verified.settings == {"max_length": 11000}
    assert "11000 characters" in verified.message
