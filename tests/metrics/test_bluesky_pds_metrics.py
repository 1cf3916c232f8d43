"""Bluesky metrics against a REAL PDS (from npm, on 127.0.0.1; .ci/setup-pds.sh installs it).

What this can show: the PDS is asked, with `com.atproto.repo.getRecord`, about every post the
AppView does not list, and its real answers tell a deleted post (RecordNotFound) from one that
is there; the at:// URIs, DIDs and record keys are the ones a real publish made.
What it cannot show: the counts. They come from an AppView (likes, reposts... are aggregated
from the whole network there), and a PDS alone has none: its `app.bsky.*` reads answer 502.
So the AppView here is a MockTransport answering as the lexicons app.bsky.feed.getPosts and
app.bsky.actor.getProfile describe, and lists nothing yet (a post it has not indexed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from socialops.adapters.base import OutgoingPart
from socialops.adapters.bluesky import BlueskyAdapter
from socialops.model import Channel
from tests.pds.server import PdsAccount, running_pds

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def alice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PdsAccount]:
    with running_pds(tmp_path_factory.mktemp("pds")) as server:
        yield server.create_account("alice.test")


class AppViewThenPds(httpx.BaseTransport):
    """Requests to appview.test go to the fake AppView; everything else to the real network
    (the PDS on 127.0.0.1)."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.pds_calls: list[str] = []
        self.appview_calls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "appview.test":
            self.pds_calls.append(request.url.path)
            return self.real.handle_request(request)
        self.appview_calls.append(request.url.path)
        if request.url.path == "/xrpc/app.bsky.feed.getPosts":
            return httpx.Response(200, json={"posts": []})
        return httpx.Response(200, json={"did": request.url.params["actor"], "handle": "alice.test",
                                         "followersCount": 3, "followsCount": 1, "postsCount": 2})

    def close(self) -> None:
        self.real.close()


def test_deleted_posts_are_told_apart_by_the_real_pds(alice: PdsAccount, tmp_path: Path) -> None:
    channel = Channel("bluesky-main", "bluesky", {"pds": alice.url, "handle": alice.handle,
                                                  "password_env": "BSKY", "appview": "https://appview.test"})
    transport = AppViewThenPds()
    with httpx.Client(transport=transport, timeout=30) as client:
        sky = BlueskyAdapter(channel, client, {"password": alice.password}, tmp_path)
        when = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
        kept = sky.publish(OutgoingPart("kept", "bluesky-main", 0, "Still here", published_at=when,
                                        idempotency_key="kept/0"))
        gone = sky.publish(OutgoingPart("gone", "bluesky-main", 0, "Deleted soon", published_at=when,
                                        idempotency_key="gone/0"))
        sky.delete(gone)
        transport.pds_calls.clear()
        answer = sky.metrics([kept, gone], followers=True)
    assert kept.id.startswith(f"at://{alice.did}/app.bsky.feed.post/")
    assert answer.deleted == {gone.id}
    assert answer.posts == {kept.id: dict.fromkeys(("likes", "reposts", "replies", "quotes", "bookmarks"))}
    assert answer.followers == 3
    assert transport.pds_calls == ["/xrpc/com.atproto.repo.getRecord"] * 2  # no login needed to read
    assert transport.appview_calls == ["/xrpc/app.bsky.feed.getPosts", "/xrpc/app.bsky.actor.getProfile"]
