"""Publishing to the local fakes of several platforms at once."""

from __future__ import annotations

import json

from tests.conftest import git
from tests.fakes.servers import Fakes
from tests.publish.conftest import NOW, Site, at, run_publish

TEXT = "Launch day. Everything about the new version is on our site"
EVERY = ["feed", "mastodon", "x", "linkedin", "threads", "discord", "slack", "slack-bot", "telegram", "webhook"]


def test_one_post_goes_once_to_every_platform(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("launch", EVERY, TEXT + "\n")
    fake_site.commit()
    result = run_publish(fake_site)
    assert result.status == "success", result.as_dict()
    channels = result.posts[0].channels
    assert sorted(c.channel for c in channels) == sorted(EVERY)
    assert {c.status for c in channels} == {"published"}
    for fake in fakes.all:
        assert fake.texts() == [TEXT] * (2 if fake is fakes.slack else 1), fake.name
    ledger = fake_site.ledger("launch")
    for name in EVERY:
        record = ledger["channels"][name]
        assert record["status"] == "published"
        assert record["parts"][0]["status"] == "published"
        assert record["parts"][0]["hash"]
    mastodon = ledger["channels"]["mastodon"]["parts"][0]
    assert mastodon["url"] == f"{fakes.mastodon.url}/@acme/{mastodon['id']}"
    assert fake_site.remote_log()[:2] == ["socialops: published 10 post channels", "socialops: claim 1 post"]
    assert fake_site.clean()


def test_thread_parts_go_in_order_each_replying_to_the_one_before(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("thread", ["mastodon", "x", "telegram"], "One.\n\n---\nTwo.\n\n---\nThree.\n")
    fake_site.commit()
    result = run_publish(fake_site)
    assert result.status == "success"
    for fake in (fakes.mastodon, fakes.x, fakes.telegram):
        posts = list(fake.posts.values())
        assert [p.text for p in posts] == ["One.", "Two.", "Three."], fake.name
        assert [p.reply_to for p in posts] == [None, posts[0].id, posts[1].id], fake.name
    parts = fake_site.ledger("thread")["channels"]["mastodon"]["parts"]
    assert [p["id"] for p in parts] == list(fakes.mastodon.posts)


def test_each_mastodon_call_carries_a_stable_idempotency_key(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("keyed", ["mastodon"], "Keyed.\n")
    fake_site.commit()
    run_publish(fake_site)
    keys = [r.headers.get("idempotency-key") for r in fakes.mastodon.calls("create")]
    assert len(keys) == 1 and keys[0] and len(keys[0]) >= 32


def test_json_envelope_and_exit_code(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("a", ["mastodon", "discord"], "First.\n", at=at(-60))
    fake_site.post("b", ["linkedin"], "Second.\n", at=at(0))
    fake_site.commit()
    fakes.linkedin.fail(403, times=None)
    out = run_cli("publish", "--now", NOW, "--format", "json", cwd=fake_site.root,
                  env=fake_site.env)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["version"] == 1 and data["status"] == "partial"
    assert [p["id"] for p in data["posts"]] == ["a", "b"]
    a, b = data["posts"]
    assert [(c["channel"], c["status"]) for c in a["channels"]] == [("discord", "published"), ("mastodon", "published")]
    assert a["channels"][1]["parts"][0]["url"].startswith(fakes.mastodon.url)
    assert b["channels"][0]["status"] == "failed"
    assert b["channels"][0]["parts"][0]["status"] == "failed"
    assert b["channels"][0]["parts"][0]["error"] == (
        "LinkedIn: could not create the post: 403 fake fault: the token lacks the `w_organization_social` "
        "scope, or its member lacks a page role allowing it (ADMINISTRATOR, CONTENT_ADMIN or "
        "DIRECT_SPONSORED_CONTENT_POSTER)")
    assert data["summary"] == {"published": 2, "failed": 1}
    # the failure is recorded, and the next run tries again
    assert git(fake_site.root, "status", "--porcelain") == ""
    fakes.linkedin.clear_faults()
    again = run_cli("publish", "--now", at(75), "--format", "json", cwd=fake_site.root,
                    env=fake_site.env)
    assert again.returncode == 0
    assert [(p["id"], p["channels"][0]["status"]) for p in json.loads(again.stdout)["posts"]] == [("b", "published")]
    assert fakes.linkedin.texts() == ["Second."]
    assert fakes.mastodon.texts() == ["First."]
