"""What the ledger says about a post or occurrence on a channel, for the calendar's views.

The publisher writes `.socialops/ledger/<id>.yaml` (socialops.ledger, read leniently
there); the calendar lists the folder once (ledger.LedgerIndex) and reads a file only for
an entry it shows.
A channel the ledger has not settled (an intent without a result) shows as `unknown`; a
channel marked `not-published` (nothing reached the platform) shows as if the ledger had
nothing, because publish may send it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialops import ledger as ledger_files
from socialops.model import Project

SHOWN = {"published": "published", "failed": "failed", "unknown": "unknown", "intent": "unknown",
         "held": "held", "missed": "missed", "retracted": "retracted"}


@dataclass(frozen=True, slots=True)
class ChannelState:
    status: str  # one of SHOWN's values
    url: str | None  # the first published part's URL


class Ledger:
    """The ledger of one project, indexed once, files read on demand."""

    def __init__(self, project: Project) -> None:
        self._root = project.root
        self._ids: ledger_files.LedgerIndex | None = None
        self._read: dict[str, ledger_files.LedgerEntry | None] = {}

    def _index(self) -> ledger_files.LedgerIndex:
        if self._ids is None:
            self._ids = ledger_files.LedgerIndex(self._root)
        return self._ids

    def record(self, entry_id: str, channel: str) -> ChannelState | None:
        if entry_id not in self._index():
            return None
        if entry_id not in self._read:
            try:
                self._read[entry_id] = ledger_files.read(self._root, entry_id)
            except (OSError, UnicodeDecodeError, ledger_files.LedgerError):
                self._read[entry_id] = None
        entry = self._read[entry_id]
        found = entry.channel(channel) if entry is not None else None
        if found is None or found.status not in SHOWN:
            return None
        url = next((p.url for p in found.parts if p.status == "published" and p.url), None)
        return ChannelState(SHOWN[found.status], url)
