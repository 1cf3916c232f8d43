"""The quick look at ledger files that metrics uses gives what reading the YAML gives."""

from __future__ import annotations

from pathlib import Path

from socialops import ledger
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord


def _yaml_way(root: Path) -> list[tuple[str, str, int, str, str, str]]:
    return sorted((e.post, name, p.index, p.status, p.id, p.at)
                  for e in ledger.read_all(root).values() for name, r in e.channels.items()
                  for p in r.parts if p.status in ("published", "retracted") and p.id and p.at)


def test_sent_parts_agree_with_the_yaml_reading(tmp_path: Path) -> None:
    at = "2026-06-01T09:00:00+02:00"
    ledger.write(tmp_path, LedgerEntry("it's/quoted", "posts/x.md", {
        "mastodon-main": ChannelRecord("published", at, at, parts=[
            PartRecord(0, "published", "101", "https://m/1", at, "h", 1,
                       error="a long\nerror: with lines\n      at: 'not a field'", extra={"at": "no", "id": "x"}),
            PartRecord(1, "failed", None, None, None, "h", 2, error="429"),
            PartRecord(2, "published", "'103'", None, at, "h", 1)]),
        "bluesky-main": ChannelRecord("retracted", at, at, reason="deleted", parts=[
            PartRecord(0, "retracted", "at://did:plc:x/app.bsky.feed.post/3k", None, at, "h", 1,
                       extra={"cid": "bafy"})]),
        "x-main": ChannelRecord("held", None, at, reason="not approved")}))
    ledger.write(tmp_path, LedgerEntry("plain", None, {"x-main": ChannelRecord("published", at, at, parts=[
        PartRecord(0, "published", "9", None, at, "h", 1)])}))
    (tmp_path / ".socialops/ledger/hand.yaml").write_text(
        "# edited by hand\nchannels: {x-main: {status: published, parts: [{index: 0, status: published, id: '7', at: '2026-01-01T00:00:00Z'}]}}\n")
    quick = sorted(ledger.sent_parts(tmp_path))
    assert quick == _yaml_way(tmp_path)
    assert ("it's/quoted", "mastodon-main", 2, "published", "'103'", at) in quick
    assert ("hand", "x-main", 0, "published", "7", "2026-01-01T00:00:00Z") in quick
    assert len(quick) == 5
