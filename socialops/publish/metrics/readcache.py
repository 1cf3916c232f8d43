"""What `metrics report` read last time, kept so the next report skips reading a year of
snapshots, the ledger and the posts when none of them changed.

Kept per clone in the git directory (`.git/socialops/metrics-cache`, beside lint's
cache), where nothing is committed or pushed; outside a git repository there is none.
SOCIALOPS_NO_CACHE=1 does without it; deleting the file is always safe.

What is kept: every post on every channel as the report reads it (latest metrics, deleted,
followers at posting, samples, longevity), the channels' follower counts and the lines
that are not snapshot rows; under a stamp of every file they come from (each snapshot day
file, ledger file and post file, and socialops.yaml: size, modification and change times,
inode, as git's index stamps files) and of socialops itself. Any difference, a file added
or removed included, and the report reads everything again. A file changed within the
last seconds could change again in the same clock tick keeping its size (git calls that
"racy"): nothing is kept then; the next report keeps it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from pathlib import Path
from typing import Any

from socialops import ledger
from socialops.model import CONFIG_FILE, Project
from socialops.publish.metrics import store

FORMAT = 1
CACHE_FILE = "metrics-cache"
SETTLE_NS = 2_000_000_000


class Stamp:
    """The inputs' stamp, and whether it is settled enough to keep what was read."""

    def __init__(self, project: Project) -> None:
        import socialops

        digest = hashlib.blake2b(f"{FORMAT}|{socialops.__version__}".encode(), digest_size=20)
        code = Path(__file__).parent  # the report's reading: report.py and store.py
        paths = [str(project.root / CONFIG_FILE), str(code / "report.py"), str(code / "store.py")]
        paths += [str(path) for _, path in store.files(project.root)]
        paths += list(ledger.LedgerIndex(project.root).paths.values())
        paths += project.post_files()[0]
        newest = 0
        parts = []
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                parts.append(f"{path}\0-\n")
                continue
            newest = max(newest, st.st_mtime_ns)
            parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n")
        digest.update("".join(parts).encode("utf-8", "surrogateescape"))
        self.key = digest.hexdigest()
        self.settled = newest < time.time_ns() - SETTLE_NS


def _file(project: Project) -> Path | None:
    from socialops.lint.cache import _git_dir

    if os.environ.get("SOCIALOPS_NO_CACHE", "") not in ("", "0"):
        return None
    git_dir = _git_dir(project.root)
    return git_dir / "socialops" / CACHE_FILE if git_dir is not None else None


def load(project: Project, stamp: Stamp) -> Any:
    """What was kept under this stamp, or None."""
    path = _file(project)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            kept = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(kept, tuple) or len(kept) != 3 or kept[0] != FORMAT or kept[1] != stamp.key:
        return None
    return kept[2]


def save(project: Project, stamp: Stamp, data: Any) -> None:
    """Keep `data` (marshallable) under the stamp; never fails the report."""
    path = _file(project)
    if path is None or not stamp.settled:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            marshal.dump((FORMAT, stamp.key, data), handle)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
