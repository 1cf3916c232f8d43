"""Lint's fast paths (workers, the forked calendar, caches, the quick exit) find and report
exactly what the plain path does, and fail quietly where the plain path would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import socialops.lint as lint_module
import socialops.lint.parallel as lint_parallel
from socialops.model import Project
from tests.conftest import ProjectDir

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_linting_some_posts_in_parallel_checks_the_calendar_against_the_others(
        project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("calendar.yaml", "spacing: {min_gap: 2h}\n")
    linted = []
    for i in range(6):
        linted.append(project.post(f"a/p{i}.md", f"channels: [mastodon-main]\npublish_at: 2026-12-0{i + 1}T09:00"))
        project.post(f"b/q{i}.md", f"channels: [mastodon-main]\npublish_at: 2026-12-0{i + 1}T09:30")
    proj = Project.load(project.root)
    serial = lint_module.lint(proj, linted, NOW, use_cache=False).problems
    monkeypatch.setattr(lint_parallel, "PARALLEL_FROM", 2)
    parallel = lint_module.lint(proj, linted, NOW, use_cache=False).problems
    assert [(p.path, p.rule) for p in serial] == [(f"posts/a/p{i}.md", "calendar") for i in range(6)]
    assert "posts/b/q0.md" in serial[0].message
    assert parallel == serial


def test_lint_with_its_output_closed_ends_without_a_traceback(project: ProjectDir, cli) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    project.post("a.md", "channels: [nowhere]")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-m", "socialops", "lint"], cwd=project.root, env=env, text=True,
                          stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1), timeout=120)  # `lint >&-`
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    assert proc.returncode == cli("lint", cwd=project.root).exit_code == 1


@pytest.mark.parametrize("odd", [{}, {"0": 1}, "stamp-far", "stamp-negative", "rest-short", "rest-text",
                                 [[], [], "", {}, [0, 0, 0, 0], [["x", "UTC", 10**30]], False]])
def test_a_cache_entry_of_any_other_shape_is_read_from_the_file(project: ProjectDir, monkeypatch: pytest.MonkeyPatch,
                                                                 odd: object) -> None:
    import marshal
    import struct

    import socialops.lint.cache as lintcache

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    project.post("a.md", "channels: [nowhere]\npublish_at: 2026-12-01T09:00")
    proj = Project.load(project.root)
    first = lint_module.lint(proj, None, NOW).problems
    cache_file = project.root / ".git" / "socialops" / "lint-cache"
    raw = cache_file.read_bytes()  # the rests, the index, where the index is (lint/cache.py)
    where, length = struct.unpack("<QQ", raw[-16:])
    data, rests = marshal.loads(raw[where:where + length]), raw[:where]
    current, brief = data["posts"]["posts/a.md"][:2]  # the right stamp, so that the rest is read
    if odd == "stamp-far":
        data["posts"]["posts/a.md"] = (current, brief, 10**12, 5)
    elif odd == "stamp-negative":
        data["posts"]["posts/a.md"] = (current, brief, -1, 5)
    elif isinstance(odd, dict):
        data["posts"]["posts/a.md"] = odd
    else:
        rest = b"\xff" if odd == "rest-short" else marshal.dumps("text" if odd == "rest-text" else odd)
        data["posts"]["posts/a.md"] = (current, brief, len(rests), len(rest))
        rests += rest
    index = marshal.dumps(data)
    cache_file.write_bytes(rests + index + struct.pack("<QQ", len(rests), len(index)))
    assert lint_module.lint(proj, None, NOW).problems == first




@pytest.mark.parametrize("odd", [{}, (1, 2), ("x", "y", 0, 0), None])
def test_a_one_post_lint_reads_another_post_whose_cache_entry_has_another_shape(
        project: ProjectDir, monkeypatch: pytest.MonkeyPatch, odd: object) -> None:
    import marshal
    import struct

    import socialops.lint.cache as lintcache

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    project.post("a.md", "id: same\nchannels: [mastodon-main]\npublish_at: 2026-12-01T09:00")
    mine = project.post("b.md", "id: same\nchannels: [mastodon-main]\npublish_at: 2026-12-02T09:00")
    proj = Project.load(project.root)
    first = lint_module.lint(proj, [mine], NOW).problems
    lint_module.lint(proj, None, NOW)
    cache_file = project.root / ".git" / "socialops" / "lint-cache"
    raw = cache_file.read_bytes()
    where, length = struct.unpack("<QQ", raw[-16:])
    data = marshal.loads(raw[where:where + length])
    data["posts"]["posts/a.md"] = odd
    index = marshal.dumps(data)
    cache_file.write_bytes(raw[:where] + index + struct.pack("<QQ", where, len(index)))
    assert lint_module.lint(proj, [mine], NOW).problems == first
    assert [p.rule for p in first] == ["duplicate-id"]
