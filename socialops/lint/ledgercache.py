"""What the ledger files parsed to, kept beside lint's cache for the views that read every
ledger file (`status`): a repository with thousands of published posts has thousands of
ledger files, and parsing their YAML was most of what `status` did.

Kept per clone in the git directory (`.git/socialops/ledger-cache`, beside lint's cache),
where nothing is committed or pushed; outside a git repository there is none, and
SOCIALOPS_NO_CACHE=1 does without it, as for lint's cache. Deleting the file is always safe.

Each file's parsed YAML is kept under the stamp the file had when it was read: its device,
inode, size and modification and change times, taken with lstat before the file is read. A
file whose stamp is not the one kept is read and parsed again (through the safe-path
checks), and so is one that is not a regular file (a symlink), one changed within the last
two seconds (a second change in the same clock tick could keep the stamp: git's "racy"
files; it is kept by a later read), and every file once socialops itself, Python, the
YAML library or the project's configuration changed (lint's cache key, `cache.project_key`).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

from socialops import ledger
from socialops.lint.cache import STEADY_NS, cache_file, project_key
from socialops.model import Project

FORMAT = 1
CACHE_FILE = "ledger-cache"

LedgerStamp = tuple[int, int, int, int, int]  # device, inode, size, mtime_ns, ctime_ns


def _stamp(path: str) -> tuple[LedgerStamp, int] | None:
    """The file's stamp and its modification time, None unless it is a regular file."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns), st.st_mtime_ns


class LedgerCache:
    """The kept parses (ledger.KeptLedger) of one run: looked up by `get`, added to by `keep`,
    written by `save` when anything changed."""

    def __init__(self, project: Project, file: Path, key: str, held: dict[str, tuple[LedgerStamp, bytes]]) -> None:
        self.project = project
        self.file = file
        self.key = key
        self.held = held  # path -> (stamp, the parsed YAML marshalled)
        self.used: dict[str, tuple[LedgerStamp, bytes]] = {}  # what this run found current or read
        self.changed = False
        self._looked: dict[str, tuple[LedgerStamp, int] | None] = {}
        self._now_ns = time.time_ns()

    @classmethod
    def open(cls, project: Project) -> LedgerCache | None:
        file = cache_file(project, CACHE_FILE)
        if file is None:
            return None
        key = project_key(project)
        held: dict[str, tuple[LedgerStamp, bytes]] = {}
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            data = marshal.loads(file.read_bytes())
            if isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == key \
                    and isinstance(data.get("files"), dict):
                held = data["files"]
        return cls(project, file, key, held)

    def get(self, path: str) -> Any:
        found = self._looked[path] = _stamp(path)
        kept = self.held.get(path)
        if found is None or kept is None or not isinstance(kept, tuple) or len(kept) != 2 or kept[0] != found[0]:
            return ledger.NOT_KEPT
        try:
            data = marshal.loads(kept[1])
        except (ValueError, EOFError, TypeError):
            return ledger.NOT_KEPT
        self.used[path] = kept
        return data

    def keep(self, path: str, data: Any) -> None:
        found = self._looked.pop(path, None)  # stamped before it was read
        if found is None or found[1] >= self._now_ns - STEADY_NS:
            self.changed = True  # not kept: the next read keeps it
            return
        try:
            self.used[path] = (found[0], marshal.dumps(data))
        except ValueError:  # not marshallable (YAML gives only plain values: not expected)
            return
        self.changed = True

    def save(self) -> None:
        """Write what this run used (files gone are dropped), if it differs from what was
        read; a failure only costs speed."""
        if not self.changed and len(self.used) == len(self.held):
            return
        if project_key(self.project) != self.key:
            return  # socialops or the configuration changed during this run: keep nothing
        data = marshal.dumps({"format": FORMAT, "key": self.key, "files": self.used})
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, self.file)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def read_all(project: Project, known: ledger.LedgerIndex) -> dict[str, ledger.LedgerEntry]:
    """Every ledger entry (LedgerIndex.read_all), with the parses of unchanged files taken
    from the cache, and the cache brought up to date."""
    cache = LedgerCache.open(project)
    if cache is None:
        return known.read_all()
    entries = known.read_all(cache)
    cache.save()
    return entries
