"""Runs killed with SIGKILL (real processes, a persistent clone and fresh clones) against the
fake platforms on 127.0.0.1: no part is ever published twice, none is lost.

The invariant checked after every loop (`check_exactly_once`): each post is on each
platform at most once; a channel the ledger calls published is there exactly once, under
the id the ledger holds; a channel that is not there is never recorded as published; in
the end every channel is published or `unknown` (left for `socialops resolve`).
"""

from __future__ import annotations

import random
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import git
from tests.fakes.core import FakeServer
from tests.fakes.servers import Fakes
from tests.publish.conftest import NOW, Site, socialops_cmd

KILL_ROUNDS = 12  # per loop; each round is one process started and killed


def start(site: Site, cwd: Path, cli_env: Callable[..., dict[str, str]], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(socialops_cmd("publish", "--now", NOW, "--timeout", "2", *args), cwd=cwd,
                            env=cli_env(site.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the run (git commands it started finish on their own, as in CI)."""
    proc.kill()
    proc.communicate()


def run_to_end(site: Site, cwd: Path, cli_env: Callable[..., dict[str, str]]) -> subprocess.CompletedProcess[str]:
    proc = start(site, cwd, cli_env)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the run to get there"
        time.sleep(0.01)


def ledger_in(root: Path, post: str) -> dict:
    path = root / f".socialops/ledger/{post}.yaml"
    return yaml.safe_load(path.read_text()) if path.exists() else {"channels": {}}


def check_exactly_once(root: Path, fakes_by_channel: dict[str, FakeServer], texts: dict[str, str],
                       final: bool = True) -> dict[str, int]:
    """Asserts the invariant; returns how many posts ended in each status, by "channel status"."""
    statuses: dict[str, int] = {}
    for post, text in texts.items():
        record = ledger_in(root, post)["channels"]
        for channel, fake in fakes_by_channel.items():
            copies = [p for p in list(fake.posts.values()) if p.text == text]
            assert len(copies) <= 1, f"{post} is on {channel} {len(copies)} times"
            entry = record.get(channel) or {"status": "none", "parts": []}
            status = entry["status"]
            statuses[f"{channel} {status}"] = statuses.get(f"{channel} {status}", 0) + 1
            if status == "published":
                assert len(copies) == 1, f"{post} is recorded as published on {channel} but is not there"
                if not entry["parts"][0]["id"].startswith("webhook-"):  # a Slack webhook gives no id
                    assert entry["parts"][0]["id"] == copies[0].id
            if final:
                assert status in ("published", "unknown"), (post, channel, entry)
    return statuses


def test_an_unknown_part_is_not_sent_again_after_a_kill(site: Site, fakes: Fakes, cli_env) -> None:
    """The answer is lost (Discord cannot be asked), the part is recorded unknown, and the
    run is killed before it commits: the next run in the same checkout leaves it unknown."""
    site.configure({"discord": fakes.channels()["discord"]})
    site.env = fakes.env()
    site.post("a", ["discord"], "First, its answer is lost.\n")
    site.post("b", ["discord"], "Second, it hangs until the run is killed.\n")
    site.commit()
    fakes.discord.create_then_drop(times=1)
    fakes.discord.accept_then_timeout(hang=20, times=1)
    proc = start(site, site.root, cli_env)
    wait_for(lambda: len(fakes.discord.calls("create")) == 2)
    wait_for(lambda: "status: unknown" in (site.root / ".socialops/ledger/a.yaml").read_text())
    kill(proc)
    again = run_to_end(site, site.root, cli_env)
    assert again.returncode == 1, again.stdout + again.stderr
    assert sorted(fakes.discord.texts()) == ["First, its answer is lost.",
                                            "Second, it hangs until the run is killed."]
    assert len(fakes.discord.calls("create")) == 2
    for post in ("a", "b"):
        assert ledger_in(site.root, post)["channels"]["discord"]["status"] == "unknown"
    assert "socialops resolve a --channel discord" in again.stdout


def test_two_killed_posts_with_the_same_text_are_not_both_given_one_status(
        site: Site, fakes: Fakes, cli_env) -> None:
    """A run is killed while the first of two identical posts is in flight (Mastodon made
    it): the status found by text could be either post's, so neither takes it; both wait for
    a person, and nothing is sent again."""
    site.configure({"mastodon": fakes.channels()["mastodon"]})
    site.env = fakes.env()
    site.post("a", ["mastodon"], "Same words, twice.\n")
    site.post("b", ["mastodon"], "Same words, twice.\n")
    site.commit()
    fakes.mastodon.accept_then_timeout(hang=20, times=1)
    proc = start(site, site.root, cli_env)
    wait_for(lambda: len(fakes.mastodon.posts) == 1)
    kill(proc)
    again = run_to_end(site, site.root, cli_env)
    assert again.returncode == 1, again.stdout + again.stderr
    for post in ("a", "b"):
        record = ledger_in(site.root, post)["channels"]["mastodon"]
        assert record["status"] == "unknown", record
    assert "cannot be told from post 'b'" in again.stdout
    assert fakes.mastodon.texts() == ["Same words, twice."]


def _kill_loop(site: Site, fakes: Fakes, cli_env: Callable[..., dict[str, str]], fresh: bool,
               seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    channels = ["mastodon", "discord", "telegram", "slack"]
    by_channel: dict[str, FakeServer] = {"mastodon": fakes.mastodon, "discord": fakes.discord,
                                         "telegram": fakes.telegram, "slack": fakes.slack}
    all_channels = fakes.channels()
    site.configure({c: all_channels[c] for c in channels})
    site.env = fakes.env()
    texts = {f"p{n}": f"Post number {n} of the kill loop." for n in range(6)}
    for post, text in texts.items():
        site.post(post, channels, text + "\n")
    site.commit()
    for fake in by_channel.values():
        fake.latency = 0.02
    for round_ in range(KILL_ROUNDS):
        fake = by_channel[rng.choice(channels)]
        fault = rng.choice(["drop", "timeout", "none", "500"])
        if fault == "drop":
            fake.create_then_drop(times=1)
        elif fault == "timeout":
            fake.accept_then_timeout(hang=3, times=1)
        elif fault == "500":
            fake.fail(502, after=True, times=1)
        if rng.random() < 0.3:  # the lookup fails too: the part becomes unknown
            fakes.mastodon.fail(500, match=r"^GET /api/v1/accounts/\d+/statuses$", times=2)
        cwd = site.clone(f"clone{round_}") if fresh else site.root
        proc = start(site, cwd, cli_env)
        time.sleep(rng.uniform(0.3, 2.5))
        kill(proc)
        if fresh:
            check_exactly_once(site.root, by_channel, texts, final=False)
    for fake in by_channel.values():
        fake.clear_faults()
    fakes.mastodon.clear_faults()
    cwd = site.clone("last") if fresh else site.root
    for _ in range(2):  # the second run finds nothing left to do
        done = run_to_end(site, cwd, cli_env)
        assert "Traceback" not in done.stderr, done.stderr
    if fresh:
        git(site.root, "pull", "-q", "--ff-only", "origin", "main")
    return check_exactly_once(cwd, by_channel, texts)


def test_killed_runs_in_one_persistent_clone_publish_everything_once(site: Site, fakes: Fakes,
                                                                      cli_env) -> None:
    statuses = _kill_loop(site, fakes, cli_env, fresh=False, seed=16)
    assert statuses.get("mastodon published", 0) >= 4, statuses


def test_killed_runs_in_fresh_clones_publish_everything_once(site: Site, fakes: Fakes, cli_env) -> None:
    statuses = _kill_loop(site, fakes, cli_env, fresh=True, seed=61)
    assert statuses.get("mastodon published", 0) >= 4, statuses



def test_killed_runs_against_a_mastodon_that_ignores_idempotency_keys(site: Site, fakes: Fakes,
                                                                       cli_env) -> None:
    """The same kill loop (a persistent clone and fresh clones taking turns) against a server
    of the Mastodon API that keeps no Idempotency-Key: only the lookup stands between a
    killed run and a second copy. Posts with their own text are on the server at most once
    and end published (the lookup tells them apart); two posts with the same text are never
    sent more than twice together, never share a status, and wait for `resolve` when the
    lookup cannot tell which is which."""
    fakes.mastodon.honours_idempotency_key = False
    rng = random.Random(1616)
    site.configure({"mastodon": fakes.channels()["mastodon"]})
    site.env = fakes.env()
    texts = {f"p{n}": f"Post number {n}, and no key can save it." for n in range(4)}
    twins = {"twin-a": "The same words, twice.", "twin-b": "The same words, twice."}
    for post, text in {**texts, **twins}.items():
        site.post(post, ["mastodon"], text + "\n")
    site.commit()
    fakes.mastodon.latency = 0.02
    lookups = r"^GET /api/v1/accounts/\d+/statuses$"
    for round_ in range(8):
        fault = rng.choice(["drop", "timeout", "500", "none"])
        if fault == "drop":
            fakes.mastodon.create_then_drop(times=1)
        elif fault == "timeout":
            fakes.mastodon.accept_then_timeout(hang=3, times=1)
        elif fault == "500":
            fakes.mastodon.fail(502, after=True, times=1)
        if rng.random() < 0.4:  # the lookup fails too: the part becomes unknown
            fakes.mastodon.fail(500, match=lookups, times=2)
        cwd = site.clone(f"clone{round_}") if round_ % 2 else site.root
        proc = start(site, cwd, cli_env)
        time.sleep(rng.uniform(0.4, 2.5))
        kill(proc)
    fakes.mastodon.clear_faults()
    for _ in range(2):
        done = run_to_end(site, site.root, cli_env)
        assert "Traceback" not in done.stderr, done.stderr
    statuses = check_exactly_once(site.root, {"mastodon": fakes.mastodon}, texts)
    assert statuses.get("mastodon published") == len(texts), statuses
    copies = [p for p in fakes.mastodon.posts.values() if p.text == twins["twin-a"]]
    assert len(copies) <= 2
    ids = []
    for post in twins:
        entry = ledger_in(site.root, post)["channels"]["mastodon"]
        assert entry["status"] in ("published", "unknown"), entry
        if entry["status"] == "published":
            ids.append(entry["parts"][0]["id"])
    assert len(ids) == len(set(ids)) and set(ids) <= {p.id for p in copies}
    assert len(fakes.mastodon.calls("create")) >= len(texts)  # the loop did send
