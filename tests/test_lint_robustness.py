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


def _cache_index(project: ProjectDir) -> tuple[bytes, dict[str, object], int]:
    """(the cache file's rests, its index, the row of posts/a.md): lint/cache.py's format,
    with each column's bytes and the list of ids in the index, to edit."""
    import marshal
    import struct

    from socialops.lint.cache import Index

    raw = (project.root / ".git" / "socialops" / "lint-cache").read_bytes()
    where, length = struct.unpack("<QQ", raw[-16:])
    data = marshal.loads(raw[where:where + length])
    at, rows = data.pop("columns_at"), data["rows"]
    for k, (name, _) in enumerate(Index.COLUMNS):
        data[name] = raw[at + k * rows * 8:at + (k + 1) * rows * 8]
    if isinstance(data["ids"], str):
        data["ids"] = data["ids"].split("\0")
    return raw[:at], data, data["rels"].split("\0").index("posts/a.md")


def _write_cache(project: ProjectDir, rests: bytes, data: dict[str, object]) -> None:
    """The file again, from what _cache_index gave (edited); a column cut short leaves the
    columns running into the index."""
    import marshal
    import struct

    from socialops.lint.cache import Index

    rests += bytes(-len(rests) % 8)
    columns = b"".join(data.pop(name) for name, _ in Index.COLUMNS)  # type: ignore[misc]
    index = marshal.dumps({**data, "columns_at": len(rests)})
    (project.root / ".git" / "socialops" / "lint-cache").write_bytes(
        rests + columns + index + struct.pack("<QQ", len(rests) + len(columns), len(index)))


def _set(data: dict[str, object], column: str, row: int, value: int) -> None:
    from array import array

    values = array("q")
    values.frombytes(data[column])  # type: ignore[arg-type]
    values[row] = value
    data[column] = values.tobytes()


@pytest.mark.parametrize("odd", ["offset-far", "offset-negative", "length-far", "column-short", "rows-more",
                                 "rest-short",
                                 "rest-text", [[], [], "", {}, [0, 0, 0, 0], [["x", "UTC", 10**30]], False]])
def test_a_cache_entry_of_any_other_shape_is_read_from_the_file(project: ProjectDir, monkeypatch: pytest.MonkeyPatch,
                                                                 odd: object) -> None:
    import marshal

    import socialops.lint.cache as lintcache

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    project.post("a.md", "channels: [nowhere]\npublish_at: 2026-12-01T09:00")
    proj = Project.load(project.root)
    first = lint_module.lint(proj, None, NOW).problems
    rests, data, row = _cache_index(project)  # the right stamp stays, so that the rest is read
    if odd == "offset-far":
        _set(data, "offsets", row, 10**12)
    elif odd == "offset-negative":
        _set(data, "offsets", row, -5)
    elif odd == "length-far":
        _set(data, "lengths", row, 10**12)
    elif odd == "column-short":
        data["times"] = data["times"][:-8]  # type: ignore[index]
    elif odd == "rows-more":
        data["rows"] = 10**9
    else:
        rest = b"\xff" if odd == "rest-short" else marshal.dumps("text" if odd == "rest-text" else odd)
        _set(data, "offsets", row, len(rests))
        _set(data, "lengths", row, len(rest))
        rests += rest
    _write_cache(project, rests, data)
    assert lint_module.lint(proj, None, NOW).problems == first


@pytest.mark.parametrize("odd", [("ids", None), ("ids", 7), ("channel_sets", "x"), ("channel_sets", (1,)),
                                 ("status_names", None), ("campaign_names", 3), ("folders", "x"), ("channels", 99)])
def test_a_one_post_lint_reads_another_post_whose_cache_entry_has_another_shape(
        project: ProjectDir, monkeypatch: pytest.MonkeyPatch, odd: tuple[str, object]) -> None:
    import socialops.lint.cache as lintcache

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    project.post("a.md", "id: same\nchannels: [mastodon-main]\npublish_at: 2026-12-01T09:00")
    mine = project.post("b.md", "id: same\nchannels: [mastodon-main]\npublish_at: 2026-12-02T09:00")
    proj = Project.load(project.root)
    first = lint_module.lint(proj, [mine], NOW).problems
    lint_module.lint(proj, None, NOW)
    rests, data, row = _cache_index(project)
    column, value = odd
    if column == "channels":
        _set(data, column, row, value)  # type: ignore[arg-type]
    elif column == "folders":
        data[column] = [value]
    else:
        names = list(data[column])  # type: ignore[call-overload]
        names[0 if column != "ids" else row] = value
        data[column] = names
    _write_cache(project, rests, data)
    assert lint_module.lint(proj, [mine], NOW).problems == first
    assert [p.rule for p in first] == ["duplicate-id"]
