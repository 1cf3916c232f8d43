"""Benchmark: peak memory of lint's whole process tree (the lint process and its forked
workers and calendar process), and its wall time, against the floor of the same run.

    python bench/memory.py [--posts 100000] [--runs 2] [--repo DIR] [--before DIR]

Memory is sampled from /proc every 5 ms (bench/treemem.py): the peak of the RSS summed over
the tree (pages a worker shares with its parent counted in each: an upper bound) and of the
PSS summed (shared pages split: what the tree really holds). Timed: `lint --no-cache`, the
first run of a fresh clone (it writes the cache) and a run with nothing changed; the floor
(bench/lint.py's script: read every post and parse its front matter with libyaml) beside.
`--before DIR` measures another checkout of socialops (e.g. a `git archive` of an older
commit) the same way in the same run, taking turns with this one.
Target (issue 17): at most 300 MB at 100,000 posts, wall time no worse than before.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.append(str(HERE))
import treemem  # noqa: E402
from gen_repo import generate  # noqa: E402
from views import FLOOR  # noqa: E402

NOW = "2026-12-31T12:00"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--repo", type=Path, help="a repository made by bench/gen_repo.py (kept)")
    parser.add_argument("--before", type=Path, help="another checkout of socialops to measure in the same run")
    args = parser.parse_args()
    py = sys.executable
    subprocess.run([py, "-m", "compileall", "-q", str(HERE.parent / "socialops")], check=True)
    codes: dict[str, dict[str, str] | None] = {"": None}
    if args.before is not None:
        subprocess.run([py, "-m", "compileall", "-q", str(args.before / "socialops")], check=True)
        codes["BEFORE "] = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
    tmp = Path(tempfile.mkdtemp(prefix="socialops-bench-"))
    lint = [py, "-m", "socialops", "lint", "--format", "json", "--now", NOW]
    cache = Path(".git/socialops/lint-cache")
    try:
        repo = args.repo
        if repo is None:
            repo = tmp / "repo"
            generate(repo, args.posts)
            time.sleep(2.1)
        print(f"posts: {sum(1 for _ in (repo / 'posts').rglob('*.md'))}; load average at start: "
              f"{os.getloadavg()[0]:.1f} (2 cores, shared)", flush=True)
        rows: dict[str, list[treemem.Measured]] = {"floor": []}
        for _ in range(args.runs):
            rows["floor"].append(treemem.run([py, "-c", FLOOR, str(repo)], repo))
            for label, env in codes.items():
                rows.setdefault(f"{label}lint --no-cache", []).append(treemem.run([*lint, "--no-cache"], repo, env=env))
                (repo / cache).unlink(missing_ok=True)
                rows.setdefault(f"{label}lint, fresh clone", []).append(treemem.run(lint, repo, env=env))
                rows.setdefault(f"{label}lint, nothing changed", []).append(treemem.run(lint, repo, env=env))
                (repo / cache).unlink(missing_ok=True)
            print(f"  run done, load average {os.getloadavg()[0]:.1f}", flush=True)
        floor = min(m.wall for m in rows["floor"])
        for what, runs in rows.items():
            wall = min(m.wall for m in runs)
            print(f"{what}: {wall:.2f} s = {wall / floor:.2f}x the floor; tree peak RSS sum "
                  f"{max(m.rss_mb for m in runs):.0f} MB, PSS sum {max(m.pss_mb for m in runs):.0f} MB, "
                  f"{max(m.processes for m in runs)} processes", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
