"""Runs against one bare remote: crashes, races and a branch that moves under a run."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from pathlib import Path

from tests.conftest import git
from tests.fakes.servers import Fakes
from tests.publish.conftest import NOW, Site, at, run_publish, socialops_cmd


def _wait_for(predicate, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _killed_mid_call(site: Site, fakes: Fakes, cli_env) -> None:
    """Start publish, and SIGKILL it once the platform has created the post but before it
    answered (so before the ledger could record the result)."""
    fakes.mastodon.accept_then_timeout(hang=30)
    proc = subprocess.Popen(socialops_cmd("publish", "--now", NOW, "--timeout", "25"), cwd=site.root,
                            env=cli_env(site.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: len(fakes.mastodon.posts) == 1)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    fakes.mastodon.clear_faults()


def test_killed_between_the_call_and_the_ledger_write_then_run_again(
        fake_site: Site, fakes: Fakes, cli_env, run_cli) -> None:
    fake_site.post("p", ["mastodon"], "Sent just before the crash.\n")
    fake_site.commit()
    _killed_mid_call(fake_site, fakes, cli_env)
    # the claim was pushed before the call; the local ledger says the call was under way
    assert fake_site.remote_log()[0] == "socialops: claim 1 post"
    assert fake_site.ledger("p")["channels"]["mastodon"]["parts"][0]["status"] == "intent"
    again = run_cli("publish", "--now", at(75), "--format", "json", cwd=fake_site.root,
                    env=fake_site.env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert fakes.mastodon.texts() == ["Sent just before the crash."]
    assert len(fakes.mastodon.calls("create")) == 1
    record = fake_site.ledger("p")["channels"]["mastodon"]
    assert record["status"] == "published"
    assert record["parts"][0]["id"] == next(iter(fakes.mastodon.posts))
    assert fake_site.clean()
    assert "socialops: keep the ledger of an interrupted run" in fake_site.remote_log()


def test_a_crash_on_another_machine_is_settled_from_the_pushed_claim(
        fake_site: Site, fakes: Fakes, cli_env) -> None:
    fake_site.post("t", ["mastodon"], "Part one.\n\n---\nPart two.\n")
    fake_site.commit()
    _killed_mid_call(fake_site, fakes, cli_env)
    # a fresh checkout (the next CI run) sees only the pushed claim; its lease ran out
    fresh = fake_site.clone("next-run")
    ledger = fresh / ".socialops/ledger/t.yaml"
    text = ledger.read_text()
    assert "status: intent" in text and "parts: []" in text
    claim_host = git(fresh, "show", "HEAD:.socialops/ledger/t.yaml")
    assert "until:" in claim_host
    later = Site(fake_site.tmp, fresh, fake_site.remote, env=fake_site.env)
    result = run_publish(later, at(90), client_factory=None)
    # the claim's host is this machine and its process is gone: settled by asking Mastodon
    assert result.status == "success", result.as_dict()
    posts = list(fakes.mastodon.posts.values())
    assert [p.text for p in posts] == ["Part one.", "Part two."]
    assert posts[1].reply_to == posts[0].id
    assert len(fakes.mastodon.calls("create")) == 2


def test_two_runs_racing_against_one_remote_publish_each_post_once(
        fake_site: Site, fakes: Fakes, cli_env) -> None:
    for i in range(6):
        fake_site.post(f"p{i}", ["mastodon", "telegram", "feed"], f"Post number {i}.\n",
                       at=at(i))
    fake_site.commit()
    fakes.mastodon.latency = fakes.telegram.latency = 0.05
    other = fake_site.clone("other")
    procs = [subprocess.Popen(socialops_cmd("publish", "--now", NOW, "--format", "json"), cwd=where,
                              env=cli_env(fake_site.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
             for where in (fake_site.root, other)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(fakes.mastodon.texts()) == [f"Post number {i}." for i in range(6)]
    assert sorted(fakes.telegram.texts()) == [f"Post number {i}." for i in range(6)]
    git(fake_site.root, "pull", "-q", "--rebase", "origin", "main")
    for i in range(6):
        channels = fake_site.ledger(f"p{i}")["channels"]
        assert {c["status"] for c in channels.values()} == {"published"}, channels
    feed = fake_site.remote_file("feed.xml")
    assert all(feed.count(f"feed/p{i}<") == 1 for i in range(6))


def test_the_final_push_finds_main_moved_and_writes_the_ledger_on_top(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("ours", ["mastodon", "feed"], "Ours.\n")
    fake_site.post("theirs", ["feed"], "Theirs.\n")
    fake_site.commit()
    other = Site(fake_site.tmp, fake_site.clone("other"), fake_site.remote, env=fake_site.env)
    moved: list[str] = []

    def meanwhile(event) -> None:  # another run publishes another post to the same feed
        if not moved:
            moved.append("yes")
            assert run_publish(other, posts=frozenset({"theirs"})).status == "success"

    result = run_publish(fake_site, posts=frozenset({"ours"}), on_event=meanwhile)
    assert result.status == "success" and result.pushed
    log = fake_site.remote_log()
    assert log[:4] == ["socialops: published 2 post channels", "socialops: published 1 post channel",
                       "socialops: claim 1 post", "socialops: claim 1 post"]
    feed = fake_site.remote_file("feed.xml")
    assert "feed/ours<" in feed and "feed/theirs<" in feed
    assert "status: published" in fake_site.remote_file(".socialops/ledger/ours.yaml")
    assert "status: published" in fake_site.remote_file(".socialops/ledger/theirs.yaml")
    assert fakes.mastodon.texts() == ["Ours."]
    assert fake_site.clean()


def test_a_rejected_claim_push_selects_again_and_leaves_the_other_run_its_share(
        fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["mastodon"], "Claimed by the other run first.\n")
    fake_site.post("q", ["mastodon"], "Left for us.\n", at=at(30))
    fake_site.commit()
    other = Site(fake_site.tmp, fake_site.clone("other"), fake_site.remote, env=fake_site.env)
    # the other run claims p (and would publish it) after our fetch, before our push:
    # a pre-push hook makes that moment happen, once
    marker = fake_site.tmp / "hook-ran"
    hook = fake_site.root / ".git/hooks/pre-push"
    other_ledger = other.root / ".socialops/ledger/p.yaml"
    hook.write_text(f"""#!/bin/sh
[ -e {marker} ] && exit 0
touch {marker}
cd {other.root}
mkdir -p .socialops/ledger
cat > {other_ledger} <<'YAML'
post: p
path: posts/p.md
channels:
  mastodon:
    status: intent
    claim: {{run: otherrun, host: elsewhere, pid: 1, at: '2026-12-01T10:00:00+00:00', until: '2999-01-01T00:00:00+00:00'}}
    parts: []
YAML
env -u GIT_DIR -u GIT_INDEX_FILE -u GIT_WORK_TREE git add -A && env -u GIT_DIR -u GIT_INDEX_FILE -u GIT_WORK_TREE git commit -qm "other run: claim p" && env -u GIT_DIR -u GIT_INDEX_FILE -u GIT_WORK_TREE git push -q origin main
""")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    result = run_publish(fake_site)
    assert marker.exists()
    by_id = {p.id: p.channels[0] for p in result.posts}
    assert by_id["q"].status == "published"
    assert by_id["p"].status == "skipped"
    assert by_id["p"].message is not None and "another run (otherrun on elsewhere)" in by_id["p"].message
    assert fakes.mastodon.texts() == ["Left for us."]
    log = fake_site.remote_log()
    assert log[:3] == ["socialops: published 1 post channel", "socialops: claim 1 post", "other run: claim p"]


def test_publish_refuses_a_dirty_tree_and_another_branch(site: Site, run_cli) -> None:
    site.post("p", ["feed"])
    site.commit()
    site.write("posts/draft.md", "---\nstatus: draft\n---\nnot committed\n")
    dirty = run_cli("publish", "--now", NOW, cwd=site.root)
    assert dirty.returncode == 2
    assert "the working tree has changes that are not committed (posts/draft.md)" in dirty.stderr
    assert "--allow-dirty" in dirty.stderr
    assert not (site.root / "feed.xml").exists()
    Path(site.root / "posts/draft.md").unlink()
    git(site.root, "checkout", "-q", "-b", "feature")
    branch = run_cli("publish", "--now", NOW, cwd=site.root)
    assert branch.returncode == 2
    assert "publish runs on the default branch 'main', but this is branch 'feature'" in branch.stderr
    assert not (site.root / "feed.xml").exists()
    allowed = run_cli("publish", "--now", NOW, "--branch", "feature", "--no-push", cwd=site.root)
    assert allowed.returncode == 0, allowed.stderr
    assert (site.root / "feed.xml").exists()


def test_a_claim_the_remote_refuses_stops_the_run_before_any_call(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("p", ["mastodon"], "Never sent without a pushed claim.\n")
    fake_site.commit()
    head = git(fake_site.root, "rev-parse", "HEAD")
    hook = fake_site.remote / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch: pushes need a review' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    out = run_cli("publish", "--now", NOW, cwd=fake_site.root, env=fake_site.env)
    assert out.returncode == 2
    assert "git push to origin/main failed" in out.stderr and "pre-receive hook declined" in out.stderr
    assert fakes.mastodon.requests == []
    assert git(fake_site.root, "rev-parse", "HEAD") == head  # the claim commit was taken back
    assert fake_site.clean()


def test_the_default_branch_is_the_remotes_head(tmp_path: Path, run_cli) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "trunk", str(remote))
    (tmp_path / "demo").mkdir()
    git(tmp_path / "demo", "init", "-q", "-b", "trunk")
    assert run_cli("init", "demo", cwd=tmp_path).returncode == 0
    demo = tmp_path / "demo"
    git(demo, "add", "-A")
    git(demo, "commit", "-q", "-m", "start")
    git(demo, "remote", "add", "origin", str(remote))
    git(demo, "push", "-q", "origin", "trunk")  # no refs/remotes/origin/HEAD here, as in CI
    out = run_cli("publish", cwd=demo)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "feed: published" in out.stdout
    assert git(remote, "log", "-1", "--format=%s", "trunk").strip() == "socialops: published 1 post channel"


def _claimed_elsewhere(site: Site, post: str, until: str) -> None:
    site.write(f".socialops/ledger/{post}.yaml", f"""\
        post: {post}
        path: posts/{post}.md
        channels:
          mastodon:
            status: intent
            claim: {{run: gone, host: elsewhere, pid: 4242, at: '2026-01-01T00:00:00+00:00', until: '{until}'}}
            parts: []
        """)


def test_an_expired_claim_of_another_machine_is_settled_by_asking_the_platform(
        fake_site: Site, fakes: Fakes) -> None:
    import httpx

    fake_site.post("sent", ["mastodon"], "The crashed run sent this.\n")
    fake_site.post("unsent", ["mastodon"], "The crashed run never got here.\n", at=at(1))
    _claimed_elsewhere(fake_site, "sent", "2026-01-01T00:20:00+00:00")
    _claimed_elsewhere(fake_site, "unsent", "2026-01-01T00:20:00+00:00")
    fake_site.commit()
    token = fake_site.env["MASTODON_TOKEN"]
    httpx.post(f"{fakes.mastodon.url}/api/v1/statuses", data={"status": "The crashed run sent this."},
               headers={"Authorization": f"Bearer {token}"}, timeout=10).raise_for_status()
    result = run_publish(fake_site)
    assert {p.id: p.channels[0].status for p in result.posts} == {"sent": "published", "unsent": "published"}
    assert sorted(fakes.mastodon.texts()) == ["The crashed run never got here.", "The crashed run sent this."]
    assert len(fakes.mastodon.calls("create")) == 2  # ours above, and "unsent" once


def test_a_live_claim_of_another_machine_is_left_alone(fake_site: Site, fakes: Fakes) -> None:
    fake_site.post("p", ["mastodon"], "Another run is on it.\n")
    _claimed_elsewhere(fake_site, "p", "2999-01-01T00:00:00+00:00")
    fake_site.commit()
    result = run_publish(fake_site)
    assert result.posts[0].channels[0].status == "skipped"
    assert fakes.mastodon.requests == []
