"""`socialops calendar`: the terminal grids and the iCalendar export (parsed back)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from socialops.model import Project
from tests.calendar.conftest import ledger
from tests.calendar.test_plan import NOW, make


def test_ics_has_one_event_per_post_and_channel_with_stable_uids(project, cli, tmp_path) -> None:
    make(project)
    out = tmp_path / "feed" / "plan.ics"
    result = cli("calendar", "--now", NOW, "--ics", str(out), "--from", "2026-12-01", "--to", "2026-12-31",
                 cwd=project.root)
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (11 events)" in result.stdout
    cal = Calendar.from_ical(out.read_bytes())
    assert str(cal["version"]) == "2.0" and str(cal["x-wr-timezone"]) == "Europe/Berlin"
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert len({u.rpartition("@")[2] for u in uids}) == 1 and uids[0].endswith(".socialops")
    events = {str(e["uid"]).rpartition("@")[0]: e for e in cal.walk("VEVENT")}
    assert len(events) == 11
    assert "done/mastodon-main" in events and "done/x-main" in events
    done = events["done/mastodon-main"]
    assert str(done["summary"]) == "Done"
    assert done.decoded("dtstart") == datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert done["dtstart"].params["TZID"] == "Europe/Berlin"
    assert str(done["url"]) == "https://mastodon.example/@acme/1"
    assert "Published: https://mastodon.example/@acme/1" in str(done["description"])
    assert [str(c) for c in done["categories"].cats] == ["mastodon-main"]
    draft = events["draft/linkedin-company"]
    assert [str(c) for c in draft["categories"].cats] == ["winter", "linkedin-company"]
    assert str(draft["status"]) == "TENTATIVE"
    assert str(draft["description"]).startswith("Draft\n\nChannel: linkedin-company\nStatus: draft (explicit)")
    assert "File: posts/draft.md" in str(draft["description"])
    tip = events["weekly-tip@2026-12-08T10:00/mastodon-main"]
    assert str(tip["summary"]) == "Tip B"
    assert len(list(cal.walk("VTIMEZONE"))) == 1
    # Exported again later, the same posts keep the same UIDs.
    again = tmp_path / "again.ics"
    assert cli("calendar", "--now", "2026-12-05T08:00", "--ics", str(again), "--from", "2026-12-01",
               "--to", "2026-12-31", cwd=project.root).exit_code == 0
    assert {str(e["uid"]) for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")} == set(uids)


def test_ics_uids_name_the_project_the_same_in_every_clone_and_differ_between_projects(
        project, cli, tmp_path) -> None:
    from tests.conftest import git

    project.post("welcome.md", "channels: [feed]\npublish_at: 2026-12-02T09:00")
    project.commit()

    def uids(root) -> set[str]:
        out = tmp_path / "x.ics"
        assert cli("calendar", "--now", NOW, "--ics", str(out), cwd=root).exit_code == 0
        return {str(e["uid"]) for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")}

    first = uids(project.root)
    git(tmp_path, "clone", "-q", str(project.root), str(tmp_path / "clone"))
    assert uids(tmp_path / "clone") == first
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(project.root), str(other))
    git(other, "checkout", "-q", "--orphan", "fresh")
    git(other, "commit", "-q", "-m", "another project with the same files")
    (second,) = uids(other)
    (one,) = first
    assert one.startswith("welcome/feed@") and second.startswith("welcome/feed@") and one != second


def test_ics_summary_is_the_first_line_and_the_description_the_full_text(project, cli, tmp_path) -> None:
    project.post("thread.md", "channels: [mastodon-main]\npublish_at: 2026-12-04T10:00\n"
                 "variants:\n  mastodon-main: \"For Mastodon: hello\\n\\nmore\"",
                 "\nFirst line of the thread\nsecond line\n\n---\nPart two\n")
    out = tmp_path / "t.ics"
    assert cli("calendar", "--now", NOW, "--ics", str(out), cwd=project.root).exit_code == 0
    (event,) = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert str(event["summary"]) == "For Mastodon: hello"
    assert str(event["description"]).startswith("For Mastodon: hello\n\nmore\n\nChannel: mastodon-main")


def test_ics_shows_the_text_the_channel_gets_even_an_empty_variant(project, cli, tmp_path) -> None:
    # The channel's variant is chosen even when it is empty (lint reports that nothing would be
    # sent), as preview and publish choose it; the calendar used to show the body instead.
    project.post("empty.md", "channels: [mastodon-main]\npublish_at: 2026-12-04T10:00\n"
                 "variants:\n  mastodon-main: ''", "\nThe body\n")
    out = tmp_path / "e.ics"
    assert cli("calendar", "--now", NOW, "--ics", str(out), cwd=project.root).exit_code == 0
    (event,) = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert str(event["summary"]) == "empty"
    assert str(event["description"]).startswith("Channel: mastodon-main")


def test_month_grid_shows_each_post_once_with_its_time_marks_and_first_line(project, cli) -> None:
    make(project)
    result = cli("calendar", "--now", NOW, "--month", "2026-12", cwd=project.root, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "December 2026" in out
    rows = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│")]
    tuesday_1st = [r[1].strip() for r in rows[:3]]  # the first week's Tuesday
    assert tuesday_1st == ["1", "09:00 ?✓✗ Done", "10:00 ✓ Tip A"]  # one line for three channels
    thursday_3rd = [r[3].strip() for r in rows[:3]]
    assert thursday_3rd == ["3", "09:00 ○ Draft", "12:00 … Queued"]
    assert "08:30 ! Late" in out and "10:00 ‖" in out  # missed, held
    assert "○ draft" in out and "✓ published" in out  # the legend


def test_a_busy_day_collapses_to_more(project, cli) -> None:
    for i in range(7):
        project.post(f"busy{i}.md", f"channels: [feed]\npublish_at: 2026-12-09T{8 + i:02d}:00", f"Busy {i}\n")
    out = cli("calendar", "--now", NOW, "--month", "2026-12", cwd=project.root, env={"COLUMNS": "120"}).stdout
    assert "+3 more" in out and "Busy 3" in out and "Busy 4" not in out


def test_week_is_an_agenda_with_blackouts_and_campaigns(project, cli) -> None:
    make(project)
    project.write("calendar.yaml", CAL_WITH_CAMPAIGN)
    ledger(project.root, "due", "feed", "published")
    result = cli("calendar", "--week", "2026-12-02", "--now", NOW, "--channel", "feed", cwd=project.root,
                 env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Week of Mon 2026-11-30"
    wed = lines.index("Wed 02 Dec  campaign winter")
    assert lines[wed + 1].startswith("  08:30 ! Late") and lines[wed + 2].startswith("  09:30 ✓ Due")
    assert all(len(line) <= 80 for line in lines)
    assert "mastodon-main" not in result.stdout
    week = cli("calendar", "--week", "2026-12-24", "--now", NOW, cwd=project.root, env={"COLUMNS": "80"}).stdout
    assert "  ‖ blackout: Holiday freeze (every channel)" in week.splitlines()


CAL_WITH_CAMPAIGN = """\
slots:
  "*": ["0 12 * * *"]
blackouts:
  - {name: Holiday freeze, from: 2026-12-24, to: 2026-12-26}
campaigns:
  winter: {from: 2026-12-02, to: 2026-12-10}
lateness: 3h
"""


def test_calendar_usage_errors(project, cli) -> None:
    bad = cli("calendar", "--month", "2026-13", cwd=project.root)
    assert bad.exit_code == 2 and "--month: '2026-13' is not a month; write it like 2026-12" in bad.stderr
    day = cli("calendar", "someday", cwd=project.root)
    assert day.exit_code == 2 and "'someday' is not a day" in day.stderr


def test_calendar_export_to_a_path_it_cannot_write_says_which(project, cli, tmp_path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    ics = cli("calendar", "--ics", str(folder), cwd=project.root)
    assert ics.exit_code == 2
    assert f"--ics: cannot write {folder}: Is a directory" in ics.stderr and "unexpected" not in ics.stderr
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    page = cli("calendar", "--html", str(a_file), cwd=project.root)
    assert page.exit_code == 2
    assert f"--html: cannot write {a_file}: File exists" in page.stderr and "unexpected" not in page.stderr


def _library_export(project, entries, now, name):
    """The export as the icalendar library writes every event (socialops did until issue 17):
    the reference the fast writer must equal byte for byte."""
    from icalendar import Event

    from socialops.calendar.ics import LENGTH, _description, _summary, identity, uid

    tz = project.config.timezone
    cal = Calendar()
    cal.add("prodid", "-//socialops//calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    for entry in entries:
        start = entry.at.astimezone(tz)
        event = Event()
        event.add("uid", uid(entry, identity(project)))
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", start + LENGTH)
        event.add("summary", _summary(entry.first_line(project)))
        event.add("description", _description(project, entry))
        event.add("categories", [c for c in (entry.campaign, entry.channel) if c])
        event.add("status", "TENTATIVE" if entry.status in ("draft", "ready") else "CONFIRMED")
        if entry.url:
            event.add("url", entry.url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


TRICKY = [
    "Commas, semicolons; back\\slashes \\N and carets ^ in one line",
    "x" * 70 + "\\" + "n after a backslash at the fold, " + "y" * 60 + "^" + "z" * 100,
    "Ünïcödé " * 12 + "🎉" * 30 + "İstanbul'da görüşmek üzere " * 5,
    "新しいバージョンを公開しました。" * 8,
    "a" * 73 + "é" + "b" * 200,
    "c" * 65 + "^x" + "d" * 100,  # a caret where the summary folds
    "Line one\r\nline two\rline three\n\nlast, with a comma",
]


def test_ics_events_are_byte_for_byte_what_the_icalendar_library_writes(project, tmp_path) -> None:
    from datetime import timedelta

    from socialops.calendar import load, plan
    from socialops.calendar.ics import export

    make(project)
    for i, text in enumerate(TRICKY):
        project.post(f"tricky-{i}.md", f"channels: [mastodon-main, feed]\npublish_at: 2026-12-1{i}T09:0{i}\n"
                     f"campaign: 'winter, cold; wet'", text + "\n")
    ledger(project.root, "tricky-0", "mastodon-main", "published", "https://mastodon.example/@acme/9?a=1,b;c")
    for key in ("Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"):
        config = (project.root / "socialops.yaml").read_text("utf-8")
        project.write("socialops.yaml", re.sub(r"(?m)^timezone:.*$", f"timezone: {key}", config))
        loaded = Project.load(project.root)
        now = datetime(2026, 12, 2, 12, tzinfo=ZoneInfo(key))
        start = datetime(2026, 11, 1, tzinfo=ZoneInfo(key))
        entries = [e for e in plan.build(loaded, load(loaded), loaded.read_posts(), now, start,
                                         start + timedelta(days=60)) if e.at is not None]
        assert len(entries) > 20
        fast = export(loaded, entries, now, "tricky (socialops)")
        assert fast == _library_export(loaded, entries, now, "tricky (socialops)"), key
        assert len(Calendar.from_ical(fast).walk("VEVENT")) == len(entries)
    assert export(loaded, [], now, "none") == _library_export(loaded, [], now, "none")
