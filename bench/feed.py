"""Benchmark: publishing to the Atom feed grows linearly (issue 17).

    python bench/feed.py [--posts 1000 2000] [--runs 2]

For each count, a repository with that many due posts on the `feed` channel (a bare remote
to push to), then `socialops publish` as a user runs it (a new process: claim commit and
push, every part recorded in the ledger, the feed written, final commit and push). Target:
2,000 posts within 2.2x the time of 1,000. Best of the runs, each in a fresh repository."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
CONFIG = """\
timezone: UTC
channels:
  feed: {platform: feed, path: public/feed.xml, title: Bench news, link: https://bench.example,
         permalink: "https://bench.example/news/{id}"}
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def make_repo(base: Path, count: int, now: datetime) -> Path:
    remote, root = base / "remote.git", base / "content"
    git(base, "init", "-q", "--bare", "-b", "main", str(remote))
    (root / "posts").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "media" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 1024)
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", str(remote))
    (root / "socialops.yaml").write_text(CONFIG)
    for i in range(count):
        due = now - timedelta(minutes=1 + (count - i) % 300)
        media = "media:\n  - {path: media/chart.png, alt: A chart of the week}\n" if i % 5 == 0 else ""
        thread = "\n---\nAnd a second part for the thread.\n" if i % 4 == 0 else ""
        (root / "posts" / f"p{i:05d}.md").write_text(
            f"---\nchannels: [feed]\npublish_at: {due:%Y-%m-%dT%H:%M}\nstatus: ready\n{media}---\n"
            f"Post number {i}: what happened this week, with a link https://bench.example/{i}\n{thread}")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "posts")
    git(root, "push", "-q", "origin", "main")
    return root


def publish(root: Path, now: datetime, count: int) -> tuple[float, float]:
    """(wall s, CPU s of publish and the git commands it ran)."""
    import resource

    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_ACTIONS", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "socialops", "publish", "--now", f"{now:%Y-%m-%dT%H:%M}",
                           "--format", "json"], cwd=root, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode != 0:
        raise SystemExit(f"publish failed ({proc.returncode}):\n{proc.stderr}\n{proc.stdout[-2000:]}")
    import json

    published = json.loads(proc.stdout)["summary"].get("published", 0)
    if published != count:
        raise SystemExit(f"{count} posts: only {published} published:\n{proc.stdout[-3000:]}")
    return took, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 2000])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    best: dict[int, float] = {}
    least: dict[int, float] = {}  # CPU time: on a busy machine it moves less than the wall time
    for _ in range(args.runs):
        for count in args.posts:
            with tempfile.TemporaryDirectory() as tmp:
                root = make_repo(Path(tmp), count, now)
                took, cpu = publish(root, now, count)
                size = (root / "public" / "feed.xml").stat().st_size
            best[count] = min(best.get(count, took), took)
            least[count] = min(least.get(count, cpu), cpu)
            print(f"  {count} posts: {took:.2f} s, {cpu:.2f} s CPU (feed {size / 1e6:.1f} MB; load "
                  f"{os.getloadavg()[0]:.1f})", flush=True)
    first = args.posts[0]
    for count in args.posts:
        print(f"{count} posts: best {best[count]:.2f} s = {best[count] / best[first]:.2f}x {first}; "
              f"CPU {least[count]:.2f} s = {least[count] / least[first]:.2f}x")


if __name__ == "__main__":
    main()
