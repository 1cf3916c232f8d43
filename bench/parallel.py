"""Benchmark: where lint's forked workers pay (socialops/lint/parallel.py's PARALLEL_FROM).

    python bench/parallel.py [--sizes 1000 2000 5000 10000 20000] [--runs 5]

For each size, a repository from bench/gen_repo.py; `socialops lint --no-cache --format
json` run serially (PARALLEL_FROM above the size) and with the workers (PARALLEL_FROM 0),
alternating, each in a new interpreter; best wall time of the runs and the CPU time (user +
system of the whole process tree) of that run. The floor (read + libyaml front matter, as in
bench/lint.py) of the same run is printed beside. The machine is shared: the load average
is printed at the start of each size; workers pay only where a core is free.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.append(str(HERE))
from gen_repo import generate  # noqa: E402
from views import FLOOR  # noqa: E402

RUN = ("import sys, socialops.lint.parallel as p; p.PARALLEL_FROM = int(sys.argv[1]); "
       "sys.argv = ['socialops', 'lint', '--no-cache', '--format', 'json', '--now', '2026-12-31T12:00']; "
       "from socialops.cli import main; main()")


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000, 5000, 10000, 20000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    subprocess.run([py, "-m", "compileall", "-q", str(HERE.parent / "socialops")], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="socialops-bench-"))
    try:
        for size in args.sizes:
            repo = tmp / f"r{size}"
            generate(repo, size, git=True)
            load = os.getloadavg()[0]
            serial: list[tuple[float, float]] = []
            forked: list[tuple[float, float]] = []
            floor = []
            for _ in range(args.runs):
                floor.append(timed([py, "-c", FLOOR, str(repo)], repo)[0])
                serial.append(timed([py, "-c", RUN, str(10**9)], repo))
                forked.append(timed([py, "-c", RUN, "0"], repo))
            s, f, fl = min(serial), min(forked), min(floor)
            print(f"{size} posts (load {load:.1f}): floor {fl:.2f} s; serial {s[0]:.2f} s wall {s[1]:.2f} s CPU "
                  f"({s[0] / fl:.2f}x); workers {f[0]:.2f} s wall {f[1]:.2f} s CPU ({f[0] / fl:.2f}x); "
                  f"workers/serial wall {f[0] / s[0]:.2f}, CPU {f[1] / s[1]:.2f}", flush=True)
            shutil.rmtree(repo, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
