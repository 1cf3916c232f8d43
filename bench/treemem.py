"""Run a command and measure the memory of its whole process tree (the command and every
process it forks, e.g. lint's workers), sampled from /proc every few milliseconds.

    python bench/treemem.py -- COMMAND...      # prints wall s, peak RSS sum, peak PSS sum

Two sums are taken at each sample and their peaks reported:
- RSS summed over the tree: what `ps` shows added up; pages a forked worker shares with its
  parent count once per process (an upper bound);
- PSS summed over the tree (/proc/PID/smaps_rollup): each shared page split between the
  processes sharing it, so the sum is the memory the tree really holds.
Linux only. A sample every 5 ms can miss a peak shorter than that."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measured:
    wall: float
    rss_mb: float
    pss_mb: float
    processes: int
    returncode: int
    stdout: str


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _tree(pid: int) -> list[int]:
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def _rollup(pid: int) -> tuple[int, int]:
    """(Rss, Pss) in kB of one process; zeros once it has gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def run(cmd: list[str], cwd: Path | str | None = None, interval: float = 0.005,
        env: dict[str, str] | None = None) -> Measured:
    peak = [0, 0, 0]
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def sample() -> None:
        while not done.is_set():
            pids = _tree(proc.pid)
            rss = pss = 0
            for p in pids:
                r, s = _rollup(p)
                rss, pss = rss + r, pss + s
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            peak[2] = max(peak[2], len(pids))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measured(wall, peak[0] / 1024, peak[1] / 1024, peak[2], proc.returncode, out.decode(errors="replace"))


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    m = run(args)
    print(f"wall {m.wall:.2f} s, tree peak RSS sum {m.rss_mb:.0f} MB, PSS sum {m.pss_mb:.0f} MB, "
          f"{m.processes} processes at most, exit {m.returncode}")


if __name__ == "__main__":
    main()
