"""Git as the lock (socialops.publish.gitsync), against a real bare remote: a change pushed
after the branch moved is replayed or written again, never lost and never forced."""

from __future__ import annotations

import pytest

from socialops.publish import gitsync
from tests.conftest import git
from tests.publish.conftest import Site


def _other_pushes(site: Site, name: str, text: str) -> None:
    other = site.tmp / "other"
    if not other.exists():
        site.clone("other")
    git(other, "pull", "-q", "origin", "main")
    (other / name).write_text(text, "utf-8")
    git(other, "add", "-A")
    git(other, "commit", "-qm", f"other: {name}")
    git(other, "push", "-q", "origin", "main")


def test_a_pause_pushed_after_the_branch_moved_is_replayed_on_top(site: Site, run_cli) -> None:
    site.post("p", ["feed"])
    site.commit()
    _other_pushes(site, "notes.txt", "someone else's change\n")
    paused = run_cli("pause", "--reason", "Crisis", "--push", cwd=site.root)
    assert paused.returncode == 0, paused.stderr
    assert site.remote_log()[:2] == ["socialops: pause publishing (Test Writer): Crisis", "other: notes.txt"]
    assert "Crisis" in site.remote_file(".socialops/paused.yaml")
    resumed = run_cli("resume", "--push", cwd=site.root)
    assert resumed.returncode == 0, resumed.stderr
    assert site.remote_log()[0] == "socialops: resume publishing (Test Writer)"


def test_commit_and_push_without_push_commits_here_only(site: Site) -> None:
    site.commit()
    (site.root / "a.txt").write_text("a\n", "utf-8")
    done = gitsync.commit_and_push(site.root, [site.root / "a.txt"], "add a", push=False)
    assert done.sha is not None and not done.pushed
    assert git(site.root, "log", "-1", "--format=%s").strip() == "add a"
    assert site.remote_log()[0] == "update"


def test_a_change_written_again_on_a_branch_that_keeps_moving_stays_committed_here(site: Site) -> None:
    site.commit()
    branch = gitsync.open_branch(site.root, [site.root / "ours.txt"], push=True)
    branch.update()
    rounds: list[int] = []

    def write() -> None:  # our change on top of what the other pushed; then it pushes again
        rounds.append(1)
        (site.root / "ours.txt").write_text(f"ours {len(rounds)}\n", "utf-8")
        _other_pushes(site, "theirs.txt", f"theirs {len(rounds)}\n")

    _other_pushes(site, "theirs.txt", "theirs 0\n")
    (site.root / "ours.txt").write_text("ours 0\n", "utf-8")
    with pytest.raises(gitsync.KeptMoving):
        branch.save_again("ours", write, attempts=3)
    assert len(rounds) == 3
    assert git(site.root, "log", "-1", "--format=%s").strip() == "ours"  # committed, not lost
    assert (site.root / "theirs.txt").read_text("utf-8") == "theirs 2\n"  # on top of theirs
    assert site.clean() and not branch.pushed


def test_a_change_written_again_once_the_branch_holds_still_is_pushed(site: Site) -> None:
    site.commit()
    branch = gitsync.open_branch(site.root, [site.root / "ours.txt"], push=True)
    branch.update()
    _other_pushes(site, "theirs.txt", "theirs\n")
    (site.root / "ours.txt").write_text("ours\n", "utf-8")
    branch.save_again("ours", lambda: (site.root / "ours.txt").write_text("ours again\n", "utf-8"))
    assert branch.pushed and site.remote_log()[:2] == ["ours", "other: theirs.txt"]
    assert site.remote_file("ours.txt") == "ours again\n"
