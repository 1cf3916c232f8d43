"""The Discord and Slack adapters: webhooks whose URL is the secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialops.adapters import ChannelSetupError
from socialops.adapters.base import PlatformError, PublishedRef
from tests.adapters.platform_kit import PNG, Mock, adapter, media_files, part, recorded

HOOK = "https://discord.com/api/webhooks/123/tok-discord-secret-abc"
DISCORD = {"webhook_env": "DISCORD_WEBHOOK_URL"}
MESSAGE = {"id": "m1", "channel_id": "c1", "content": "Hi"}
WEBHOOK_INFO = {"id": "123", "name": "News", "channel_id": "c1", "guild_id": "g1", "token": "tok-discord-secret-abc"}
SLACK_HOOK = "https://hooks.slack.com/services/T1/B1/slacksecret123456"


def test_discord_sends_json_with_wait_and_builds_the_message_url(tmp_path: Path) -> None:
    with Mock({"POST /api/webhooks/123/.*": (200, MESSAGE), "GET /api/webhooks/123/.*": (200, WEBHOOK_INFO)}) as mock:
        ref = adapter("discord", {**DISCORD, "username": "Acme"}, {"webhook": HOOK}, mock.client, tmp_path).publish(
            part("Hi", options={"suppress_embeds": True}))
    assert ref == PublishedRef("m1", "https://discord.com/channels/g1/c1/m1")
    assert mock.lines() == [f"POST {HOOK}?wait=true", f"GET {HOOK}"]
    assert recorded(mock.requests[0]).json() == {"content": "Hi", "allowed_mentions": {"parse": []},
                                                 "username": "Acme", "flags": 4}


def test_discord_sends_files_with_payload_json_and_alt_text_descriptions(tmp_path: Path) -> None:
    shot, photo = media_files(tmp_path)
    with Mock({"POST /api/webhooks/123/.*": (200, MESSAGE), "GET /api/webhooks/123/.*": (200, WEBHOOK_INFO)}) as mock:
        adapter("discord", DISCORD, {"webhook": HOOK}, mock.client, tmp_path).publish(part("Hi", media=(shot, photo)))
    parts = {p.name: p for p in recorded(mock.requests[0]).multipart()}
    assert json.loads(parts["payload_json"].text) == {
        "content": "Hi", "allowed_mentions": {"parse": []},
        "attachments": [{"id": 0, "filename": "shot.png", "description": "A screenshot of the calendar"},
                        {"id": 1, "filename": "photo.jpg", "description": "The team at the launch"}]}
    assert parts["files[0]"].data == PNG and parts["files[0]"].filename == "shot.png"
    assert parts["files[1]"].content_type == "image/jpeg"


def test_discord_forum_thread_first_part_names_it_later_parts_go_into_it(tmp_path: Path) -> None:
    answers = [(200, {"id": "m1", "channel_id": "t9"}), (200, {"id": "m2", "channel_id": "t9"})]
    with Mock({"POST /api/webhooks/123/.*": answers, "GET /api/webhooks/123/.*": (200, WEBHOOK_INFO)}) as mock:
        discord = adapter("discord", DISCORD, {"webhook": HOOK}, mock.client, tmp_path)
        first = discord.publish(part("One", options={"thread_name": "Launch"}))
        discord.publish(part("Two", 1, reply_to=first, root=first, options={"thread_name": "Launch"}))
        discord.delete(first)
    assert first.extra == {"thread_id": "t9"}
    assert recorded(mock.requests[0]).json()["thread_name"] == "Launch"
    assert mock.lines()[2] == f"POST {HOOK}?wait=true&thread_id=t9"
    assert "thread_name" not in recorded(mock.requests[2]).json()
    assert mock.lines()[3] == f"DELETE {HOOK}/messages/m1?thread_id=t9"


def test_discord_errors_name_the_field_and_never_the_url(tmp_path: Path) -> None:
    body = {"code": 50035, "message": "Invalid Form Body",
            "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}}
    with Mock({"POST /api/webhooks/123/.*": (400, body)}) as mock, pytest.raises(PlatformError) as failed:
        adapter("discord", DISCORD, {"webhook": HOOK}, mock.client, tmp_path).publish(part("x" * 2001))
    assert failed.value.message == ("Discord: could not send the message: 400 Invalid Form Body "
                                    "(content: Must be 2000 or fewer in length.)")
    with pytest.raises(ChannelSetupError) as bad:
        adapter("discord", DISCORD, {"webhook": "http://discord.example/api/webhooks/1/tok-secret-123"},
                Mock({}).client, tmp_path)
    assert "tok-secret-123" not in str(bad.value) and "the Discord webhook URL must be an https:// URL" in str(bad.value)


def test_discord_verify_delete_and_lookup(tmp_path: Path) -> None:
    with Mock({"GET /api/webhooks/123/.*": (200, WEBHOOK_INFO),
               "DELETE /api/webhooks/123/.*": [(204, None), (404, {"message": "Unknown Message", "code": 10008})]}) as mock:
        discord = adapter("discord", DISCORD, {"webhook": HOOK}, mock.client, tmp_path)
        verified = discord.verify()
        discord.delete(PublishedRef("m1"))
        discord.delete(PublishedRef("m1"))
        with pytest.raises(PlatformError) as unknown:
            discord.lookup(part())
    assert verified.account == "webhook 'News' in channel c1"
    assert "tok-discord-secret-abc" not in repr(verified)
    assert mock.lines()[1] == f"DELETE {HOOK}/messages/m1"
    assert unknown.value.maybe_sent and not unknown.value.retryable


def test_slack_webhook_posts_text_only_and_says_what_it_cannot_do(tmp_path: Path) -> None:
    shot, _ = media_files(tmp_path)
    with Mock({"POST /services/.*": (200, "ok")}) as mock:
        slack = adapter("slack", {"webhook_env": "SLACK_WEBHOOK_URL"}, {"webhook": SLACK_HOOK}, mock.client, tmp_path)
        ref = slack.publish(part("Hi &amp; welcome", options={"unfurl_links": False}))
        verified = slack.verify()
        with pytest.raises(PlatformError, match="incoming webhook cannot delete"):
            slack.delete(ref)
        with pytest.raises(PlatformError, match="cannot send media to Slack"):
            slack.publish(part(media=(shot,)))
    assert mock.lines() == [f"POST {SLACK_HOOK}"]
    assert recorded(mock.requests[0]).json() == {"text": "Hi &amp; welcome", "unfurl_links": False}
    assert ref.id.startswith("webhook-") and ref.url is None
    assert verified.ok and "cannot check an incoming webhook" in verified.message


def test_slack_bot_threads_deletes_and_verifies(tmp_path: Path) -> None:
    options = {"token_env": "SLACK_BOT_TOKEN", "channel_id": "C1"}
    posted = [(200, {"ok": True, "channel": "C1", "ts": "1.1"}), (200, {"ok": True, "channel": "C1", "ts": "1.2"})]
    with Mock({"POST /api/chat.postMessage": posted,
               "GET /api/chat.getPermalink": (200, {"ok": True, "permalink": "https://acme.slack.com/p11"}),
               "POST /api/chat.delete": [(200, {"ok": True}), (200, {"ok": False, "error": "message_not_found"})],
               "POST /api/auth.test": (200, {"ok": True, "user": "bot", "team": "Acme"})}) as mock:
        slack = adapter("slack", options, {"token": "xoxb-secret-1"}, mock.client, tmp_path)
        first = slack.publish(part("One"))
        slack.publish(part("Two", 1, reply_to=first, root=first))
        slack.delete(first)
        slack.delete(first)
        assert slack.verify().account == "bot in Acme"
    assert first == PublishedRef("1.1", "https://acme.slack.com/p11", {"channel": "C1"})
    assert recorded(mock.requests[0]).json() == {"text": "One", "channel": "C1"}
    assert recorded(mock.requests[2]).json() == {"text": "Two", "channel": "C1", "thread_ts": "1.1"}
    assert recorded(mock.requests[4]).json() == {"channel": "C1", "ts": "1.1"}
    assert all(r.headers["Authorization"] == "Bearer xoxb-secret-1" for r in mock.requests)


def test_slack_bot_error_answers_are_errors(tmp_path: Path) -> None:
    options = {"token_env": "SLACK_BOT_TOKEN", "channel_id": "C1"}
    with Mock({"POST /api/chat.postMessage": (200, {"ok": False, "error": "invalid_auth"})}) as mock, pytest.raises(PlatformError) as failed:
        adapter("slack", options, {"token": "xoxb-secret-1"}, mock.client, tmp_path).publish(part())
    assert failed.value.message == "Slack: could not send the message: invalid_auth (check the bot token)"
    with pytest.raises(ChannelSetupError, match="needs `webhook_env:`"):
        adapter("slack", {}, {}, Mock({}).client, tmp_path)
