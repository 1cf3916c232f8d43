"""Every calendar lint finding, with its file and line."""

from __future__ import annotations

import json

from tests.calendar.conftest import findings, ledger

CAL = """\
# yaml-language-server: $schema=../schemas/calendar.schema.json
slots:
  "*": ["0 12 * * *"]
spacing:
  min_gap: 2h
  max_per_day: 2
blackouts:
  - {name: Holiday freeze, from: 2026-12-24T00:00, to: 2026-12-27T00:00}
campaigns:
  winter-launch:
    from: 2026-12-01
    to: 2026-12-15
    channels: [mastodon-main, bluesky-main]
"""
NOW = "2026-11-30T08:00"


def test_two_posts_closer_than_the_minimum_gap_are_both_reported(project) -> None:
    project.write("calendar.yaml", CAL)
    project.post("a.md", "channels: [mastodon-main, bluesky-main]\npublish_at: 2026-12-02T09:00")
    project.post("b.md", "channels: [bluesky-main, mastodon-main]\nstatus: ready\npublish_at: 2026-12-02T10:30")
    project.post("c.md", "channels: [x-main]\npublish_at: 2026-12-02T10:00")  # another channel: fine
    assert findings(project.root, NOW) == [
        ("posts/a.md", 3, "calendar", "error", "on mastodon-main, bluesky-main this post is only 1h 30m from "
         "posts/b.md (Wed 2026-12-02 10:30); calendar.yaml asks for at least 2h (spacing.min_gap)"),
        ("posts/b.md", 4, "calendar", "error", "on bluesky-main, mastodon-main this post is only 1h 30m from "
         "posts/a.md (Wed 2026-12-02 09:00); calendar.yaml asks for at least 2h (spacing.min_gap)"),
    ]


def test_two_posts_at_the_same_time_collide_even_without_spacing(project) -> None:
    project.post("a.md", "channels: [x-main]\npublish_at: 2026-12-02T09:00", "One.\n")
    project.post("b.md", "channels: [x-main]\npublish_at: 2026-12-02T09:00+01:00", "Two.\n")
    found = findings(project.root, NOW)
    assert [(f[0], f[1]) for f in found] == [("posts/a.md", 3), ("posts/b.md", 3)]
    assert "is at the same time as posts/b.md" in found[0][4]


def test_more_than_the_daily_maximum(project) -> None:
    project.write("calendar.yaml", CAL)
    for i, hour in enumerate((8, 11, 14, 17)):
        project.post(f"d{i}.md", f"channels: [mastodon-main]\n\npublish_at: 2026-12-03T{hour:02d}:00")
    assert findings(project.root, NOW) == [
        ("posts/d2.md", 4, "calendar", "error", "this post is post 3 on mastodon-main on Thu 2026-12-03; "
         "calendar.yaml allows 2 a day (spacing.max_per_day)"),
        ("posts/d3.md", 4, "calendar", "error", "this post is post 4 on mastodon-main on Thu 2026-12-03; "
         "calendar.yaml allows 2 a day (spacing.max_per_day)"),
    ]


def test_per_channel_and_per_campaign_spacing(project) -> None:
    project.write("calendar.yaml", CAL.replace("  max_per_day: 2\n", "  max_per_day: 3\n  channels:\n"
                                               "    x-main: {min_gap: 6h}\n  campaigns:\n"
                                               "    winter-launch: {max_per_day: 1}\n"))
    project.post("x1.md", "channels: [x-main]\npublish_at: 2026-12-02T09:00", "One.\n")
    project.post("x2.md", "channels: [x-main]\npublish_at: 2026-12-02T14:00", "Two.\n")
    project.post("w1.md", "channels: [mastodon-main]\ncampaign: winter-launch\npublish_at: 2026-12-04T09:00")
    project.post("w2.md", "channels: [mastodon-main]\ncampaign: winter-launch\npublish_at: 2026-12-04T15:00")
    project.post("other.md", "channels: [mastodon-main]\npublish_at: 2026-12-04T12:00")
    found = findings(project.root, NOW)
    assert [(f[0], f[1]) for f in found] == [("posts/w2.md", 4), ("posts/x1.md", 3), ("posts/x2.md", 3)]
    assert found[0][4] == ("this post is post 2 on mastodon-main on Fri 2026-12-04; calendar.yaml allows 1 a day "
                           "(spacing.campaigns.winter-launch.max_per_day)")
    assert "at least 6h (spacing.channels.x-main.min_gap)" in found[1][4]


def test_a_post_inside_a_blackout(project) -> None:
    project.write("calendar.yaml", CAL)
    project.post("xmas.md", "channels: [feed]\npublish_at: 2026-12-25T10:00")
    assert findings(project.root, NOW) == [
        ("posts/xmas.md", 3, "calendar", "error", "this post on feed is at Fri 2026-12-25 10:00, inside the "
         "blackout 'Holiday freeze' (Thu 2026-12-24 00:00 to Sun 2026-12-27 00:00); nothing is published "
         "then: move it"),
    ]


def test_a_blackout_for_some_channels_only(project) -> None:
    project.write("calendar.yaml", "blackouts:\n  - name: Crisis\n    from: 2026-12-02\n    to: 2026-12-03\n"
                  "    channels: [x-main]\n")
    project.post("x.md", "channels: [x-main]\npublish_at: 2026-12-03T23:00")
    project.post("m.md", "channels: [mastodon-main]\npublish_at: 2026-12-03T23:00")
    found = findings(project.root, NOW)
    assert [(f[0], f[1]) for f in found] == [("posts/x.md", 3)]
    assert "'Crisis' (Wed 2026-12-02 00:00 to Fri 2026-12-04 00:00)" in found[0][4]


def test_posts_outside_their_campaign(project) -> None:
    project.write("calendar.yaml", CAL)
    project.post("late.md", "channels: [mastodon-main, x-main]\npublish_at: 2026-12-16T09:00\n"
                 "campaign: winter-launch")
    project.post("nope.md", "channels: [mastodon-main]\npublish_at: 2026-12-05T09:00\ncampaign: summer")
    assert findings(project.root, NOW) == [
        ("posts/late.md", 2, "calendar", "error", "campaign 'winter-launch' runs on bluesky-main, mastodon-main, "
         "not on x-main"),
        ("posts/late.md", 3, "calendar", "error", "this post is at Wed 2026-12-16 09:00, outside campaign "
         "'winter-launch' (Tue 2026-12-01 00:00 to Wed 2026-12-16 00:00); move it into the campaign or change "
         "'campaign:'"),
        ("posts/nope.md", 4, "calendar", "error", "campaign 'summer' is not in calendar.yaml; campaigns there: "
         "winter-launch"),
    ]


def test_a_queued_post_without_a_time_is_a_warning(project) -> None:
    project.post("q.md", "channels: [feed]\npublish_at: queue  # next free slot")
    project.post("draft.md", "channels: [feed]\nstatus: draft\npublish_at: queue")
    assert findings(project.root, NOW) == [
        ("posts/q.md", 3, "calendar", "warning", "this post is queued but has no time yet; run 'socialops "
         "schedule' to write the next free slot into it (publish never guesses a time)"),
    ]


def test_slot_crons_that_are_invalid_or_never_fire(project) -> None:
    project.write("calendar.yaml", """\
        slots:
          mastodon-main:
            - "0 9 * * MON-FRI"
            - "0 25 * * *"
            - "0 9 30 2 *"
          bluesky: ["0 9 * * * *"]
          myspace: ["0 9 * * *"]
        """)
    assert findings(project.root, NOW) == [
        ("calendar.yaml", 4, "calendar", "error", "'0 25 * * *' is not a valid cron expression; write five "
         "fields: minute hour day-of-month month day-of-week, like '0 9 * * MON-FRI'"),
        ("calendar.yaml", 5, "calendar", "error", "'0 9 30 2 *' never fires: no day matches it (like 30 "
         "February); fix the day or the month"),
        ("calendar.yaml", 6, "calendar", "error", "'0 9 * * * *' has 6 fields; a cron expression has five "
         "fields: minute hour day-of-month month day-of-week, like '0 9 * * MON-FRI'"),
        ("calendar.yaml", 7, "calendar", "warning", "slots for 'myspace', which is no channel or platform of "
         "this project; channels: bluesky-main, feed, linkedin-company, mastodon-main, x-main"),
    ]


def test_series_problems_at_their_lines(project) -> None:
    project.write("calendar.yaml", """\
        recurring:
          - id: leap
            cron: "0 10 29 2 *"
            channels: [mastodon-main]
            from: 2026-01-01
            until: 2027-12-31
            post: posts/tip.md
          - id: nowhere
            cron: "0 10 * * MON"
            channels: [mastodon-main, myspace]
            from: 2026-12-01
            pool: posts/missing
          - {id: empty, cron: "0 11 * * MON", channels: [feed], from: 2026-12-01, post: posts/none.md}
        """)
    project.post("tip.md", "channels: [mastodon-main]")
    assert [(f[0], f[1], f[3]) for f in findings(project.root, NOW)] == [
        ("calendar.yaml", 3, "error"), ("calendar.yaml", 10, "error"), ("calendar.yaml", 12, "error"),
        ("calendar.yaml", 13, "error"),
    ]
    messages = [f[4] for f in findings(project.root, NOW)]
    assert messages[0] == "'0 10 29 2 *' never fires between the series' 'from' and 'until'; fix the cron or the dates"
    assert messages[1].startswith("unknown channel 'myspace'")
    assert messages[2].startswith("'posts/missing' is not a folder of this repository")
    assert messages[3].startswith("'posts/none.md' is not a post file")


def test_an_occurrence_colliding_with_a_post(project) -> None:
    project.write("calendar.yaml", """\
        spacing: {min_gap: 2h}
        recurring:
          - id: weekly-tip
            cron: "0 10 * * TUE"
            channels: [mastodon-main]
            from: 2026-12-01
            until: 2027-03-31
            post: posts/tip.md
        """)
    project.post("tip.md", "channels: [mastodon-main]", "A tip.\n")
    project.post("close.md", "channels: [mastodon-main]\npublish_at: 2026-12-08T11:00")
    project.post("same.md", "channels: [mastodon-main]\npublish_at: 2026-12-15T10:00")
    assert findings(project.root, NOW) == [
        ("calendar.yaml", 3, "calendar", "error", "on mastodon-main weekly-tip@2026-12-08T10:00 is only 1h from "
         "posts/close.md (Tue 2026-12-08 11:00); calendar.yaml asks for at least 2h (spacing.min_gap) "
         "(1 more occurrence like it)"),
        ("posts/close.md", 3, "calendar", "error", "on mastodon-main this post is only 1h from the recurring post "
         "weekly-tip@2026-12-08T10:00 (Tue 2026-12-08 10:00); calendar.yaml asks for at least 2h (spacing.min_gap)"),
        ("posts/same.md", 3, "calendar", "error", "on mastodon-main this post is at the same time as the recurring "
         "post weekly-tip@2026-12-15T10:00 (Tue 2026-12-15 10:00); calendar.yaml asks for at least 2h "
         "(spacing.min_gap)"),
    ]


def test_the_same_text_twice_in_a_row_on_x(project) -> None:
    project.write("calendar.yaml", """\
        recurring:
          - {id: solo, cron: "0 10 * * MON", channels: [x-main, mastodon-main], from: 2026-12-01, pool: posts/solo}
          - {id: duo, cron: "0 15 * * MON", channels: [x-main], from: 2026-12-01, pool: posts/duo}
        """)
    project.post("solo/one.md", "channels: [x-main]", "The only tip.\n")
    project.post("duo/one.md", "channels: [x-main]", "First tip.\n")
    project.post("duo/two.md", "channels: [x-main]", "Second tip.\n")
    found = findings(project.root, NOW)
    assert [(f[0], f[1]) for f in found] == [("calendar.yaml", 2)]
    assert found[0][4].startswith("solo@2026-12-14T10:00 has the same text as the recurring post "
                                  "solo@2026-12-07T10:00 (Mon 2026-12-07 10:00) before it on x-main; X refuses")
    assert found[0][4].endswith("more occurrences like it)")


def test_the_x_duplicate_check_compares_the_text_x_gets_even_an_empty_variant(project) -> None:
    # An empty variant is what X would get (lint's `length` rule reports it), not the body.
    project.write("calendar.yaml", "slots:\n  '*': ['0 12 * * *']\n")
    project.post("a.md", "channels: [x-main]\npublish_at: 2026-12-02T10:00", "Same text.\n")
    project.post("b.md", "channels: [x-main]\npublish_at: 2026-12-02T14:00\nvariants:\n  x-main: ''",
                 "Same text.\n")
    project.post("c.md", "channels: [x-main]\npublish_at: 2026-12-05T10:00", "Twice.\n")
    project.post("d.md", "channels: [x-main]\npublish_at: 2026-12-05T14:00", "Twice.\n")
    same = [(f[0], f[4]) for f in findings(project.root, NOW) if "same text" in f[4]]
    assert same == [("posts/d.md", "this post has the same text as posts/c.md (Sat 2026-12-05 10:00) before "
                     "it on x-main; X refuses a duplicate: vary the text or add posts to the rotation")]


def test_past_and_published_posts_are_not_reported_but_still_count(project) -> None:
    project.write("calendar.yaml", CAL)
    project.post("past.md", "channels: [feed]\npublish_at: 2026-11-29T12:00")
    project.post("past2.md", "channels: [feed]\npublish_at: 2026-11-29T12:30")
    project.post("done.md", "channels: [mastodon-main]\npublish_at: 2026-12-02T09:00")
    project.post("next.md", "channels: [mastodon-main]\npublish_at: 2026-12-02T10:00")
    ledger(project.root, "done", "mastodon-main", "published", "https://mastodon.example/@acme/1")
    # (the past posts' own warning, that they will be recorded as missed, is lint's time check)
    assert [(f[0], f[1]) for f in findings(project.root, NOW, ("calendar",))] == [("posts/next.md", 3)]


def test_a_disable_comment_silences_the_calendar_rule(project) -> None:
    project.post("a.md", "channels: [x-main]\npublish_at: 2026-12-02T09:00", "One.\n")
    project.post("b.md", "channels: [x-main]\npublish_at: 2026-12-02T09:00",
                 "Same time on purpose. <!-- socialops-disable calendar -->\n")
    assert [(f[0], f[1]) for f in findings(project.root, NOW)] == [("posts/a.md", 3)]


def test_calendar_yaml_schema_syntax_and_time_errors_at_their_lines(project) -> None:
    project.write("calendar.yaml", """\
        spacing:
          min_gap: two hours
        blackouts:
          - {name: Spring, from: 2026-03-29T02:30, to: 2026-03-30}
          - {name: Backwards, from: 2026-05-02, to: 2026-05-01}
        lateness: 6h
        recurring:
          - {id: both, cron: "0 9 * * *", channels: [feed], from: 2026-12-01, post: posts/a.md, pool: posts/b}
        """)
    assert findings(project.root, NOW) == [
        ("calendar.yaml", 2, "schema", "error", "write a duration like 30m, 2h or 1d (at $.spacing.min_gap)"),
        ("calendar.yaml", 4, "time", "error", "2026-03-29 02:30 does not exist in Europe/Berlin (the clocks "
         "skip it); pick a time outside the change"),
        ("calendar.yaml", 5, "calendar", "error", "'to' (2026-05-01) is not after 'from' (2026-05-02); swap or "
         "fix them"),
        ("calendar.yaml", 8, "schema", "error", "a series takes either 'post' (one template post) or 'pool' "
         "(a folder of posts), not both (at $.recurring[0])"),
    ]
    project.write("calendar.yaml", "slots:\n  feed: [\"0 9 * * *\"\n  x-main: []\n")
    (found,) = findings(project.root, NOW)
    assert found[:3] == ("calendar.yaml", 3, "syntax") and found[4].startswith("invalid YAML")


def test_without_calendar_yaml_there_is_nothing_to_report(project, cli) -> None:
    (project.root / "calendar.yaml").unlink()
    project.post("a.md", "channels: [feed]\npublish_at: 2026-12-02T09:00")
    assert findings(project.root, NOW) == []
    result = cli("plan", "--now", NOW, "--format", "json", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert [e["id"] for e in json.loads(result.stdout)["entries"]] == ["a"]


def test_lint_json_through_the_cli(project, cli) -> None:
    project.write("calendar.yaml", CAL)
    project.post("xmas.md", "channels: [feed]\npublish_at: 2026-12-25T10:00")
    result = cli("lint", "--format", "json", "--now", NOW, cwd=project.root)
    assert result.exit_code == 1
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "calendar"]
    assert (problem["path"], problem["line"], problem["column"], problem["level"]) == ("posts/xmas.md", 3, 13, "error")


def test_a_post_of_a_campaign_going_to_the_default_channels_is_checked_against_them(project) -> None:
    project.write("calendar.yaml", CAL)
    project.write("socialops.yaml", (project.root / "socialops.yaml").read_text()
                  + "defaults:\n  channels: [mastodon-main, x-main]\n")
    project.post("w.md", "publish_at: 2026-12-05T09:00\ncampaign: winter-launch")
    assert findings(project.root, NOW) == [
        ("posts/w.md", 3, "calendar", "error", "campaign 'winter-launch' runs on bluesky-main, mastodon-main, "
         "not on x-main (a channel of defaults.channels: name this post's channels)"),
    ]
