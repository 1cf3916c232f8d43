"""Benchmark `socialops publish` (issue 5).

    python bench/publish.py [--posts 10000] [--ledgers 5000] [--publish 500] [--slow 100] [--before REF]

1. Selecting what is due (publish's steps 1-3: read every post and the ledger, render what
   is due) in a repository of `--posts` posts of which `--ledgers` have a ledger file;
   then `socialops status` over the same repository (built on those decisions). Each in a
   new interpreter, only the call timed; with `--before REF` the same with socialops as it
   was at that commit, the two taking turns (the machine is shared: both see its load).
2. Publishing `--publish` due posts to 5 channels (Mastodon, X, LinkedIn, Discord,
   Telegram) against the local fakes without latency: `socialops publish` as a user runs
   it (a new process; claim commit and push, every part recorded, final commit and push
   to a bare remote); wall time and the process's peak memory.
3. The same with 50 ms of latency on every call, `--slow` posts: wall time against the
   slowest channel's share (its number of calls x 50 ms) and against the sum of all.
"""

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
# not this folder: bench/calendar.py would stand in for the standard library's calendar
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from tests.fakes.servers import Fakes, start_fakes  # noqa: E402

CHANNELS = ["mastodon", "x", "linkedin", "discord", "telegram"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


# ---- 1. selection --------------------------------------------------------------------------------

LEDGER = """\
post: {id}
path: posts/{id}.md
channels:
{channels}"""
LEDGER_CHANNEL = """\
  {name}:
    status: published
    due: '{due}'
    since: '{due}'
    count: 1
    parts:
    - index: 0
      status: published
      id: '{n}'
      url: https://{name}.example/{n}
      at: '{due}'
      hash: {hash}
      attempts: 1
      run: 0123456789ab
"""


def selection_repo(base: Path, posts: int, ledgers: int, now: datetime) -> None:
    channels = "\n".join(f"  {c}: {{platform: mastodon, instance: https://{c}.example, token_env: T}}"
                         for c in ("main", "second", "third"))
    write(base / "socialops.yaml", f"timezone: UTC\nchannels:\n{channels}\n")
    write(base / "calendar.yaml", "lateness: 6h\n")
    for i in range(posts):
        if i < ledgers:
            due = now - timedelta(hours=ledgers - i)  # published long ago
        elif i < ledgers + 50:
            due = now - timedelta(minutes=i - ledgers + 1)  # due now, not published yet
        else:
            due = now + timedelta(hours=i)  # later
        post_id = f"{i // 1000:02d}/post-{i}"
        body = f"Post number {i}: a sentence about our product, https://acme.example/{i} #acme\n"
        if i % 3 == 0:
            body += "\n---\nA second part of the thread.\n"
        write(base / "posts" / f"{post_id}.md",
              f"---\nchannels: [main, second, third]\npublish_at: {due:%Y-%m-%dT%H:%M}\nstatus: ready\n"
              f"lang: en\n---\n{body}")
        if i < ledgers:
            stamp = due.isoformat(timespec="minutes")
            blocks = "".join(LEDGER_CHANNEL.format(name=c, due=stamp, n=i, hash=f"{i:064x}")
                             for c in ("main", "second", "third"))
            write(base / ".socialops/ledger" / f"{post_id}.yaml", LEDGER.format(id=post_id, channels=blocks))


SELECT = r"""
import sys, time
from pathlib import Path
from datetime import UTC, datetime
try:  # the layout since issue 10
    from socialops.calendar import lateness
    from socialops.publish.claims import RunInfo
    from socialops.publish.selection import Query, select
    from socialops.publish.status import status
except ImportError:  # before it (--before an older commit)
    from socialops.claims import RunInfo
    from socialops.selection import Query, lateness, select
    from socialops.status import status
import socialops
from socialops.model import Project

base, what = sys.argv[1], sys.argv[2]
now = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
project = Project.load(Path(base))
start, cpu = time.perf_counter(), time.process_time()
if what == "select":
    found = select(project, Query(now, lambda: now, RunInfo.current(), lateness(project)))
    print(time.perf_counter() - start, time.process_time() - cpu, len(found.jobs), len(found.decisions),
          socialops.__file__)
else:
    status(project, now, now)
    print(time.perf_counter() - start, time.process_time() - cpu, 0, 0, socialops.__file__)
"""


def _timed(code: Path, base: Path, what: str) -> tuple[float, float, int, int]:
    """One selection (or status) in a new interpreter importing socialops from `code`: wall
    and CPU time of the call (the interpreter's start and imports are not timed), jobs and
    decisions. CPU time moves less than wall time with the load of a shared machine."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    # -P: not the current folder first on the path, where a checkout's socialops would win
    proc = subprocess.run([sys.executable, "-P", "-c", SELECT, str(base), what], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{what} with {code} failed:\n{proc.stderr[-3000:]}")
    out = proc.stdout.split()
    if not out[4].startswith(str(code.resolve())):
        raise SystemExit(f"{what}: socialops came from {out[4]}, not from {code}")
    return float(out[0]), float(out[1]), int(out[2]), int(out[3])


def checkout(ref: str, into: Path) -> Path:
    """`git archive` of `ref` of this repository, unpacked into `into` (its socialops compiled)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref, "socialops"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "socialops")], check=True)
    return into


def bench_selection(posts: int, ledgers: int, runs: int, codes: dict[str, Path]) -> None:
    now = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "repo"
        selection_repo(base, posts, ledgers, now)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "socialops")], check=True)
        print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared)")
        for what in ("select", "status"):
            if what == "status":  # status, like publish, reads the config's history
                git(base, "init", "-q", "-b", "main")
                git(base, "add", "-A")
                git(base, "commit", "-q", "-m", "posts")
            best = {name: float("inf") for name in codes}
            cpu = {name: float("inf") for name in codes}
            found = (0, 0)
            for _ in range(runs):  # the checkouts take turns, so both see the same load
                for name, code in codes.items():
                    took, used, jobs, decisions = _timed(code, base, what)
                    best[name] = min(best[name], took)
                    cpu[name] = min(cpu[name], used)
                    found = (jobs, decisions) if name == "now" else found
            label = (f"selection: {posts:,} posts, {ledgers:,} ledger files: {found[0]} jobs, {found[1]} decisions"
                     if what == "select" else "status (publish's decisions, every post and ledger file read)")
            figures = ", ".join(f"{name} {best[name]:.2f} s wall, {cpu[name]:.2f} s CPU" for name in codes)
            ratio = ""
            if len(codes) > 1:
                other = min(codes, key=lambda n: best[n] if n != "now" else float("inf"))
                ratio = (f" = {best['now'] / best[other]:.2f}x before in wall time, "
                         f"{cpu['now'] / cpu[other]:.2f}x in CPU time")
            print(f"{label}; best of {runs}: {figures}{ratio}; load {os.getloadavg()[0]:.1f}")


# ---- 2 and 3. publishing --------------------------------------------------------------------------

def publish_repo(base: Path, fakes: Fakes, count: int, now: datetime) -> Path:
    remote = base / "remote.git"
    root = base / "content"
    git(base, "init", "-q", "--bare", "-b", "main", str(remote))
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", str(remote))
    import yaml

    channels = {name: fakes.channels()[name] for name in CHANNELS}
    write(root / "socialops.yaml", yaml.safe_dump({"timezone": "UTC", "channels": channels}))
    for i in range(count):
        due = now - timedelta(minutes=1 + (count - i) % 300)
        write(root / f"posts/p{i:04d}.md", f"---\nchannels: [{', '.join(CHANNELS)}]\n"
              f"publish_at: {due:%Y-%m-%dT%H:%M}\nstatus: ready\n---\nPost number {i} of the benchmark.\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "posts")
    git(root, "push", "-q", "origin", "main")
    return root


def run_publish(root: Path, fakes: Fakes, now: datetime, code: Path) -> tuple[float, float, float, int]:
    """`socialops publish` (imported from `code`) as a user runs it: wall time, CPU time
    (user + system of the process and the git commands it ran), the peak memory of that
    process (its own rusage, whatever ran before it in this benchmark), and how many
    channels it published."""
    env = {**os.environ, **GIT_ENV, **fakes.env(), "PYTHONPATH": str(code)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "socialops", "publish", "--now",
                                 now.strftime("%Y-%m-%dT%H:%M"), "--format", "json"],
                                cwd=root, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"publish failed ({proc.returncode}):\n{stderr}\n{stdout[-2000:]}")
    import json

    published = json.loads(stdout)["summary"].get("published", 0)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, published


def bench_publish(count: int, latency: float, codes: dict[str, Path], runs: int) -> None:
    """`runs` publishes with each checkout, taking turns; best wall time of each, with the
    peak memory of that run, and best CPU time (the fakes run in this process: the wall time
    includes their turns on a shared machine, the CPU time is the publish process's own)."""
    best: dict[str, tuple[float, float]] = {}
    best_cpu: dict[str, float] = {}
    for _ in range(runs):
        for name, code in codes.items():
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            with tempfile.TemporaryDirectory() as tmp, start_fakes() as fakes:
                root = publish_repo(Path(tmp), fakes, count, now)
                by_name = {"mastodon": fakes.mastodon, "x": fakes.x, "linkedin": fakes.linkedin,
                           "discord": fakes.discord, "telegram": fakes.telegram}
                for fake in by_name.values():
                    fake.latency = latency
                wall, cpu, peak_mb, published = run_publish(root, fakes, now, code)
                calls = {name: len(fake.requests) for name, fake in by_name.items()}
                posts = {name: len(fake.posts) for name, fake in by_name.items()}
                assert all(n == count for n in posts.values()), posts
                assert published == count * len(CHANNELS), published
            if name not in best or wall < best[name][0]:
                best[name] = (wall, peak_mb)
            best_cpu[name] = min(best_cpu.get(name, float("inf")), cpu)
    for name, (wall, peak_mb) in best.items():
        others = [w for n, (w, _) in best.items() if n != "now"]
        cpus = [c for n, c in best_cpu.items() if n != "now"]
        ratio = f" = {wall / min(others):.2f}x before" if name == "now" and others else ""
        cpu_ratio = f" = {best_cpu[name] / min(cpus):.2f}x before" if name == "now" and cpus else ""
        print(f"publish ({name}): {count} posts x {len(CHANNELS)} channels, latency {latency * 1000:.0f} ms: "
              f"best of {runs} {wall:.2f} s wall{ratio}, {best_cpu[name]:.2f} s CPU{cpu_ratio}, "
              f"peak memory {peak_mb:.0f} MB; load {os.getloadavg()[0]:.1f}")
        if latency and count:
            slowest = max(calls.values()) * latency
            total = sum(calls.values()) * latency
            print(f"  calls per channel {calls}; slowest channel's share {slowest:.1f} s, "
                  f"sum of all channels {total:.1f} s; wall / slowest = {wall / slowest:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--ledgers", type=int, default=5_000)
    parser.add_argument("--publish", type=int, default=500)
    parser.add_argument("--slow", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", metavar="REF", help="also time everything with socialops as it was at this "
                        "commit (git archive); selection and status take turns with the current code")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        codes = {"now": ROOT}
        if args.before is not None:
            codes[f"before ({args.before})"] = checkout(args.before, Path(tmp) / "before")
        bench_selection(args.posts, args.ledgers, args.runs, codes)
        if args.publish:
            bench_publish(args.publish, 0.0, codes, args.runs)
        if args.slow:
            bench_publish(args.slow, 0.05, codes, args.runs)


if __name__ == "__main__":
    main()
