"""Every path socialops reads or writes is a regular file or folder inside the repository:
symlinks that leave it, `.git`, device files and FIFOs are refused (lint says where)."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest

from tests.fakes.servers import Fakes
from tests.publish.conftest import Site, run_publish


def _lint(run_cli, site: Site) -> tuple[int, list[dict]]:
    out = run_cli("lint", "--format", "json", "--no-cache", cwd=site.root, timeout=60)
    assert "Traceback" not in out.stderr, out.stderr
    return out.returncode, json.loads(out.stdout)["problems"]


def _path_findings(problems: list[dict]) -> list[tuple[str, int, str]]:
    return [(p["path"], p["line"], p["message"]) for p in problems if p["rule"] == "path"]


def test_a_post_that_is_a_symlink_to_dev_zero_is_refused_without_reading(site: Site, run_cli) -> None:
    site.post("fine", ["feed"], "A real post.\n")
    os.symlink("/dev/zero", site.root / "posts" / "zero.md")
    site.commit()
    code, problems = _lint(run_cli, site)
    assert code == 1
    [(path, line, message)] = _path_findings(problems)
    assert (path, line) == ("posts/zero.md", 1)
    assert "outside the repository" in message
    result = run_publish(site)
    statuses = {p.id: [c.status for c in p.channels] for p in result.posts}
    assert statuses["fine"] == ["published"]
    preview = run_cli("review", "--format", "json", cwd=site.root, timeout=60)
    assert "Traceback" not in preview.stderr


def test_a_fifo_post_does_not_hang_lint_or_publish(site: Site, run_cli) -> None:
    (site.root / "posts").mkdir()
    os.mkfifo(site.root / "posts" / "pipe.md")
    site.post("fine", ["feed"], "Still published.\n")
    site.commit()  # git does not store a FIFO: it stays in the working tree only
    code, problems = _lint(run_cli, site)
    assert code == 1
    assert [(p, line) for p, line, _ in _path_findings(problems)] == [("posts/pipe.md", 1)]
    assert "FIFO" in _path_findings(problems)[0][2]
    result = run_publish(site, allow_dirty=True)
    assert {p.id: p.channels[0].status for p in result.posts}["fine"] == "published"


def test_media_under_git_is_never_uploaded(fake_site: Site, fakes: Fakes, run_cli) -> None:
    fake_site.post("leak", ["discord"], "See the attachment.\n",
                   extra="media:\n  - {path: .git/config, alt: The configuration of this checkout}\n")
    fake_site.commit()
    code, problems = _lint(run_cli, fake_site)
    assert code == 1
    findings = _path_findings(problems)
    assert [(p, line) for p, line, _ in findings] == [("posts/leak.md", 6)]
    assert "inside .git" in findings[0][2]
    result = run_publish(fake_site)
    channel = result.posts[0].channels[0]
    assert channel.status == "failed"
    assert channel.message is not None and ".git/config" in channel.message
    assert fakes.discord.requests == []


def test_a_symlinked_ledger_folder_is_refused_and_nothing_is_sent(site: Site, run_cli, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (site.root / ".socialops").mkdir()
    os.symlink(outside, site.root / ".socialops" / "ledger")
    site.post("p", ["feed"], "Once only.\n")
    site.commit()
    code, problems = _lint(run_cli, site)
    assert code == 1
    [(path, line, message)] = _path_findings(problems)
    assert (path, line) == (".socialops/ledger", 1)
    assert "leads outside the repository" in message
    out = run_cli("publish", cwd=site.root)
    assert out.returncode == 2, out.stdout + out.stderr
    assert ".socialops/ledger" in out.stdout + out.stderr and "Traceback" not in out.stderr
    assert list(outside.iterdir()) == []
    assert not (site.root / "feed.xml").exists()


def test_a_symlinked_folder_inside_the_ledger_is_refused(site: Site, run_cli, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (site.root / ".socialops" / "ledger").mkdir(parents=True)
    os.symlink(outside, site.root / ".socialops" / "ledger" / "news")
    site.write("posts/news/p.md", "---\nchannels: [feed]\npublish_at: 2020-01-01T00:00\nstatus: ready\n---\nHi.\n")
    site.commit()
    code, problems = _lint(run_cli, site)
    assert code == 1
    assert [(p, line) for p, line, _ in _path_findings(problems)] == [(".socialops/ledger/news", 1)]
    with pytest.raises(Exception, match="ledger/news"):
        run_publish(site, now="2020-01-01T01:00")
    assert list(outside.iterdir()) == []


def test_post_files_differing_only_in_case_or_normalisation_are_an_error(site: Site, run_cli) -> None:
    site.post("Launch", ["feed"], "One.\n")
    site.post("launch", ["feed"], "Two.\n", extra="id: other-launch\n")
    nfc = unicodedata.normalize("NFC", "café")
    nfd = unicodedata.normalize("NFD", "café")
    site.post(nfc, ["feed"], "Three.\n", extra="id: cafe-1\n")
    site.post(nfd, ["feed"], "Four.\n", extra="id: cafe-2\n")
    code, problems = _lint(run_cli, site)
    assert code == 1
    findings = [(p, line) for p, line, m in _path_findings(problems) if "only in case" in m]
    assert sorted(findings) == sorted([("posts/launch.md", 1), (f"posts/{nfd}.md", 1)]) or \
        sorted(findings) == sorted([("posts/launch.md", 1), (f"posts/{nfc}.md", 1)])


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "outside"])
def test_a_pause_switch_that_is_no_regular_file_stops_publishing_without_hanging(
        site: Site, run_cli, tmp_path: Path, kind: str) -> None:
    """`.socialops/paused.yaml` as a symlink to /dev/zero (committed in a pull request), a
    FIFO or a symlink out of the repository is not read (reading /dev/zero never ends, a
    FIFO waits for a writer): it is a switch that cannot be read, so nothing is published."""
    site.post("fine", ["feed"], "Held by the switch.\n")
    switch = site.root / ".socialops" / "paused.yaml"
    switch.parent.mkdir(parents=True, exist_ok=True)
    if kind == "dev-zero":
        os.symlink("/dev/zero", switch)
    elif kind == "fifo":
        os.mkfifo(switch)
    else:
        outside = tmp_path / "elsewhere.yaml"
        outside.write_text("reason: not ours\n")
        os.symlink(outside, switch)
    site.commit()
    status = run_cli("status", cwd=site.root, timeout=60)
    assert status.returncode == 0 and "Traceback" not in status.stderr
    assert "paused.yaml exists (it cannot be read)" in status.stdout
    result = run_publish(site, allow_dirty=kind == "fifo")
    assert result.paused is not None and "cannot be read" in result.paused.reason
    assert not (site.root / "feed.xml").exists()


@pytest.mark.parametrize("name", ["styleguide.yaml", "calendar.yaml", "socialops.yaml"])
@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self/environ"])
def test_a_project_file_linked_out_of_the_repository_is_refused_not_read(
        site: Site, run_cli_process, name: str, target: str) -> None:
    """A pull request can turn styleguide.yaml, calendar.yaml or socialops.yaml into a
    symlink: to /dev/zero (lint read it forever) or to /proc/self/environ (the process's
    secrets, which a parse error could quote). socialops refuses it, naming the file."""
    site.post("fine", ["feed"], "A real post.\n")
    path = site.root / name
    if path.exists():
        path.unlink()
    os.symlink(target, path)
    site.commit()
    out = run_cli_process("lint", cwd=site.root, timeout=60, env={"SOCIALOPS_TEST_SECRET": "hunter2-secret"})
    assert "Traceback" not in out.stderr and "hunter2-secret" not in out.stdout + out.stderr
    assert out.returncode in (1, 2)
    shown = out.stdout + out.stderr
    assert name in shown and "leads outside the repository through a symlink" in shown
    plan = run_cli_process("plan", cwd=site.root, timeout=60)
    assert "Traceback" not in plan.stderr
