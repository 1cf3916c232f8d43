"""`socialops metrics report`: the numbers, the rates where their denominators exist, the
campaigns against their targets, and the same numbers in text, JSON, CSV and HTML."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import git
from tests.metrics.conftest import NOW, Repo, json_response

CALENDAR = """\
campaigns:
  launch: {from: 2026-06-01, to: 2026-06-30, channels: [mastodon-main, x-main], goal: Tell everyone,
           targets: {likes: 100, followers: 10, posts: 4}}
  autumn: {from: 2026-09-01, to: 2026-09-30}
"""


class Growing:
    """Counts that grow with every day the fakes are asked (day = self.day)."""

    def __init__(self) -> None:
        self.day = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        d = self.day
        if request.url.path == "/api/v1/statuses":
            ids = request.url.params.get_list("id[]")
            return json_response(200, [{"id": i, "favourites_count": 10 * (d + 1) if i == "101" else 2,
                                        "reblogs_count": d, "replies_count": 1} for i in ids])
        if request.url.path == "/api/v1/accounts/verify_credentials":
            return json_response(200, {"id": "1", "followers_count": 200 + 3 * d})
        if request.url.path == "/2/tweets":
            ids = request.url.params["ids"].split(",")
            return json_response(200, {"data": [{"id": i, "public_metrics": {
                "like_count": 5 + d, "retweet_count": 1, "reply_count": 0, "quote_count": 0, "bookmark_count": 0,
                "impression_count": 400}} for i in ids]})
        if request.url.path == "/2/users/me":
            return json_response(200, {"data": {"id": "7", "public_metrics": {"followers_count": 1000}}})
        return json_response(404, {})


def make(repo: Repo) -> None:
    repo.write("calendar.yaml", CALENDAR)
    start = NOW - timedelta(hours=3)  # Wednesday 2026-06-10, 05:00 Berlin
    repo.publish("launch/de", "mastodon-main", "101", start, campaign="launch", lang="de",
                 body="Neu: https://acme.example/?utm_source=mastodon&utm_campaign=launch-2026")
    repo.publish("launch/de", "x-main", "9", start, campaign="launch", lang="de")
    repo.publish("tip", "mastodon-main", "102", start + timedelta(hours=1), parts=2, lang="en")
    repo.commit()
    fake = Growing()
    repo.handler = fake
    for day in (0, 1, 2, 3):
        fake.day = day
        repo.collect(NOW + timedelta(days=day))


def test_the_report_counts_rates_campaigns_and_longevity(repo: Repo) -> None:
    from socialops.model import Project
    from socialops.publish.metrics.report import report

    make(repo)
    data = report(Project.load(repo.root), NOW + timedelta(days=4), "channel")
    assert data["version"] == 1
    posts = {(p["post"], p["channel"]): p for p in data["posts"]}
    masto = posts[("launch/de", "mastodon-main")]
    assert masto["metrics"] == {"likes": 40, "quotes": None, "replies": 1, "reposts": 3}
    assert masto["interactions"] == 44 and masto["er_view"] is None  # Mastodon counts no views
    assert masto["followers_at_posting"] == 200  # the first count after posting (none before)
    assert masto["er_follower"] == 0.22 and masto["utm_campaign"] == "launch-2026"
    assert masto["samples"] == 4 and masto["t50_h"] == 27.0 and masto["t90_h"] == 75.0
    x = posts[("launch/de", "x-main")]
    assert x["metrics"]["views"] == 400 and x["interactions"] == 9 and x["er_view"] == 0.0225
    tip = posts[("tip", "mastodon-main")]  # two thread parts, added up
    assert tip["metrics"] == {"likes": 4, "quotes": None, "replies": 2, "reposts": 6}
    groups = {g["key"]: g for g in data["groups"]}
    assert groups["x-main"]["er_view"] == 0.0225 and groups["mastodon-main"]["er_view"] is None
    assert groups["mastodon-main"]["interactions"] == 56 and groups["mastodon-main"]["posts"] == 2
    (launch, autumn) = sorted(data["campaigns"], key=lambda c: c["campaign"] != "launch")
    assert launch["posts"] == 2 and launch["interactions"] == 53 and launch["goal"] == "Tell everyone"
    assert launch["followers_gained"] == 9  # mastodon 200 -> 209, x 1000 -> 1000
    assert launch["targets"] == {"likes": {"target": 100.0, "actual": 48, "progress": 0.48},
                                 "followers": {"target": 10.0, "actual": 9, "progress": 0.9},
                                 "posts": {"target": 4.0, "actual": 2, "progress": 0.5}}
    assert autumn["posts"] == 0 and autumn["targets"] == {}
    assert data["followers"][0]["channel"] == "mastodon-main" and data["followers"][0]["change"] == 9
    assert data["best_times"]["mastodon-main"] == {"ranked": [], "untested_slots": 2}  # under 5 posts: untested


def _html_table(text: str, table_id: str) -> list[list[str]]:
    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.rows, self.cell = False, [], None

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "table" and ("id", table_id) in attrs:
                self.inside = True
            elif self.inside and tag == "tr":
                self.rows.append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "table":
                self.inside = False
            elif self.inside and tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(self.cell)
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell += data

    parser = Cells()
    parser.feed(text)
    return parser.rows


def test_text_json_csv_and_html_agree(repo: Repo, cli: Any, tmp_path: Path) -> None:
    make(repo)
    assert git(repo.root, "status", "--porcelain") == ""  # collect committed every snapshot
    args = ("metrics", "report", "--by", "campaign", "--now", "2026-06-14T08:00")
    data = json.loads(cli(*args, "--format", "json", cwd=repo.root).stdout)
    text = cli(*args, cwd=repo.root, env={"COLUMNS": "250"})  # wide enough for the table
    assert text.exit_code == 0, text.output
    table = cli(*args, "--format", "csv", cwd=repo.root).stdout
    page = cli(*args, "--html", str(tmp_path / "site"), cwd=repo.root)
    assert page.exit_code == 0, page.output
    html = (tmp_path / "site" / "metrics.html").read_text()

    from socialops.publish.metrics.page import fmt_number, fmt_percent

    html_rows = {row[0]: row[1:] for row in _html_table(html, "groups")[1:]}
    for group in data["groups"]:
        expected = [fmt_number(group["posts"]), fmt_number(group["interactions"])]
        assert html_rows[group["key"]][:2] == expected
        assert fmt_percent(group["er_follower"]) in html_rows[group["key"]]
        line = next(row for row in text.stdout.splitlines() if row.strip().startswith(group["key"]))
        assert [cell.strip() for cell in line.split("│")][1:3] == expected
        assert fmt_percent(group["er_follower"]) in line
    rows = list(csv.DictReader(io.StringIO(table)))
    for post in data["posts"]:
        mine = {r["metric"]: r["value"] for r in rows if (r["post"], r["channel"]) == (post["post"], post["channel"])}
        assert int(mine["interactions"]) == post["interactions"]
        assert mine["er_view"] == ("" if post["er_view"] is None else str(post["er_view"]))
        assert {k: int(v) if v else None for k, v in mine.items() if k in post["metrics"]} == post["metrics"]
    # campaign totals: the sum of its posts' CSV interactions
    launch = next(c for c in data["campaigns"] if c["campaign"] == "launch")
    assert sum(int(r["value"]) for r in rows if r["campaign"] == "launch" and r["metric"] == "interactions") == \
        launch["interactions"]
    assert "likes: 48 of 100 (48.00 %)" in text.stdout
    assert "likes: 48 of 100 (48.00 %)" in html


def test_report_without_snapshots_and_bad_dates(repo: Repo, cli: Any) -> None:
    repo.commit()
    empty = cli("metrics", "report", cwd=repo.root)
    assert empty.exit_code == 0 and "run socialops metrics collect first" in empty.stdout
    bad = cli("metrics", "report", "--from", "June", cwd=repo.root)
    assert bad.exit_code == 2 and "--from June: write a day as YYYY-MM-DD" in bad.stderr
    backwards = cli("metrics", "report", "--from", "2026-07-01", "--to", "2026-06-01", cwd=repo.root)
    assert backwards.exit_code == 2 and "--from 2026-07-01 is after --to 2026-06-01" in backwards.stderr


def test_lint_names_snapshot_files_no_report_reads(repo: Repo, cli: Any) -> None:
    """A day file renamed by hand to a day that does not exist, or off the YYYY/MM/DD.jsonl
    layout, is never read by a report: lint says so, file by file, instead of the rows
    silently counting for nothing."""
    row = '{"time": "2026-06-01T12:00:00+00:00", "post": "p", "channel": "mastodon-main", "metric": "likes", "value": 1}\n'
    for rel in ("2026/06/01.jsonl", "2026/02/31.jsonl", "2026/13/01.jsonl", "2026/6/02.jsonl", "2026/06/x.jsonl",
                "notes.jsonl"):
        repo.write(f".socialops/metrics/{rel}", row)
    repo.write(".socialops/metrics/README.md", "What is here.\n")
    repo.commit()
    result = cli("lint", "--format", "json", cwd=repo.root)
    found = sorted((p["path"], p["message"].split(";")[0]) for p in json.loads(result.stdout)["problems"]
                   if p["path"].startswith(".socialops/metrics/"))
    assert found == [
        (".socialops/metrics/2026/02/31.jsonl", "no metrics report reads this snapshot file: 2026-02-31 is no day"),
        (".socialops/metrics/2026/06/x.jsonl", "no metrics report reads this snapshot file: it is not at YYYY/MM/DD.jsonl"),
        (".socialops/metrics/2026/13/01.jsonl", "no metrics report reads this snapshot file: 2026-13-01 is no day"),
        (".socialops/metrics/2026/6/02.jsonl", "no metrics report reads this snapshot file: it is not at YYYY/MM/DD.jsonl"),
        (".socialops/metrics/notes.jsonl", "no metrics report reads this snapshot file: it is not at YYYY/MM/DD.jsonl"),
    ]
    assert result.exit_code == 0  # warnings


def test_campaigns_without_posts_in_the_period_take_one_line(repo: Repo, cli: Any) -> None:
    make(repo)
    text = cli("metrics", "report", "--now", "2026-06-14T08:00", cwd=repo.root).stdout
    assert "no posts in this period: autumn" in text
    assert "autumn: 0 posts" not in text and "launch: 2 posts" in text


def test_the_ledger_and_posts_read_in_a_forked_process_give_the_same_report(repo: Repo, monkeypatch: Any) -> None:
    """A large repository's ledger and posts are read in a forked process while the
    snapshots are read here; the report is the same, and a child that fails leaves the
    reading to this process (still the same report)."""
    import os

    from socialops.model import Project
    from socialops.publish.metrics import report as report_module

    make(repo)
    monkeypatch.setenv("SOCIALOPS_NO_CACHE", "1")
    when = NOW + timedelta(days=4)
    monkeypatch.setattr(report_module, "FORK_FROM", 10**9)
    here = report_module.report(Project.load(repo.root), when, "post")
    monkeypatch.setattr(report_module, "FORK_FROM", 1)
    forked = report_module.report(Project.load(repo.root), when, "post")
    assert forked == here and len(here["posts"]) == 3
    parent, read = os.getpid(), report_module._read_sources

    def failing(*args: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return read(*args)

    monkeypatch.setattr(report_module, "_read_sources", failing)
    assert report_module.report(Project.load(repo.root), when, "post") == here
    # this process fails while the child reads: the error comes through, the child is stopped
    monkeypatch.setattr(report_module, "_read_sources", read)

    def broken(*args: Any) -> Any:
        raise OSError("the disk went away")

    monkeypatch.setattr(report_module.store, "read_rows", broken)
    with pytest.raises(OSError, match="the disk went away"):
        report_module.report(Project.load(repo.root), when, "post")
    with pytest.raises(ChildProcessError):  # no child left running or unreaped
        os.waitpid(-1, os.WNOHANG)


def test_a_fifo_among_the_posts_or_the_ledger_does_not_hold_the_report(repo: Repo, tmp_path: Path) -> None:
    """A FIFO named like a post or a ledger file (opening one for reading waits for a
    writer) is passed over like any file that cannot be read; the report still comes."""
    import os
    import subprocess
    import sys

    make(repo)
    args = [sys.executable, "-m", "socialops", "metrics", "report", "--format", "json", "--now", "2026-06-14T08:00"]
    env = {**os.environ, "SOCIALOPS_NO_CACHE": "1"}
    before = subprocess.run(args, cwd=repo.root, env=env, capture_output=True, text=True, timeout=120)
    os.mkfifo(repo.root / "posts/waiting.md")
    os.mkfifo(repo.root / ".socialops/ledger/waiting.yaml")
    after = subprocess.run(args, cwd=repo.root, env=env, capture_output=True, text=True, timeout=120)
    assert after.returncode == 0 and json.loads(after.stdout)["posts"] == json.loads(before.stdout)["posts"]
    assert len(json.loads(after.stdout)["posts"]) == 3


def test_a_broken_snapshot_line_is_skipped_and_named(repo: Repo, cli: Any) -> None:
    make(repo)
    path = repo.root / ".socialops/metrics/2026/06/11.jsonl"
    lines = len(path.read_text().splitlines())
    path.write_text(path.read_text() + "{not json\n")
    out = cli("metrics", "report", "--format", "json", cwd=repo.root)
    assert json.loads(out.stdout)["unreadable"] == [f".socialops/metrics/2026/06/11.jsonl:{lines + 1}"]


def test_charts_are_imported_by_the_page_only(repo: Repo, tmp_path: Path) -> None:
    """matplotlib is loaded for --html alone: --version, lint and the other reports stay as fast."""
    import os
    import subprocess
    import sys

    from tests.conftest import GIT_ENV, REPO_ROOT

    make(repo)
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(REPO_ROOT)}

    def imported(*args: str) -> str:
        run = subprocess.run([sys.executable, "-X", "importtime", "-m", "socialops", *args], cwd=repo.root,
                             env=env, capture_output=True, text=True, timeout=120)
        return run.stderr

    for args in (["--version"], ["lint"], ["metrics", "report", "--format", "csv"], ["metrics", "collect", "--help"]):
        assert "matplotlib" not in imported(*args), args
    assert "matplotlib" in imported("metrics", "report", "--html", str(tmp_path / "site"))


def test_plan_shows_each_campaigns_progress_once_metrics_exist(repo: Repo, cli: Any) -> None:
    repo.write("calendar.yaml", CALENDAR)
    repo.commit()
    before = cli("plan", "--now", "2026-06-14T08:00", cwd=repo.root)
    assert before.exit_code == 0 and "Campaign targets" not in before.stdout
    assert "campaigns" not in json.loads(cli("plan", "--format", "json", cwd=repo.root).stdout)
    make(repo)
    after = cli("plan", "--now", "2026-06-14T08:00", cwd=repo.root)
    assert "Campaign targets" in after.stdout
    assert "launch: likes 48 of 100 (48 %), followers 9 of 10 (90 %), posts 2 of 4 (50 %)" in after.stdout
    (launch,) = json.loads(cli("plan", "--now", "2026-06-14T08:00", "--format", "json", cwd=repo.root).stdout)["campaigns"]
    assert launch["campaign"] == "launch" and launch["targets"]["likes"] == {"target": 100.0, "actual": 48, "progress": 0.48}
    repo.write("calendar.yaml", CALENDAR + "  winter: {from: 2026-12-01, to: 2026-12-31, targets: {likes: 10}}\n")
    later = cli("plan", "--now", "2026-06-14T08:00", cwd=repo.root).stdout
    assert "launch: likes 48 of 100" in later and "no posts published yet: winter" in later
    assert "winter: likes" not in later  # not a line of n/a for a campaign yet to start


def test_the_schema_checks_targets(repo: Repo, cli: Any) -> None:
    repo.write("calendar.yaml", "campaigns:\n  launch: {from: 2026-06-01, to: 2026-06-30, targets: {likes: many, clcks: 3}}\n")
    repo.commit()
    out = cli("lint", cwd=repo.root)
    assert out.exit_code == 1
    assert "calendar.yaml:2" in out.stdout or "calendar.yaml" in out.stdout
    assert "clcks" in out.stdout and "many" in out.stdout


@pytest.mark.parametrize("forked", [False, True])
def test_the_report_read_from_the_cache_is_the_same_until_a_file_changes(repo: Repo, monkeypatch: Any,
                                                                           forked: bool) -> None:
    """`forked`: the ledger and posts of a fresh clone (nothing kept yet) stamped and read
    by a forked process, as in a large repository; the cache the same."""
    import os
    import time

    from socialops.model import Project
    from socialops.publish.metrics import report as report_module
    from socialops.publish.metrics import store
    from socialops.publish.metrics.report import report

    if forked:
        monkeypatch.setattr(report_module, "FORK_FROM", 1)

    def settle(*paths: Path) -> None:  # files written seconds ago are never kept (racy)
        past = time.time() - 60
        for path in paths or [p for p in repo.root.rglob("*") if p.is_file() and ".git" not in p.parts]:
            os.utime(path, (past, past))

    read: list[str] = []
    reader = store.read_rows

    def recorded(root: Path, bad: Any = None, paths: Any = None) -> Any:
        read.extend(p.name for p in paths or [])
        return reader(root, bad, paths)

    monkeypatch.setattr(store, "read_rows", recorded)

    def fresh(by: str = "post") -> Any:
        with monkeypatch.context() as patched:
            patched.setenv("SOCIALOPS_NO_CACHE", "1")
            return report(Project.load(repo.root), when, by)

    make(repo)  # day files 2026/06/10 to 06/13
    settle()
    cache = repo.root / ".git/socialops/metrics-cache/result"
    when = NOW + timedelta(days=4)
    first = report(Project.load(repo.root), when, "post")
    assert cache.exists() and first == fresh()
    read.clear()
    with monkeypatch.context() as patched:  # nothing is read again
        patched.setattr("socialops.publish.metrics.report._file_published", None)
        patched.setattr("socialops.publish.metrics.report._file_meta", None)
        assert report(Project.load(repo.root), when, "post") == first
    assert read == []
    # collect adds to the newest day: that day alone is read again, the ledger and posts not
    day = repo.root / ".socialops/metrics/2026/06/13.jsonl"
    day.write_text(day.read_text() + '{"channel":"x-main","metric":"likes","part":0,"platform":"x",'
                   '"post":"launch/de","time":"2026-06-13T23:00:00Z","value":99}\n')
    settle(day)
    read.clear()
    with monkeypatch.context() as patched:
        patched.setattr("socialops.publish.metrics.report._file_published", None)
        patched.setattr("socialops.publish.metrics.report._file_meta", None)
        again = report(Project.load(repo.root), when, "post")
    assert read == ["13.jsonl"]
    assert [p["metrics"]["likes"] for p in again["posts"] if p["channel"] == "x-main"] == [99]
    assert again == fresh() != first
    # a new day: the day before and it
    store.append(repo.root, [{"time": "2026-06-14T05:00:00Z", "post": "launch/de", "channel": "x-main", "part": 0,
                              "platform": "x", "metric": "likes", "value": 120}])
    settle(repo.root / ".socialops/metrics/2026/06/14.jsonl")
    read.clear()
    third = report(Project.load(repo.root), when, "post")
    assert read == ["13.jsonl", "14.jsonl"] and third == fresh() != again
    for by in ("channel", "weekday"):
        assert report(Project.load(repo.root), when, by) == fresh(by)
    # an older day edited by hand: everything is read again
    old = repo.root / ".socialops/metrics/2026/06/11.jsonl"
    old.write_text(old.read_text().replace('"value":203}', '"value":250}'))
    settle(old)
    read.clear()
    fourth = report(Project.load(repo.root), when, "post")
    assert read[:2] == ["10.jsonl", "11.jsonl"] and fourth == fresh() != third
    for name in ("result", "sources", "fold", "report"):
        (cache.parent / name).write_bytes(b"not marshal")
    assert report(Project.load(repo.root), when, "post") == fourth
    # a post published since: its ledger and post files alone are read
    repo.publish("later", "x-main", "77", NOW + timedelta(days=2), campaign="launch")
    store.append(repo.root, [{"time": "2026-06-15T05:00:00Z", "post": "later", "channel": "x-main", "part": 0,
                              "platform": "x", "metric": "likes", "value": 5}])
    settle(repo.root / "posts/later.md", repo.root / ".socialops/ledger/later.yaml",
           repo.root / ".socialops/metrics/2026/06/15.jsonl")
    opened: list[str] = []
    meta = report_module._file_meta
    monkeypatch.setattr(report_module, "_file_meta",
                        lambda project, path, reader: opened.append(path) or meta(project, path, reader))
    fifth = report(Project.load(repo.root), when, "post")
    assert [Path(p).name for p in opened] == ["later.md"] and fifth == fresh() != fourth
    assert [(p["campaign"], p["metrics"]["likes"]) for p in fifth["posts"] if p["post"] == "later"] == [("launch", 5)]
    # the calendar's targets are the report's too
    repo.write("calendar.yaml", CALENDAR.replace("likes: 100", "likes: 400"))
    launch = next(c for c in report(Project.load(repo.root), when, "post")["campaigns"] if c["campaign"] == "launch")
    assert launch["targets"]["likes"]["target"] == 400


def test_the_text_report_never_cuts_a_number(repo: Repo, cli: Any) -> None:
    """A terminal too narrow for the table gets each group as a few lines, whole; a wide one
    gets the table; a pipe or a file (no terminal, no COLUMNS) gets the whole table rather
    than rich's 80 columns with every number cut to an ellipsis."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    make(repo)
    args = ("metrics", "report", "--by", "post", "--now", "2026-06-14T08:00")
    data = json.loads(cli(*args, "--format", "json", cwd=repo.root).stdout)
    launch = next(g for g in data["groups"] if g["key"] == "launch/de")
    likes = f"{launch['metrics']['likes']:,}"
    narrow = cli(*args, cwd=repo.root, env={"COLUMNS": "60"}).stdout
    assert "…" not in narrow and "┃" not in narrow
    assert f"launch/de  2 posts  {launch['interactions']:,} interactions" in narrow
    assert f"likes {likes}" in narrow
    wide = cli(*args, cwd=repo.root, env={"COLUMNS": "250"}).stdout
    assert "…" not in wide and "┃ interactions ┃" in wide
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    piped = subprocess.run([sys.executable, "-m", "socialops", *args], cwd=repo.root, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert "…" not in piped and "┃ interactions ┃" in piped
    assert max(len(line) for line in piped.splitlines()) > 80


@pytest.mark.parametrize("cache", ["1", ""])
def test_a_day_file_linked_to_dev_zero_is_named_not_read(repo: Repo, cli_process: Any, cache: str) -> None:
    """A day file made a symlink (to /dev/zero: a read that never ends) is not read: the
    report names it and is made from the other days; status and collect do not hang on it."""
    import os

    make(repo)
    args = ("metrics", "report", "--now", "2026-06-14T08:00", "--format", "json")
    env = {"SOCIALOPS_NO_CACHE": cache} if cache else {}
    whole = json.loads(cli_process(*args, cwd=repo.root, env=env).stdout)
    day = repo.root / ".socialops/metrics/2026/06/13.jsonl"
    assert day.exists()
    day.unlink()
    os.symlink("/dev/zero", day)
    result = cli_process(*args, cwd=repo.root, env=env, timeout=60)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    [refused] = data["unreadable"]
    assert refused.startswith(".socialops/metrics/2026/06/13.jsonl: not read: it leads outside the repository")
    assert data["posts"] and data["posts"] != whole["posts"]  # the other days still count
    text = cli_process(*args[:-2], cwd=repo.root, env=env, timeout=60).stdout
    assert "skipped a file: .socialops/metrics/2026/06/13.jsonl: not read" in text
    assert cli_process("status", cwd=repo.root, timeout=60).exit_code == 0
