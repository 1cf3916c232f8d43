"""pause/resume, missed posts, dry runs, status, doctor, retract, held posts, recurring series."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import yaml

from socialops.model import Project
from socialops.publish.retract import retract
from tests.conftest import git
from tests.fakes.servers import Fakes
from tests.publish.conftest import BASE, NOW, Site, at, run_publish


def test_pause_stops_publishing_at_once_and_says_why(site: Site, run_cli) -> None:
    site.post("p", ["feed"])
    site.commit()
    paused = run_cli("pause", "--reason", "Crisis: hold everything", "--push", cwd=site.root)
    assert paused.returncode == 0, paused.stderr
    switch = yaml.safe_load((site.root / ".socialops/paused.yaml").read_text())
    assert switch["reason"] == "Crisis: hold everything" and switch["who"] == "Test Writer"
    assert site.remote_log()[0] == "socialops: pause publishing (Test Writer): Crisis: hold everything"
    out = run_cli("publish", "--now", NOW, cwd=site.root)
    assert out.returncode == 0
    assert "Publishing is paused" in out.stdout and "Crisis: hold everything" in out.stdout
    assert "by Test Writer" in out.stdout
    assert not (site.root / "feed.xml").exists()
    data = json.loads(run_cli("publish", "--now", NOW, "--format", "json", cwd=site.root).stdout)
    assert data["paused"]["reason"] == "Crisis: hold everything" and data["posts"] == []
    resumed = run_cli("resume", "--push", cwd=site.root)
    assert resumed.returncode == 0
    assert site.remote_log()[0] == "socialops: resume publishing (Test Writer)"
    after = run_cli("publish", "--now", NOW, cwd=site.root)
    assert after.returncode == 0 and "feed: published" in after.stdout


def test_a_pause_switch_that_is_not_text_still_stops_publishing(site: Site) -> None:
    site.post("p", ["feed"])
    (site.root / ".socialops").mkdir(exist_ok=True)
    (site.root / ".socialops/paused.yaml").write_bytes(b"reason: \xff\xfe crisis\n")
    site.commit()
    result = run_publish(site)
    assert result.paused is not None
    assert result.paused.reason == ".socialops/paused.yaml exists (it cannot be read)"
    assert result.posts == [] and not (site.root / "feed.xml").exists()


def test_a_post_later_than_the_lateness_limit_is_missed_reported_once_and_recorded(site: Site) -> None:
    site.post("late", ["feed"], at=at(-420))  # due 8 hours before now; the limit is 6h
    site.post("fine", ["feed"], at=at(-240))
    site.commit()
    first = run_publish(site)
    statuses = {p.id: p.channels[0].status for p in first.posts}
    assert statuses == {"late": "missed", "fine": "published"}
    assert first.failed and first.attention == ["1 missed"]  # red the run it goes missed
    assert first.summary_line() == "exit 1: 1 missed (a person should look)"
    missed = first.posts[0].channels[0]
    assert missed.message is not None and "later than the lateness limit (6h)" in missed.message
    record = site.ledger("late")["channels"]["feed"]
    assert record["status"] == "missed" and "lateness limit" in record["reason"]
    assert "feed/late" not in (site.root / "feed.xml").read_text()
    again = run_publish(site)
    assert again.posts == [] and not again.failed  # reported once: red once, not every run
    # a new time makes it due again
    site.post("late", ["feed"], at=at(50))
    site.commit()
    assert [c.status for c in run_publish(site).posts[0].channels] == ["published"]


def test_lateness_comes_from_the_config(site: Site) -> None:
    site.configure(site.channels, {"lateness": "30m"})
    site.post("p", ["feed"], at=at(0))
    site.commit()
    assert run_publish(site).posts[0].channels[0].status == "missed"


def test_a_dry_run_calls_no_platform_and_writes_nothing(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("p", ["mastodon", "feed"], "One.\n\n---\nTwo.\n")
    fake_site.commit()
    head = git(fake_site.root, "rev-parse", "HEAD")
    out = run_cli("publish", "--dry-run", "--now", NOW, cwd=fake_site.root, env=fake_site.env)
    assert out.returncode == 0, out.stderr
    assert "Dry run" in out.stdout and "would send 2 parts" in out.stdout
    data = json.loads(run_cli("publish", "--dry-run", "--now", NOW, "--format", "json",
                              cwd=fake_site.root, env=fake_site.env).stdout)
    assert data["dry_run"] is True
    assert [(c["channel"], c["status"]) for c in data["posts"][0]["channels"]] == [
        ("feed", "planned"), ("mastodon", "planned")]
    assert git(fake_site.root, "rev-parse", "HEAD") == head
    assert fake_site.clean() and not (fake_site.root / "feed.xml").exists()
    assert not (fake_site.root / ".socialops").exists()
    assert fakes.mastodon.requests == []
    assert git(fake_site.remote, "rev-parse", "main") == head


def test_status_answers_why_a_post_did_not_go_out(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("sent", ["mastodon"], "Sent.\n", at=at(-30))
    fake_site.post("broken", ["linkedin"], "Refused.\n", at=at(-20))
    fake_site.post("draft", ["mastodon"], "Not ready.\n", at=at(-10), status="draft")
    fake_site.post("later", ["mastodon"], "Tomorrow.\n", at=at(60 * 24))
    fake_site.post("late", ["mastodon"], "Too late.\n", at=at(-600))
    fake_site.commit()
    fakes.linkedin.fail(422, times=None)
    run_publish(fake_site)
    out = run_cli("status", "--now", NOW, "--format", "json", cwd=fake_site.root)
    assert out.returncode == 0, out.stderr
    sections = json.loads(out.stdout)["sections"]
    assert [r["post"] for r in sections["published"]] == ["sent"]
    assert sections["published"][0]["url"].startswith(fakes.mastodon.url)
    assert [r["post"] for r in sections["failed"]] == ["broken"]
    assert "422" in sections["failed"][0]["message"] and sections["failed"][0]["since"]
    assert [r["post"] for r in sections["missed"]] == ["late"]
    assert [r["post"] for r in sections["next"]] == ["later"]
    assert [r["post"] for r in sections["draft"]] == ["draft"]
    text = run_cli("status", "--now", NOW, cwd=fake_site.root).stdout
    assert "Failed (the next run tries again)" in text and "Due next" in text
    one = run_cli("status", "draft", "--now", NOW, cwd=fake_site.root).stdout
    assert "a draft is never published: set status: ready" in one


def test_doctor_checks_credentials_without_showing_them(fake_site: Site, fakes: Fakes, run_cli) -> None:
    env = {k: v for k, v in fake_site.env.items() if k != "LINKEDIN_TOKEN"}
    out = run_cli("doctor", "--format", "json", cwd=fake_site.root, env=env)
    assert out.returncode == 1
    checks = {c["channel"]: c for c in json.loads(out.stdout)["channels"]}
    assert checks["mastodon"]["ok"] is True and checks["mastodon"]["variables"] == {"MASTODON_TOKEN": True}
    assert checks["feed"]["ok"] is True
    assert checks["linkedin"]["ok"] is False
    assert checks["linkedin"]["variables"] == {"LINKEDIN_TOKEN": False}
    assert "LINKEDIN_TOKEN" in checks["linkedin"]["message"]
    assert fakes.mastodon.calls("GET /api/v1/accounts/verify_credentials")
    text = run_cli("doctor", cwd=fake_site.root, env=env)
    for secret in fakes.secret_values():
        assert secret not in out.stdout + out.stderr + text.stdout + text.stderr


def test_doctor_is_red_for_a_refused_or_soon_expiring_token(fake_site: Site, fakes: Fakes, run_cli) -> None:
    """What the daily doctor.yml relies on: exit 1 for a token the platform refuses (revoked)
    and for one running out within 14 days, so the scheduled job goes red before a post is
    due; exit 0 with a token that works and has time left. No secret in the output."""
    revoked = {**fake_site.env, "MASTODON_TOKEN": "sekretrevoked0123456789"}
    refused = run_cli("doctor", "--channel", "mastodon", "--now", NOW, cwd=fake_site.root, env=revoked)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "✗ mastodon" in refused.stdout and "The access token is invalid" in refused.stdout
    channels = dict(fake_site.channels)
    soon = (BASE + timedelta(days=10)).date().isoformat()
    later = (BASE + timedelta(days=30)).date().isoformat()
    outputs = [refused]
    for expires, code in ((soon, 1), (later, 0)):
        fake_site.configure({**channels, "mastodon": {**channels["mastodon"], "expires": expires}})
        out = run_cli("doctor", "--channel", "mastodon", "--now", NOW, cwd=fake_site.root, env=fake_site.env)
        assert out.returncode == code, out.stdout + out.stderr
        assert f"expires {expires}" in out.stdout
        assert ("renew them soon" in out.stdout) is (code == 1)
        outputs.append(out)
        as_json = json.loads(run_cli("doctor", "--channel", "mastodon", "--now", NOW, "--format", "json",
                                     cwd=fake_site.root, env=fake_site.env).stdout)
        [check] = as_json["channels"]
        assert check["ok"] is True and check["expiring"] is (code == 1)
    for out in outputs:
        for secret in [*fakes.secret_values(), "sekretrevoked0123456789"]:
            assert secret not in out.stdout + out.stderr


def test_retract_deletes_every_part_of_a_thread(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("t", ["mastodon"], "One.\n\n---\nTwo.\n\n---\nThree.\n")
    fake_site.commit()
    run_publish(fake_site)
    ids = list(fakes.mastodon.posts)
    out = run_cli("retract", "t", "--format", "json", cwd=fake_site.root, env=fake_site.env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert fakes.mastodon.deleted == list(reversed(ids))
    record = fake_site.ledger("t")["channels"]["mastodon"]
    assert record["status"] == "retracted"
    assert [p["status"] for p in record["parts"]] == ["retracted"] * 3
    assert git(fake_site.root, "log", "-1", "--format=%s").strip() == "socialops: retract t"
    assert run_publish(fake_site, at(75)).posts == []


def test_retracting_one_channel_says_which_others_still_have_the_post(fake_site: Site, fakes: Fakes,
                                                                      run_cli) -> None:
    fake_site.post("t", ["mastodon", "telegram"], "One.\n")
    fake_site.commit()
    run_publish(fake_site)
    out = run_cli("retract", "t", "--channel", "mastodon", cwd=fake_site.root, env=fake_site.env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "t on mastodon: retracted" in out.stdout
    assert "t on telegram: still published (socialops retract t --channel telegram)" in out.stdout
    as_json = run_cli("retract", "t", "--channel", "telegram", "--format", "json", cwd=fake_site.root,
                      env=fake_site.env)
    assert '"other_channels": {}' in as_json.stdout


def test_a_failed_retract_keeps_the_platform_message_whole(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("t", ["mastodon"], "One.\n")
    fake_site.commit()
    run_publish(fake_site)
    fakes.mastodon.fail(500, match="DELETE .*", times=None)
    env = {**fake_site.env, "CI": "true", "RUNNER_NAME": "Mastodon"}  # not credentials
    with httpx.Client() as client:
        out = retract(Project.load(fake_site.root), "t", None, env, lambda: datetime.now(UTC), client)
    message = out.channels[0].message or ""
    assert message.startswith("retract failed: Mastodon: could not delete status "), message
    assert out.channels[0].status == "failed"


def test_a_post_without_verified_approval_is_held_with_the_reason(site: Site) -> None:
    site.configure(site.channels, {"approval": {"verify": "github", "required_approvals": 1}})
    site.post("p", ["feed"])
    site.commit()
    result = run_publish(site, env={})
    channel = result.posts[0].channels[0]
    assert channel.status == "held"
    assert channel.message is not None and "GITHUB_TOKEN" in channel.message
    assert site.ledger("p")["channels"]["feed"]["status"] == "held"
    assert not (site.root / "feed.xml").exists()
    assert site.clean()


def test_a_recurring_series_publishes_its_occurrence_once(site: Site) -> None:
    site.write("calendar.yaml", f"""\
        lateness: 6h
        recurring:
          - id: daily-tip
            cron: "{at(30)[14:16]} {at(30)[11:13]} * * *"
            channels: [feed]
            from: {at(-60 * 48)[:10]}
            pool: posts/tips
        """)
    site.write("posts/tips/one.md", "---\nstatus: ready\n---\nTip one.\n")
    site.write("posts/tips/two.md", "---\nstatus: ready\n---\nTip two.\n")
    site.commit()
    result = run_publish(site)
    # today's occurrence goes out; yesterday's, a day late, is reported as missed
    when = at(30).replace("T", "T")
    statuses = {p.id: p.channels[0].status for p in result.posts}
    assert statuses[f"daily-tip@{when}"] == "published", result.as_dict()
    assert set(statuses.values()) <= {"published", "missed"} and len(statuses) == 2
    assert "Tip" in (site.root / "feed.xml").read_text()
    assert site.ledger(f"daily-tip@{when}")["channels"]["feed"]["status"] == "published"
    assert run_publish(site).posts == []


def test_two_due_posts_with_one_id_are_both_held_back(site: Site) -> None:
    site.post("a", ["feed"], "First.\n", extra="id: same\n")
    site.post("b", ["feed"], "Second.\n", extra="id: same\n")
    site.commit()
    result = run_publish(site)
    assert result.status == "error"
    [post] = result.posts
    assert post.id == "same"
    assert sorted((c.status, c.message) for c in post.channels) == [
        ("failed", "the id 'same' is also used by posts/a.md; give one of them another 'id:'"),
        ("failed", "the id 'same' is also used by posts/b.md; give one of them another 'id:'")]
    assert not (site.root / "feed.xml").exists()


def test_status_says_when_publish_would_refuse_a_due_post(site: Site, run_cli) -> None:
    site.configure({**site.channels, "short": {"platform": "feed", "path": "short.xml", "max_length": 10}})
    site.post("long", ["short"], "This text is longer than ten characters.\n")
    site.commit()
    out = json.loads(run_cli("status", "--now", NOW, "--format", "json", cwd=site.root).stdout)
    [row] = out["sections"]["failed"]
    assert row["post"] == "long" and row["channel"] == "short"
    assert row["message"].startswith("posts/long.md:6: ") and "publish does not send it" in row["message"]
    result = run_publish(site)
    assert result.posts[0].channels[0].status == "failed"
    assert not (site.root / "short.xml").exists()


def test_due_times_are_shown_in_the_project_timezone(site: Site) -> None:
    site.configure(site.channels, {"timezone": "Europe/Berlin"})
    site.post("p", ["feed"], at="2026-12-01T08:00Z")
    site.commit()
    result = run_publish(site, now="2026-12-01T10:00")
    assert result.posts[0].due == "2026-12-01T09:00+01:00"
    assert site.ledger("p")["channels"]["feed"]["due"] == "2026-12-01T09:00+01:00"


def test_a_pause_during_a_run_stops_it_before_the_next_post(fake_site: Site, fakes: Fakes, run_cli) -> None:
    for name, minute in (("first", 0), ("second", 1), ("third", 2)):
        fake_site.post(name, ["mastodon"], f"The {name} post.\n", at=at(minute))
    fake_site.commit()

    def crisis(event) -> None:  # someone pulls the switch while the first post goes out
        if event.post_id == "first":
            out = run_cli("pause", "--reason", "Stop now", cwd=fake_site.root)
            assert out.returncode == 0, out.stderr

    result = run_publish(fake_site, on_event=crisis)
    statuses = {p.id: p.channels[0].status for p in result.posts}
    assert statuses == {"first": "published", "second": "skipped", "third": "skipped"}
    assert "publishing was paused during this run: Stop now" in (result.posts[1].channels[0].message or "")
    assert fakes.mastodon.texts() == ["The first post."]
    assert fake_site.ledger("second")["channels"]["mastodon"]["status"] == "not-published"
    assert run_cli("resume", cwd=fake_site.root).returncode == 0
    after = run_publish(fake_site, at(75))
    assert {p.id: p.channels[0].status for p in after.posts} == {"second": "published", "third": "published"}
    assert fakes.mastodon.texts() == ["The first post.", "The second post.", "The third post."]


def test_a_damaged_ledger_file_is_never_taken_for_nothing_published(site: Site) -> None:
    site.post("p", ["feed"])
    site.commit()
    run_publish(site)
    path = site.root / ".socialops/ledger/p.yaml"
    text = path.read_text()
    path.write_text("<<<<<<< HEAD\n" + text + "=======\npost: p\n>>>>>>> other\n")
    site.commit("a bad merge")
    result = run_publish(site, at(75))
    [channel] = result.posts[0].channels
    assert channel.status == "failed"
    assert channel.message is not None
    assert channel.message.startswith("the ledger file .socialops/ledger/p.yaml cannot be read (")
    assert (site.root / "feed.xml").read_text().count("<entry>") == 1


def test_a_ledger_file_that_is_not_text_is_never_taken_for_nothing_published(site: Site, run_cli) -> None:
    site.post("p", ["feed"])
    site.commit()
    run_publish(site)
    path = site.root / ".socialops/ledger/p.yaml"
    path.write_bytes(path.read_bytes() + b"# \xff\xfe\n")
    site.commit("a damaged file")
    result = run_publish(site, at(75))
    [channel] = result.posts[0].channels
    assert channel.status == "failed"
    assert channel.message == ("the ledger file .socialops/ledger/p.yaml cannot be read (it is not UTF-8 "
                               "text, or it cannot be opened); nothing of this post is published until "
                               "it is repaired (git log -p shows what it said)")
    assert (site.root / "feed.xml").read_text().count("<entry>") == 1
    for args in (["status", "--now", NOW], ["lint"]):  # reading for a report is lenient
        out = run_cli(*args, cwd=site.root)
        assert "unexpected error" not in out.stderr and out.returncode in (0, 1), out.stderr


def test_status_never_promises_a_post_whose_status_publish_does_not_send(site: Site, run_cli) -> None:
    site.post("odd", ["feed"], status="reviewed")
    site.commit()
    out = json.loads(run_cli("status", "--now", NOW, "--format", "json", cwd=site.root).stdout)
    [row] = out["sections"]["failed"]
    assert row["post"] == "odd" and "status: reviewed is not draft or ready" in row["message"]
    assert out["sections"]["waiting"] == []
    assert run_publish(site).posts == []
