"""A job goes red whenever a post does not go out: publish's exit code and last line, and
`status --fail-on` for a check at any time."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from tests.publish.conftest import NOW, Site, at

Cli = Callable[..., subprocess.CompletedProcess[str]]


def test_a_missed_post_turns_the_run_that_records_it_red_and_status_fail_on_any_time(site: Site, run_cli: Cli) -> None:
    site.post("late", ["feed"], at=at(-420))  # 7 h late; the limit is 6h
    site.post("fine", ["feed"], at=at(-10))
    site.commit()
    first = run_cli("publish", "--now", NOW, cwd=site.root)
    assert first.returncode == 1, first.stdout + first.stderr
    assert first.stdout.rstrip().splitlines()[-1] == "exit 1: 1 missed (a person should look)"
    second = run_cli("publish", "--now", NOW, cwd=site.root)  # red once, not on every run
    assert second.returncode == 0, second.stdout
    assert second.stdout.rstrip().splitlines()[-1] == "ok: nothing was due"
    checked = run_cli("status", "--fail-on", "held,missed", "--now", NOW, cwd=site.root)
    assert checked.returncode == 1
    assert checked.stdout.rstrip().splitlines()[-1] == "exit 1: 1 missed (--fail-on held,missed)"
    fine = run_cli("status", "--fail-on", "unknown,failed", "--now", NOW, cwd=site.root)
    assert fine.returncode == 0, fine.stdout
    wrong = run_cli("status", "--fail-on", "mised", cwd=site.root)
    assert wrong.returncode == 2 and "--fail-on takes held, missed" in wrong.stdout + wrong.stderr
    assert "Traceback" not in wrong.stdout + wrong.stderr


def test_a_run_with_everything_sent_is_green_and_says_so(site: Site, run_cli: Cli) -> None:
    site.post("p", ["feed"])
    site.commit()
    out = run_cli("publish", "--now", NOW, cwd=site.root)
    assert out.returncode == 0
    assert out.stdout.rstrip().splitlines()[-1] == "ok: 1 sent"


def test_a_missing_secret_turns_the_run_red_and_status_explains_it(site: Site, run_cli: Cli) -> None:
    site.configure({"hook": {"platform": "webhook", "url": "http://127.0.0.1:9/hook", "secret_env": "HOOK_SECRET"}})
    site.post("p", ["hook"])
    site.commit()
    out = run_cli("publish", "--now", NOW, cwd=site.root)
    assert out.returncode == 1
    assert "HOOK_SECRET" in out.stdout
    assert out.stdout.rstrip().splitlines()[-1] == "exit 1: 1 failed (a person should look)"
    shown = run_cli("status", "--fail-on", "failed", "--now", NOW, cwd=site.root)
    assert shown.returncode == 1
    assert "HOOK_SECRET" in shown.stdout and "the next run tries again" in shown.stdout
