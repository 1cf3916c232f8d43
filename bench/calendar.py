"""Benchmark: the calendar on a large repository.

    python bench/calendar.py [--posts 10000] [--queued 1000] [--series 50] [--runs 3]

Generates a repository (8 channels, slots, spacing, a blackout, campaigns, 50 recurring
series drawing on a pool of 60 evergreen posts, 10,000 posts with times spread over 2027
and 1,000 queued posts), committed to git, then times, as a user runs them:

- `socialops plan --from 2027-01-01 --to 2027-12-31 --format json` (target: <= 2 s);
- `socialops schedule` of the 1,000 queued posts against the 10,000 (target: <= 3 s),
  the files written each run and restored from git between runs;
- the calendar's lint findings on the same posts, in process (posts already read), and
  what the calendar adds to linting one post (checked against all the others).

Wall time of the whole command (interpreter start included), best of the runs."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# This file is named like the standard library's `calendar`: keep its folder off the path
# so `import calendar` (in dateutil, under croniter) finds the real one.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

CHANNELS = {
    "feed": "{platform: feed, path: feed.xml, title: Bench, link: https://example.com}",
    "mastodon-main": "{platform: mastodon, instance: https://mastodon.example, token_env: T1}",
    "mastodon-de": "{platform: mastodon, instance: https://mastodon.example, token_env: T2}",
    "bluesky-main": "{platform: bluesky, pds: https://pds.example, handle: a.example, password_env: T3}",
    "x-main": "{platform: x, api_key_env: A, api_secret_env: B, access_token_env: C, access_secret_env: D}",
    "linkedin-company": "{platform: linkedin, author: 'urn:li:organization:1', token_env: T4}",
    "threads-main": "{platform: threads, user_id: '1', token_env: T5}",
    "telegram-news": "{platform: telegram, chat_id: '@bench', token_env: T6}",
}
CRONS = ["0 10 * * TUE", "30 8 * * MON-FRI", "0 18 * * *", "15 12 * * SAT,SUN", "0 7 1,15 * *"]


def calendar_yaml(series: int) -> str:
    lines = ["slots:", '  "*": ["0 8-20 * * *"]', '  x-main: ["0 9,13,17 * * MON-FRI"]',
             "spacing: {min_gap: 1h, max_per_day: 8}",
             "blackouts:", "  - {name: Holiday freeze, from: 2027-12-24, to: 2027-12-26}",
             "campaigns:"]
    lines += [f"  campaign-{m:02d}: {{from: 2027-{m:02d}-01, to: 2027-{m:02d}-20}}" for m in range(1, 13)]
    lines.append("recurring:")
    names = sorted(CHANNELS)
    for i in range(series):
        source = "pool: posts/evergreen" if i % 2 else f"post: posts/evergreen/tip-{i % 60:02d}.md"
        lines.append(f'  - {{id: series-{i:02d}, cron: "{CRONS[i % len(CRONS)]}", channels: [{names[i % 8]}], '
                     f"from: 2027-01-01, until: 2027-12-31, {source}}}")
    return "\n".join(lines) + "\nlateness: 6h\n"


def post(channels: list[str], when: str, text: str, campaign: str | None = None) -> str:
    meta = f"channels: [{', '.join(channels)}]\npublish_at: {when}\nstatus: ready\nlang: en\n"
    if campaign:
        meta += f"campaign: {campaign}\n"
    return f"---\n{meta}---\n{text}\n"


def generate(root: Path, posts: int, queued: int, series: int) -> None:
    rng = random.Random(4)
    (root / "posts" / "evergreen").mkdir(parents=True)
    (root / "socialops.yaml").write_text("timezone: Europe/Berlin\nchannels:\n" + "".join(
        f"  {name}: {spec}\n" for name, spec in CHANNELS.items()), "utf-8")
    (root / "styleguide.yaml").write_text("rules: []\n", "utf-8")
    (root / "calendar.yaml").write_text(calendar_yaml(series), "utf-8")
    for i in range(60):
        (root / "posts" / "evergreen" / f"tip-{i:02d}.md").write_text(
            f"---\nchannels: [feed]\nstatus: ready\n---\nEvergreen tip number {i}.\n", "utf-8")
    names = sorted(CHANNELS)
    for i in range(posts):
        day = rng.randrange(365)
        month, mday = divmod_month(day)
        when = f"2027-{month:02d}-{mday:02d}T{rng.randrange(7, 22):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        folder = root / "posts" / "2027" / f"{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        campaign = f"campaign-{month:02d}" if mday <= 20 and i % 5 == 0 else None
        (folder / f"post-{i:05d}.md").write_text(
            post(rng.sample(names, rng.randrange(1, 4)), when, f"Post {i} about the calendar.", campaign), "utf-8")
    for i in range(queued):
        (root / "posts" / "queue").mkdir(exist_ok=True)
        (root / "posts" / "queue" / f"q-{i:04d}.md").write_text(
            post(rng.sample(names, rng.randrange(1, 3)), "queue", f"Queued {i}."), "utf-8")


def divmod_month(day: int) -> tuple[int, int]:
    lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for month, length in enumerate(lengths, start=1):
        if day < length:
            return month, day + 1
        day -= length
    raise ValueError(day)


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def timed(cmd: list[str], root: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds, CPU seconds of the child (user + system), the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def report(runs: list[tuple[float, float]]) -> str:
    wall, cpu = min(runs)
    return f"best {wall:.2f} s wall, {cpu:.2f} s CPU (walls: {', '.join(f'{w:.2f}' for w, _ in runs)})"


def lint_findings_time(root: Path) -> tuple[float, int]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from socialops.calendar.checks import findings
    from socialops.model import Project
    from socialops.timeutil import parse_time

    project = Project.load(root)
    posts = project.read_posts()
    start = time.perf_counter()
    found = findings(project, posts, parse_time("2027-01-01T00:00", project.config.timezone))
    return time.perf_counter() - start, sum(len(v) for v in found.by_path.values()) + len(found.calendar)


def one_post_lint(root: Path) -> tuple[float, float]:
    """`lint ONE_POST` in process, best of 3: with the calendar's checks, and without them
    (without lint's cache, so both read the other posts quickly)."""
    from socialops import lint
    from socialops.model import Project
    from socialops.timeutil import parse_time

    project = Project.load(root)
    target = sorted((root / "posts" / "2027" / "03").iterdir())[0]
    now = parse_time("2027-01-01T00:00", project.config.timezone)

    def best() -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            lint.lint(project, [target], now, use_cache=False)
            runs.append(time.perf_counter() - start)
        return min(runs)

    with_calendar = best()
    saved = list(lint.POST_CHECKS), list(lint.PROJECT_CHECKS)
    lint.POST_CHECKS[:] = [c for c in lint.POST_CHECKS if c.__name__ != "check_calendar"]
    lint.PROJECT_CHECKS[:] = [c for c in lint.PROJECT_CHECKS if c.__name__ != "check_calendar_file"]
    without = best()
    lint.POST_CHECKS[:], lint.PROJECT_CHECKS[:] = saved
    return with_calendar, without


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--queued", type=int, default=1_000)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="socialops-bench-calendar-"))
    try:
        generate(root, args.posts, args.queued, args.series)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "bench")
        cli = [sys.executable, "-m", "socialops"]
        plan_cmd = [*cli, "plan", "--from", "2027-01-01", "--to", "2027-12-31", "--format", "json",
                    "--now", "2026-12-31T12:00"]
        plan_runs = []
        for _ in range(args.runs):
            wall, cpu, proc = timed(plan_cmd, root)
            assert proc.returncode == 0, proc.stderr
            plan_runs.append((wall, cpu))
        entries = json.loads(proc.stdout)["entries"]
        schedule_cmd = [*cli, "schedule", "--now", "2026-12-31T12:00", "--format", "json"]
        schedule_runs = []
        for _ in range(args.runs):
            wall, cpu, proc = timed(schedule_cmd, root)
            result = json.loads(proc.stdout)
            schedule_runs.append((wall, cpu))
            git(root, "checkout", "-q", "--", "posts")
        lint_seconds, lint_count = lint_findings_time(root)
        one_with, one_without = one_post_lint(root)
        total = args.posts + 60
        print(f"plan, a year, {total:,} posts + {args.series} series ({len(entries):,} entries): "
              f"{report(plan_runs)}; target <= 2 s")
        print(f"schedule, {args.queued:,} queued against {args.posts:,} ({len(result['scheduled']):,} placed, "
              f"{len(result['unscheduled'])} left): {report(schedule_runs)}; target <= 3 s")
        print(f"calendar lint findings on the same posts, in process: {lint_seconds:.2f} s "
              f"({lint_count:,} findings)")
        print(f"lint ONE_POST in process: {one_with:.2f} s, of which the calendar {one_with - one_without:.2f} s "
              "(the other posts read quickly)")
        print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
