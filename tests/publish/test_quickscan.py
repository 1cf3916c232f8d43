"""The quick looks publish takes in large repositories never decide differently from a
full read: either they agree with it, or they step aside (None)."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops import ledger
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord
from socialops.model import read_post
from socialops.quickscan import quick_front

FRONT = [
    "channels: [feed, mastodon]\npublish_at: 2026-12-01T09:00\nstatus: ready\n",
    "channels: [feed]\npublish_at: '2026-12-01T09:00+01:00'  # launch\nstatus: draft\nid: keep/this\n",
    "channels: feed\npublish_at: \"2026-12-01T09:00Z\"\n",
    "status: ready\npublish_at: queue\n",
    "title: No time\nmedia:\n  - path: media/a.png\n    alt: 'status: draft'\n",
    "channels:\n  - feed\n  - mastodon\npublish_at: 2026-12-01T09:00\n",
    "channels: [feed,\n  mastodon]\npublish_at: 2026-12-01T09:00\n",
    "publish_at: 2026-12-01T09:00\npublish_at: 2026-12-02T09:00\n",
    "{channels: [feed], publish_at: 2026-12-01T09:00}\n",
    "status: !!str ready\npublish_at: 2026-12-01T09:00\n",
    "status: &s ready\npublish_at: 2026-12-01T09:00\n",
    "publish_at: 2026-12-01 09:00\n",
    "channels: ['feed']\n",
    "variants:\n  feed: |\n    status: draft\n    publish_at: 2030-01-01T00:00\n",
    "id: 'a #b'\n",
    "status:\npublish_at: 2026-12-01T09:00\n",
]


@pytest.mark.parametrize("front", FRONT)
def test_the_quick_look_agrees_with_the_full_read_or_steps_aside(tmp_path: Path, front: str) -> None:
    path = tmp_path / "posts" / "p.md"
    path.parent.mkdir()
    path.write_text(f"---\n{front}---\nBody.\n")
    quick = quick_front(tmp_path, path)
    full = read_post(tmp_path, path)
    if quick is None:
        return
    assert full.readable
    assert quick.status == full.status
    assert quick.publish_at == full.publish_at
    assert quick.id == full.id
    assert (list(quick.channels) if quick.channels is not None else None) == (
        full.channels if "channels" in full.meta else None)


def test_the_quick_look_is_taken_for_the_usual_shape(tmp_path: Path) -> None:
    path = tmp_path / "posts" / "p.md"
    path.parent.mkdir()
    path.write_text("---\nchannels: [feed, mastodon]\npublish_at: 2026-12-01T09:00\nstatus: ready\n---\nHi\n")
    quick = quick_front(tmp_path, path)
    assert quick is not None and quick.channels == ("feed", "mastodon") and quick.id == "p"


def _entry(*statuses: str) -> LedgerEntry:
    channels = {f"ch{i}": ChannelRecord(s, parts=[PartRecord(0, s, hash="ab" * 32)]) for i, s in enumerate(statuses)}
    return LedgerEntry("p", "posts/p.md", channels)


@pytest.mark.parametrize("statuses", [("published",), ("published", "retracted"), ("published", "unknown"),
                                      ("intent",), ("missed", "published"), ()])
def test_settled_channels_agree_with_the_full_read(tmp_path: Path, statuses: tuple[str, ...]) -> None:
    entry = _entry(*statuses)
    ledger.write(tmp_path, entry)
    text = ledger.path_for(tmp_path, "p").read_text()
    quick = ledger.settled_channels(text)
    full = ledger.parse(text, "p")
    assert quick == {n for n, r in full.channels.items() if r.status in ("published", "retracted")}
    assert ledger.hashes_in(text) == ({"ab" * 32} if statuses else set())


def test_settled_channels_steps_aside_for_a_hand_written_ledger() -> None:
    assert ledger.settled_channels("channels: {feed: {status: published}}\npost: p\n") is None
    assert ledger.settled_channels("post: p\nchannels:\n  feed:\n    parts: []\n") is None
