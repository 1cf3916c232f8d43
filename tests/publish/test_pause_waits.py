"""A pause pushed while a run is waiting inside one part (a rate limit's Retry-After, the
platform still processing an upload) stops the run within the few seconds of its look at the
switch, not after the wait: no call starts after the pause, the part is recorded as not
posted, the ledger is committed and pushed, and the run after `resume` sends the post once.
Real git remotes (the manager pauses from their own clone and pushes), the platform fakes on
127.0.0.1, real time with a short look interval (`look_every`) instead of 30 s."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from socialops.publish.results import PublishResult
from tests.conftest import git
from tests.fakes.servers import Fakes
from tests.publish.conftest import Site, at, run_publish
from tests.publish.test_bluesky import _png

LONG_WAIT = 60.0  # what the platform asks the run to wait; the test ends long before


def publish_in_background(site: Site) -> tuple[threading.Thread, dict[str, Any]]:
    """publish() in a thread, sleeping for real, looking at the switch every 0.1 s."""
    out: dict[str, Any] = {}

    def work() -> None:
        begun = time.monotonic()
        try:
            out["result"] = run_publish(site, sleep=time.sleep, look_every=0.1, pause_fresh=0.2,
                                        max_wait=2 * LONG_WAIT)
        except BaseException as exc:  # shown by the test
            out["error"] = exc
        out["took"] = time.monotonic() - begun

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, out


def wait_for(check: Callable[[], bool], timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def pause_from_another_clone(site: Site, run_cli: Callable[..., Any], *args: str) -> None:
    manager = site.tmp / "manager"
    if not manager.exists():
        git(site.tmp, "clone", "-q", str(site.remote), str(manager))
    git(manager, "pull", "-q")
    done = run_cli(*args, "--push", cwd=manager)
    assert done.returncode == 0, done.stdout + done.stderr


def finished(thread: threading.Thread, out: dict[str, Any]) -> PublishResult:
    thread.join(timeout=LONG_WAIT)
    assert not thread.is_alive(), "the run kept waiting after the pause"
    if "error" in out:
        raise out["error"]
    result: PublishResult = out["result"]
    return result


def assert_saved(site: Site) -> None:
    """The ledger is committed and pushed; nothing is left uncommitted."""
    assert site.clean()
    assert git(site.root, "rev-parse", "HEAD") == git(site.remote, "rev-parse", "main")


def test_a_pause_pushed_during_a_rate_limit_wait_stops_the_run_before_the_retry(
        fake_site: Site, fakes: Fakes, run_cli: Callable[..., Any]) -> None:
    fake_site.post("p", ["telegram"], "Held back by a rate limit.\n")
    fake_site.commit()
    fakes.telegram.rate_limit(retry_after=LONG_WAIT)
    thread, out = publish_in_background(fake_site)
    wait_for(lambda: len(fakes.telegram.calls("create")) == 1)
    paused_at = time.monotonic()
    pause_from_another_clone(fake_site, run_cli, "pause", "--reason", "Crisis")
    result = finished(thread, out)
    assert time.monotonic() - paused_at < 15  # seen within a look, not after the 60 s wait
    [channel] = result.posts[0].channels
    assert channel.status == "skipped"
    assert channel.message is not None and "publishing was paused during this run: Crisis" in channel.message
    assert len(fakes.telegram.calls("create")) == 1 and fakes.telegram.texts() == []  # no retry
    assert_saved(fake_site)
    record = fake_site.ledger("p")["channels"]["telegram"]
    assert record["status"] == "not-published" and "paused" in record["reason"]
    [part] = record["parts"]
    assert part["status"] == "not-published" and "nothing was posted" in part["error"]
    assert result.summary_line() == "paused during this run: 0 sent, 1 left until socialops resume"
    # after resume the next run sends it, once
    pause_from_another_clone(fake_site, run_cli, "resume")
    again = run_publish(fake_site, at(61))
    assert again.count("published") == 1 and fakes.telegram.texts() == ["Held back by a rate limit."]


def test_a_pause_pushed_while_the_platform_processes_an_upload_stops_before_the_post(
        fake_site: Site, fakes: Fakes, run_cli: Callable[..., Any]) -> None:
    _png(fake_site.root / "media/dot.png")
    fake_site.post("p", ["mastodon"], "A picture that takes long to process.\n",
                   extra="media:\n  - {path: media/dot.png, alt: A single green dot}\n")
    fake_site.commit()
    fakes.mastodon.media_processing_polls = 1_000_000  # still processing until the run gives up
    thread, out = publish_in_background(fake_site)
    wait_for(lambda: len(fakes.mastodon.calls("GET /api/v1/media")) >= 2)
    paused_at = time.monotonic()
    pause_from_another_clone(fake_site, run_cli, "pause", "--reason", "Crisis")
    result = finished(thread, out)
    assert time.monotonic() - paused_at < 15
    [channel] = result.posts[0].channels
    assert channel.status == "skipped" and "Crisis" in (channel.message or "")
    assert fakes.mastodon.texts() == []  # the status was never created
    assert_saved(fake_site)
    [part] = fake_site.ledger("p")["channels"]["mastodon"]["parts"]
    assert part["status"] == "not-published"
    assert "still processing the media; nothing was posted" in part["error"]
    pause_from_another_clone(fake_site, run_cli, "resume")
    fakes.mastodon.media_processing_polls = 1
    again = run_publish(fake_site, at(61))
    assert again.count("published") == 1
    assert fakes.mastodon.texts() == ["A picture that takes long to process."]


def test_a_wait_looks_at_the_switch_every_look_every_seconds(fake_site: Site, fakes: Fakes) -> None:
    """The waits are cut into slices of `look_every` seconds (5 s by default, under the 30 s
    the crisis switch promises), each after a look at the switch."""
    fake_site.post("p", ["telegram"], "Rate limited for 12 s.\n")
    fake_site.commit()
    fakes.telegram.rate_limit(retry_after=12)
    sleeps: list[float] = []
    result = run_publish(fake_site, sleeps=sleeps)
    assert result.count("published") == 1
    assert sleeps == [5.0, 5.0, 2.0]


def test_a_stop_during_a_rate_limit_wait_ends_the_wait(fake_site: Site, fakes: Fakes) -> None:
    """Ctrl-C or SIGTERM (the stop event) during a wait ends it at once, as a pause does:
    the post is left for the next run, reported as stopped."""
    fake_site.post("p", ["telegram"], "Stopped while waiting.\n")
    fake_site.commit()
    fakes.telegram.rate_limit(retry_after=LONG_WAIT)
    stop = threading.Event()
    out: dict[str, Any] = {}

    def work() -> None:
        out["result"] = run_publish(fake_site, sleep=stop.wait, stop=stop, look_every=0.1)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    wait_for(lambda: len(fakes.telegram.calls("create")) == 1)
    stop.set()
    result = finished(thread, out)
    assert result.stopped and result.summary_line() == "stopped: 0 sent, 1 left for the next run"
    assert fake_site.ledger("p")["channels"]["telegram"]["parts"][0]["status"] == "not-published"
    assert_saved(fake_site)
