"""What `socialops publish` shows while it runs: a counter with an ETA on a terminal (a real
pseudo-terminal here), nothing per part in CI logs or with --format json, and a summary
that lists each post once with counts that add up."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import time
from pathlib import Path

from tests.publish.conftest import Site, socialops_cmd

POSTS = 12


def make(site: Site) -> None:
    for i in range(POSTS):
        thread = "\n---\nSecond part.\n" if i % 3 == 0 else ""
        site.post(f"p{i:02d}", ["feed"], f"Post {i}.\n{thread}")
    site.commit()


def in_a_terminal(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run with standard output and error on a pseudo-terminal; all it wrote, and the exit code."""
    main, child = os.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=child, stderr=child)
    os.close(child)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(main)
    return proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_a_counter_with_an_eta_and_a_summary_listing_each_post_once(site: Site, cli_env) -> None:
    make(site)
    env = cli_env({"TERM": "xterm-256color"})
    env.pop("CI", None)
    code, out = in_a_terminal(socialops_cmd("publish"), site.root, env)
    assert code == 0, out
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert re.search(r"publishing.*\d+/16 parts.*ETA", plain), plain  # 12 posts, 4 of them threads
    summary = plain[plain.index("p00 "):]
    for i in range(POSTS):
        assert len(re.findall(rf"^p{i:02d} ", summary, re.MULTILINE)) == 1
    assert not re.search(r"^\s*✓ p\d+ →", plain, re.MULTILINE)  # no line per part
    assert "12 published (post and channel; 12 posts)" in plain


def test_ci_logs_and_json_get_nothing_per_part(site: Site, run_cli) -> None:
    make(site)
    ci = run_cli("publish", "--dry-run", cwd=site.root, env={"CI": "true"})
    assert ci.returncode == 0 and "→" not in ci.stderr and "publishing" not in ci.stderr
    done = run_cli("publish", "--format", "json", cwd=site.root, env={"CI": "true"})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)["summary"]["published"] == POSTS
