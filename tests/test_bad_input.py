"""Nasty post files: each gets a clear message at its line, and the other posts are
still linted (a good post next to it, and a post with a known finding)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

BOMB = """\
channels: [feed]
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""

CASES: dict[str, tuple[bytes, str, int]] = {
    # name: (file bytes, expected message fragment, expected line)
    "invalid-yaml": (b"---\nchannels: [feed\npublish_at: 2026-12-01T09:00\n---\nHi\n", "invalid YAML", 3),
    "tabs": (b"---\nchannels:\n\t- feed\n---\nHi\n", "tabs", 3),
    "empty": (b"", "the file is empty", 1),
    "whitespace-only": (b"  \n\n", "the file is empty", 1),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", 1),
    "latin1": (b"---\nchannels: [feed]\n---\nGr\xfc\xdfe aus K\xf6ln\n", "not UTF-8", 4),
    "alias-bomb": (("---\n" + BOMB + "---\nHi\n").encode(), "aliases expand", 2),
    "never-closed": (b"---\nchannels: [feed]\nstatus: ready\nHello\n", "never closes", 1),
    "no-front-matter": (b"Just some text\n", "starts with front matter", 1),
    "wrong-types": (b"---\nchannels: 5\nstatus: [ready]\n---\nHi\n", "is not", 2),
    "unknown-keys": (b"---\nchannels: [feed]\nchanels: [feed]\n---\nHi\n", "unknown key 'chanels'", 3),
    "list-front-matter": (b"---\n- feed\n---\nHi\n", "must be a mapping", 2),
}


def lint(cli, project) -> tuple[int, list[dict[str, object]], dict[str, int]]:
    result = cli("lint", "--format", "json", cwd=project.root)
    assert "Traceback" not in result.output, result.output
    data = json.loads(result.stdout)
    return result.exit_code, data["problems"], data["summary"]


def with_neighbours(project) -> None:
    project.post("good.md", "channels: [feed]")
    project.post("known-bad.md", "channels: [nowhere]")


def assert_neighbours_linted(problems) -> None:
    assert any(p["path"] == "posts/known-bad.md" and p["rule"] == "channel" for p in problems)
    assert not any(p["path"] == "posts/good.md" for p in problems)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_post_file(project, cli, name: str) -> None:
    data, fragment, line = CASES[name]
    with_neighbours(project)
    project.write(f"posts/{name}.md", data)
    code, problems, summary = lint(cli, project)
    assert code == 1
    mine = [p for p in problems if p["path"] == f"posts/{name}.md"]
    assert mine, problems
    assert any(fragment in str(p["message"]) for p in mine), mine
    assert any(p["line"] == line for p in mine), mine
    assert summary["files"] == 3
    assert_neighbours_linted(problems)


def test_utf8_bom_and_crlf_are_read_normally(project, cli) -> None:
    with_neighbours(project)
    project.write("posts/bom.md", "\ufeff---\r\nchannels: [nowhere-bom]\r\n---\r\nHallo\r\n".encode())
    code, problems, _ = lint(cli, project)
    assert code == 1
    mine = [p for p in problems if p["path"] == "posts/bom.md"]
    assert [(p["rule"], p["line"], p["column"]) for p in mine] == [("channel", 2, 12)]
    assert_neighbours_linted(problems)


def test_old_mac_line_endings_show_the_line_in_the_text_report(project, cli) -> None:
    project.write("posts/cr.md", b"---\rchannels: [nowhere-cr]\r---\rHallo\r")
    result = cli("lint", "posts/cr.md", cwd=project.root)
    assert result.exit_code == 1
    assert "2:12  error  unknown channel 'nowhere-cr'" in result.stdout
    assert "    2 | channels: [nowhere-cr]" in result.stdout


def test_ten_megabyte_file(project, cli) -> None:
    with_neighbours(project)
    project.write("posts/huge.md", b"---\nchannels: [feed]\n---\n" + b"a" * (10 * 1024 * 1024))
    code, problems, _ = lint(cli, project)
    assert code == 1
    [mine] = [p for p in problems if p["path"] == "posts/huge.md"]
    assert "10.5 MB" in str(mine["message"]) and "at most" in str(mine["message"])
    assert_neighbours_linted(problems)


def test_symlink_out_of_the_repository(project, cli, tmp_path: Path) -> None:
    with_neighbours(project)
    outside = tmp_path / "outside.md"
    outside.write_text("---\nchannels: [feed]\n---\nsecret\n")
    os.symlink(outside, project.root / "posts" / "link.md")
    code, problems, _ = lint(cli, project)
    assert code == 1
    [mine] = [p for p in problems if p["path"] == "posts/link.md"]
    assert mine["rule"] == "path" and "outside the repository" in str(mine["message"])
    assert_neighbours_linted(problems)


def test_post_in_a_folder_named_like_a_file(project, cli) -> None:
    with_neighbours(project)
    project.post("launch.md/inner.md", "channels: [nowhere-inner]")
    code, problems, summary = lint(cli, project)
    assert code == 1
    folder = [p for p in problems if p["path"] == "posts/launch.md"]
    assert folder and folder[0]["rule"] == "path" and "folder is named like a post file" in str(folder[0]["message"])
    inner = [p for p in problems if p["path"] == "posts/launch.md/inner.md"]
    assert inner and inner[0]["rule"] == "channel"
    assert summary["files"] == 3
    assert_neighbours_linted(problems)


def test_debug_shows_traceback_only_when_asked(project, cli) -> None:
    project.write("socialops.yaml", "- not\n- a mapping\n")
    result = cli("lint", cwd=project.root)
    assert result.exit_code == 2 and "socialops.yaml:1" in result.stderr
    assert "Traceback" not in result.output
