"""Benchmark: reading the other posts' briefs at once in a fresh clone (issue 17), in one
process and shared with a forked one, to set socialops.lint.bulkread.FORK_FROM.

    python bench/fresh_read.py REPO [--sizes 2000 5000 10000 20000 50000] [--runs 7]

REPO is a repository made by bench/gen_repo.py. For each size, the first that many post
files are read as a one-post lint in a fresh clone reads them (read_briefs), each run in a
new interpreter (as a user runs lint: its heap, its page faults), taking turns between one
process and two. Printed per size: the median and best wall time of each, the median CPU
time (the process and its child), and the load average before and after: the machine is
shared (2 cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ONE = r"""
import gc, resource, sys, time
from pathlib import Path
gc.disable()
from socialops.lint.bulkread import read_briefs
from socialops.lint.quickread import _QuickReader
from socialops.model import Project
project = Project.load(Path(sys.argv[1]))
files, _ = project.post_files()
cut = len(str(project.root)) + 1
items = [(full, full[cut:], None) for full in files[:int(sys.argv[2])]]
start = time.perf_counter()
read_briefs(project, _QuickReader(project).readings(), items, int(sys.argv[3]))
took = time.perf_counter() - start
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(took, sum(u.ru_utime + u.ru_stime for u in usage))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 5000, 10000, 20000, 50000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for size in args.sizes:
        before = os.getloadavg()[0]
        found: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        for _ in range(args.runs):
            for workers in (1, 2):
                out = subprocess.run([sys.executable, "-c", ONE, str(args.repo), str(size), str(workers)],
                                     capture_output=True, text=True, check=True).stdout.split()
                found[workers].append((float(out[0]), float(out[1])))
        row = []
        for workers, runs in found.items():
            walls = [wall for wall, _ in runs]
            row.append(f"{workers} process{'es' if workers > 1 else ''}: median {statistics.median(walls) * 1000:.0f} "
                       f"best {min(walls) * 1000:.0f} ms, CPU {statistics.median(c for _, c in runs) * 1000:.0f} ms")
        ratio = statistics.median(w for w, _ in found[2]) / statistics.median(w for w, _ in found[1])
        print(f"{size} files (load {before:.1f}-{os.getloadavg()[0]:.1f}): {'; '.join(row)}; "
              f"two/one wall {ratio:.2f}")


if __name__ == "__main__":
    main()
