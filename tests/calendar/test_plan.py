"""`socialops plan`: every post and occurrence by time, with status and source."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from socialops.calendar import lateness, occurrences
from socialops.model import Project
from tests.calendar.conftest import ledger
from tests.conftest import git

CAL = """\
slots:
  "*": ["0 12 * * *"]
blackouts:
  - {name: Holiday freeze, from: 2026-12-24, to: 2026-12-26}
recurring:
  - {id: weekly-tip, cron: "0 10 * * TUE", channels: [mastodon-main], from: 2026-12-01, until: 2026-12-15,
     pool: posts/evergreen}
lateness: 3h
"""
NOW = "2026-12-02T12:00"


def plan(cli, project, *args: str) -> list[dict[str, object]]:
    result = cli("plan", "--now", NOW, "--format", "json", *args, cwd=project.root)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 1
    return list(data["entries"])


def make(project) -> None:
    project.write("calendar.yaml", CAL)
    project.post("evergreen/a.md", "channels: [mastodon-main]", "Tip A\n")
    project.post("evergreen/b.md", "channels: [mastodon-main]", "Tip B\n")
    project.post("evergreen/c.md", "channels: [mastodon-main]\nstatus: draft", "Tip C, not ready\n")
    project.post("done.md", "channels: [mastodon-main, x-main, bluesky-main]\npublish_at: 2026-12-01T09:00\n"
                 "author: alice", "Done\n")
    project.post("late.md", "channels: [feed]\npublish_at: 2026-12-02T08:30", "Late\n")
    project.post("due.md", "channels: [feed]\npublish_at: 2026-12-02T09:30", "Due\n")
    project.post("draft.md", "channels: [linkedin-company]\nstatus: draft\npublish_at: 2026-12-03T09:00\n"
                 "campaign: winter", "Draft\n")
    project.post("queued.md", "channels: [feed]\npublish_at: queue", "Queued\n")
    project.post("xmas.md", "channels: [feed]\npublish_at: 2026-12-25T10:00", "Xmas\n")
    ledger(project.root, "done", "mastodon-main", "published", "https://mastodon.example/@acme/1")
    ledger_text = (project.root / ".socialops/ledger/done.yaml").read_text()
    (project.root / ".socialops/ledger/done.yaml").write_text(
        ledger_text + "  x-main:\n    status: failed\n    parts: [{index: 0, status: failed}]\n"
        "  bluesky-main:\n    status: intent\n    parts: [{index: 0, status: intent}]\n")
    ledger(project.root, "weekly-tip@2026-12-01T10:00", "mastodon-main", "published", "https://m.example/2")
    project.commit("posts by the test writer")


def row(id_: str, channel: str, at: str | None, status: str, source: str, path: str,
        campaign: str | None = None, author: str | None = "Test Writer", url: str | None = None) -> dict[str, object]:
    return {"id": id_, "channel": channel, "at": at, "status": status, "source": source, "path": path,
            "campaign": campaign, "author": author, "url": url}


def test_plan_json_lists_every_entry_with_status_and_source(project, cli) -> None:
    make(project)
    assert plan(cli, project, "--from", "2026-12-01", "--to", "2026-12-31") == [
        row("done", "bluesky-main", "2026-12-01T09:00+01:00", "unknown", "explicit", "posts/done.md", author="alice"),
        row("done", "mastodon-main", "2026-12-01T09:00+01:00", "published", "explicit", "posts/done.md",
            author="alice", url="https://mastodon.example/@acme/1"),
        row("done", "x-main", "2026-12-01T09:00+01:00", "failed", "explicit", "posts/done.md", author="alice"),
        row("weekly-tip@2026-12-01T10:00", "mastodon-main", "2026-12-01T10:00+01:00", "published", "recurring",
            "posts/evergreen/a.md", url="https://m.example/2"),
        row("late", "feed", "2026-12-02T08:30+01:00", "missed", "explicit", "posts/late.md"),
        row("due", "feed", "2026-12-02T09:30+01:00", "scheduled", "explicit", "posts/due.md"),
        row("draft", "linkedin-company", "2026-12-03T09:00+01:00", "draft", "explicit", "posts/draft.md",
            campaign="winter"),
        # the first slot strictly after now (12:00 is now): what schedule would write
        row("queued", "feed", "2026-12-03T12:00+01:00", "ready", "queue", "posts/queued.md"),
        row("weekly-tip@2026-12-08T10:00", "mastodon-main", "2026-12-08T10:00+01:00", "scheduled", "recurring",
            "posts/evergreen/b.md"),
        row("weekly-tip@2026-12-15T10:00", "mastodon-main", "2026-12-15T10:00+01:00", "scheduled", "recurring",
            "posts/evergreen/a.md"),
        row("xmas", "feed", "2026-12-25T10:00+01:00", "held", "explicit", "posts/xmas.md"),
    ]


def test_plan_filters_by_channel_author_and_window(project, cli) -> None:
    make(project)
    git(project.root, "mv", "posts/due.md", "posts/due-renamed.md")
    project.commit("rename")
    assert [e["id"] for e in plan(cli, project, "--channel", "feed", "--to", "2026-12-31")] == [
        "late", "due-renamed", "queued", "xmas"]  # from today's start by default
    assert [(e["id"], e["channel"]) for e in plan(cli, project, "--author", "alice", "--from", "2026-11-01")] == [
        ("done", "bluesky-main"), ("done", "mastodon-main"), ("done", "x-main")]
    mine = plan(cli, project, "--author", "test writer", "--from", "2026-12-02", "--to", "2026-12-03")
    assert [e["id"] for e in mine] == ["late", "due-renamed", "draft", "queued"]  # the rename keeps the adder
    assert plan(cli, project, "--from", "2026-12-04T00:00", "--to", "2026-12-08T09:59") == []


def test_plan_filters_by_campaign_status_and_text(project, cli) -> None:
    make(project)
    window = ("--from", "2026-11-01", "--to", "2026-12-31")
    assert [e["id"] for e in plan(cli, project, "--campaign", "winter", *window)] == ["draft"]
    assert [(e["id"], e["channel"]) for e in plan(cli, project, "--status", "failed", "--status", "missed", *window)] \
        == [("done", "x-main"), ("late", "feed")]
    assert [e["id"] for e in plan(cli, project, "--grep", "XMAS", *window)] == ["xmas"]  # any case, the text
    assert [e["id"] for e in plan(cli, project, "--grep", "evergreen/b", *window)] == \
        ["weekly-tip@2026-12-08T10:00"]  # the file the occurrence takes
    bad = cli("plan", "--now", NOW, "--status", "sent", cwd=project.root)
    assert bad.exit_code == 2 and "--status: 'sent' is not a status" in bad.stderr


def test_plan_fits_60_80_and_120_columns_dropping_source_author_then_campaign(project, cli) -> None:
    make(project)
    headers = {}
    for width in (60, 80, 120):
        out = cli("plan", "--now", NOW, "--from", "2026-11-01", "--to", "2026-12-31", cwd=project.root,
                  env={"COLUMNS": str(width)}).stdout.splitlines()
        table = out[1:]
        assert all(len(line) <= width for line in table), (width, max(table, key=len))
        assert all(len(line.split()) >= 4 for line in table[1:])  # nothing breaks into fragments
        headers[width] = table[0].split()
    assert headers[120] == ["when", "channel", "status", "post", "campaign", "author", "source"]
    assert headers[80] == ["when", "channel", "status", "post", "campaign"]
    assert headers[60] == ["when", "channel", "status", "post"]


def test_plan_into_a_pipe_keeps_every_column_and_whole_ids(project) -> None:
    """Written to a file or a pipe (no terminal, no COLUMNS), the plan is not cut to rich's
    80 columns: every column, every post id whole, as `grep` or a spreadsheet needs."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    make(project)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    out = subprocess.run([sys.executable, "-m", "socialops", "plan", "--now", NOW, "--from", "2026-11-01",
                          "--to", "2026-12-31"], cwd=project.root, env=env, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[1].split() == ["when", "channel", "status", "post", "campaign", "author", "source"]
    assert [line for line in out if re.search(r"\S…", line)] == []  # (a lone … marks a ready post)


def test_plan_text_and_usage_errors(project, cli) -> None:
    make(project)
    text = cli("plan", "--now", NOW, "--to", "2026-12-03", cwd=project.root)
    assert text.exit_code == 0, text.output
    assert "Plan 2026-12-02 00:00 to 2026-12-04 00:00 (Europe/Berlin): 4 entries" in text.stdout
    assert "Wed 2026-12-02 08:30" in text.stdout and "missed" in text.stdout
    bad = cli("plan", "--now", NOW, "--channel", "myspace", cwd=project.root)
    assert bad.exit_code == 2 and "unknown channel 'myspace'" in bad.stderr
    backwards = cli("plan", "--now", NOW, "--from", "2026-12-05", "--to", "2026-12-01", cwd=project.root)
    assert backwards.exit_code == 2 and "is not after --from" in backwards.stderr
    wrong = cli("plan", "--now", "tomorrow", cwd=project.root)
    assert wrong.exit_code == 2 and "--now: 'tomorrow' is not a time" in wrong.stderr


def test_the_api_for_the_publisher(project) -> None:
    make(project)
    loaded = Project.load(project.root)
    assert lateness(loaded).total_seconds() == 3 * 3600
    found = occurrences(loaded, datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 16, tzinfo=UTC))
    assert [(o.id, o.at.isoformat(), o.channels, o.path, o.index) for o in found] == [
        ("weekly-tip@2026-12-01T10:00", "2026-12-01T09:00:00+00:00", ("mastodon-main",), "posts/evergreen/a.md", 0),
        ("weekly-tip@2026-12-08T10:00", "2026-12-08T09:00:00+00:00", ("mastodon-main",), "posts/evergreen/b.md", 1),
        ("weekly-tip@2026-12-15T10:00", "2026-12-15T09:00:00+00:00", ("mastodon-main",), "posts/evergreen/a.md", 2),
    ]
    # The rotation counts from the series' start, whatever window is asked for.
    (later,) = occurrences(loaded, datetime(2026, 12, 8, tzinfo=UTC), datetime(2026, 12, 9, tzinfo=UTC))
    assert (later.path, later.index) == ("posts/evergreen/b.md", 1)
    (project.root / "calendar.yaml").unlink()
    assert lateness(loaded).total_seconds() == 6 * 3600
    assert occurrences(loaded, datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)) == []


def test_socialops_yaml_lateness_overrides_the_calendar(project, cli) -> None:
    make(project)
    config = project.root / "socialops.yaml"
    config.write_text(config.read_text() + "lateness: 2h\n")
    assert lateness(Project.load(project.root)).total_seconds() == 2 * 3600
    due = [e for e in plan(cli, project, "--channel", "feed") if e["id"] == "due"]
    assert [e["status"] for e in due] == ["missed"]  # 09:30 + 2h is before 12:00


def test_due_posts_are_held_while_publishing_is_paused(project, cli) -> None:
    make(project)
    project.write(".socialops/paused.yaml", "reason: crisis\nwho: dana\nsince: 2026-12-02T10:00+01:00\n")
    feed = {e["id"]: e["status"] for e in plan(cli, project, "--channel", "feed", "--to", "2026-12-31")}
    # due and unpublished: held; already too late: still missed; not yet due: unchanged
    assert feed == {"late": "missed", "due": "held", "queued": "ready", "xmas": "held"}


def test_the_publisher_and_the_plan_rotate_through_the_same_pool(project, cli) -> None:
    make(project)
    project.write("posts/evergreen/.draft-copy.md", "---\nchannels: [mastodon-main]\n---\nHidden\n")
    project.post("evergreen/deeper/d.md", "channels: [mastodon-main]", "Tip D\n")
    found = occurrences(Project.load(project.root), datetime(2026, 12, 1, tzinfo=UTC),
                        datetime(2026, 12, 16, tzinfo=UTC))
    planned = {e["id"]: e["path"] for e in plan(cli, project, "--from", "2026-12-01", "--to", "2026-12-15")
               if e["source"] == "recurring"}
    assert {o.id: o.path for o in found} == planned == {
        "weekly-tip@2026-12-01T10:00": "posts/evergreen/a.md",
        "weekly-tip@2026-12-08T10:00": "posts/evergreen/b.md",
        "weekly-tip@2026-12-15T10:00": "posts/evergreen/deeper/d.md",
    }
