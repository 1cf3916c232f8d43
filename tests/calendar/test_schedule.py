"""`socialops schedule`: the earliest free slot, in file-path order, written into the file
with every other byte kept; running it twice changes nothing."""

from __future__ import annotations

import json

from tests.calendar.conftest import findings
from tests.conftest import git

CAL = """\
slots:
  mastodon-main: ["0 9 * * MON-FRI", "30 17 * * MON-FRI"]
  "*": ["0 12 * * *"]
spacing: {min_gap: 2h, max_per_day: 2}
blackouts:
  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}
campaigns:
  winter-launch: {from: 2026-12-07, to: 2026-12-15, channels: [mastodon-main, bluesky-main]}
"""
NOW = "2026-11-30T08:00"  # a Monday


def publish_at(project, rel: str) -> str:
    for line in (project.root / "posts" / rel).read_text("utf-8").splitlines():
        if line.startswith("publish_at:"):
            return line
    raise AssertionError(rel)


def test_each_queued_post_takes_the_earliest_free_slot_in_path_order(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    project.post("fixed.md", "channels: [mastodon-main]\npublish_at: 2026-11-30T09:00", "Fixed.\n")
    project.post("b.md", "channels: [mastodon-main]\npublish_at: queue", "B.\n")
    project.post("a.md", "channels: [mastodon-main]\npublish_at: queue", "A.\n")
    project.post("c/launch.md", "channels: [mastodon-main, bluesky-main]\ncampaign: winter-launch\n"
                 "publish_at: queue", "Launch.\n")
    project.post("d.md", "channels: [bluesky-main]\nstatus: draft\npublish_at: queue", "Draft.\n")
    result = cli("schedule", "--now", NOW, cwd=project.root)
    assert result.exit_code == 0, result.output
    # 09:00 is taken by fixed.md; 17:30 is free; then Monday is full (2 a day) for b.md.
    assert publish_at(project, "a.md") == "publish_at: 2026-11-30T17:30"
    assert publish_at(project, "b.md") == "publish_at: 2026-12-01T09:00"
    assert publish_at(project, "c/launch.md") == "publish_at: 2026-12-07T09:00"
    assert publish_at(project, "d.md") == "publish_at: queue"
    assert "scheduled posts/a.md: publish_at: 2026-11-30T17:30" in result.stdout
    assert "draft, stays in the queue until it is ready: posts/d.md" in result.stdout
    assert findings(project.root, NOW) == []


def test_the_time_replaces_queue_and_nothing_else(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    original = ("\ufeff---\r\n# a comment above\r\nchannels: [feed]   # feed only\r\n"
                "publish_at: \"queue\"   # take the next slot\r\nlang: en\r\n---\r\nHello **world**\r\n\r\n---\r\n"
                "Part two\r\n").encode("utf-8")
    project.write("posts/odd.md", original)
    plain = b"---\nchannels: [feed]\npublish_at: queue # c\n---\nText\n"
    project.write("posts/plain.md", plain)
    result = cli("schedule", "--now", NOW, cwd=project.root)
    assert result.exit_code == 0, result.output
    assert (project.root / "posts/odd.md").read_bytes() == original.replace(
        b'"queue"', b'"2026-11-30T12:00"')
    assert (project.root / "posts/plain.md").read_bytes() == plain.replace(b"queue", b"2026-12-01T12:00")


def test_running_it_twice_changes_nothing(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    for name in ("one", "two", "three"):
        project.post(f"{name}.md", "channels: [x-main]\npublish_at: queue", f"{name}\n")
    project.commit("queue three posts")
    first = cli("schedule", "--now", NOW, cwd=project.root)
    assert first.exit_code == 0, first.output
    project.commit("scheduled")
    again = cli("schedule", "--now", NOW, cwd=project.root)
    assert again.exit_code == 0 and "No queued posts" in again.stdout
    assert git(project.root, "status", "--porcelain") == ""
    later = cli("schedule", "--now", "2026-12-01T13:00", cwd=project.root)
    assert later.exit_code == 0 and git(project.root, "status", "--porcelain") == ""


def test_blackouts_and_campaign_ends_are_respected(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    project.post("x.md", "channels: [x-main]\npublish_at: queue", "X.\n")
    project.post("late.md", "channels: [bluesky-main]\ncampaign: winter-launch\npublish_at: queue", "Late.\n")
    result = cli("schedule", "--now", "2026-12-23T13:00", "--format", "json", cwd=project.root)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["scheduled"] == [{"path": "posts/x.md", "id": "x", "publish_at": "2026-12-27T12:00"}]
    assert data["unscheduled"] == [{
        "path": "posts/late.md", "id": "late",
        "reason": "no free slot left in campaign 'winter-launch' (it ends 2026-12-16 00:00); add slots or "
                  "loosen the spacing"}]
    assert publish_at(project, "late.md") == "publish_at: queue"


def test_a_channel_without_slots_is_reported_and_the_exit_code_is_1(project, cli) -> None:
    project.write("calendar.yaml", "slots:\n  mastodon: [\"0 9 * * *\"]\n")
    project.post("m.md", "channels: [mastodon-main]\npublish_at: queue", "M.\n")
    project.post("l.md", "channels: [linkedin-company]\npublish_at: queue", "L.\n")
    result = cli("schedule", "--now", NOW, cwd=project.root)
    assert result.exit_code == 1
    assert publish_at(project, "m.md") == "publish_at: 2026-11-30T09:00"  # by platform name
    assert ("left in the queue posts/l.md: calendar.yaml has no slots for channel 'linkedin-company'; add "
            "'linkedin-company:' (or '*') under slots") in result.stdout


def test_dry_run_writes_nothing(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    path = project.post("q.md", "channels: [feed]\npublish_at: queue")
    before = path.read_bytes()
    result = cli("schedule", "--now", NOW, "--dry-run", cwd=project.root)
    assert result.exit_code == 0
    assert "would take posts/q.md: publish_at: 2026-11-30T12:00" in result.stdout
    assert path.read_bytes() == before


def test_a_slot_in_the_repeated_hour_is_written_with_its_offset(project, cli) -> None:
    project.write("calendar.yaml", "slots:\n  \"*\": [\"30 2 * * *\"]\n")
    project.post("q.md", "channels: [feed]\npublish_at: queue")
    result = cli("schedule", "--now", "2026-10-25T00:00", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert publish_at(project, "q.md") == "publish_at: 2026-10-25T02:30+02:00"
    assert findings(project.root, "2026-10-25T00:00") == []


def test_occurrences_of_recurring_series_are_kept_free(project, cli) -> None:
    project.write("calendar.yaml", CAL + "recurring:\n  - {id: tip, cron: \"0 12 * * *\", channels: [feed], "
                  "from: 2026-11-01, post: posts/tip.md}\n")
    project.post("tip.md", "channels: [feed]", "Tip.\n")
    project.post("q.md", "channels: [feed]\npublish_at: queue", "Queued.\n")
    result = cli("schedule", "--now", NOW, cwd=project.root)
    assert result.exit_code == 1  # every 12:00 slot of the feed is taken by the series
    assert "no free slot for feed in the next 731 days" in result.stdout


def test_a_broken_calendar_stops_schedule(project, cli) -> None:
    project.write("calendar.yaml", "slots: [\n")
    project.post("q.md", "channels: [feed]\npublish_at: queue")
    result = cli("schedule", "--now", NOW, cwd=project.root)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: calendar.yaml:2: invalid YAML")
    assert "Traceback" not in result.output


def test_lint_warns_until_the_queue_is_scheduled(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    project.post("q.md", "channels: [feed]\npublish_at: queue")
    assert [f[:4] for f in findings(project.root, NOW)] == [("posts/q.md", 3, "calendar", "warning")]
    assert cli("schedule", "--now", NOW, cwd=project.root).exit_code == 0
    assert findings(project.root, NOW) == []


def test_a_time_that_cannot_be_written_changes_no_file(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    odd = project.post("a.md", "channels: [feed]\npublish_at: !!str queue", "A.\n")
    plain = project.post("b.md", "channels: [feed]\npublish_at: queue", "B.\n")
    before = (odd.read_bytes(), plain.read_bytes())
    result = cli("schedule", "--now", NOW, cwd=project.root)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: posts/a.md: cannot find 'publish_at: queue' on one line")
    assert (odd.read_bytes(), plain.read_bytes()) == before
    assert sorted(p.name for p in (project.root / "posts").iterdir()) == ["a.md", "b.md"]  # no temp files
