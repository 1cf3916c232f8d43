"""What `socialops lint` shows while a long run works: a counter of posts with an ETA on a
terminal (a real pseudo-terminal here) once the run has taken half a second; nothing extra
for a short run, in CI logs, through a pipe, or with --format json/sarif/github."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_CONFIG, GIT_ENV, git
from tests.publish.conftest import socialops_cmd
from tests.publish.test_progress import in_a_terminal

POSTS = 8000  # enough that an idle machine still takes more than the half second before the counter shows (3,000 took 0.6 s)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def make(root: Path, posts: int) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "socialops.yaml").write_text(DEFAULT_CONFIG, "utf-8")
    (root / "styleguide.yaml").write_text("rules:\n  - {id: no-hype, kind: existence, level: warning, tokens: [amazing]}\n")
    (root / "calendar.yaml").write_text("{}\n")
    folder = root / "posts"
    folder.mkdir()
    start = datetime(2027, 1, 1, 9, 0)
    for i in range(posts):
        at = (start + timedelta(days=i, minutes=i % 50)).strftime("%Y-%m-%dT%H:%M")  # never twice at 02:30
        (folder / f"p{i:04d}.md").write_text(
            f"---\nchannels: [mastodon-main, bluesky-main]\npublish_at: {at}\n---\n"
            f"Post number {i}: an amazing thing happened #news\n", "utf-8")
    return root


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("lint-progress") / "big", POSTS)


def env(**extra: str) -> dict[str, str]:
    import os

    from tests.conftest import REPO_ROOT

    out = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    out.update(GIT_ENV, COLUMNS="120", TERM="xterm-256color", SOCIALOPS_NO_CACHE="1")
    out["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + out.get("PYTHONPATH", "")
    out.update(extra)
    return out


def test_a_long_lint_on_a_terminal_shows_a_counter_with_an_eta(big: Path) -> None:
    code, out = in_a_terminal(socialops_cmd("lint", "--compact"), big, env())
    assert code == 0, out[-2000:]
    plain = ANSI.sub("", out)
    assert re.search(rf"linting.*\d+/{POSTS} posts.*ETA", plain), plain[-3000:]
    # the display is removed before the findings: they are printed as without it
    findings = [line for line in plain.splitlines() if "(no-hype)" in line]
    assert len(findings) == POSTS and not any("linting" in line for line in findings)


def test_machine_formats_get_nothing_extra_on_a_terminal(big: Path) -> None:
    # (json, sarif and github take the same branch: only --format text makes a display)
    code, out = in_a_terminal(socialops_cmd("lint", "--format", "json"), big, env())
    assert code == 0 and "linting" not in out and "ETA" not in out


def test_ci_logs_and_pipes_get_nothing_extra(big: Path) -> None:
    code, out = in_a_terminal(socialops_cmd("lint", "--compact"), big, env(CI="true"))
    assert code == 0 and "linting" not in out and "ETA" not in out
    # a pipe, even when FORCE_COLOR asks for colour (rich then calls it a terminal)
    piped = subprocess.run(socialops_cmd("lint", "--compact"), cwd=big, env=env(FORCE_COLOR="1"),
                           capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == "" and "\x1b[33m" in piped.stdout


def test_a_short_lint_shows_nothing_extra(tmp_path: Path) -> None:
    small = make(tmp_path / "small", 20)
    code, out = in_a_terminal(socialops_cmd("lint", "--compact"), small, env())
    assert code == 0 and "linting" not in out and "ETA" not in out
    assert len([line for line in ANSI.sub("", out).splitlines() if "(no-hype)" in line]) == 20
