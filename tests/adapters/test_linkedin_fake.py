"""LinkedIn against the fake LinkedIn, which grants and refuses calls by the token's
scopes as LinkedIn's documentation says: a page's token with only `w_organization_social`
(the setup in the README) works with doctor and publish, and each refusal names the scope."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialops.adapters.base import PlatformError
from tests.adapters import platform_kit
from tests.adapters.platform_kit import adapter, part
from tests.fakes.servers import Fakes

fakes = platform_kit.fakes
DUE = datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(0.5)) as http:
        yield http


def linkedin(fakes: Fakes, client: httpx.Client, root: Path, **extra: Any) -> Any:
    options = {k: v for k, v in fakes.channels()["linkedin"].items() if k != "platform"}
    options = {k: v for k, v in {**options, **extra}.items() if v is not None}
    return adapter("linkedin", options, fakes.secrets_for("linkedin"), client, root, "linkedin")


def test_a_page_token_with_only_the_posting_scope_passes_the_check_and_publishes(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    fakes.linkedin.scopes = {"w_organization_social"}
    channel = linkedin(fakes, client, tmp_path)
    verified = channel.verify()
    assert verified.ok, verified.message
    assert verified.account == "urn:li:organization:123"
    assert "r_organization_social" in verified.message and "resolve" in verified.message
    assert fakes.linkedin.calls("GET /v2/userinfo") == []
    assert channel.publish(part("Hello page", channel="linkedin")).id in fakes.linkedin.posts
    assert fakes.linkedin.texts() == ["Hello page"]


def test_a_token_that_may_not_post_for_the_page_fails_the_check_naming_the_scope(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    fakes.linkedin.scopes = {"r_organization_social"}
    verified = linkedin(fakes, client, tmp_path).verify()
    assert not verified.ok
    assert "w_organization_social" in verified.message and "ADMINISTRATOR" in verified.message


def test_without_author_a_token_lacking_openid_and_profile_says_so(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    fakes.linkedin.scopes = {"w_member_social"}
    channel = linkedin(fakes, client, tmp_path, author=None)
    with pytest.raises(PlatformError) as failed:
        channel.publish(part("Hi", channel="linkedin"))
    assert "`openid` and `profile`" in failed.value.message and "`author:`" in failed.value.message
    assert fakes.linkedin.texts() == []
    fakes.linkedin.scopes = {"w_member_social", "openid", "profile"}
    member = linkedin(fakes, client, tmp_path, author=None)
    assert member.verify().ok
    assert member.publish(part("Hi", channel="linkedin")).id in fakes.linkedin.posts
    assert next(iter(fakes.linkedin.posts.values())).fields["author"] == "urn:li:person:782bbtaQ"


def test_lookup_with_the_read_scope_finds_a_timed_out_post_and_not_an_older_one(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    channel = linkedin(fakes, client, tmp_path)
    fakes.linkedin.time_offset = -90 * 86400  # the same evergreen text, three months ago
    old = channel.publish(part("Evergreen: back up your data", channel="linkedin"))
    fakes.linkedin.time_offset = 0
    fakes.linkedin.posts[old.id].fields["commentary"] = "Evergreen: back up your data"
    sent = part("Evergreen: back up your data!", channel="linkedin", due=DUE)
    fakes.linkedin.accept_then_timeout(hang=2)
    with pytest.raises(PlatformError) as failed:
        channel.publish(sent)
    assert failed.value.maybe_sent
    found = channel.lookup(sent)
    assert found is not None and found.id != old.id and found.id in fakes.linkedin.posts
    again = replace(sent, text="Evergreen: back up your data")
    assert channel.lookup(again) is None  # only the old one has this text: older than the part
    assert channel.lookup(replace(again, published_at=DUE - timedelta(days=100))) is not None


def test_lookup_without_the_read_scope_stays_unknown_naming_the_scope(
        fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    fakes.linkedin.scopes = {"w_organization_social"}
    with pytest.raises(PlatformError) as failed:
        linkedin(fakes, client, tmp_path).lookup(part(channel="linkedin", due=DUE))
    assert failed.value.maybe_sent and "`r_organization_social`" in failed.value.message
    assert "socialops resolve" in failed.value.message


def test_a_refused_post_names_the_scope_it_needs(fakes: Fakes, client: httpx.Client, tmp_path: Path) -> None:
    fakes.linkedin.scopes = {"r_organization_social"}
    with pytest.raises(PlatformError) as failed:
        linkedin(fakes, client, tmp_path).publish(part("Hello page", channel="linkedin"))
    assert failed.value.status == 403 and not failed.value.retryable and not failed.value.maybe_sent
    assert failed.value.message == (
        "LinkedIn: could not create the post: 403 Not enough permissions to access: "
        "partnerApiPostsExternal.CREATE.202610: the token lacks the `w_organization_social` scope, or its "
        "member lacks a page role allowing it (ADMINISTRATOR, CONTENT_ADMIN or DIRECT_SPONSORED_CONTENT_POSTER)")
    assert fakes.linkedin.texts() == []
