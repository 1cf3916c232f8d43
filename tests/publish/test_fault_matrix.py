"""The fault matrix (issue 13): for each platform, the run is killed while the platform has
stored the post but not yet answered (a timeout after the post exists, and no chance to
record it); the next run must send nothing twice, the ledger must end up with the
platform's own id, and `retract` must remove the post. Platforms that can look their
posts up settle it themselves; the others leave it `unknown` until a person resolves it
with the id they see on the platform."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import UTC, timedelta

import pytest

from socialops.adapters.base import OutgoingPart
from tests.fakes.core import FakeServer
from tests.fakes.servers import Fakes
from tests.publish.conftest import BASE, NOW, Site, at, socialops_cmd

# channel -> (fake, can the platform be asked whether the post is there)
MATRIX = {
    "mastodon": ("mastodon", True),
    "x": ("x", True),
    "linkedin": ("linkedin", True),
    "threads": ("threads", True),
    "discord": ("discord", False),
    "slack-bot": ("slack", False),
    "telegram": ("telegram", False),
    "webhook": ("webhook", False),
}


def _wait_for(predicate, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _killed_after_the_platform_stored_it(site: Site, fake: FakeServer, cli_env) -> None:
    fake.accept_then_timeout(hang=30)
    proc = subprocess.Popen(socialops_cmd("publish", "--now", NOW, "--timeout", "25"), cwd=site.root,
                            env=cli_env(site.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: len([t for t in fake.texts() if t]) == 1)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    fake.clear_faults()


@pytest.mark.parametrize("channel", list(MATRIX))
def test_a_timeout_after_the_platform_stored_the_post_then_the_next_run(
        fake_site: Site, fakes: Fakes, cli_env, run_cli, channel: str) -> None:
    name, can_look = MATRIX[channel]
    fake: FakeServer = getattr(fakes, name)
    text = f"Stored on {channel}, answer lost."
    fake_site.post("p", [channel], text + "\n")
    fake_site.commit()
    _killed_after_the_platform_stored_it(fake_site, fake, cli_env)
    stored = [p for p in fake.posts.values() if p.text]
    assert [p.text for p in stored] == [text]
    platform_id = stored[0].id

    again = run_cli("publish", "--now", at(75), "--format", "json", cwd=fake_site.root, env=fake_site.env)
    status = json.loads(again.stdout)["posts"][0]["channels"][0]["status"]
    if can_look:
        assert (again.returncode, status) == (0, "published"), again.stdout + again.stderr
    else:
        assert (again.returncode, status) == (1, "unknown"), again.stdout + again.stderr
        resolved = run_cli("resolve", "p", "--channel", channel, "--as", "published", "--id", platform_id,
                           "--push", cwd=fake_site.root)
        assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    assert len(fake.calls("create")) == 1  # 0 duplicates
    assert [p.text for p in fake.posts.values() if p.text] == [text]
    part = fake_site.ledger("p")["channels"][channel]["parts"][0]
    assert (part["status"], str(part["id"])) == ("published", platform_id)
    assert run_cli("publish", "--now", at(90), cwd=fake_site.root, env=fake_site.env).returncode == 0
    assert len(fake.calls("create")) == 1

    retracted = run_cli("retract", "p", cwd=fake_site.root, env=fake_site.env)
    assert retracted.returncode == 0, retracted.stdout + retracted.stderr
    assert [str(d) for d in fake.deleted] == [platform_id]
    assert [p.text for p in fake.posts.values() if p.text] == []
    assert fake_site.ledger("p")["channels"][channel]["status"] == "retracted"


@pytest.mark.parametrize("stored", [True, False], ids=["stored", "not-stored"])
@pytest.mark.parametrize("channel", ["mastodon", "x", "linkedin", "threads"])
def test_the_same_evergreen_text_months_later_with_a_timeout_is_told_apart_from_the_old_post(
        fake_site: Site, fakes: Fakes, channel: str, stored: bool) -> None:
    """The text went out three months ago; today's occurrence times out (after the platform
    stored it, or a gateway gave up before it did): the lookup, bounded by the part's time,
    finds today's post or nothing, never the old one with the same text (which would leave
    today's occurrence unsent and recorded as published)."""
    from tests.publish.conftest import run_publish

    fake: FakeServer = getattr(fakes, channel)
    text = "Evergreen tip: back up your data."
    old = _publish_directly(fakes, channel, fake_site, text, days_ago=90)
    fake_site.post("tip", [channel], text + "\n")
    fake_site.commit()
    if stored:
        fake.accept_then_timeout(hang=3)
    else:
        fake.fail(504)  # a gateway timeout: nothing was stored
    result = run_publish(fake_site, timeout=0.5)
    assert result.status == "success", result.as_dict()
    assert [p.text for p in fake.posts.values()] == [text, text]
    part = fake_site.ledger("tip")["channels"][channel]["parts"][0]
    assert part["id"] != old and part["id"] == list(fake.posts)[1]


def _publish_directly(fakes: Fakes, channel: str, site: Site, text: str, days_ago: int) -> str:
    """A post made on the platform long ago (its clock set back), not through this run."""
    import httpx

    from tests.adapters.platform_kit import adapter

    fake: FakeServer = getattr(fakes, channel)
    fake.time_offset = -days_ago * 86400
    options = {k: v for k, v in fakes.channels()[channel].items() if k != "platform"}
    with httpx.Client(timeout=5) as client:
        made = adapter(fakes.channels()[channel]["platform"], options, fakes.secrets_for(channel), client,
                       site.root, channel)
        due = BASE.astimezone(UTC) - timedelta(days=days_ago)
        ref = made.publish(OutgoingPart("old", channel, 0, text, idempotency_key=f"old-{channel}",
                                        published_at=due))
    fake.time_offset = 0
    return str(ref.id)
