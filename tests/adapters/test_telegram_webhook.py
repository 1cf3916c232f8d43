"""The Telegram bot adapter and the signed generic webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialops.adapters.base import OutgoingPart, PlatformError, PublishedRef
from tests.adapters.platform_kit import PNG, Mock, adapter, media_files, part, recorded

TOKEN = "7000000001:AAsecret-bot-token"
BOT = f"https://api.telegram.org/bot{TOKEN}"
TELEGRAM = {"chat_id": "@acme_news", "token_env": "TELEGRAM_BOT_TOKEN"}
CHAT = {"id": -1001234567890, "username": "acme_news", "type": "channel"}


def message(number: int) -> dict[str, object]:
    return {"ok": True, "result": {"message_id": number, "chat": CHAT}}


def test_telegram_text_replies_in_html_with_link_previews_set(tmp_path: Path) -> None:
    with Mock({"POST /bot.*/sendMessage": (200, message(8))}) as mock:
        ref = adapter("telegram", TELEGRAM, {"token": TOKEN}, mock.client, tmp_path).publish(
            part("<b>Two</b>", 1, reply_to=PublishedRef("7"), options={"disable_link_preview": True, "silent": True}))
    assert ref == PublishedRef("8", "https://t.me/acme_news/8", {"chat_id": -1001234567890, "message_ids": [8]})
    assert mock.lines() == [f"POST {BOT}/sendMessage"]
    assert recorded(mock.requests[0]).json() == {
        "chat_id": "@acme_news", "parse_mode": "HTML", "reply_parameters": {"message_id": 7},
        "disable_notification": True, "text": "<b>Two</b>", "link_preview_options": {"is_disabled": True}}


def test_telegram_one_photo_carries_the_caption_two_make_a_media_group(tmp_path: Path) -> None:
    shot, photo = media_files(tmp_path)
    group = {"ok": True, "result": [message(3)["result"], message(4)["result"]]}
    with Mock({"POST /bot.*/sendPhoto": (200, message(2)), "POST /bot.*/sendMediaGroup": (200, group)}) as mock:
        telegram = adapter("telegram", TELEGRAM, {"token": TOKEN}, mock.client, tmp_path)
        single = telegram.publish(part("Caption", media=(shot,)))
        double = telegram.publish(part("Both", 1, media=(shot, photo), reply_to=single))
    photo_fields = {p.name: p for p in recorded(mock.requests[0]).multipart()}
    assert photo_fields["photo"].data == PNG and photo_fields["caption"].text == "Caption"
    assert photo_fields["parse_mode"].text == "HTML" and photo_fields["chat_id"].text == "@acme_news"
    group_fields = {p.name: p for p in recorded(mock.requests[1]).multipart()}
    assert json.loads(group_fields["media"].text) == [
        {"type": "photo", "media": "attach://file0", "caption": "Both", "parse_mode": "HTML"},
        {"type": "photo", "media": "attach://file1"}]
    assert json.loads(group_fields["reply_parameters"].text) == {"message_id": 2}
    assert group_fields["file1"].filename == "photo.jpg"
    assert double.id == "3" and double.extra["message_ids"] == [3, 4]


def test_telegram_text_too_long_for_a_caption_goes_first(tmp_path: Path) -> None:
    shot, _ = media_files(tmp_path)
    with Mock({"POST /bot.*/sendMessage": (200, message(5)), "POST /bot.*/sendPhoto": (200, message(6))}) as mock:
        ref = adapter("telegram", TELEGRAM, {"token": TOKEN}, mock.client, tmp_path).publish(part("x" * 1025, media=(shot,)))
    photo_fields = {p.name: p for p in recorded(mock.requests[1]).multipart()}
    assert "caption" not in photo_fields and json.loads(photo_fields["reply_parameters"].text) == {"message_id": 5}
    assert ref.id == "5" and ref.extra["message_ids"] == [5, 6]


def test_telegram_caption_or_message_counts_the_parsed_text_as_lint_does(tmp_path: Path) -> None:
    """`&amp;` is one character once Telegram parses the HTML: 1000 of them (5000 escaped
    characters) still fit a caption, as lint's count says."""
    from socialops.platforms.telegram import CAPTION_LIMIT, count

    shot, _ = media_files(tmp_path)
    text = "&amp;" * 1000
    assert count(text, {}).length <= CAPTION_LIMIT < len(text)
    with Mock({"POST /bot.*/sendMessage": (200, message(5)), "POST /bot.*/sendPhoto": (200, message(6))}) as mock:
        ref = adapter("telegram", TELEGRAM, {"token": TOKEN}, mock.client, tmp_path).publish(part(text, media=(shot,)))
    assert mock.lines() == [f"POST {BOT}/sendPhoto"]
    assert {p.name: p for p in recorded(mock.requests[0]).multipart()}["caption"].text == text
    assert ref.extra["message_ids"] == [6]


def test_telegram_delete_verify_lookup_and_errors(tmp_path: Path) -> None:
    gone = (400, {"ok": False, "error_code": 400, "description": "Bad Request: message to delete not found"})
    limited = (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                     "parameters": {"retry_after": 7}})
    with Mock({"POST /bot.*/deleteMessage": [(200, {"ok": True, "result": True}), gone],
               "POST /bot.*/getMe": (200, {"ok": True, "result": {"username": "acme_bot"}}),
               "POST /bot.*/getChat": (200, {"ok": True, "result": CHAT}),
               "POST /bot.*/sendMessage": limited}) as mock:
        telegram = adapter("telegram", TELEGRAM, {"token": TOKEN}, mock.client, tmp_path)
        telegram.delete(PublishedRef("5", None, {"chat_id": -100, "message_ids": [5, 6]}))
        assert telegram.verify().account == "@acme_bot in @acme_news"
        with pytest.raises(PlatformError) as unknown:
            telegram.lookup(part())
        with pytest.raises(PlatformError) as failed:
            telegram.publish(part())
    assert [recorded(r).json() for r in mock.requests[:2]] == [{"chat_id": -100, "message_id": 5},
                                                               {"chat_id": -100, "message_id": 6}]
    assert unknown.value.maybe_sent
    assert failed.value.retryable and failed.value.retry_after == 7.0
    assert failed.value.message == ("Telegram: could not send the message: 429 Too Many Requests: retry after 7 "
                                    "(rate limited; try again in 7 s)")
    assert TOKEN not in failed.value.message


HOOK = {"url": "https://partner.example/hook", "secret_env": "PARTNER_SECRET"}
SECRET = "whsec-shared-123"


def test_webhook_posts_signed_json_with_the_idempotency_key(tmp_path: Path) -> None:
    shot, _ = media_files(tmp_path)
    outgoing = OutgoingPart("2026/launch", "partner", 1, "Two", (shot,), PublishedRef("e1"), PublishedRef("e0"),
                            "idem-9", {"campaign_code": "W26", "text": "ignored"}, "de", "Launch",
                            datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    with Mock({"POST /hook": (200, {"id": "e2", "url": "https://partner.example/e2"})}) as mock:
        before = int(time.time())
        ref = adapter("webhook", HOOK, {"secret": SECRET}, mock.client, tmp_path).publish(outgoing)
    request = mock.requests[0]
    assert ref == PublishedRef("e2", "https://partner.example/e2")
    assert json.loads(request.content) == {
        "campaign_code": "W26", "event": "post.published", "post_id": "2026/launch", "channel": "partner",
        "part": 1, "text": "Two", "lang": "de", "title": "Launch", "published_at": "2026-12-01T09:00:00+00:00",
        "idempotency_key": "idem-9", "reply_to": "e1", "root": "e0",
        "media": [{"path": "media/shot.png", "alt": "A screenshot of the calendar", "mime": "image/png",
                   "size": len(PNG)}]}
    stamp = request.headers["X-Socialops-Timestamp"]
    assert before <= int(stamp) <= time.time()
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + request.content, hashlib.sha256).hexdigest()
    assert request.headers["X-Socialops-Signature"] == f"sha256={expected}"
    assert request.headers["Idempotency-Key"] == "idem-9"
    assert request.headers["Content-Type"] == "application/json"


def test_webhook_without_an_answer_id_is_known_by_its_key_and_can_be_retracted(tmp_path: Path) -> None:
    with Mock({"POST /hook": [(204, None), (200, {"ok": True}), (404, {"error": "unknown"})],
               "HEAD /hook": (405, None)}) as mock:
        hook = adapter("webhook", {**HOOK, "verify": "head"}, {"secret": SECRET}, mock.client, tmp_path)
        ref = hook.publish(part("One", key="idem-1"))
        hook.delete(ref)
        hook.delete(ref)
        verified = hook.verify()
        with pytest.raises(PlatformError) as unknown:
            hook.lookup(part())
    assert ref == PublishedRef("idem-1")
    assert json.loads(mock.requests[1].content) == {"event": "post.deleted", "id": "idem-1", "channel": "chan"}
    assert mock.requests[1].headers["X-Socialops-Signature"].startswith("sha256=")
    assert verified.ok and verified.message == "the URL answers (405 to HEAD)"
    assert unknown.value.maybe_sent
    unprobed = adapter("webhook", HOOK, {"secret": SECRET}, mock.client, tmp_path).verify()
    assert unprobed.message.startswith("not verifiable")
