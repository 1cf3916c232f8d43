"""The quick look publish takes at ledger files never decides differently from a full
read: either it agrees with it, or it steps aside (None). (The quick look at post files is
socialops.lint.quickread, tested in tests/test_quickread.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops import ledger
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord


def _entry(*statuses: str) -> LedgerEntry:
    channels = {f"ch{i}": ChannelRecord(s, parts=[PartRecord(0, s, hash="ab" * 32)]) for i, s in enumerate(statuses)}
    return LedgerEntry("p", "posts/p.md", channels)


@pytest.mark.parametrize("statuses", [("published",), ("published", "retracted"), ("published", "unknown"),
                                      ("intent",), ("missed", "published"), ()])
def test_done_channels_agree_with_the_full_read(tmp_path: Path, statuses: tuple[str, ...]) -> None:
    entry = _entry(*statuses)
    ledger.write(tmp_path, entry)
    text = ledger.path_for(tmp_path, "p").read_text()
    quick = ledger.done_channels(text)
    full = ledger.parse(text, "p")
    assert quick == {n for n, r in full.channels.items() if r.status in ("published", "retracted")}
    assert ledger.hashes_in(text) == ({"ab" * 32} if statuses else set())


def test_done_channels_step_aside_for_a_hand_written_ledger() -> None:
    assert ledger.done_channels("channels: {feed: {status: published}}\npost: p\n") is None
    assert ledger.done_channels("post: p\nchannels:\n  feed:\n    parts: []\n") is None
