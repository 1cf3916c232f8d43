"""The Bluesky adapter against httpx.MockTransport: the exact requests it sends, and what
it makes of each kind of answer (the same flows run against a real PDS in
test_bluesky_pds.py)."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialops.adapters import ChannelSetupError
from socialops.adapters.base import OutgoingMedia, OutgoingPart, PlatformError, PublishedRef
from socialops.adapters.bluesky import ADAPTER, BlueskyAdapter
from socialops.adapters.bluesky_records import record_key, tid, tid_parts, tid_time
from socialops.model import Channel
from tests.pds.fake import DID, PASSWORD, PDS, FakePds, error

TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
NOW = datetime(2026, 12, 1, 8, 0, 5, 123456, tzinfo=UTC)
POST_TIME = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))


def adapter(fake: FakePds, tmp_path: Path, client: httpx.Client | None = None,
            **options: Any) -> BlueskyAdapter:
    channel = Channel("bluesky-main", "bluesky", {
        "pds": PDS, "handle": "acme.test", "password_env": "BSKY_PASSWORD", **options})
    return BlueskyAdapter(channel, client or fake.client(), {"password": PASSWORD}, tmp_path,
                          clock=lambda: NOW)


def part(text: str = "Hello Bluesky", index: int = 0, **fields: Any) -> OutgoingPart:
    fields.setdefault("idempotency_key", f"launch/bluesky-main/{index}/{text}")
    fields.setdefault("published_at", POST_TIME)
    return OutgoingPart(post_id="launch", channel="bluesky-main", index=index, text=text,
                        **fields)


def span(text: str, piece: str) -> dict[str, int]:
    data, wanted = text.encode(), piece.encode()
    return {"byteStart": data.index(wanted), "byteEnd": data.index(wanted) + len(wanted)}


# ---- record keys ------------------------------------------------------------------------

def test_tid_encodes_time_and_clock_as_the_spec_examples() -> None:
    assert tid(0, 0) == "2222222222222"
    assert tid((1 << 53) - 1, 1023) == "bzzzzzzzzzzzz"
    for spec_example in ("3jzfcijpj2z2a", "7777777777777", "3zzzzzzzzzzzz"):  # the spec's
        assert tid(*tid_parts(spec_example)) == spec_example
    assert datetime(2022, 1, 1, tzinfo=UTC) < tid_time("3jzfcijpj2z2a") < datetime(2024, 1, 1, tzinfo=UTC)
    assert tid_parts(tid(1_764_576_000_123_456, 999)) == (1_764_576_000_123_456, 999)
    with pytest.raises(ValueError):
        tid(1 << 53, 0)


def test_record_key_is_a_valid_tid_in_the_posts_second_and_deterministic() -> None:
    key = record_key(part())
    assert TID.match(key)
    assert key == record_key(part())
    assert POST_TIME <= tid_time(key) < POST_TIME + timedelta(seconds=1)
    others = {record_key(part(index=i, idempotency_key=f"launch/bluesky-main/{i}/x"))
              for i in range(50)}
    assert len(others) == 50
    assert all(POST_TIME <= tid_time(k) < POST_TIME + timedelta(seconds=1) for k in others)


def test_record_key_treats_a_naive_time_as_utc_and_needs_a_time() -> None:
    naive = part(published_at=datetime(2026, 12, 1, 8, 0))
    assert record_key(naive) == record_key(part())
    with pytest.raises(PlatformError, match="no post time"):
        record_key(part(published_at=None))


# ---- publishing -------------------------------------------------------------------------

def test_publish_logs_in_once_then_creates_the_record_with_the_key(tmp_path: Path) -> None:
    fake = FakePds()
    bsky = adapter(fake, tmp_path)
    assert fake.sent == []  # no login before there is something to send
    ref = bsky.publish(part(lang="de"))
    rkey = record_key(part())
    assert fake.nsids() == ["com.atproto.server.createSession", "com.atproto.repo.createRecord"]
    login, create = fake.sent
    assert login.body == {"identifier": "acme.test", "password": PASSWORD}
    assert login.auth is None
    assert create.auth == "Bearer access-1"
    assert create.body == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": rkey,
                           "record": {"$type": "app.bsky.feed.post", "text": "Hello Bluesky",
                                      "createdAt": "2026-12-01T08:00:05.123Z", "langs": ["de"]}}
    assert ref == PublishedRef(id=f"at://{DID}/app.bsky.feed.post/{rkey}",
                               url=f"https://bsky.app/profile/{DID}/post/{rkey}",
                               extra={"cid": f"cid-{rkey}", "rkey": rkey, "did": DID})
    assert ADAPTER is BlueskyAdapter


def test_the_session_is_reused_by_every_adapter_of_the_run(tmp_path: Path) -> None:
    fake = FakePds()
    client = fake.client()
    adapter(fake, tmp_path, client).publish(part("one"))
    adapter(fake, tmp_path, client).publish(part("two"))
    assert fake.logins == 1
    adapter(fake, tmp_path).publish(part("three"))  # another run, another client
    assert fake.logins == 2


def test_channels_publishing_in_parallel_log_in_once(tmp_path: Path) -> None:
    fake = FakePds()
    client = fake.client()
    with ThreadPoolExecutor(max_workers=4) as pool:
        refs = list(pool.map(lambda i: adapter(fake, tmp_path, client).publish(part(f"post {i}")),
                             range(8)))
    assert fake.logins == 1
    assert len({ref.id for ref in refs}) == len(fake.records) == 8


def test_an_expired_token_is_refreshed_and_the_call_repeated(tmp_path: Path) -> None:
    fake = FakePds()
    fake.then("com.atproto.repo.createRecord", error(400, "ExpiredToken", "Token has expired"))
    adapter(fake, tmp_path).publish(part())
    assert fake.nsids() == ["com.atproto.server.createSession", "com.atproto.repo.createRecord",
                            "com.atproto.server.refreshSession", "com.atproto.repo.createRecord"]
    assert fake.sent[2].auth == "Bearer refresh-1"
    assert fake.sent[3].auth == "Bearer access-r1"
    assert len(fake.records) == 1


def test_facets_keep_byte_offsets_and_mentions_become_dids(tmp_path: Path) -> None:
    text = "Grüße 🎉 an @bob.test und @ghost.test: https://example.com/ü #Launch"
    facets = [
        {"index": span(text, "@bob.test"),
         "features": [{"$type": "app.bsky.richtext.facet#mention", "handle": "bob.test"}]},
        {"index": span(text, "@ghost.test"),
         "features": [{"$type": "app.bsky.richtext.facet#mention", "handle": "ghost.test"}]},
        {"index": span(text, "https://example.com/ü"),
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/%C3%BC"}]},
        {"index": span(text, "#Launch"),
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Launch"}]},
    ]
    fake = FakePds()
    adapter(fake, tmp_path).publish(part(text, options={"facets": facets}))
    resolves = [s.params for s in fake.sent if s.nsid.endswith("resolveHandle")]
    assert resolves == [{"handle": "bob.test"}, {"handle": "ghost.test"}]
    record = next(iter(fake.records.values()))
    assert record["text"] == text  # the unresolvable mention stays as text
    assert record["facets"] == [
        {"index": {"byteStart": 16, "byteEnd": 25},
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:bob"}]},
        facets[2], facets[3]]
    assert text.encode()[16:25].decode() == "@bob.test"


def test_without_rendered_facets_they_are_found_in_the_text(tmp_path: Path) -> None:
    text = "Ça marche ! Merci @bob.test, voir acme.dev/notes #Version2"
    fake = FakePds()
    adapter(fake, tmp_path).publish(part(text))
    record = next(iter(fake.records.values()))
    assert record["facets"] == [
        {"index": span(text, "@bob.test"),
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:bob"}]},
        {"index": span(text, "acme.dev/notes"),
         "features": [{"$type": "app.bsky.richtext.facet#link",
                       "uri": "https://acme.dev/notes"}]},
        {"index": span(text, "#Version2"),
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Version2"}]}]


def test_a_reply_names_the_thread_root_and_the_part_before(tmp_path: Path) -> None:
    fake = FakePds()
    fake.records["3lroot2222222"] = {"text": "root"}
    root = PublishedRef(id=f"at://{DID}/app.bsky.feed.post/3lroot2222222", extra={"cid": "c-root"})
    before = PublishedRef(id=f"at://{DID}/app.bsky.feed.post/3lprev2222222", extra={"cid": "c-prev"})
    no_cid = PublishedRef(id=f"at://{DID}/app.bsky.feed.post/3lroot2222222")
    bsky = adapter(fake, tmp_path)
    bsky.publish(part("third", 2, reply_to=before, root=root))
    bsky.publish(part("second", 1, reply_to=no_cid))
    created = [s.body["record"] for s in fake.sent if s.nsid.endswith("createRecord")]
    assert created[0]["reply"] == {
        "root": {"uri": root.id, "cid": "c-root"}, "parent": {"uri": before.id, "cid": "c-prev"}}
    assert created[1]["reply"] == {  # the cid was read back from the server
        "root": {"uri": no_cid.id, "cid": "cid-3lroot2222222"},
        "parent": {"uri": no_cid.id, "cid": "cid-3lroot2222222"}}


def image(tmp_path: Path, name: str, size: int = 64, alt: str | None = "A chart") -> OutgoingMedia:
    path = tmp_path / "media" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (size - 8))
    return OutgoingMedia(path=path, alt=alt, mime="image/png")


def test_images_are_uploaded_raw_and_embedded_with_their_alt_text(tmp_path: Path) -> None:
    fake = FakePds()
    media = (image(tmp_path, "a.png", 100, "A chart of sign-ups"), image(tmp_path, "b.png", 200, ""))
    adapter(fake, tmp_path).publish(part(media=media))
    uploads = [s for s in fake.sent if s.nsid.endswith("uploadBlob")]
    assert [(u.content_type, u.body, u.auth) for u in uploads] == [
        ("image/png", media[0].path.read_bytes(), "Bearer access-1"),
        ("image/png", media[1].path.read_bytes(), "Bearer access-1")]
    record = next(iter(fake.records.values()))
    assert record["embed"] == {"$type": "app.bsky.embed.images", "images": [
        {"image": {"$type": "blob", "ref": {"$link": "bafkrei100"}, "mimeType": "image/png",
                   "size": 100}, "alt": "A chart of sign-ups"},
        {"image": {"$type": "blob", "ref": {"$link": "bafkrei200"}, "mimeType": "image/png",
                   "size": 200}, "alt": ""}]}


@pytest.mark.parametrize(("media", "message"), [
    (lambda p: tuple(image(p, f"{i}.png") for i in range(5)),
     "post 'launch' part 1 has 5 images; Bluesky takes at most 4 per post"),
    (lambda p: (image(p, "big.png", 2_000_001),),
     "post 'launch' part 1: media/big.png is 2.0 MB; Bluesky takes images up to 2 MB"),
    (lambda p: (OutgoingMedia(path=p / "clip.mp4", alt="x", mime="video/mp4"),),
     "post 'launch' part 1: clip.mp4 is video/mp4; this Bluesky channel posts images only"),
    (lambda p: (OutgoingMedia(path=p / "gone.png", alt="x", mime="image/png"),),
     "post 'launch' part 1: cannot read gone.png"),
])
def test_media_bluesky_cannot_take_is_refused_before_anything_is_sent(
        tmp_path: Path, media: Any, message: str) -> None:
    fake = FakePds()
    with pytest.raises(PlatformError) as caught:
        adapter(fake, tmp_path).publish(part(media=media(tmp_path)))
    assert caught.value.message.startswith(message)
    assert not caught.value.retryable and not caught.value.maybe_sent
    assert fake.sent == []


def test_a_link_card_goes_on_the_first_part_with_its_thumb(tmp_path: Path) -> None:
    fake = FakePds()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "card.jpg").write_bytes(b"\xff\xd8jpeg")
    card = {"uri": "https://acme.example/launch", "title": "Launch", "description": "All of it",
            "thumb": "media/card.jpg"}
    bsky = adapter(fake, tmp_path)
    bsky.publish(part(options={"link_card": card}))
    bsky.publish(part("second", 1, options={"link_card": card}))
    upload = next(s for s in fake.sent if s.nsid.endswith("uploadBlob"))
    assert (upload.content_type, upload.body) == ("image/jpeg", b"\xff\xd8jpeg")
    first, second = fake.records.values()
    assert first["embed"] == {"$type": "app.bsky.embed.external", "external": {
        "uri": "https://acme.example/launch", "title": "Launch", "description": "All of it",
        "thumb": {"$type": "blob", "ref": {"$link": "bafkrei6"}, "mimeType": "image/jpeg",
                  "size": 6}}}
    assert "embed" not in second


# ---- exactly once ---------------------------------------------------------------------

def test_publishing_the_same_part_twice_returns_the_existing_post(tmp_path: Path) -> None:
    fake = FakePds()
    bsky = adapter(fake, tmp_path)
    first = bsky.publish(part())
    again = bsky.publish(part())  # the server answers 500 for the taken record key
    assert again == first
    assert len(fake.records) == 1
    assert fake.nsids()[-2:] == ["com.atproto.repo.createRecord", "com.atproto.repo.getRecord"]


@pytest.mark.parametrize("failure", [
    httpx.ReadTimeout("timed out"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
])
def test_a_create_that_may_have_arrived_is_read_back(tmp_path: Path, failure: Exception) -> None:
    fake = FakePds()

    def created_then_lost(request: httpx.Request) -> httpx.Response:
        fake._createRecord(request, fake.sent[-1].body)
        raise failure

    fake.then("com.atproto.repo.createRecord", created_then_lost)
    ref = adapter(fake, tmp_path).publish(part())
    assert ref.extra["rkey"] == record_key(part())
    assert fake.nsids()[-1] == "com.atproto.repo.getRecord"
    assert fake.sent[-1].params == {"repo": DID, "collection": "app.bsky.feed.post",
                                    "rkey": record_key(part())}


def test_a_create_that_did_not_arrive_is_safe_to_retry(tmp_path: Path) -> None:
    fake = FakePds()
    fake.then("com.atproto.repo.createRecord", httpx.ReadTimeout("timed out"),
              error(502, "UpstreamFailure", "Bad gateway"))
    bsky = adapter(fake, tmp_path)
    for _ in range(2):
        with pytest.raises(PlatformError) as caught:
            bsky.publish(part())
        assert caught.value.retryable and not caught.value.maybe_sent
        assert "no post was created (checked by its record key" in caught.value.message
    assert bsky.publish(part()).extra["rkey"] == record_key(part())


def test_when_the_check_fails_too_the_part_may_have_been_sent(tmp_path: Path) -> None:
    fake = FakePds()
    fake.then("com.atproto.repo.createRecord", httpx.ReadTimeout("timed out"))
    fake.then("com.atproto.repo.getRecord", httpx.ConnectError("refused"))
    with pytest.raises(PlatformError) as caught:
        adapter(fake, tmp_path).publish(part())
    assert caught.value.maybe_sent and not caught.value.retryable
    assert caught.value.message == (
        "Bluesky: could not create the post: the connection to https://pds.example failed after "
        "the request was sent (ReadTimeout); the post may have been created, and checking for "
        "it failed: Bluesky: could not read the post back: cannot reach https://pds.example "
        "(ConnectError)")


def test_a_refused_post_says_why_and_is_not_retried(tmp_path: Path) -> None:
    fake = FakePds()
    fake.then("com.atproto.repo.createRecord", error(
        400, "InvalidRequest",
        'Invalid app.bsky.feed.post record: Missing required key "alt" at $.record.embed.images[0]'))
    with pytest.raises(PlatformError) as caught:
        adapter(fake, tmp_path).publish(part())
    assert not caught.value.retryable and not caught.value.maybe_sent
    assert caught.value.status == 400
    assert caught.value.message == (
        'Bluesky: could not create the post: 400 InvalidRequest: Invalid app.bsky.feed.post '
        'record: Missing required key "alt" at $.record.embed.images[0] (every image needs alt '
        "text: give it `alt:` in the post's media list)")


def test_rate_limits_are_retryable_with_the_wait(tmp_path: Path) -> None:
    fake = FakePds()
    fake.then("com.atproto.repo.createRecord",
              error(429, "RateLimitExceeded", "Rate Limit Exceeded", {"Retry-After": "30"}),
              error(429, "RateLimitExceeded", "Rate Limit Exceeded",
                    {"RateLimit-Reset": str(int(time.time()) + 120)}))
    bsky = adapter(fake, tmp_path)
    with pytest.raises(PlatformError) as first:
        bsky.publish(part())
    assert first.value.retryable and not first.value.maybe_sent
    assert first.value.retry_after == 30
    assert first.value.message.endswith("429 RateLimitExceeded: Rate Limit Exceeded; try again in 30 s")
    with pytest.raises(PlatformError) as second:
        bsky.publish(part())
    assert second.value.retry_after is not None and 110 < second.value.retry_after <= 120
    assert fake.records == {}


def test_an_unreachable_server_is_retryable(tmp_path: Path) -> None:
    fake = FakePds()
    fake.then("com.atproto.server.createSession", httpx.ConnectError("refused"))
    with pytest.raises(PlatformError) as caught:
        adapter(fake, tmp_path).publish(part())
    assert caught.value.retryable and not caught.value.maybe_sent


# ---- lookup, delete, verify -------------------------------------------------------------

def test_lookup_reads_the_record_by_its_key(tmp_path: Path) -> None:
    fake = FakePds()
    bsky = adapter(fake, tmp_path)
    assert bsky.lookup(part()) is None
    ref = bsky.publish(part())
    assert bsky.lookup(part()) == ref
    fake.records[record_key(part())]["text"] = "something else"
    with pytest.raises(PlatformError, match="already holds a different post"):
        bsky.lookup(part())


def test_delete_removes_the_record_named_by_the_ref(tmp_path: Path) -> None:
    fake = FakePds()
    bsky = adapter(fake, tmp_path)
    ref = bsky.publish(part())
    bsky.delete(ref)
    assert fake.sent[-1].nsid == "com.atproto.repo.deleteRecord"
    assert fake.sent[-1].body == {"repo": DID, "collection": "app.bsky.feed.post",
                                  "rkey": ref.extra["rkey"]}
    assert fake.records == {}


def test_verify_names_the_account(tmp_path: Path) -> None:
    fake = FakePds()
    result = adapter(fake, tmp_path).verify()
    assert (result.ok, result.account, result.expires) == (True, f"@acme.test ({DID})", None)
    assert fake.nsids() == ["com.atproto.server.createSession", "com.atproto.server.getSession"]


def test_a_wrong_password_is_reported_without_the_password(tmp_path: Path) -> None:
    fake = FakePds()
    channel = Channel("bluesky-main", "bluesky", {
        "pds": PDS, "handle": "acme.test", "password_env": "BSKY_PASSWORD"})
    wrong = "not-the-password-987"
    bsky = BlueskyAdapter(channel, fake.client(), {"password": wrong}, tmp_path)
    result = bsky.verify()
    assert not result.ok
    assert result.message == (
        "Bluesky: could not log in as @acme.test: 401 AuthenticationRequired: Invalid identifier "
        "or password (check the handle and the app password in BSKY_PASSWORD)")
    with pytest.raises(PlatformError) as caught:
        bsky.publish(part())
    assert wrong not in caught.value.message


def test_a_server_echoing_a_token_does_not_leak_it(tmp_path: Path) -> None:
    fake = FakePds()
    fake.then("com.atproto.repo.createRecord",
              error(400, "InvalidRequest", "bad token access-1 for password " + PASSWORD))
    with pytest.raises(PlatformError) as caught:
        adapter(fake, tmp_path).publish(part())
    assert caught.value.message.endswith(
        "400 InvalidRequest: bad token [secret] for password [secret]")


@pytest.mark.parametrize(("pds", "allowed"), [
    ("http://127.0.0.1:2583", True), ("http://localhost:2583", True), ("http://[::1]:80", True),
    ("http://pds.example", False), ("ftp://pds.example", False), ("https://pds.example", True),
])
def test_plain_http_only_for_loopback(tmp_path: Path, pds: str, allowed: bool) -> None:
    fake = FakePds()
    if allowed:
        adapter(fake, tmp_path, pds=pds).publish(part())
        assert fake.records
    else:
        with pytest.raises(ChannelSetupError, match=f"`pds: {pds}` must be an https:// URL"):
            adapter(fake, tmp_path, pds=pds)
        assert fake.sent == []
