"""Leases do not depend on two machines' clocks agreeing: a claim is taken over only
CLOCK_SKEW after its lease ended, and a run never retries past its own lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import yaml

from socialops.publish.claims import CLOCK_SKEW
from tests.fakes.servers import Fakes
from tests.publish.conftest import BASE, NOW, Site, at, run_publish


def _claimed_elsewhere(site: Site, channel: str, ended_ago: timedelta) -> None:
    """The ledger as a run on another machine left it: an intent with a claim whose lease
    ended `ended_ago` before now (by this machine's clock)."""
    until = datetime.now(UTC) - ended_ago
    record = {"post": "p", "path": "posts/p.md", "channels": {channel: {
        "status": "intent", "due": BASE.isoformat(timespec="minutes"),
        "claim": {"run": "0123456789ab", "host": "another-machine", "pid": 4242,
                  "at": (until - timedelta(minutes=20)).isoformat(timespec="seconds"),
                  "until": until.isoformat(timespec="seconds")},
        "parts": []}}}
    site.write(".socialops/ledger/p.yaml", yaml.safe_dump(record, sort_keys=False))


def test_a_claim_whose_lease_ended_20_minutes_ago_is_left_alone(fake_site: Site, fakes: Fakes) -> None:
    """A run whose clock is 20 minutes ahead sees the lease as ended 20 minutes ago: the
    other run may still be at work, so nothing is sent."""
    fake_site.post("p", ["telegram"], "Claimed by someone else.\n")
    _claimed_elsewhere(fake_site, "telegram", timedelta(minutes=20))
    fake_site.commit()
    result = run_publish(fake_site)
    [channel] = result.posts[0].channels
    assert channel.status == "skipped" and "another run" in (channel.message or "")
    assert fakes.telegram.requests == []


def test_a_claim_older_than_the_stated_skew_is_settled(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["telegram"], "Left by a run that died.\n")
    _claimed_elsewhere(fake_site, "telegram", CLOCK_SKEW + timedelta(minutes=1))
    fake_site.commit()
    result = run_publish(fake_site)
    [channel] = result.posts[0].channels
    # Telegram cannot be asked whether it arrived: unknown, for a person; never sent blindly
    assert channel.status == "unknown", result.as_dict()
    assert fakes.telegram.calls("create") == []


def test_a_run_does_not_retry_past_its_own_lease(fake_site: Site, fakes: Fakes) -> None:
    """Rate limited for longer than the lease: the run stops instead of waiting and sending
    after another run may have taken the claim over."""
    fake_site.post("p", ["discord"], "Slow down a lot.\n")
    fake_site.commit()
    fakes.discord.rate_limit(retry_after=25 * 60)
    sleeps: list[float] = []
    result = run_publish(fake_site, sleeps=sleeps, max_wait=3600)
    assert sleeps == []
    assert result.posts[0].channels[0].status == "failed"
    assert fakes.discord.texts() == []


def _pushed_by_a_run_dated(site: Site, offset: timedelta, subject: str = "socialops: claim 1 post") -> None:
    """Another publishing machine pushes a commit; its clock reads `offset` from ours."""
    import os
    import subprocess

    from tests.conftest import GIT_ENV

    other = site.clone(f"other{len(list(site.tmp.iterdir()))}")
    stamp = f"@{int((datetime.now(UTC) + offset).timestamp())} +0000"
    env = {**os.environ, **GIT_ENV, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_DATE": stamp}
    for args in (["commit", "-q", "--allow-empty", "-m", subject], ["push", "-q", "origin", "main"]):
        subprocess.run(["git", *args], cwd=other, env=env, check=True, capture_output=True)


def test_a_publishing_machine_whose_clock_is_far_ahead_stops_the_run(fake_site: Site, fakes: Fakes,
                                                                      run_cli) -> None:
    """The stated tolerance checked against the remote: a commit of another publishing run
    dated more than CLOCK_SKEW after this machine's time means one of the clocks is off by
    more than the leases tolerate; nothing is claimed or sent, and the message says why."""
    fake_site.post("p", ["telegram"], "Clocks first.\n", at=at(-30))
    fake_site.commit()
    _pushed_by_a_run_dated(fake_site, timedelta(hours=2, seconds=40))
    out = run_cli("publish", "--now", NOW, cwd=fake_site.root, env=fake_site.env)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "this machine's clock is 2h behind the time of commit" in out.stderr
    assert "agree within 30m" in out.stderr and fakes.telegram.calls("create") == []
    assert not (fake_site.root / ".socialops/ledger/p.yaml").exists()


def test_clocks_within_the_tolerance_and_people_s_commits_do_not_stop_it(fake_site: Site,
                                                                         fakes: Fakes) -> None:
    fake_site.post("p", ["telegram"], "Clocks agree well enough.\n", at=at(-30))
    fake_site.commit()
    _pushed_by_a_run_dated(fake_site, timedelta(minutes=20))  # within CLOCK_SKEW
    _pushed_by_a_run_dated(fake_site, timedelta(hours=3), "a person's laptop is ahead")
    assert run_publish(fake_site).count("published") == 1


def test_a_claim_whose_pid_now_names_another_process_is_settled_at_once() -> None:
    """On one machine a dead run's claim is settled without waiting for its lease, even when
    its pid has been given to another process (a busy machine reuses pids within minutes):
    the claim's start time no longer matches the process holding that pid."""
    import socket
    import subprocess
    import sys

    from socialops.publish.claims import RunInfo, claim_state, process_start

    now = datetime.now(UTC)
    me = RunInfo.current()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = process_start(other.pid)
        assert started is not None  # Linux: /proc tells when a process started
        claim = {"run": "0123456789ab", "host": socket.gethostname(), "pid": other.pid,
                 "started": started, "at": now.isoformat(), "until": (now + timedelta(minutes=20)).isoformat()}
        assert claim_state(claim, me, now) == "active"  # that run is still at work
        assert claim_state({**claim, "started": started - 1}, me, now) == "stale"  # its pid reused
        without = {k: v for k, v in claim.items() if k != "started"}
        assert claim_state(without, me, now) == "active"  # an older claim: the pid alone decides
    finally:
        other.kill()
        other.wait()
    assert claim_state(claim, me, now) == "stale"  # the process ended
