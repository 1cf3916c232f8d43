"""Stopping a publish inside a thread (a post split into parts): real SIGINT/SIGTERM to a
real `socialops publish` process talking to a slow webhook receiver on 127.0.0.1 (the
receiver of tests/publish/test_stopping.py, which answers each part with its own id).

DESIGN 6: a stop lets the call in flight finish and records it, starts no new part, commits
and pushes the ledger; the next run continues the thread from the next part, replying to the
last part sent, and never sends a part twice. A second signal stops at once: the part whose
call was under way stays in doubt (interrupted), and the next run asks the platform before it
sends anything of that thread again."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import git
from tests.publish.conftest import Site, at, run_publish
from tests.publish.test_stopping import (
    SlowReceiver,
    interrupt_twice,
    remote_ledger,
    start,
    wait_for,
)

PARTS = ["One of four.", "Two of four.", "Three of four.", "Four of four."]


@pytest.fixture
def receiver() -> Iterator[SlowReceiver]:
    found = SlowReceiver(0.5)
    yield found
    found.close()


def thread_site(site: Site, receiver: SlowReceiver) -> None:
    site.configure({"hook": {"platform": "webhook", "url": receiver.url, "secret_env": "HOOK_SECRET"}})
    site.env = {"HOOK_SECRET": "s3cret-for-the-hook"}
    site.post("t", ["hook"], "\n\n---\n".join(PARTS) + "\n")
    site.commit()


def parts_sent(receiver: SlowReceiver) -> list[tuple[int, str | None, str | None]]:
    with receiver.lock:
        return [(b["part"], b["reply_to"], b["root"]) for b in receiver.bodies if b["post_id"] == "t"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_between_parts_keeps_the_sent_parts_and_the_next_run_continues_the_thread(
        site: Site, receiver: SlowReceiver, cli_env: Callable[..., dict[str, str]],
        run_cli: Callable[..., subprocess.CompletedProcess[str]], signum: int) -> None:
    thread_site(site, receiver)
    proc = start(site, cli_env)
    wait_for(lambda: len(receiver.started) >= 2)  # the second part is being sent
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, out + err
    assert "Traceback" not in out + err
    # the part in flight finished and was recorded; no part started after the signal
    assert receiver.received == receiver.started == ["t", "t"]
    assert out.strip().splitlines()[-1] == "stopped: 0 sent, 1 left for the next run"
    assert site.clean()
    assert git(site.root, "rev-parse", "HEAD") == git(site.remote, "rev-parse", "main")
    record = remote_ledger(site, "t")["channels"]["hook"]
    assert [(p["index"], p["status"], p["id"]) for p in record["parts"]] == [
        (0, "published", "d-t"), (1, "published", "d-t-1")]
    assert record.get("claim") is None and "stopped" in record["reason"]
    # status says the next run continues it: not failed, nothing for a person to resolve
    shown = json.loads(run_cli("status", "--format", "json", "--now", at(60), cwd=site.root,
                               env=site.env).stdout)
    for section in ("unknown", "interrupted", "failed"):
        assert shown["sections"][section] == [], shown["sections"]
    [row] = shown["sections"]["waiting"]
    assert row["post"] == "t" and row["message"].startswith("2 of 4 parts sent; this run was stopped")
    check = run_cli("status", "--fail-on", "failed,unknown,interrupted", "--now", at(60), cwd=site.root,
                    env=site.env)
    assert check.returncode == 0, check.stdout + check.stderr
    # the next run sends parts 3 and 4, the first replying to part 2, and nothing twice
    receiver.delay = 0
    done = run_publish(site, at(61))
    assert done.count("published") == 1, done.as_dict()
    assert parts_sent(receiver) == [(0, None, None), (1, "d-t", "d-t"), (2, "d-t-1", "d-t"),
                                    (3, "d-t-2", "d-t")]
    final = site.ledger("t")["channels"]["hook"]
    assert final["status"] == "published"
    assert [p["id"] for p in final["parts"]] == ["d-t", "d-t-1", "d-t-2", "d-t-3"]


def test_a_second_signal_during_a_parts_call_leaves_that_part_interrupted(
        site: Site, receiver: SlowReceiver, cli_env: Callable[..., dict[str, str]],
        run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    thread_site(site, receiver)
    receiver.delay = 0.1
    receiver.delays[("t", 1)] = 5.0  # the second part's call hangs
    proc = start(site, cli_env)
    wait_for(lambda: len(receiver.started) >= 2)
    interrupt_twice(proc)
    wait_for(lambda: len(receiver.received) == 2)  # the receiver did get the second part
    # on disk: part 1 published, part 2 in doubt (its intent), nothing after it
    left = site.ledger("t")["channels"]["hook"]
    assert [(p["index"], p["status"]) for p in left["parts"]] == [(0, "published"), (1, "intent")]
    # status and resolve agree: interrupted, the next run asks the platform, a person may decide now
    shown = json.loads(run_cli("status", "--format", "json", "--now", at(60), cwd=site.root,
                               env=site.env).stdout)
    [row] = shown["sections"]["interrupted"]
    assert row["post"] == "t" and "socialops resolve t --channel hook" in row["message"]
    # the next run cannot ask a webhook whether part 2 arrived: it stays for a person, and
    # neither it nor a later part is sent
    receiver.delays.clear()
    again = run_publish(site, at(61))
    assert [c.status for p in again.posts for c in p.channels] == ["unknown"]
    assert parts_sent(receiver) == [(0, None, None), (1, "d-t", "d-t")]
    # the person finds part 2 on the receiver and says so; the run after that sends 3 and 4,
    # replying to part 2
    settled = run_cli("resolve", "t", "--channel", "hook", "--as", "published", "--id", "d-t-1",
                      "--url", "https://hook.example/t-1", cwd=site.root, env=site.env)
    assert settled.returncode == 0, settled.stdout + settled.stderr
    git(site.root, "push", "-q", "origin", "main")
    done = run_publish(site, at(62))
    assert done.count("published") == 1, done.as_dict()
    assert parts_sent(receiver) == [(0, None, None), (1, "d-t", "d-t"), (2, "d-t-1", "d-t"),
                                    (3, "d-t-2", "d-t")]


def test_a_pause_between_parts_leaves_the_rest_of_the_thread_for_after_the_resume(
        site: Site, receiver: SlowReceiver, run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    """A pause pushed from another clone while part 2 is sent: part 3 is not started, the
    run is not red (nothing failed), and after `resume` the thread goes on from part 3."""
    thread_site(site, receiver)
    receiver.delay = 0
    manager = site.clone("manager")

    def crisis(event: object) -> None:
        if getattr(event, "index", None) == 1:
            out = run_cli("pause", "--reason", "Crisis", "--push", cwd=manager)
            assert out.returncode == 0, out.stderr

    result = run_publish(site, at(60), on_event=crisis, pause_fresh=0.0)
    [channel] = result.posts[0].channels
    assert channel.status == "skipped" and "paused during this run: Crisis" in (channel.message or "")
    assert not result.attention
    assert result.summary_line() == "paused during this run: 0 sent, 1 left until socialops resume"
    assert parts_sent(receiver) == [(0, None, None), (1, "d-t", "d-t")]
    assert site.clean()
    git(manager, "pull", "-q")
    assert run_cli("resume", "--push", cwd=manager).returncode == 0
    done = run_publish(site, at(61))
    assert done.count("published") == 1
    assert parts_sent(receiver)[2:] == [(2, "d-t-1", "d-t"), (3, "d-t-2", "d-t")]
