"""Every HTTP adapter end to end against its local fake: a two-part thread with media,
read back, looked up, verified and deleted; and each failure mapped as the engine
needs it (retryable, maybe sent, final), with the platform's own words."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialops.adapters.base import PlatformError
from tests.adapters import platform_kit
from tests.adapters.platform_kit import adapter, media_files, part
from tests.fakes.core import FakeServer
from tests.fakes.servers import Fakes

fakes = platform_kit.fakes


@dataclass(frozen=True)
class Case:
    channel: str
    fake: str
    too_long: str  # a text the platform refuses
    refusal: str  # the platform's words for it
    thread: bool = True  # the platform takes a second part
    media: bool = True
    replies: bool = True  # the second part is a reply to the first on the platform
    alt: bool = True  # the platform keeps alt text
    lookup: bool = False
    rate_header: bool = True  # a 429 says when to retry
    idempotent: bool = False  # a re-send carries a key the platform honours


CASES = [
    Case("mastodon", "mastodon", "x" * 501, "Validation failed: Text character limit of 500 exceeded", lookup=True,
         idempotent=True),
    Case("x", "x", "x" * 281, "Your Tweet text is too long.", lookup=True),
    Case("linkedin", "linkedin", "x" * 3001, "ShareCommentary text length (3001 characters) exceeded the "
         "maximum allowed (3000 characters)", thread=False, replies=False, rate_header=False, lookup=True),
    Case("threads", "threads", "x" * 501, "Param text must be at most 500 characters long.", lookup=True),
    Case("discord", "discord", "x" * 2001, "Invalid Form Body (content: Must be 2000 or fewer in length.)",
         replies=False),
    Case("slack", "slack", "", "no_text", media=False, replies=False, alt=False),
    Case("slack-bot", "slack", "x" * 40001, "msg_too_long", media=False, alt=False),
    Case("telegram", "telegram", "x" * 4097, "Bad Request: message is too long", alt=False),
    Case("webhook", "webhook", "", "", rate_header=True),
]
IDS = [case.channel for case in CASES]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(0.4)) as http:
        yield http


def make(fakes: Fakes, case: Case, client: httpx.Client, root: Path, **extra: Any) -> Any:
    options = {**fakes.channels()[case.channel], **extra}
    platform = options.pop("platform")
    return adapter(platform, options, fakes.secrets_for(case.channel), client, root, case.channel)


def server(fakes: Fakes, case: Case) -> FakeServer:
    fake: FakeServer = getattr(fakes, case.fake)
    return fake


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_thread_with_media_goes_out_reads_back_and_is_deleted(fakes: Fakes, case: Case, client: httpx.Client,
                                                                 tmp_path: Path) -> None:
    fake = server(fakes, case)
    channel = make(fakes, case, client, tmp_path)
    assert channel.verify().ok
    media = media_files(tmp_path) if case.media else ()
    first_part = part("Launch day: https://acme.example/launch", media=media, key="k-0", channel=case.channel)
    first = channel.publish(first_part)
    refs = [first]
    if case.thread:
        second_part = part("Second part", 1, reply_to=first, root=first, key="k-1", channel=case.channel)
        refs.append(channel.publish(second_part))
    stored = [p for p in fake.posts.values() if p.text]
    assert [p.text for p in stored] == ["Launch day: https://acme.example/launch", "Second part"][:len(refs)]
    if case.thread:
        assert stored[1].reply_to == (first.id if case.replies else None)
    if case.alt:
        assert [m["alt"] for m in stored[0].media] == ["A screenshot of the calendar", "The team at the launch"]
    if case.lookup:
        assert channel.lookup(first_part) == first
        assert channel.lookup(replace(first_part, published_at=datetime.now(UTC) - timedelta(minutes=1))) == first
        assert channel.lookup(part("Never sent", channel=case.channel)) is None
    else:
        with pytest.raises(PlatformError) as cannot:
            channel.lookup(first_part)
        assert cannot.value.maybe_sent and "resolve" in cannot.value.message
    if case.channel == "slack":
        return  # an incoming webhook cannot delete (tested with the mock transport)
    for ref in reversed(refs):
        channel.delete(ref)
    assert fake.posts == {}
    assert fake.crashes == []


@pytest.mark.parametrize("case", [c for c in CASES if c.lookup], ids=[c.channel for c in CASES if c.lookup])
def test_lookup_does_not_take_an_older_post_with_the_same_text_for_the_part(
        fakes: Fakes, case: Case, client: httpx.Client, tmp_path: Path) -> None:
    fake = server(fakes, case)
    fake.time_offset = -3600  # last week's occurrence of a recurring post, say
    old = make(fakes, case, client, tmp_path).publish(part("Weekly tip: back up your data", channel=case.channel))
    channel = make(fakes, case, client, tmp_path)
    due_now = part("Weekly tip: back up your data", channel=case.channel, due=datetime.now(UTC) - timedelta(minutes=1))
    assert channel.lookup(due_now) is None
    due_before = replace(due_now, published_at=datetime.now(UTC) - timedelta(hours=2))
    assert channel.lookup(due_before) == old


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_on_a_create_is_looked_up_where_a_lookup_exists_else_retried(
        fakes: Fakes, case: Case, client: httpx.Client, tmp_path: Path, status: int) -> None:
    """A server that failed while answering may have stored the post: where socialops can
    look, it looks before sending again; only an idempotency key makes a blind retry safe."""
    fake = server(fakes, case)
    fake.fail(status)
    with pytest.raises(PlatformError) as failed:
        make(fakes, case, client, tmp_path).publish(part(channel=case.channel))
    assert failed.value.status == status
    if case.lookup and not case.idempotent:
        assert failed.value.maybe_sent and not failed.value.retryable
        assert "may exist" in failed.value.message
    else:
        assert failed.value.retryable and not failed.value.maybe_sent
    assert fake.texts() == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_rate_limit_is_retryable_after_the_time_the_platform_gives(
        fakes: Fakes, case: Case, client: httpx.Client, tmp_path: Path) -> None:
    fake = server(fakes, case)
    fake.rate_limit(retry_after=20)
    with pytest.raises(PlatformError) as failed:
        make(fakes, case, client, tmp_path).publish(part(channel=case.channel))
    assert failed.value.retryable and failed.value.status in (429, None)
    if case.rate_header:
        assert failed.value.retry_after is not None and 18 <= failed.value.retry_after <= 21
    else:
        assert failed.value.retry_after is None
    assert fake.texts() == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_timeout_after_the_platform_accepted_is_maybe_sent_and_lookup_settles_it(
        fakes: Fakes, case: Case, client: httpx.Client, tmp_path: Path) -> None:
    fake = server(fakes, case)
    fake.accept_then_timeout(hang=3)
    channel = make(fakes, case, client, tmp_path)
    sent = part("Accepted, then silence", channel=case.channel)
    with pytest.raises(PlatformError) as failed:
        channel.publish(sent)
    assert failed.value.maybe_sent and not failed.value.retryable
    assert "may exist" in failed.value.message
    assert fake.texts() == ["Accepted, then silence"]
    if case.lookup:
        found = channel.lookup(sent)
        assert found is not None and found.id in fake.posts


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_connection_dropped_after_creating_is_maybe_sent(
        fakes: Fakes, case: Case, client: httpx.Client, tmp_path: Path) -> None:
    fake = server(fakes, case)
    fake.create_then_drop()
    with pytest.raises(PlatformError) as failed:
        make(fakes, case, client, tmp_path).publish(part("Dropped", channel=case.channel))
    assert failed.value.maybe_sent and not failed.value.retryable
    assert fake.texts() == ["Dropped"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_refused_post_is_final_with_the_platforms_words(
        fakes: Fakes, case: Case, client: httpx.Client, tmp_path: Path) -> None:
    fake = server(fakes, case)
    refusal = case.refusal
    if case.channel == "webhook":
        refusal = "text must not mention competitors"
        fake.fail(422, body={"error": refusal})
    with pytest.raises(PlatformError) as failed:
        make(fakes, case, client, tmp_path).publish(part(case.too_long, channel=case.channel))
    assert refusal in failed.value.message
    assert not failed.value.retryable and not failed.value.maybe_sent
    assert fake.texts() == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_wrong_credentials_are_final_and_say_so(fakes: Fakes, case: Case, client: httpx.Client, tmp_path: Path) -> None:
    secrets = {key: value[:-3] + "bad" for key, value in fakes.secrets_for(case.channel).items()}
    options = {k: v for k, v in fakes.channels()[case.channel].items() if k != "platform"}
    platform = fakes.channels()[case.channel]["platform"]
    channel = adapter(platform, options, secrets, client, tmp_path, case.channel)
    with pytest.raises(PlatformError) as failed:
        channel.publish(part(channel=case.channel))
    assert not failed.value.retryable and not failed.value.maybe_sent
    assert failed.value.status in (401, 403, 404, None)
    assert "credentials" in failed.value.message or "token" in failed.value.message or "no_service" in failed.value.message
    assert server(fakes, case).texts() == []
    verified = channel.verify()
    if case.channel in ("slack", "webhook"):  # nothing to check without sending
        assert verified.ok and "not" in verified.message
    else:
        assert not verified.ok and verified.account is None
        assert "credentials" in verified.message or "check the bot token" in verified.message


def test_a_server_that_cannot_be_reached_is_retryable_and_nothing_was_sent(client: httpx.Client, tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    channel = adapter("mastodon", {"instance": f"http://127.0.0.1:{port}", "token_env": "T"}, {"token": "t-secret"},
                      client, tmp_path)
    with pytest.raises(PlatformError) as failed:
        channel.publish(part())
    assert failed.value.retryable and not failed.value.maybe_sent
    assert failed.value.message == ("Mastodon: could not create the status: the server cannot be reached "
                                    "(ConnectError)")


def test_mastodon_answers_a_resend_with_the_same_key_within_the_hour_with_the_same_status(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    case = CASES[0]
    channel = make(fakes, case, client, tmp_path)
    first = channel.publish(part("Only once", key="same-key", channel="mastodon"))
    again = channel.publish(part("Only once", key="same-key", channel="mastodon"))
    assert again == first and fakes.mastodon.texts() == ["Only once"]
    fakes.mastodon.forget_idempotency_keys()  # an hour later
    later = channel.publish(part("Only once", key="same-key", channel="mastodon"))
    assert later.id != first.id and fakes.mastodon.texts() == ["Only once", "Only once"]
