"""Benchmark: `socialops lint` on 10,000 posts against the floor (read + parse front
matter with the libyaml loader), `socialops --version`, and linting one post.

    python bench/lint.py [--posts 10000] [--runs 3]

Targets (issue 2): lint <= 3 s wall and <= 3x the floor; peak memory <= 300 MB;
`--version` <= 150 ms; one post <= 400 ms. Lint is timed without its cache (every file
read and checked), on the run that writes the cache, and again with nothing changed."""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_repo import generate
from views import FLOOR  # the floor every benchmark measures against


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS of the child in MB, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024, proc.returncode


def best(cmd: list[str], cwd: Path, runs: int) -> tuple[float, int, int]:
    results = [timed(cmd, cwd) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="socialops-bench-"))
    cache = Path(".git/socialops/lint-cache")
    lint = [py, "-m", "socialops", "lint", "--format", "json", "--now", "2026-12-01T09:00"]
    one = [py, "-m", "socialops", "lint", "posts/00/00/post-00000.md"]
    try:
        repo = tmp / "repo"
        generate(repo, args.posts)
        time.sleep(2.1)  # lint's cache keeps only files changed more than 2 s ago
        floor, _, _ = best([py, "-c", FLOOR, str(repo)], repo, args.runs)
        cold, cold_mb, code = best([*lint, "--no-cache"], repo, args.runs)
        (repo / cache).unlink(missing_ok=True)
        first, first_mb, _ = timed(lint, repo)
        warm, warm_mb, _ = best(lint, repo, args.runs)
        version = statistics.median(timed([py, "-m", "socialops", "--version"], repo)[0] for _ in range(7))
        one_cold = min(timed([*one, "--no-cache"], repo)[0] for _ in range(5))
        one_warm = min(timed(one, repo)[0] for _ in range(5))
        fresh = []
        for _ in range(5):  # a fresh clone: no cache at all (this run writes it)
            (repo / cache).unlink(missing_ok=True)
            fresh.append(timed(one, repo)[0])
        acme = Path(__file__).resolve().parent.parent / "examples" / "acme"
        small = {name: min(timed([py, "-m", "socialops", "lint", f"posts/2026/12/{name}"], acme)[0] for _ in range(5))
                 for name in ("launch.md", "holiday-hours.md")}
        print(f"posts: {args.posts}")
        print(f"floor (read + libyaml front matter): {floor:.2f} s")
        print(f"socialops lint --no-cache: {cold:.2f} s ({cold / floor:.1f}x floor), peak {cold_mb} MB, exit {code}")
        print(f"socialops lint, first run (writes the cache): {first:.2f} s ({first / floor:.1f}x floor), peak {first_mb} MB")
        print(f"socialops lint, again (nothing changed): {warm:.2f} s ({warm / floor:.1f}x floor), peak {warm_mb} MB")
        print(f"socialops --version: {version * 1000:.0f} ms (median of 7)")
        print(f"socialops lint ONE_POST: {one_warm * 1000:.0f} ms after a lint, {min(fresh) * 1000:.0f} ms with no "
              f"cache yet (the run that writes it), {one_cold * 1000:.0f} ms with --no-cache (best of 5)")
        for name, wall in small.items():
            print(f"examples/acme: socialops lint posts/2026/12/{name}: {wall * 1000:.0f} ms (best of 5)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
