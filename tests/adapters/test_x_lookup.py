"""X's lookup against the fake X, which shows posts as X's documentation does: links as
t.co, one more t.co link for a post's media, and the field parameter named either way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from socialops.adapters.base import PlatformError
from tests.adapters import platform_kit
from tests.adapters.platform_kit import adapter, media_files, part
from tests.fakes.servers import Fakes

fakes = platform_kit.fakes
DUE = datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(0.5)) as http:
        yield http


def x_channel(fakes: Fakes, client: httpx.Client, root: Path) -> object:
    options = {k: v for k, v in fakes.channels()["x"].items() if k != "platform"}
    return adapter("x", options, fakes.secrets_for("x"), client, root, "x")


def test_a_post_with_media_that_timed_out_is_found_despite_the_media_link_x_appends(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    channel = x_channel(fakes, client, tmp_path)
    shot, photo = media_files(tmp_path)
    sent = part("Launch day! Read more: https://acme.example/launch", media=(shot, photo), channel="x", due=DUE)
    fakes.x.accept_then_timeout(hang=2)
    with pytest.raises(PlatformError) as failed:
        channel.publish(sent)  # type: ignore[attr-defined]
    assert failed.value.maybe_sent
    found = channel.lookup(sent)  # type: ignore[attr-defined]
    assert found is not None and found.id in fakes.x.posts
    shown = fakes.x.calls(r"^GET /2/users/\d+/tweets$")[-1]
    assert shown.query["tweet.fields"] == ["created_at,referenced_tweets,entities,attachments"]
    # the same text without media is another post
    assert channel.lookup(part("Launch day! Read more: https://acme.example/launch", channel="x",  # type: ignore[attr-defined]
                               due=DUE, reply_to=found)) is None


def test_a_media_only_post_is_found_too(fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    channel = x_channel(fakes, client, tmp_path)
    shot, _ = media_files(tmp_path)
    sent = part("", media=(shot,), channel="x", due=DUE)
    ref = channel.publish(sent)  # type: ignore[attr-defined]
    assert channel.lookup(sent) == ref  # type: ignore[attr-defined]


@pytest.mark.parametrize("naming", ["tweet", "post"])
def test_lookup_reads_either_field_naming_and_falls_back_on_the_400_naming_the_parameter(
        fakes: Fakes, client: httpx.Client, tmp_path: Path, naming: str) -> None:
    fakes.x.field_names = naming
    channel = x_channel(fakes, client, tmp_path)
    first = channel.publish(part("One.", channel="x", due=DUE))  # type: ignore[attr-defined]
    second_part = part("Two.", 1, reply_to=first, root=first, channel="x", due=DUE)
    second = channel.publish(second_part)  # type: ignore[attr-defined]
    assert channel.lookup(second_part) == second  # type: ignore[attr-defined]
    # the reply is told apart from a top-level post with the same text by its parent
    assert channel.lookup(part("Two.", channel="x", due=DUE)) is None  # type: ignore[attr-defined]
    listings = [r.query for r in fakes.x.calls(r"^GET /2/users/\d+/tweets$")]
    if naming == "tweet":
        assert all("tweet.fields" in q for q in listings) and len(listings) == 2
    else:  # one refused try with tweet.fields, then post.fields, which is kept
        assert ["tweet.fields" in q for q in listings] == [True, False, False]
        assert listings[1]["post.fields"] == ["created_at,referenced_posts,entities,attachments"]


def test_a_400_for_another_reason_is_not_taken_for_the_field_name(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    channel = x_channel(fakes, client, tmp_path)
    fakes.x.fail(400, match=r"^GET /2/users/\d+/tweets$")
    with pytest.raises(PlatformError) as failed:
        channel.lookup(part("One.", channel="x", due=DUE))  # type: ignore[attr-defined]
    assert failed.value.status == 400
    assert len(fakes.x.calls(r"^GET /2/users/\d+/tweets$")) == 1
