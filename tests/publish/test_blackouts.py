"""Blackouts in calendar.yaml stop publishing: nothing goes out inside one."""

from __future__ import annotations

from tests.publish.conftest import Site, run_publish

FREEZE = """\
lateness: 6h
blackouts:
  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}
  - {name: Feed only, from: 2026-12-10T00:00, to: 2026-12-11T00:00, channels: [feed]}
"""


def statuses(result) -> dict[tuple[str, str], tuple[str, str]]:
    return {(p.id, c.channel): (c.status, c.message or "") for p in result.posts for c in p.channels}


def test_a_post_due_inside_a_blackout_is_held_and_never_sent(site: Site) -> None:
    site.write("calendar.yaml", FREEZE)
    site.post("xmas", ["feed"], "Merry Christmas!\n", at="2026-12-25T09:00")
    site.commit()
    result = run_publish(site, now="2026-12-25T09:05")
    status, message = statuses(result)[("xmas", "feed")]
    assert status == "held"
    assert "blackout 'Holiday freeze'" in message and "2026-12-24 00:00 to 2026-12-27 00:00" in message
    assert not (site.root / "feed.xml").exists()
    # after the freeze it stays held: its time is inside the blackout, so a human picks another
    later = run_publish(site, now="2026-12-27T01:00")
    assert statuses(later)[("xmas", "feed")][0] in ("held", "missed")
    assert not (site.root / "feed.xml").exists()


def test_a_post_due_before_a_blackout_waits_for_its_end(site: Site) -> None:
    site.write("calendar.yaml", FREEZE)
    site.post("eve", ["feed"], "Last post before the break.\n", at="2026-12-23T22:00")
    site.commit()
    during = run_publish(site, now="2026-12-24T00:30")
    status, message = statuses(during)[("eve", "feed")]
    assert status == "held" and "publishing is paused by the blackout" in message
    assert not (site.root / "feed.xml").exists()
    commits = len(site.remote_log())
    run_publish(site, now="2026-12-24T03:00")
    assert len(site.remote_log()) == commits  # an unchanged hold is not committed again
    after = run_publish(site, now="2026-12-27T00:30")
    assert statuses(after)[("eve", "feed")][0] == "missed"  # 26h after its time: past the 6h lateness


def test_a_blackout_scoped_to_a_channel_leaves_the_others(site: Site) -> None:
    site.configure({"feed": {"platform": "feed", "path": "feed.xml", "title": "T", "link": "https://example.com"},
                    "archive": {"platform": "feed", "path": "archive.xml", "title": "A", "link": "https://example.com"}})
    site.write("calendar.yaml", FREEZE)
    site.post("tenth", ["feed", "archive"], "On the tenth.\n", at="2026-12-10T09:00")
    site.commit()
    result = run_publish(site, now="2026-12-10T09:01")
    found = statuses(result)
    assert found[("tenth", "feed")][0] == "held"
    assert found[("tenth", "archive")][0] == "published"
    assert (site.root / "archive.xml").exists() and not (site.root / "feed.xml").exists()


def test_a_short_blackout_delays_a_post_within_the_lateness_limit(site: Site) -> None:
    site.write("calendar.yaml", "lateness: 6h\nblackouts:\n  - {name: Incident, from: 2026-12-02T08:00, to: 2026-12-02T10:00}\n")
    site.post("morning", ["feed"], "Good morning.\n", at="2026-12-02T07:30")
    site.commit()
    assert statuses(run_publish(site, now="2026-12-02T08:15"))[("morning", "feed")][0] == "held"
    assert statuses(run_publish(site, now="2026-12-02T10:05"))[("morning", "feed")][0] == "published"
    assert (site.root / "feed.xml").exists()


def test_an_unreadable_calendar_holds_everything_rather_than_ignore_its_blackouts(site: Site) -> None:
    site.write("calendar.yaml", "blackouts:\n  - {name: Crisis, from: 2026-12-01T00:00, to: 2026-12-31T00:00\n")
    site.post("during", ["feed"], "Business as usual.\n", at="2026-12-02T09:00")
    site.commit()
    status, message = statuses(run_publish(site, now="2026-12-02T09:05"))[("during", "feed")]
    assert status == "held"
    assert "calendar.yaml cannot be read (calendar.yaml:" in message and "socialops lint" in message
    assert not (site.root / "feed.xml").exists()
