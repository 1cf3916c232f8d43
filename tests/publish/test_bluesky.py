"""Publishing to a REAL Bluesky PDS on 127.0.0.1 (installed by .ci/setup-pds.sh; skips
without it, fails under CI=true): a thread with an image goes out once, and a run whose
results were lost is settled by the deterministic record keys, never posted twice."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import git
from tests.pds.server import PdsAccount, running_pds
from tests.publish.conftest import Site, at, run_publish

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with running_pds(tmp_path_factory.mktemp("pds")) as server:
        yield server


@pytest.fixture
def account(pds: Any, request: pytest.FixtureRequest) -> PdsAccount:
    account: PdsAccount = pds.create_account(f"t{abs(hash(request.node.name)) % 10**8}.test")
    return account


@pytest.fixture
def bsky_site(site: Site, account: PdsAccount) -> Site:
    site.configure({**site.channels, "bluesky": {"platform": "bluesky", "pds": account.url,
                                                 "handle": account.handle, "password_env": "BSKY_PASSWORD"}})
    site.env = {"BSKY_PASSWORD": account.password}
    return site


def _png(path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _posts(account: PdsAccount) -> list[dict[str, Any]]:
    answer = httpx.get(f"{account.url}/xrpc/com.atproto.repo.listRecords", timeout=30,
                       params={"repo": account.did, "collection": "app.bsky.feed.post", "limit": "100"})
    assert answer.status_code == 200, answer.text
    records: list[dict[str, Any]] = answer.json()["records"]
    return sorted(records, key=lambda r: r["value"]["createdAt"])


def test_a_thread_with_an_image_goes_to_bluesky_once(bsky_site: Site, account: PdsAccount) -> None:
    _png(bsky_site.root / "media/dot.png")
    bsky_site.post("launch", ["bluesky", "feed"], "We launch today #launch\n\n---\nSecond part.\n",
                   extra="media:\n  - {path: media/dot.png, alt: A single green dot}\n")
    bsky_site.commit()
    result = run_publish(bsky_site)
    assert result.status == "success", result.as_dict()
    records = _posts(account)
    assert [r["value"]["text"] for r in records] == ["We launch today #launch", "Second part."]
    first, second = records
    assert first["value"]["embed"]["images"][0]["alt"] == "A single green dot"
    assert second["value"]["reply"]["parent"]["uri"] == first["uri"]
    assert second["value"]["reply"]["root"]["uri"] == first["uri"]
    parts = bsky_site.ledger("launch")["channels"]["bluesky"]["parts"]
    assert [p["id"] for p in parts] == [first["uri"], second["uri"]]
    assert run_publish(bsky_site, at(75)).posts == []
    assert len(_posts(account)) == 2


def test_a_run_whose_results_were_lost_is_settled_by_the_record_keys(bsky_site: Site, account: PdsAccount) -> None:
    bsky_site.post("t", ["bluesky"], "One.\n\n---\nTwo.\n")
    bsky_site.commit()
    assert run_publish(bsky_site).status == "success"
    # the results never reached the remote (the runner died after its calls): only the claim did
    git(bsky_site.root, "reset", "-q", "--hard", "HEAD~1")
    git(bsky_site.root, "push", "-q", "--force", "origin", "main")
    record = bsky_site.ledger("t")["channels"]["bluesky"]
    assert record["status"] == "intent" and record["parts"] == []
    again = run_publish(bsky_site, at(75))
    assert again.status == "success", again.as_dict()
    assert [p.status for p in again.posts[0].channels[0].parts] == ["published", "published"]
    assert [r["value"]["text"] for r in _posts(account)] == ["One.", "Two."]
