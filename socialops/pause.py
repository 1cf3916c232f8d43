"""The crisis switch: `.socialops/paused.yaml` (reason, who, since), a committed file.
While it is there, `publish` stops at once and says why."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from socialops import safepaths, yamlio
from socialops.timeutil import iso

PAUSE_FILE = ".socialops/paused.yaml"


@dataclass
class Pause:
    reason: str
    who: str | None
    since: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "who": self.who, "since": self.since}


MAX_PAUSE_BYTES = 64 * 1024  # a reason, a name and a time: a larger file is not a switch we wrote


def read_pause(root: Path) -> Pause | None:
    """The switch, or None when its file is not there. Read through the safe-path checks: a
    symlink out of the repository, a FIFO or a device (a committed `paused.yaml` pointing at
    /dev/zero) is not read, and counts as a switch that cannot be read: publishing stops."""
    try:
        text = safepaths.read_bytes(root, PAUSE_FILE, PAUSE_FILE, MAX_PAUSE_BYTES).decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, safepaths.UnsafePath):
        text = None
    return parse_pause(text)


def parse_pause(text: str | None) -> Pause | None:
    """The switch from its file's text (None: the text could not be read)."""
    try:
        data = yamlio.load(text) if text is not None else None
    except yamlio.YamlError:
        data = None
    if not isinstance(data, dict):  # a switch we cannot read still stops publishing
        return Pause(f"{PAUSE_FILE} exists (it cannot be read)", None, None)
    return Pause(str(data.get("reason") or "no reason given"),
                 str(data["who"]) if data.get("who") else None,
                 str(data["since"]) if data.get("since") else None)


def write_pause(root: Path, reason: str, who: str | None, since: datetime) -> Path:
    path = root / PAUSE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Publishing is paused while this file exists. `socialops resume` removes it.\n"
    path.write_text(header + yamlio.dump({"reason": reason, "who": who, "since": iso(since)}), "utf-8")
    return path


def remove_pause(root: Path) -> bool:
    path = root / PAUSE_FILE
    if not path.exists():
        return False
    path.unlink()
    return True


@dataclass
class PauseWatch:
    """The switch as a run in progress sees it: the file in the checkout (read at every look),
    and the file on the remote branch (a pause pushed while the run works), fetched again
    whenever the last fetch is older than `fresh` seconds. A run asks before each post, each
    thread part and each retry, and every few seconds while it waits inside one (the worker's
    `look_every`: a rate limit, a backoff, media still processing), so a pause pushed during
    a run stops it before its next platform call; a look that fails (the remote cannot be
    reached) keeps the last answer. A look first asks which commit the remote branch is at
    (ls-remote): while it is the commit the switch was last read from, the answer stands and
    nothing is fetched (a fetch starts three more git processes and may start git's
    maintenance).
    """

    root: Path
    top: Path | None = None  # the repository's top folder
    remote: str | None = None  # the remote whose branch is watched (None: the checkout only)
    branch: str | None = None
    fresh: float = 2.0
    clock: Callable[[], float] = time.monotonic
    looks: int = 0
    _last: float | None = None
    _found: Pause | None = None
    _head: str | None = None  # the remote branch's commit the switch was last read from
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> Pause | None:
        here = read_pause(self.root)  # cheap: read every time
        if here is not None:
            return here
        with self._lock:
            if self._last is None or self.clock() - self._last >= self.fresh:
                self._found = self._remote()
                self._last = self.clock()
                self.looks += 1
            return self._found

    def _remote(self) -> Pause | None:
        if self.top is None or self.remote is None or self.branch is None:
            return None
        from socialops import gitops

        rel = (self.root / PAUSE_FILE).resolve().relative_to(self.top.resolve()).as_posix()
        try:
            head = gitops.remote_head(self.top, self.remote, self.branch)
            if head is not None and head == self._head:
                return self._found
            text = gitops.remote_file(self.top, self.remote, self.branch, rel) if head is not None else None
        except gitops.GitError:
            return self._found
        self._head = head
        return parse_pause(text) if text is not None else None

    def reason(self) -> str | None:
        found = self.current()
        return f"{found.reason} ({found.who or 'someone'}, {found.since})" if found else None
