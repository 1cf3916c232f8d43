"""Benchmark: a year of metrics for 10,000 posts (issue 12).

    python bench/metrics.py [--posts 10000] [--days 365] [--runs 3] [--keep DIR]
    python bench/metrics.py --reuse DIR [--runs 5] [--before CHECKOUT]

Builds a content repository with `--posts` posts published over `--days` days (about 27 a
day at the defaults, each on one of five channels: Mastodon, Bluesky, X, LinkedIn,
Threads), their ledger, and the snapshots a daily `socialops metrics collect` at 05:17 UTC
would have written over those days: each post sampled at the default ages (1 h to 90 d,
caught up by the next daily run), the platform's metrics with counters that grow as real
ones do, and each channel's followers every day; one commit per day, as the workflow
makes. Then measures:

- growth: snapshot rows, the working tree of .socialops/metrics, and the packed git
  history of those files (after `git gc --aggressive`);
- `socialops metrics report` (text, --format json, --format csv, --by weekday) over the whole
  year, as a user runs it (a new process each time), best of `--runs`, reading everything
  (without a cache, and in a fresh clone), after a collect and with nothing changed;
  target under 2 s;
- with `--steps`: the CPU time of each step of a report reading everything, in one process;
- with `--before CHECKOUT`: only the reports reading everything, by that checkout's
  socialops and by this one in turn, so that both see the same load;
- `socialops metrics collect --no-push` on the last day with nothing reachable (every
  channel fails fast on its missing secret), to time the due-parts scan over a year.
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from socialops import ledger  # noqa: E402
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord  # noqa: E402
from socialops.publish.metrics import ages, store  # noqa: E402

GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
CHANNELS = {
    "mastodon-main": ("mastodon", ("likes", "reposts", "replies", "quotes")),
    "bluesky-main": ("bluesky", ("likes", "reposts", "replies", "quotes", "bookmarks")),
    "x-main": ("x", ("likes", "reposts", "replies", "quotes", "bookmarks", "views", "clicks")),
    "linkedin-company": ("linkedin", ("likes", "reposts", "replies", "views", "clicks")),
    "threads-main": ("threads", ("likes", "reposts", "replies", "quotes", "shares", "views")),
}
CONFIG = """\
timezone: Europe/Berlin
channels:
  mastodon-main: {platform: mastodon, instance: https://mastodon.example, token_env: BENCH_UNSET_1}
  bluesky-main: {platform: bluesky, pds: https://pds.example, handle: bench.test, password_env: BENCH_UNSET_2}
  x-main: {platform: x, api_key_env: BENCH_UNSET_3, api_secret_env: BENCH_UNSET_4, access_token_env: BENCH_UNSET_5, access_secret_env: BENCH_UNSET_6}
  linkedin-company: {platform: linkedin, author: "urn:li:organization:1", token_env: BENCH_UNSET_7}
  threads-main: {platform: threads, user_id: "1", token_env: BENCH_UNSET_8}
"""
LANGS = ("en", "de", "fr", "es")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def build(root: Path, posts: int, days: int, seed: int = 12, full: bool = False) -> tuple[int, datetime]:
    """The repository; returns (snapshot rows, the last day's run time). Each sample writes
    what changed since the part's previous one, as collect does (`full`: every metric at
    every sample, as collect wrote them before)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
    git(root.parent, "init", "-q", "-b", "main", str(root))
    (root / "socialops.yaml").write_text(CONFIG)
    campaigns = "\n".join(f"  c{m:02d}: {{from: 2026-{m:02d}-01, to: 2026-{m:02d}-28, targets: {{likes: 5000, followers: 300, posts: 700}}}}"
                          for m in range(1, 13))
    (root / "calendar.yaml").write_text(f"campaigns:\n{campaigns}\n")
    (root / "styleguide.yaml").write_text("rules: []\n")
    names = sorted(CHANNELS)
    parts: list[tuple[str, str, int, datetime, float]] = []  # post, channel, part, published, reach
    for n in range(posts):
        published = start + timedelta(minutes=rng.randrange(days * 24 * 60))
        channel = names[n % len(names)]
        post = f"{published:%Y/%m}/post-{n:05d}"
        lang = LANGS[n % len(LANGS)]
        campaign = f"c{published.month:02d}" if n % 3 == 0 else None
        path = root / "posts" / f"{post}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        front = f"channels: [{channel}]\npublish_at: {published:%Y-%m-%dT%H:%M}Z\nlang: {lang}\n" + \
                (f"campaign: {campaign}\n" if campaign else "")
        path.write_text(f"---\n{front}---\nPost {n}: https://acme.example/?utm_campaign=p{n}\n")
        count = 1 + (n % 7 == 0)
        entry = LedgerEntry(post, f"posts/{post}.md", {channel: ChannelRecord(
            "published", published.isoformat(), published.isoformat(),
            parts=[PartRecord(i, "published", f"{n}-{i}", None, (published + timedelta(seconds=i)).isoformat(), "h", 1)
                   for i in range(count)], count=count)})
        ledger.write(root, entry)
        reach = rng.lognormvariate(3, 1)
        parts += [(post, channel, i, published, reach / (i + 1)) for i in range(count)]
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "content")
    schedule = ages.configured({})
    last: dict[tuple[str, str, int], datetime] = {}
    previous: dict[tuple[str, str, int], dict[str, int | None]] = {}
    parts.sort(key=lambda p: p[3])
    total = 0
    followers = {c: 1000 * (i + 1) for i, c in enumerate(names)}
    run = start
    for day in range(days):
        run = start + timedelta(days=day, minutes=-43)  # 05:17 UTC
        stamp = run.strftime("%Y-%m-%dT%H:%M:%SZ")
        rows: list[store.Row] = []
        for channel in names:
            followers[channel] += rng.randrange(0, 12)
            rows.append({"time": stamp, "channel": channel, "platform": CHANNELS[channel][0],
                         "metric": "followers", "value": followers[channel]})
        for post, channel, part, published, reach in parts:
            if published > run:
                break
            key = (post, channel, part)
            if not ages.due(published, last.get(key), run, schedule):
                continue
            last[key] = run
            age_h = (run - published).total_seconds() / 3600
            grown = 1 - math.exp(-age_h / 30)
            platform, metrics = CHANNELS[channel]
            sample = []
            for metric in metrics:
                scale = {"views": 40, "clicks": 2, "likes": 1}.get(metric, 0.2)
                value = int(reach * scale * grown)
                if platform == "x" and metric == "clicks" and age_h > 30 * 24:
                    value = None  # X gives link clicks for 30 days only
                sample.append({"time": stamp, "post": post, "channel": channel, "part": part,
                               "platform": platform, "metric": metric, "value": value})
            rows += sample if full else store.changed(previous.get(key), sample)
            previous[key] = {r["metric"]: r["value"] for r in sample}
        store.append(root, rows)
        total += len(rows)
        git(root, "add", ".socialops/metrics")
        git(root, "commit", "-q", "-m", f"socialops: metrics snapshot of {stamp}")
    return total, run


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def packed_history(root: Path) -> int:
    """Bytes on disk, after `git gc --aggressive`, of every blob and tree of the metrics
    folder in the whole history (deltas as packed; the commits themselves not counted)."""
    git(root, "gc", "-q", "--aggressive", "--prune=now")
    env = {**os.environ, **GIT_ENV}
    listed = subprocess.run(["git", "rev-list", "--objects", "--all"], cwd=root, env=env, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    ids = [line.split(" ", 1)[0] for line in listed if " .socialops/metrics" in line]
    sizes = subprocess.run(["git", "cat-file", "--batch-check=%(objectsize:disk)"], cwd=root, env=env,
                           check=True, capture_output=True, text=True, input="\n".join(ids) + "\n").stdout
    return sum(int(n) for n in sizes.split())


def timed(args: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None,
          before: Callable[[], None] | None = None, code: Path = ROOT) -> tuple[float, float]:
    """(best wall time, best CPU time: user + system of the process and of its children)
    over `runs` runs of the socialops checked out at `code`; `before` is called before each."""
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(code), **(env or {})}
    best, best_cpu = math.inf, math.inf
    for _ in range(runs):
        if before is not None:
            before()
        before_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "socialops", *args], cwd=cwd, env=env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before_usage.ru_utime) + (after.ru_stime - before_usage.ru_stime)
        best, best_cpu = min(best, wall), min(best_cpu, cpu)
    return best, best_cpu


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def compare(root: Path, runs: int, before: Path) -> None:
    """Each report reading everything without a cache, by the socialops checked out at
    `before` and by this one, run after run in turn (so both see the same load)."""
    print(f"load average before timing: {load()} (2 cores, shared)")
    for name, args in REPORTS:
        best = {"before": [math.inf, math.inf], "now": [math.inf, math.inf]}
        for _ in range(runs):
            for which, code in (("before", before), ("now", ROOT)):
                wall, cpu = timed(args, root, 1, {"SOCIALOPS_NO_CACHE": "1"}, code=code)
                best[which] = [min(best[which][0], wall), min(best[which][1], cpu)]
        print(f"{name}, reading everything: before {best['before'][0]:.2f} s wall, {best['before'][1]:.2f} s CPU; "
              f"now {best['now'][0]:.2f} s, {best['now'][1]:.2f} s CPU (load {load()})")


def steps(root: Path, runs: int) -> None:
    """The CPU time of each step of a report reading everything, one after the other in one
    process (no fork, no cache), best of `runs` (in a new process each)."""
    script = """
import gc, os, sys, time
gc.disable()
os.environ["SOCIALOPS_NO_CACHE"] = "1"
clock = time.process_time
began = clock()
from pathlib import Path
from socialops.calendar.config import load as load_calendar
from socialops.model import Project
from socialops.publish.metrics import readcache, report, store
out = {"imports": clock() - began}
at = clock(); project = Project.load(Path(".")); out["project"] = clock() - at
at = clock(); stamp = readcache.Stamp(project); out["listing"] = clock() - at
at = clock(); parts, meta, _ = report._read_sources(project, stamp, None); out["ledger and posts"] = clock() - at
fold = report._Fold()
at = clock(); rows = list(store.read_rows(project.root, fold.bad, stamp.snapshot_paths)); out["day files matched"] = clock() - at
at = clock()
for posts, others in rows:
    fold.add(posts, others)
out["fold"] = clock() - at
at = clock(); lines, followers = fold.lines(report._published(parts), meta); out["lines"] = clock() - at
at = clock()
tz, calendar = project.config.timezone, load_calendar(project)
report._groups(lines, "channel", tz), [x.as_dict(tz) for x in lines], report._campaigns(lines, followers, calendar, tz)
report._best_times(lines, tz), report._heatmap(lines, tz), report._followers(followers, report.Period(), tz)
out["tables"] = clock() - at
print(repr(out))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    best: dict[str, float] = {}
    for _ in range(runs):
        found = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True,
                               capture_output=True, text=True).stdout
        for name, value in ast.literal_eval(found).items():
            best[name] = min(best.get(name, math.inf), value)
    print(f"steps, CPU, best of {runs} (load {load()}): " + ", ".join(f"{k} {v:.2f} s" for k, v in best.items()))


REPORTS = (("report (text)", ["metrics", "report"]),
           ("report --format json", ["metrics", "report", "--format", "json"]),
           ("report --format csv", ["metrics", "report", "--format", "csv"]),
           ("report --by weekday", ["metrics", "report", "--by", "weekday"]),
           ("report --html DIR (the page, matplotlib's charts)",
            ["metrics", "report", "--html", str(Path(tempfile.gettempdir()) / "socialops-bench-metrics-page")]))


def measure(root: Path, runs: int, last_run: datetime) -> None:
    """Each report four ways: reading everything without a cache (SOCIALOPS_NO_CACHE=1);
    reading everything in a fresh clone (.git/socialops/metrics-cache removed before each
    run: the report reads everything and keeps it); after a collect (a row added to the
    newest day file before each run: the cache's fold of the other days holds, the ledger
    and posts did not change); and with nothing changed since the last report."""
    newest = store.files(root)[-1][1]
    original = newest.read_bytes()
    counter = iter(range(10**6))

    def collected() -> None:  # what a collect does to the newest day, settled as after a while
        row = {"time": f"{newest.parent.parent.name}-{newest.parent.name}-{newest.stem}T23:00:00Z",
               "channel": "x-main", "platform": "x", "metric": "followers", "value": next(counter)}
        newest.write_bytes(newest.read_bytes() + (store.encode(row) + "\n").encode())
        past = time.time() - 10
        os.utime(newest, (past, past))

    def fresh_clone() -> None:
        shutil.rmtree(root / ".git" / "socialops" / "metrics-cache", ignore_errors=True)

    print(f"load average before timing: {load()} (2 cores, shared)")
    try:
        for name, args in REPORTS:
            cold, cold_cpu = timed(args, root, runs, {"SOCIALOPS_NO_CACHE": "1"})
            fresh, fresh_cpu = timed(args, root, runs, before=fresh_clone)  # the last run keeps the cache
            after, after_cpu = timed(args, root, runs, before=collected)
            timed(args, root, 1)
            warm, warm_cpu = timed(args, root, runs)
            print(f"{name}: reading everything {cold:.2f} s wall, {cold_cpu:.2f} s CPU; in a fresh clone "
                  f"{fresh:.2f} s, {fresh_cpu:.2f} s CPU; after a collect "
                  f"{after:.2f} s, {after_cpu:.2f} s CPU; nothing changed {warm:.2f} s, {warm_cpu:.2f} s CPU "
                  f"(load {load()})")
    finally:
        newest.write_bytes(original)
    wall, cpu = timed(["metrics", "collect", "--no-push", "--now", (last_run + timedelta(hours=1)).isoformat()],
                      root, runs)
    print(f"collect (due-parts scan; every channel without its secret): {wall:.2f} s wall, {cpu:.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="copy the generated repository there")
    parser.add_argument("--reuse", type=Path, help="time a repository kept earlier (no build)")
    parser.add_argument("--steps", action="store_true", help="with --reuse: the CPU time of each step, in one process")
    parser.add_argument("--before", type=Path,
                        help="with --reuse: a checkout of socialops to compare with (reading everything, in turn)")
    parser.add_argument("--full", action="store_true",
                        help="write every metric at every sample (the files collect wrote before it kept only changes)")
    options = parser.parse_args()
    if options.reuse:
        if options.steps:
            steps(options.reuse, options.runs)
            return
        if options.before:
            compare(options.reuse, options.runs, options.before.resolve())
            return
        measure(options.reuse, options.runs, datetime(2026, 12, 31, 5, 17, tzinfo=UTC))
        return
    if options.keep and options.keep.exists():  # said now, not after the build
        parser.error(f"--keep {options.keep}: it exists already; name a new folder")
    base = Path(tempfile.mkdtemp(prefix="socialops-bench-metrics-"))
    root = base / "content"
    try:
        began = time.perf_counter()
        rows, last_run = build(root, options.posts, options.days, full=options.full)
        print(f"built {options.posts} posts, {options.days} daily snapshots in {time.perf_counter() - began:.0f} s")
        tree = size(root / store.METRICS_DIR)
        files = len(list((root / store.METRICS_DIR).rglob("*.jsonl")))
        print(f"rows: {rows:,}; files: {files}; working tree {tree / 1e6:.1f} MB "
              f"({tree / max(rows, 1):.0f} bytes a row)")
        measure(root, options.runs, last_run)
        print(f"packed git history of the snapshots: {packed_history(root) / 1e6:.1f} MB")
        if options.keep:
            shutil.copytree(root, options.keep, symlinks=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
