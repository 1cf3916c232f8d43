"""Faults: each asserts that no post is lost and none is published twice."""

from __future__ import annotations

import time
from typing import Any

from tests.fakes.servers import Fakes
from tests.publish.conftest import NOW, Site, at, run_publish


def _ledger_part(site: Site, post: str, channel: str, index: int = 0) -> dict:
    return site.ledger(post)["channels"][channel]["parts"][index]


def test_a_500_is_retried_after_a_backoff_and_published_once(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["mastodon"], "Retry me.\n")
    fake_site.commit()
    fakes.mastodon.fail(500)
    sleeps: list[float] = []
    result = run_publish(fake_site, sleeps=sleeps)
    assert result.status == "success"
    assert fakes.mastodon.texts() == ["Retry me."]
    assert len(fakes.mastodon.calls("create")) == 2
    assert sleeps == [1.0]
    assert _ledger_part(fake_site, "p", "mastodon")["attempts"] == 2


def test_a_429_waits_as_long_as_retry_after_says(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["discord"], "Slow down.\n")
    fake_site.commit()
    fakes.discord.rate_limit(retry_after=3)
    sleeps: list[float] = []
    result = run_publish(fake_site, sleeps=sleeps)
    assert result.status == "success"
    assert sleeps == [3.0]
    assert fakes.discord.texts() == ["Slow down."]


def test_a_real_run_really_waits_for_retry_after(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("p", ["telegram"], "Wait for it.\n")
    fake_site.commit()
    fakes.telegram.rate_limit(retry_after=1)
    start = time.monotonic()
    out = run_cli("publish", "--now", NOW, cwd=fake_site.root, env=fake_site.env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert time.monotonic() - start >= 1.0
    calls = fakes.telegram.calls("create")
    assert len(calls) == 2 and calls[1].at - calls[0].at >= 1.0
    assert fakes.telegram.texts() == ["Wait for it."]


def test_retries_are_bounded_and_the_next_run_tries_again(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["mastodon"], "Down for a while.\n")
    fake_site.commit()
    fakes.mastodon.fail(503, times=None)
    sleeps: list[float] = []
    result = run_publish(fake_site, sleeps=sleeps, look_every=10.0)
    part = result.posts[0].channels[0].parts[0]
    assert (part.status, result.status) == ("failed", "error")
    assert part.error is not None and "gave up after 5 attempts" in part.error
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert fakes.mastodon.texts() == []
    fakes.mastodon.clear_faults()
    assert run_publish(fake_site, at(75)).status == "success"
    assert fakes.mastodon.texts() == ["Down for a while."]


def test_total_waiting_is_bounded(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["discord"], "Rate limited for an hour.\n")
    fake_site.commit()
    fakes.discord.rate_limit(retry_after=3600)
    sleeps: list[float] = []
    result = run_publish(fake_site, sleeps=sleeps, max_wait=60)
    assert sleeps == []
    assert result.posts[0].channels[0].status == "failed"
    assert fakes.discord.texts() == []


def test_a_timeout_after_the_server_accepted_is_settled_by_lookup(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["mastodon"], "Accepted, answered too late.\n")
    fake_site.commit()
    fakes.mastodon.accept_then_timeout(hang=3)
    result = run_publish(fake_site, timeout=0.5, client_factory=None)
    assert result.status == "success", result.as_dict()
    assert fakes.mastodon.texts() == ["Accepted, answered too late."]
    assert len(fakes.mastodon.calls("create")) == 1
    part = _ledger_part(fake_site, "p", "mastodon")
    assert part["status"] == "published" and part["id"] == next(iter(fakes.mastodon.posts))


def test_a_connection_dropped_after_create_is_settled_by_lookup(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["x"], "Created, then the line went dead.\n")
    fake_site.commit()
    fakes.x.create_then_drop()
    result = run_publish(fake_site)
    assert result.status == "success", result.as_dict()
    assert fakes.x.texts() == ["Created, then the line went dead."]
    assert len(fakes.x.calls("create")) == 1


def test_an_error_answer_after_the_post_was_created_is_not_resent(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["x"], "A gateway error, but it went out.\n")
    fake_site.commit()
    fakes.x.fail(502, after=True)
    result = run_publish(fake_site)
    assert result.status == "success", result.as_dict()
    assert fakes.x.texts() == ["A gateway error, but it went out."]


def test_a_platform_that_cannot_say_leaves_it_unknown_until_resolved(
        fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("p", ["discord"], "Did it arrive?\n")
    fake_site.commit()
    fakes.discord.accept_then_timeout(hang=3)
    first = run_publish(fake_site, timeout=0.5)
    channel = first.posts[0].channels[0]
    assert (channel.status, first.status) == ("unknown", "error")
    assert channel.parts[0].error is not None and "socialops resolve" in channel.parts[0].error
    assert fakes.discord.texts() == ["Did it arrive?"]
    # later runs report it, loudly, and never send it again
    again = run_cli("publish", "--now", at(75), cwd=fake_site.root, env=fake_site.env)
    assert again.returncode == 1
    assert "unknown" in again.stdout and "socialops resolve p --channel discord" in again.stdout
    assert len(fakes.discord.calls("create")) == 1
    resolved = run_cli("resolve", "p", "--channel", "discord", "--as", "published",
                       "--url", "https://discord.example/m/1", "--push", cwd=fake_site.root)
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    record = fake_site.ledger("p")["channels"]["discord"]
    assert record["status"] == "published"
    assert record["parts"][0]["url"] == "https://discord.example/m/1"
    assert "resolved as published by Test Writer" in record["reason"]
    assert fake_site.remote_log()[0] == "socialops: resolve p on discord as published"
    assert run_publish(fake_site, at(90)).posts == []
    assert len(fakes.discord.calls("create")) == 1


def test_resolved_as_not_published_is_sent_by_the_next_run(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("p", ["slack"], "Lost in the void.\n")
    fake_site.commit()
    fakes.slack.create_then_drop()
    assert run_publish(fake_site).posts[0].channels[0].status == "unknown"
    fakes.slack.posts.clear()  # it really did not arrive
    out = run_cli("resolve", "p", "--channel", "slack", "--as", "not-published", cwd=fake_site.root)
    assert out.returncode == 0, out.stderr
    result = run_publish(fake_site, at(75))
    assert result.posts[0].channels[0].status == "published"
    assert fakes.slack.texts() == ["Lost in the void."]


def test_a_thread_failing_at_part_two_resumes_where_it_stopped(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("t", ["mastodon"], "One.\n\n---\nTwo.\n\n---\nThree.\n")
    fake_site.commit()

    def arm(event) -> None:  # once part 1 is out, the platform refuses part 2
        if event.index == 0 and event.status == "published":
            fakes.mastodon.fail(422)

    first = run_publish(fake_site, on_event=arm)
    channel = first.posts[0].channels[0]
    assert channel.status == "failed"
    assert [p.status for p in channel.parts] == ["published", "failed"]
    record = fake_site.ledger("t")["channels"]["mastodon"]
    assert [p["status"] for p in record["parts"]] == ["published", "failed"]
    assert fakes.mastodon.texts() == ["One."]
    second = run_publish(fake_site, at(75))
    assert second.posts[0].channels[0].status == "published"
    assert [p.status for p in second.posts[0].channels[0].parts] == ["published"] * 3
    posts = list(fakes.mastodon.posts.values())
    assert [p.text for p in posts] == ["One.", "Two.", "Three."]
    assert [p.reply_to for p in posts] == [None, posts[0].id, posts[1].id]


def test_one_channel_failing_never_stops_the_others(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["linkedin", "mastodon", "telegram"], "Independent.\n")
    fake_site.commit()
    fakes.linkedin.fail(401, times=None)
    result = run_publish(fake_site)
    statuses = {c.channel: c.status for c in result.posts[0].channels}
    assert statuses == {"linkedin": "failed", "mastodon": "published", "telegram": "published"}
    assert result.status == "partial"


def test_a_missing_credential_fails_that_channel_naming_the_variable(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["mastodon", "telegram"], "Half the keys.\n")
    fake_site.commit()
    env = {k: v for k, v in fake_site.env.items() if k != "MASTODON_TOKEN"}
    result = run_publish(fake_site, env=env)
    mastodon, telegram = result.posts[0].channels
    assert mastodon.status == "failed"
    assert mastodon.message == ("channel 'mastodon': the environment variable MASTODON_TOKEN (for token_env) "
                                "is not set; set it to the credential (in CI: a secret of the socialops "
                                "environment and an env: line for it in .github/workflows/publish.yml and doctor.yml, "
                                "and in metrics.yml for a platform with metrics; "
                                "README: \"A team's first day\", step 4)")
    assert telegram.status == "published"
    record = fake_site.ledger("p")["channels"]["mastodon"]  # never claimed, but explained
    assert record["status"] == "failed" and "MASTODON_TOKEN" in record["reason"]
    assert result.failed and result.summary_line() == "exit 1: 1 failed (a person should look)"
    assert fakes.mastodon.texts() == []
    from socialops.model import Project
    from socialops.publish.status import status

    project = Project.load(fake_site.root)
    report = status(project, result_now(project), result_now(project))
    [row] = [r for r in report.section("failed") if r.channel == "mastodon"]
    assert "MASTODON_TOKEN (for token_env) is not set; set it" in (row.message or "")
    fake_site.env = env | {"MASTODON_TOKEN": fake_site.env["MASTODON_TOKEN"]}
    again = run_publish(fake_site, at(70))  # with the secret set, the next run sends it
    assert [c.status for c in again.posts[0].channels] == ["published"]


def result_now(project: Any) -> Any:
    from socialops.timeutil import parse_time

    return parse_time(NOW, project.config.timezone)
