"""Benchmark: what a writer feels on a large repository, each as a ratio to the floor
measured in the same run (issue 17).

    python bench/views.py [--posts 10000] [--runs 5] [--only NAME ...] [--repo DIR]

The floor is a plain Python script that reads every post file and parses its front matter
with the libyaml loader (the same as bench/lint.py's). Timed, each as a user runs it (a new
interpreter each time), best of the runs:

- `socialops --help` (target: 100 ms);
- `socialops lint ONE_POST` after a lint (target: 250 ms at 10,000 posts, 400 ms at 50,000),
  the same with that post edited a moment before (what the pre-commit hook meets), and in a
  fresh clone: no lint cache yet, the run that writes it (target: 2x that);
- `status`, `plan --format json`, `calendar` (the month grid) at 10,000 posts (target: 2x
  the floor), each after a lint (lint's cache there) and in a fresh clone;
- `calendar --ics` of the year (target: 2 s at 10,000 posts).

socialops's bytecode is compiled first (`compileall`), as an installation has it: with
PYTHONDONTWRITEBYTECODE set, every run would otherwise compile its modules again (40-80 ms).
The machine is shared (2 cores, other jobs running): each figure is printed with the floor
of the same run and the load average when the run started and ended; take the best of
several runs. The least CPU time (user + system, the process and its children) of each is
printed too, against the floor's: under load it moves less than the wall time.
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
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/calendar.py is not `calendar`
sys.path.append(str(HERE))
from gen_repo import generate  # noqa: E402

FLOOR = r"""
import sys, os, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
n = 0
for dirpath, dirs, files in os.walk(os.path.join(sys.argv[1], "posts")):
    for name in files:
        if name.endswith(".md"):
            text = open(os.path.join(dirpath, name), encoding="utf-8").read()
            front = text.split("\n---\n", 1)[0][4:]
            yaml.load(front, Loader=loader)
            n += 1
print(n)
"""
NOW = "2026-12-31T12:00"
CACHE = Path(".git/socialops/lint-cache")


ENV: dict[str, str] | None = None  # --before: socialops imported from that checkout instead


CPU: dict[float, float] = {}  # wall time of a run -> the CPU time (user + system) of its process tree


def wall(cmd: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    CPU[took] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took


def best(cmd: list[str], cwd: Path, runs: int, fresh: bool = False, edit: Path | None = None) -> float:
    """Best wall time of `runs`; `fresh`: lint's cache removed before each (a fresh clone);
    `edit`: that file edited before each (a space added to its last line) and left alone
    for lint's 2 s of settling, as a writer commits a post edited a moment ago. The least
    CPU time of the runs is kept too (MIN_CPU): on a busy machine it moves less."""
    times = []
    original = (cwd / edit).read_bytes() if edit is not None else b""
    for _ in range(runs):
        if fresh:
            (cwd / CACHE).unlink(missing_ok=True)
        if edit is not None:
            with (cwd / edit).open("a", encoding="utf-8") as file:
                file.write(" ")
            time.sleep(2.1)
        times.append(wall(cmd, cwd))
    if edit is not None:
        (cwd / edit).write_bytes(original)
    MIN_CPU[min(times)] = min(CPU[t] for t in times)
    return min(times)


MIN_CPU: dict[float, float] = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None, help="help, one, status, plan, calendar, ics")
    parser.add_argument("--repo", type=Path, help="a repository made by bench/gen_repo.py (kept)")
    parser.add_argument("--before", type=Path, help="another checkout of socialops (e.g. `git archive` of an "
                        "older commit) to time the same way in the same run")
    args = parser.parse_args()
    global ENV
    py = sys.executable
    so = [py, "-m", "socialops"]
    tmp = Path(tempfile.mkdtemp(prefix="socialops-bench-"))
    want = set(args.only or ["help", "one", "status", "plan", "calendar", "ics"])
    subprocess.run([py, "-m", "compileall", "-q", str(HERE.parent / "socialops")], check=True)
    try:
        repo = args.repo
        if repo is None:
            repo = tmp / "repo"
            generate(repo, args.posts)
            time.sleep(2.1)  # lint's cache keeps only files changed more than 2 s ago
        posts = sum(1 for _ in (repo / "posts").rglob("*.md"))
        print(f"posts: {posts}; load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared)")
        floor = best([py, "-c", FLOOR, str(repo)], repo, args.runs)
        print(f"floor (read + libyaml front matter): {floor * 1000:.0f} ms")
        one = [*so, "lint", "posts/00/00/post-00000.md", "--now", NOW]
        wall([*so, "lint", "--format", "json", "--now", NOW], repo)  # the earlier lint
        rows: list[tuple[str, float]] = []
        if "help" in want:
            rows.append(("socialops --help", best([*so, "--help"], repo, args.runs)))
            rows.append(("python -c pass (interpreter start)", best([py, "-c", "pass"], repo, args.runs)))
        if "one" in want:
            rows.append(("lint ONE_POST after a lint", best(one, repo, args.runs)))
            rows.append(("lint ONE_POST after a lint, the post just edited", best(one, repo, args.runs,
                                                                                   edit=Path(one[4]))))
            rows.append(("lint ONE_POST, fresh clone", best(one, repo, args.runs, fresh=True)))
            wall([*so, "lint", "--format", "json", "--now", NOW], repo)
        views = {"status": [*so, "status", "--now", NOW],
                 "plan": [*so, "plan", "--format", "json", "--from", "2027-01-01", "--to", "2027-12-31", "--now", NOW],
                 "calendar": [*so, "calendar", "--month", "2027-03", "--now", NOW],
                 "ics": [*so, "calendar", "--ics", str(tmp / "out.ics"), "--from", "2027-01-01",
                         "--to", "2028-01-01", "--now", NOW]}
        for name, cmd in views.items():
            if name in want:
                rows.append((f"{name} after a lint", best(cmd, repo, args.runs)))
        for name, cmd in views.items():
            if name in want:
                rows.append((f"{name}, fresh clone", best(cmd, repo, args.runs, fresh=True)))
                wall([*so, "lint", "--format", "json", "--now", NOW], repo)
        if args.before is not None:  # the same commands with the other checkout, in this run
            subprocess.run([py, "-m", "compileall", "-q", str(args.before / "socialops")], check=True)
            ENV = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
            wall([*so, "lint", "--format", "json", "--now", NOW], repo)
            if "help" in want:
                rows.append(("BEFORE socialops --help", best([*so, "--help"], repo, args.runs)))
            if "one" in want:
                rows.append(("BEFORE lint ONE_POST after a lint", best(one, repo, args.runs)))
                rows.append(("BEFORE lint ONE_POST after a lint, the post just edited",
                             best(one, repo, args.runs, edit=Path(one[4]))))
                rows.append(("BEFORE lint ONE_POST, fresh clone", best(one, repo, args.runs, fresh=True)))
            for name, cmd in views.items():
                if name in want:
                    rows.append((f"BEFORE {name}", best(cmd, repo, min(args.runs, 2) if name == "ics" else args.runs)))
            ENV = None
            (repo / CACHE).unlink(missing_ok=True)
        floor_cpu = MIN_CPU[floor]
        print(f"floor CPU: {floor_cpu * 1000:.0f} ms; load average at end: {os.getloadavg()[0]:.1f}")
        for what, took in rows:
            cpu = MIN_CPU[took]
            print(f"{what}: {took * 1000:.0f} ms = {took / floor:.2f}x the floor; "
                  f"CPU {cpu * 1000:.0f} ms = {cpu / floor_cpu:.2f}x the floor's")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
