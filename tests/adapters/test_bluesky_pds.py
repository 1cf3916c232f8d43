"""The Bluesky adapter against a REAL AT Protocol PDS (from npm, on 127.0.0.1; installed by
.ci/setup-pds.sh): it posts a thread with an image and facets, reads it back, posts the
same part twice, looks up, deletes, and has the server's own lexicon validation surfaced.
Skips without the install, except under CI=true, where it fails."""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from socialops.adapters.base import OutgoingMedia, OutgoingPart, PlatformError
from socialops.adapters.bluesky import BlueskyAdapter
from socialops.adapters.bluesky_records import record_key
from socialops.model import Channel
from tests.pds.server import PdsAccount, running_pds

pytestmark = pytest.mark.slow
POST_TIME = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
MENTION = "app.bsky.richtext.facet#mention"


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PdsAccount, PdsAccount]]:
    """The account we post as, and another one to mention."""
    with running_pds(tmp_path_factory.mktemp("pds")) as server:
        yield server.create_account("alice.test"), server.create_account("bob.test")


@pytest.fixture
def alice(pds: tuple[PdsAccount, PdsAccount]) -> PdsAccount:
    return pds[0]


@pytest.fixture
def adapter(tmp_path: Path) -> Iterator[Callable[..., BlueskyAdapter]]:
    """Makes adapters for an account, each with its own HTTP client (as separate runs)."""
    clients: list[httpx.Client] = []

    def make(account: PdsAccount, password: str | None = None) -> BlueskyAdapter:
        channel = Channel("bluesky-main", "bluesky", {
            "pds": account.url, "handle": account.handle, "password_env": "BSKY_PASSWORD"})
        clients.append(httpx.Client(timeout=30))
        return BlueskyAdapter(channel, clients[-1], {"password": password or account.password},
                              tmp_path)

    yield make
    for client in clients:
        client.close()


def part(post: str, text: str, index: int = 0, **fields: Any) -> OutgoingPart:
    return OutgoingPart(post_id=post, channel="bluesky-main", index=index, text=text,
                        idempotency_key=f"{post}/bluesky-main/{index}/{text}",
                        published_at=POST_TIME, **fields)


def span(text: str, piece: str) -> dict[str, int]:
    data, wanted = text.encode(), piece.encode()
    return {"byteStart": data.index(wanted), "byteEnd": data.index(wanted) + len(wanted)}


def png(path: Path) -> Path:
    """A real 2x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def read(account: PdsAccount, uri: str) -> dict[str, Any]:
    did, collection, rkey = uri.removeprefix("at://").split("/")
    answer = httpx.get(f"{account.url}/xrpc/com.atproto.repo.getRecord",
                       params={"repo": did, "collection": collection, "rkey": rkey})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def list_posts(account: PdsAccount) -> list[dict[str, Any]]:
    answer = httpx.get(f"{account.url}/xrpc/com.atproto.repo.listRecords",
                       params={"repo": account.did, "collection": "app.bsky.feed.post",
                               "limit": "100"})
    assert answer.status_code == 200, answer.text
    records: list[dict[str, Any]] = answer.json()["records"]
    return records


def test_a_thread_with_an_image_and_facets_is_stored_exactly(
        pds: tuple[PdsAccount, PdsAccount], tmp_path: Path,
        adapter: Callable[..., BlueskyAdapter]) -> None:
    alice, bob = pds
    first = "Grüße aus Köln 🎉 @bob.test: alles neu auf https://example.com/straße #Läuft"
    facets = [
        {"index": span(first, "@bob.test"), "features": [{"$type": MENTION, "handle": "bob.test"}]},
        {"index": span(first, "https://example.com/straße"), "features": [
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/stra%C3%9Fe"}]},
        {"index": span(first, "#Läuft"),
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Läuft"}]},
    ]
    alt = "Ein Diagramm: die Anmeldungen steigen steil an 📈"
    media = (OutgoingMedia(path=png(tmp_path / "media" / "chart.png"), alt=alt, mime="image/png"),)
    bsky = adapter(alice)

    one = bsky.publish(part("thread", first, media=media, lang="de",
                            options={"facets": facets}))
    second = "Zweitens: 日本語も大丈夫。 #テスト"  # no facets given: found in the text
    two = bsky.publish(part("thread", second, 1, reply_to=one, root=one))
    three = bsky.publish(part("thread", "Drittens und letztens.", 2, reply_to=two, root=one))

    stored = read(alice, one.id)
    assert stored["cid"] == one.extra["cid"]
    record = stored["value"]
    assert record["text"] == first
    assert record["langs"] == ["de"]
    text_bytes = record["text"].encode()
    assert [text_bytes[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode()
            for f in record["facets"]] == ["@bob.test", "https://example.com/straße", "#Läuft"]
    assert record["facets"][0]["index"] == {"byteStart": 23, "byteEnd": 32}
    assert record["facets"][0]["features"] == [{"$type": MENTION, "did": bob.did}]
    assert record["facets"][2]["features"][0]["tag"] == "Läuft"
    image = record["embed"]["images"][0]
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    assert image["alt"] == alt
    assert image["image"]["mimeType"] == "image/png"
    assert image["image"]["size"] == media[0].path.stat().st_size
    assert "reply" not in record

    for ref, parent in ((two, one), (three, two)):
        reply = read(alice, ref.id)["value"]["reply"]
        assert reply == {"root": {"uri": one.id, "cid": one.extra["cid"]},
                         "parent": {"uri": parent.id, "cid": parent.extra["cid"]}}
    stored_two = read(alice, two.id)["value"]
    assert stored_two["text"] == second
    assert stored_two["facets"] == [{"index": span(second, "#テスト"), "features": [
        {"$type": "app.bsky.richtext.facet#tag", "tag": "テスト"}]}]

    listed = {r["uri"]: r["value"]["text"] for r in list_posts(alice)}
    assert {one.id, two.id, three.id} <= set(listed)
    assert one.url == f"https://bsky.app/profile/{alice.did}/post/{one.extra['rkey']}"
    assert one.extra["rkey"] == record_key(part("thread", first))


def test_the_same_part_twice_is_one_post(
        alice: PdsAccount, adapter: Callable[..., BlueskyAdapter]) -> None:
    once = part("twice", "Only once, however often we try.")
    first = adapter(alice).publish(once)
    again = adapter(alice).publish(once)  # a later run that lost the first result
    assert again == first
    matching = [r for r in list_posts(alice) if r["value"]["text"] == once.text]
    assert [r["uri"] for r in matching] == [first.id]


def test_lookup_and_delete(alice: PdsAccount, adapter: Callable[..., BlueskyAdapter]) -> None:
    bsky = adapter(alice)
    sent = part("gone-soon", "Here for a moment.")
    assert bsky.lookup(sent) is None
    ref = bsky.publish(sent)
    assert bsky.lookup(sent) == ref
    bsky.delete(ref)
    assert bsky.lookup(sent) is None
    answer = httpx.get(f"{alice.url}/xrpc/com.atproto.repo.getRecord",
                       params={"repo": alice.did, "collection": "app.bsky.feed.post",
                               "rkey": ref.extra["rkey"]})
    assert (answer.status_code, answer.json()["error"]) == (400, "RecordNotFound")


def test_the_server_refusing_an_image_without_alt_is_clear(
        alice: PdsAccount, tmp_path: Path, adapter: Callable[..., BlueskyAdapter]) -> None:
    bsky = adapter(alice)
    media = (OutgoingMedia(path=png(tmp_path / "no-alt.png"), alt=None, mime="image/png"),)
    refused = part("no-alt", "An image nobody described.", media=media)
    with pytest.raises(PlatformError) as caught:
        bsky.publish(refused)
    assert not caught.value.retryable and not caught.value.maybe_sent
    assert caught.value.message == (
        'Bluesky: could not create the post: 400 InvalidRequest: Invalid app.bsky.feed.post '
        'record: Missing required key "alt" at $.record.embed.images[0] (every image needs alt '
        "text: give it `alt:` in the post's media list)")
    assert bsky.lookup(refused) is None


def test_verify_and_secrets_stay_out_of_every_output(
        alice: PdsAccount, tmp_path: Path, adapter: Callable[..., BlueskyAdapter],
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    bsky = adapter(alice)
    checked = bsky.verify()
    assert (checked.ok, checked.account) == (True, f"@alice.test ({alice.did})")
    messages = [checked.message]
    bsky.publish(part("secret-check", "Nothing secret in here."))
    session = bsky.xrpc.session()
    wrong = adapter(alice, password="wrong-password-0000").verify()
    assert not wrong.ok
    messages.append(wrong.message)
    with pytest.raises(PlatformError) as caught:
        bsky.publish(part("secret-check", "x", media=(
            OutgoingMedia(path=png(tmp_path / "x.png"), alt=None, mime="image/png"),)))
    messages.append(caught.value.message)
    out, err = capfd.readouterr()
    everything = "\n".join([*messages, out, err, caplog.text])
    assert "HTTP Request: POST" in caplog.text  # the logs were captured
    for secret in (alice.password, session.access, session.refresh):
        assert secret not in everything
