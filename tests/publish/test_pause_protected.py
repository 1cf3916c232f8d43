"""The crisis switch where branch protection refuses pushes to main: a bare remote whose
pre-receive hook refuses them as GitHub's protection does (GH006)."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable

from tests.conftest import git
from tests.publish.conftest import Site

Cli = Callable[..., subprocess.CompletedProcess[str]]
HOOK = """#!/bin/sh
while read old new ref; do
  if [ "$ref" = "refs/heads/main" ]; then
    echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
    echo "error: Changes must be made through a pull request." >&2
    exit 1
  fi
done
"""


def protect(site: Site) -> None:
    hook = site.remote / "hooks" / "pre-receive"
    hook.write_text(HOOK)
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


def test_a_pause_that_cannot_be_pushed_says_publishing_is_not_paused_and_undoes_itself(site: Site, run_cli: Cli) -> None:
    site.write("notes.txt", "work in progress\n")  # someone else's uncommitted work stays
    site.commit()
    site.write("notes.txt", "still editing\n")
    protect(site)
    before = git(site.root, "rev-parse", "HEAD")
    out = run_cli("pause", "--reason", "Crisis", "--push", cwd=site.root)
    assert out.returncode == 1
    said = out.stdout + out.stderr
    assert "publishing is NOT paused: the remote refused the push" in said
    assert "GH006: Protected branch update failed" in said
    assert "Actions -> 'socialops pause' -> Run workflow" in said and "gh workflow run pause.yml -f action=pause" in said
    assert "Traceback" not in said and "stdout: '" not in said
    assert git(site.root, "rev-parse", "HEAD") == before  # the pause commit is undone
    assert not (site.root / ".socialops/paused.yaml").exists()
    assert git(site.root, "status", "--porcelain") == " M notes.txt\n"
    assert (site.root / "notes.txt").read_text() == "still editing\n"
    shown = run_cli("status", cwd=site.root)
    assert "paused" not in shown.stdout.lower()


def test_a_resume_that_cannot_be_pushed_says_publishing_is_still_paused(site: Site, run_cli: Cli) -> None:
    site.commit()
    assert run_cli("pause", "--reason", "Crisis", "--push", cwd=site.root).returncode == 0
    protect(site)
    out = run_cli("resume", "--push", cwd=site.root)
    assert out.returncode == 1
    assert "publishing is still paused: the remote refused the push" in out.stdout + out.stderr
    assert (site.root / ".socialops/paused.yaml").exists()
    assert git(site.root, "status", "--porcelain") == ""


def test_the_pause_commit_names_who_and_why_and_the_workflow_can_say_who(site: Site, run_cli: Cli) -> None:
    site.commit()
    out = run_cli("pause", "--push", cwd=site.root,
                  env={"SOCIALOPS_PAUSE_REASON": "Breaking news", "SOCIALOPS_ACTOR": "dana"})
    assert out.returncode == 0, out.stderr
    assert site.remote_log()[0] == "socialops: pause publishing (dana): Breaking news"
    shown = run_cli("status", cwd=site.root)
    assert shown.stdout.splitlines()[0].startswith("Publishing is paused since")
    assert "by dana: Breaking news" in shown.stdout.splitlines()[0]
