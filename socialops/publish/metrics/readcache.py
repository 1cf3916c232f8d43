"""What `metrics report` read last time, kept so the next report skips reading a year of
snapshots, the ledger and the posts where none of them changed.

Kept per clone in the git directory (`.git/socialops/metrics-cache/`, beside lint's
cache), where nothing is committed or pushed; outside a git repository there is none.
SOCIALOPS_NO_CACHE=1 does without it; deleting the file is always safe.

Three things are kept, each under a stamp of the files it comes from (size, modification
and change times, inode, as git's index stamps files), all under a stamp of socialops
itself and socialops.yaml:
- the result (every post on every channel as the report reads it, the channels'
  follower counts, the lines that are not snapshot rows): used when no file changed;
- what each ledger file and each post file says (when each post went out on each
  channel; its campaign, language and utm_campaign), each under its own file's stamp:
  only the files added or changed since are read;
- the last report made (its envelope, without the time it was made), under the stamp
  of all of these and of what was asked (--by, --from, --to) and calendar.yaml;
- the snapshot rows folded up to all but the newest day file: used when those day files
  are still the first ones and did not change. Collect adds to the newest day only, so
  the first report after it reads one or two days, not the year.
A file changed within the last seconds could change again in the same clock tick keeping
its size (git calls that "racy"): what depends on it is not kept; the next report keeps it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialops import gitops, ledger
from socialops.model import CONFIG_FILE, Project
from socialops.publish.metrics import store

FORMAT = 2
CACHE_FILE = "metrics-cache"
SETTLE_NS = 2_000_000_000


class Stamp:
    """The stamps of the inputs, and whether each part is settled enough to keep. Without a
    cache (SOCIALOPS_NO_CACHE, or no git directory) nothing is kept or looked up, and no
    file is stamped: only the lists of files are made. Where nothing was kept yet (a fresh
    clone) the ledger and post files are stamped only just before they are read
    (`deferred` until then; the reading may happen in a forked process, which hands back
    what the stamps come to: `adopt`)."""

    def __init__(self, project: Project) -> None:
        self.folder = _folder(project)
        self.now_ns = time.time_ns()
        self.snapshot_paths = [path for _, path in store.files(project.root)]
        self.ledger_paths = ledger.LedgerIndex(project.root).paths  # post id -> file
        self.post_paths = project.post_files()[0]
        #: each ledger and post file -> (its stamp, its modification time)
        self.files: dict[str, tuple[str, int]] = {}
        self.snapshots: list[tuple[str, int]] = []
        self.code = self.full = ""
        self.sources_settled = False
        self.deferred = False
        if self.folder is None:
            return
        import socialops

        code = Path(__file__).parent  # the report's reading: report.py and store.py
        self.code = _digest([f"{FORMAT}|{socialops.__version__}"],
                            [str(project.root / CONFIG_FILE), str(code / "report.py"), str(code / "store.py")])[0]
        self.snapshots = [_stamp(str(path)) for path in self.snapshot_paths]
        if self.folder.is_dir():
            self.stamp_files()
        else:
            self.deferred = True

    def stamp_files(self) -> tuple[str, bool]:
        """Each ledger and post file stamped (before it is read); what that comes to (`full`,
        `sources_settled`)."""
        self.files = {path: _stamp(path) for path in [*self.ledger_paths.values(), *self.post_paths]}
        sources = "\n".join(text for text, _ in self.files.values())
        settled = all(self.settled_at(mtime) for _, mtime in self.files.values())
        self.adopt(_digest([self.code, sources, *(text for text, _ in self.snapshots)], [])[0], settled)
        return self.full, self.sources_settled

    def adopt(self, full: str, sources_settled: bool) -> None:
        """What the ledger and post files' stamps come to, worked out here or by the forked
        reader (which keeps the stamps themselves: only it reads those files)."""
        self.full, self.sources_settled, self.deferred = full, sources_settled, False

    def settled_at(self, mtime: int) -> bool:
        return mtime < self.now_ns - SETTLE_NS

    def settled(self, count: int) -> bool:
        """Whether the first `count` day files are settled."""
        return all(mtime < self.now_ns - SETTLE_NS for _, mtime in self.snapshots[:count])

    @property
    def all_settled(self) -> bool:
        return self.sources_settled and self.settled(len(self.snapshots))


def file_stamp(path: Path) -> str:
    return _stamp(str(path))[0]


def _stamp(path: str) -> tuple[str, int]:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}\0-", 0
    return f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}", st.st_mtime_ns


def _digest(texts: list[str], paths: list[str]) -> tuple[str, int]:
    digest = hashlib.blake2b(digest_size=20)
    newest = 0
    parts = list(texts)
    for path in paths:
        text, mtime = _stamp(path)
        parts.append(text)
        newest = max(newest, mtime)
    digest.update("\n".join(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest(), newest


@dataclass
class Kept:
    result: Any = None
    sources: Any = None
    fold: bytes | None = None
    folded: int = 0  # how many day files `fold` holds


def _folder(project: Project) -> Path | None:
    if os.environ.get("SOCIALOPS_NO_CACHE", "") not in ("", "0"):
        return None
    git_dir = gitops.git_dir(project.root)
    return git_dir / "socialops" / CACHE_FILE if git_dir is not None else None


def _read(folder: Path, name: str, code: str, holds: Callable[[Any], bool]) -> tuple[Any, Any] | None:
    """(key, value) kept in one file of the folder when `holds(key)`, else None. The key
    comes first in the file: a value that does not hold is not read."""
    try:
        with open(folder / name, "rb") as handle:
            version, kept_code, key = marshal.load(handle)
            if version != FORMAT or kept_code != code or not holds(key):
                return None
            return key, marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write(folder: Path, name: str, code: str, key: Any, value: Any) -> None:
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            marshal.dump((FORMAT, code, key), handle)
            marshal.dump(value, handle)
        os.replace(tmp, folder / name)
    except OSError:
        tmp.unlink(missing_ok=True)


def load(project: Project, stamp: Stamp) -> Kept:
    """What was kept and still holds: the result alone when it does."""
    folder = stamp.folder
    found = Kept()
    if folder is None or stamp.deferred:  # nothing kept, or nothing yet
        return found
    result = _read(folder, "result", stamp.code, lambda key: key == stamp.full)
    if result is not None:
        found.result = result[1]
        return found
    sources = _read(folder, "sources", stamp.code, lambda key: key == FORMAT)
    if sources is not None:
        found.sources = sources[1]
    stamps = [text for text, _ in stamp.snapshots]
    fold = _read(folder, "fold", stamp.code, lambda key: key == stamps[:len(key)])
    if fold is not None:
        found.fold, found.folded = fold[1], len(fold[0])
    return found


def save_sources(stamp: Stamp, sources: Any) -> None:
    """Keep what each ledger and post file says (by whichever process read them)."""
    if stamp.folder is not None and not stamp.deferred:
        _write(stamp.folder, "sources", stamp.code, FORMAT, sources)


def save(project: Project, stamp: Stamp, result: Any, fold: tuple[int, bytes] | None) -> None:
    """Keep what holds and is settled (marshallable; `fold`: how many day files it holds,
    and it); never fails the report. A fold not given leaves the one kept."""
    folder = stamp.folder
    if folder is None or stamp.deferred:
        return
    if stamp.all_settled:
        _write(folder, "result", stamp.code, stamp.full, result)
    if fold is not None and stamp.settled(fold[0]):
        _write(folder, "fold", stamp.code, [text for text, _ in stamp.snapshots[:fold[0]]], fold[1])


def load_report(project: Project, stamp: Stamp, asked: Any) -> Any:
    """The last report, when it was asked the same way of the same files."""
    folder = stamp.folder
    key = [stamp.full, *asked]
    kept = (_read(folder, "report", stamp.code, lambda found: found == key)
            if folder is not None and not stamp.deferred else None)
    return kept[1] if kept is not None else None


def save_report(project: Project, stamp: Stamp, asked: Any, data: Any) -> None:
    folder = stamp.folder
    if folder is not None and not stamp.deferred and stamp.all_settled:
        _write(folder, "report", stamp.code, [stamp.full, *asked], data)
