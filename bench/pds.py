"""Benchmark: the local Bluesky PDS the tests use (tests/pds): how long it takes to start
and stop, how much memory it holds, and how long .ci/setup-pds.sh takes.

    python bench/pds.py [--starts 5] [--install]

Without --install, the setup script is timed on the existing install (the no-op re-run
every CI job pays). With --install it also installs from scratch into a temporary folder
with an empty npm cache (needs the npm registry; about 2-3 minutes)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.pds.server import NODE, running_pds  # noqa: E402


def time_setup(env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(["bash", str(ROOT / ".ci" / "setup-pds.sh")], env=env, check=True)
    return time.perf_counter() - start


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_starts(count: int) -> tuple[list[float], list[float], list[float]]:
    ready, stopped, memory = [], [], []
    for _ in range(count):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            with running_pds(Path(tmp)) as server:
                ready.append(time.perf_counter() - start)
                memory.append(rss_mb(server.process.pid))
                stop = time.perf_counter()
            stopped.append(time.perf_counter() - stop)
    return ready, stopped, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--install", action="store_true")
    args = parser.parse_args()
    if args.install:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "SOCIALOPS_PDS_HOME": f"{tmp}/pds",
                   "npm_config_cache": f"{tmp}/npm-cache"}
            print(f"install from scratch (empty npm cache): {time_setup(env):.1f} s")
            print(f"setup again, already installed:         {time_setup(env):.2f} s")
    if not NODE.is_file():
        sys.exit("no PDS installed: run .ci/setup-pds.sh first")
    print(f"setup on the existing install:          {time_setup(dict(os.environ)):.2f} s")
    ready, stopped, memory = time_starts(args.starts)
    print(f"start to ready ({args.starts} starts): median {statistics.median(ready):.2f} s, "
          f"max {max(ready):.2f} s")
    print(f"stop: median {statistics.median(stopped):.2f} s; memory when ready: median "
          f"{statistics.median(memory):.0f} MB")


if __name__ == "__main__":
    main()
