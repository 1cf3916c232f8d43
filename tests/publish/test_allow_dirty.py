"""`publish --allow-dirty` in a checkout with a remote (a bare repository): the run sends
what is committed (a post with uncommitted changes waits for its commit), pushes its ledger
even when the branch moved meanwhile, and leaves every uncommitted change as it was."""

from __future__ import annotations

import stat

from tests.conftest import git
from tests.publish.conftest import NOW, Site, at


def test_allow_dirty_publishes_what_is_committed_and_keeps_the_changes(site: Site, run_cli) -> None:
    site.post("first", ["feed"], "The committed words.\n", at=at(-30))
    site.post("second", ["feed"], "A clean post.\n", at=at(-20))
    site.commit()
    site.post("first", ["feed"], "Words nobody committed.\n", at=at(-30))  # a change in progress
    site.write("notes.txt", "an untracked file\n")
    # someone pushes while this run claims: its first push is rejected (the branch moved)
    other = site.clone("other")
    hook = site.root / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\n[ -e {site.tmp}/moved ] && exit 0\ntouch {site.tmp}/moved\n"
                    f"cd {other} && git commit -q --allow-empty -m 'a person pushed' && git push -q origin main\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    refused = run_cli("publish", "--now", NOW, cwd=site.root)
    assert refused.returncode == 2 and "--allow-dirty" in refused.stdout + refused.stderr
    out = run_cli("publish", "--now", NOW, "--allow-dirty", cwd=site.root)
    said = out.stdout + out.stderr
    assert out.returncode == 0, said
    assert (site.tmp / "moved").exists() and "a person pushed" in site.remote_log()  # it did move
    feed = site.remote_file("feed.xml")
    assert "A clean post." in feed and "nobody committed" not in feed and "committed words" not in feed
    assert "posts/first.md has changes nobody committed" in said, said
    assert "status: published" in site.remote_file(".socialops/ledger/second.yaml")
    # the changes in progress are still there, uncommitted
    assert "Words nobody committed." in (site.root / "posts/first.md").read_text()
    assert (site.root / "notes.txt").read_text() == "an untracked file\n"
    assert git(site.root, "status", "--porcelain").splitlines() == [" M posts/first.md", "?? notes.txt"]
    # once committed, the next run sends the post as committed
    site.commit("first, rewritten")
    again = run_cli("publish", "--now", NOW, "--allow-dirty", cwd=site.root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Words nobody committed." in site.remote_file("feed.xml")
