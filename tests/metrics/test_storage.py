"""The snapshots keep only what changed: a sample writes the metrics whose value moved
since the part's previous sample (its first metric again when none did). The report must
give exactly the same numbers from such files as from files that repeat every metric at
every sample (as collect wrote them before), and from a history that mixes both."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialops.model import Project
from socialops.publish.metrics import ages, store
from socialops.publish.metrics.report import DIMENSIONS, Period, report, to_csv
from tests.metrics.conftest import CHANNELS, NOW, Repo

METRICS = {"mastodon-main": ("likes", "reposts", "replies", "quotes"),
           "x-main": ("likes", "reposts", "replies", "quotes", "bookmarks", "views", "clicks")}
PLATFORM = {"mastodon-main": "mastodon", "x-main": "x"}


def content(tmp: Path, name: str, posts: list[tuple[str, str, int, Any]]) -> Repo:
    root = tmp / name
    root.mkdir()
    repo = Repo(tmp, root, tmp / "none.git")
    repo.write("socialops.yaml", yaml.safe_dump({"timezone": "Europe/Berlin", "channels": CHANNELS}, sort_keys=False))
    repo.write("calendar.yaml", "campaigns:\n  spring: {from: 2026-03-01, to: 2026-04-30, targets: {likes: 300, followers: 20}}\n")
    repo.write("styleguide.yaml", "rules: []\n")
    for post, channel, parts, at in posts:
        repo.publish(post, channel, post.replace("/", ""), at, parts=parts,
                     campaign="spring" if hash(post) % 3 == 0 else None, lang=("en", "de")[len(post) % 2])
    return repo


def fetched(seed: int) -> tuple[list[tuple[str, str, int, Any]], list[list[store.Row]]]:
    """Posts, and what a daily collect fetched over 150 days: per run, each due part's rows
    (every metric; some missing, some posts deleted, X clicks missing past 30 days) and the
    channels' followers."""
    rng = random.Random(seed)
    start = NOW - timedelta(days=150)
    posts = [(f"p/{n:03d}", ("mastodon-main", "x-main")[n % 2], 1 + (n % 5 == 0),
              start + timedelta(minutes=rng.randrange(100 * 24 * 60))) for n in range(60)]
    gone = {p[0]: p[3] + timedelta(days=rng.choice((2, 9, 40))) for p in posts if rng.random() < 0.1}
    schedule = ages.configured({})
    last: dict[tuple[str, str, int], Any] = {}
    counts: dict[tuple[str, str, int, str], int] = {}
    runs: list[list[store.Row]] = []
    followers = {"mastodon-main": 300, "x-main": 900}
    for day in range(151):
        run = start + timedelta(days=day, hours=5, minutes=rng.randrange(60))
        stamp = run.strftime("%Y-%m-%dT%H:%M:%SZ")
        rows: list[store.Row] = []
        for channel in followers:
            followers[channel] += rng.randrange(-1, 5)
            rows.append({"time": stamp, "channel": channel, "platform": PLATFORM[channel],
                         "metric": "followers", "value": followers[channel]})
        for post, channel, parts, published in posts:
            for part in range(parts):
                key = (post, channel, part)
                if published > run or not ages.due(published, last.get(key), run, schedule) or (key in last and last[key] is None):
                    continue
                base = {"time": stamp, "post": post, "channel": channel, "part": part, "platform": PLATFORM[channel]}
                if post in gone and run >= gone[post]:
                    rows.append({**base, "metric": "status", "value": "deleted"})
                    last[key] = None
                    continue
                last[key] = run
                age = (run - published).total_seconds() / 86400
                for metric in METRICS[channel]:
                    # counters grow fast at first, then rarely; now and then one is not given
                    grown = counts.setdefault((*key, metric), 0) + (rng.randrange(0, 30) if rng.random() < 0.8 / (1 + age) else 0)
                    counts[(*key, metric)] = grown
                    value: int | None = grown
                    if rng.random() < 0.03 or (metric == "clicks" and age > 30):
                        value = None
                    rows.append({**base, "metric": metric, "value": value})
        runs.append(rows)
    return posts, runs


def thinned(runs: list[list[store.Row]]) -> list[list[store.Row]]:
    """The same samples as collect writes them now."""
    previous: dict[tuple[str, str, int], dict[str, Any]] = {}
    out = []
    for rows in runs:
        kept: list[store.Row] = []
        sample: dict[tuple[str, str, int], list[store.Row]] = {}
        for row in rows:
            if "part" not in row or row["metric"] == "status":
                kept.append(row)
            else:
                sample.setdefault((row["post"], row["channel"], row["part"]), []).append(row)
        for key, part_rows in sample.items():
            kept += store.changed(previous.get(key), part_rows)
            previous.setdefault(key, {}).update((r["metric"], r["value"]) for r in part_rows)
        out.append(kept)
    return out


def size(repo: Repo) -> int:
    return sum(p.stat().st_size for p in (repo.root / store.METRICS_DIR).rglob("*.jsonl"))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_report_is_the_same_from_full_thinned_and_mixed_snapshots(tmp_path: Path, seed: int) -> None:
    posts, runs = fetched(seed)
    thin = thinned(runs)
    full_repo, thin_repo, mixed_repo = (content(tmp_path, name, posts) for name in ("full", "thin", "mixed"))
    for rows, few in zip(runs, thin, strict=True):
        store.append(full_repo.root, rows)
        store.append(thin_repo.root, few)
    half = len(runs) // 2
    for rows in [*runs[:half], *thin[half:]]:
        store.append(mixed_repo.root, rows)
    assert size(thin_repo) < 0.75 * size(full_repo)
    when = NOW + timedelta(days=1)
    for by in DIMENSIONS:
        for period in (Period(), Period(NOW.date() - timedelta(days=90), NOW.date() - timedelta(days=20))):
            full = report(Project.load(full_repo.root), when, by, period)
            assert full["posts"] and any(p["t50_h"] is not None for p in full["posts"])
            assert any(p["deleted"] for p in full["posts"]) or period.start
            for other in (thin_repo, mixed_repo):
                again = report(Project.load(other.root), when, by, period)
                assert again == full
                assert to_csv(again) == to_csv(full)


def test_x_clicks_past_30_days_are_missing_in_the_snapshot_but_the_last_count_stands(tmp_path: Path) -> None:
    at = NOW - timedelta(days=40)
    repo = content(tmp_path, "r", [("a", "x-main", 1, at)])
    base = {"post": "a", "channel": "x-main", "part": 0, "platform": "x"}
    for days, clicks in ((1, 4), (14, 9), (31, None)):
        stamp = (at + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        store.append(repo.root, [{**base, "time": stamp, "metric": "clicks", "value": clicks},
                                 {**base, "time": stamp, "metric": "likes", "value": days}])
    assert '"metric":"clicks","part":0,"platform":"x","post":"a","time":"2026-06-01T06:00:00Z","value":null' in \
        (repo.root / ".socialops/metrics/2026/06/01.jsonl").read_text()
    post = report(Project.load(repo.root), NOW, "post")["posts"][0]
    assert post["metrics"]["clicks"] == 9 and post["metrics"]["likes"] == 31


def test_the_report_is_the_same_from_lines_written_by_hand(tmp_path: Path) -> None:
    """Day files edited by hand or merged (spaces, another key order, escaped characters,
    Windows line ends) give the same report as the files collect wrote. The report reads
    files written as collect writes them with a quicker pattern than JSON: a file with any
    other line must be read by the JSON parser."""
    posts, runs = fetched(3)
    ours, edited = content(tmp_path, "ours", posts), content(tmp_path, "edited", posts)
    for rows in thinned(runs):
        store.append(ours.root, rows)
        store.append(edited.root, rows)
    files = sorted((edited.root / store.METRICS_DIR).rglob("*.jsonl"))
    for n, path in enumerate(files):
        lines = path.read_text("utf-8").splitlines()
        if n % 4 == 0:  # each line another way
            styles = [json.dumps,  # spaces after ':' and ','
                      lambda row: json.dumps(dict(reversed(row.items())), separators=(",", ":")),
                      lambda row: json.dumps(row, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/"),
                      lambda row: json.dumps(row, separators=(",", ":"))]
            lines = [styles[i % 4](json.loads(line)) for i, line in enumerate(lines)]
        elif n % 4 == 1:  # every line as collect writes it, but each '/' escaped (valid JSON)
            lines = [line.replace("/", "\\/") for line in lines]
        elif n % 4 == 2:
            continue
        ending = "\r\n" if n % 8 == 0 else "\n"
        path.write_bytes((ending.join(lines) + ending).encode("utf-8"))
    when = NOW + timedelta(days=1)
    for by in ("post", "channel", "weekday"):
        mine = report(Project.load(ours.root), when, by)
        assert mine["posts"] and not mine["unreadable"]
        assert report(Project.load(edited.root), when, by) == mine
