"""Stopping a publish: real signals to a real `socialops publish` process that talks to a slow
webhook receiver on 127.0.0.1, and a pause pushed while a run is at work."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import git
from tests.publish.conftest import Site, at, run_publish, socialops_cmd


class SlowReceiver:
    """A webhook receiver (the JSON POST socialops/adapters/webhook.py documents) that takes
    `delay` seconds to answer each delivery (`delays` by (post id, part) first) and keeps the
    post ids it received, in order, and every delivery's body (`bodies`: part, reply_to,
    root). It answers `{"id", "url"}` as the adapter's docstring allows: the first part of a
    post is `d-<post>`, a later one `d-<post>-<part>`."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.delays: dict[tuple[str, int], float] = {}
        self.received: list[str] = []
        self.started: list[str] = []
        self.bodies: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with receiver.lock:
                    receiver.started.append(body["post_id"])
                    receiver.bodies.append(body)
                time.sleep(receiver.delays.get((body["post_id"], body["part"]), receiver.delay))
                with receiver.lock:
                    receiver.received.append(body["post_id"])
                suffix = f"-{body['part']}" if body["part"] else ""
                data = json.dumps({"id": f"d-{body['post_id']}{suffix}",
                                   "url": f"https://hook.example/{body['post_id']}{suffix}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[SlowReceiver]:
    found = SlowReceiver(0.4)
    yield found
    found.close()


def hook_site(site: Site, receiver: SlowReceiver, posts: int) -> list[str]:
    site.configure({"hook": {"platform": "webhook", "url": receiver.url, "secret_env": "HOOK_SECRET"}})
    site.env = {"HOOK_SECRET": "s3cret-for-the-hook"}
    names = [f"p{i:02d}" for i in range(posts)]
    for i, name in enumerate(names):
        site.post(name, ["hook"], f"Post number {i}.\n", at=at(i % 50))
    site.commit()
    return names


def start(site: Site, cli_env: Callable[..., dict[str, str]], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(socialops_cmd("publish", "--now", at(60), *args), cwd=site.root,
                            env=cli_env(site.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def interrupt_twice(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C twice, 0.3 s apart, while a platform call hangs for 5 s: the run stops at
    once (exit 130, says so, no traceback). Its output and error output."""
    begun = time.monotonic()
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - begun < 4  # did not wait for the 5 s call
    assert proc.returncode == 130
    assert "stopped at once" in err and "Traceback" not in out + err
    return out, err


def wait_for(check: Callable[[], bool], timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def remote_ledger(site: Site, post_id: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(site.remote_file(f".socialops/ledger/{post_id}.yaml"))
    return data


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_run_after_the_calls_in_flight_and_saves_what_was_sent(
        site: Site, receiver: SlowReceiver, cli_env: Callable[..., dict[str, str]], signum: int) -> None:
    names = hook_site(site, receiver, 20)
    proc = start(site, cli_env)
    wait_for(lambda: len(receiver.started) >= 3)
    sent_at_signal = len(receiver.started)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, err
    # the call in flight finished and was recorded; no new call started after the signal
    assert receiver.received == receiver.started and len(receiver.received) == sent_at_signal
    sent = len(receiver.received)
    last = out.strip().splitlines()[-1]
    assert last == f"stopped: {sent} sent, {20 - sent} left for the next run"
    assert "stopping: no new post is started" in err
    assert "Traceback" not in out + err
    # the ledger is committed and pushed; the tree is clean
    assert site.clean()
    assert git(site.root, "rev-parse", "HEAD") == git(site.remote, "rev-parse", "main")
    statuses = [remote_ledger(site, n)["channels"]["hook"]["status"] for n in names[:sent]]
    assert statuses == ["published"] * sent
    left = remote_ledger(site, names[sent])["channels"]["hook"]
    assert left["status"] == "not-published" and "stopped" in left["reason"]
    # the next run sends the rest, nothing twice
    receiver.delay = 0
    done = run_publish(site, at(61))
    assert done.count("published") == 20 - sent
    assert sorted(receiver.received) == names


def test_a_second_signal_stops_at_once_and_status_and_resolve_agree_on_what_it_left(
        site: Site, receiver: SlowReceiver, cli_env: Callable[..., dict[str, str]],
        run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    receiver.delay = 5.0
    hook_site(site, receiver, 3)
    proc = start(site, cli_env)
    wait_for(lambda: len(receiver.started) >= 1)
    interrupt_twice(proc)
    # the dead run left its intent; status says what the next run will do and that a person
    # may decide now, and resolve accepts it
    shown = run_cli("status", "--format", "json", "--now", at(60), cwd=site.root, env=site.env)
    assert shown.returncode == 0, shown.stderr
    [row] = json.loads(shown.stdout)["sections"]["interrupted"]
    assert row["post"] == "p00"
    assert "the next run asks the platform" in row["message"]
    assert "socialops resolve p00 --channel hook" in row["message"]
    assert json.loads(shown.stdout)["sections"]["unknown"] == []
    settled = run_cli("resolve", "p00", "--channel", "hook", "--as", "published",
                      "--url", "https://hook.example/p00", cwd=site.root, env=site.env)
    assert settled.returncode == 0, settled.stderr
    assert "published" in settled.stdout
    receiver.delay = 0
    done = run_publish(site, at(61))
    assert {p.id: p.channels[0].status for p in done.posts} == {"p01": "published", "p02": "published"}
    assert sorted(receiver.started) == ["p00", "p01", "p02"]  # nothing sent twice


def test_resolve_refuses_a_claim_a_live_run_holds(site: Site, receiver: SlowReceiver,
                                                   cli_env: Callable[..., dict[str, str]],
                                                   run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    receiver.delay = 3.0
    hook_site(site, receiver, 1)
    proc = start(site, cli_env)
    try:
        wait_for(lambda: len(receiver.started) >= 1)
        refused = run_cli("resolve", "p00", "--channel", "hook", "--as", "not-published",
                          cwd=site.root, env=site.env)
        assert refused.returncode != 0
        assert "is publishing it now" in refused.stdout + refused.stderr
    finally:
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_a_pause_pushed_while_a_run_works_stops_it_before_the_next_post(
        site: Site, receiver: SlowReceiver, run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    receiver.delay = 0
    hook_site(site, receiver, 4)
    manager = site.clone("manager")

    def crisis(event: Any) -> None:  # the manager pauses from their own clone and pushes
        if event.post_id == "p00":
            out = run_cli("pause", "--reason", "Crisis", "--push", cwd=manager)
            assert out.returncode == 0, out.stderr

    result = run_publish(site, on_event=crisis, pause_fresh=0.0)
    statuses = {p.id: p.channels[0].status for p in result.posts}
    assert statuses == {"p00": "published", "p01": "skipped", "p02": "skipped", "p03": "skipped"}
    assert "publishing was paused during this run: Crisis" in (result.posts[1].channels[0].message or "")
    assert receiver.received == ["p00"]
    assert Path(site.root / ".socialops/paused.yaml").exists()  # the run's push brought it in


def test_the_pause_switch_on_the_remote_is_read_at_most_every_few_seconds(site: Site) -> None:
    from socialops.pause import PauseWatch

    site.commit()
    ticks = [0.0]
    watch = PauseWatch(site.root, site.root, "origin", "main", fresh=2.0, clock=lambda: ticks[0])
    assert watch.current() is None and watch.looks == 1
    ticks[0] = 1.0
    assert watch.current() is None and watch.looks == 1  # fresh enough
    ticks[0] = 2.5
    assert watch.current() is None and watch.looks == 2


def test_a_pause_and_a_resume_pushed_between_two_looks_are_each_seen_by_the_next_look(
        site: Site, run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    """A look reads the switch again only when the remote branch has moved since the last
    one (it asks which commit it is at first): every push is seen, whoever made it."""
    from socialops.pause import PauseWatch

    site.commit()
    manager = site.clone("manager")
    watch = PauseWatch(site.root, site.root, "origin", "main", fresh=0.0)
    assert watch.current() is None
    assert watch.current() is None  # nothing moved
    assert run_cli("pause", "--reason", "Crisis", "--push", cwd=manager).returncode == 0
    found = watch.current()
    assert found is not None and found.reason == "Crisis"
    assert watch.current() == found  # nothing moved since: the same answer
    assert run_cli("resume", "--push", cwd=manager).returncode == 0
    assert watch.current() is None
    assert not (site.root / ".socialops/paused.yaml").exists()  # this checkout was never paused
