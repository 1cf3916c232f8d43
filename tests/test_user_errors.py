"""Every error a user can cause is a message and an exit code, never "unexpected error" or
a traceback: each command is run (as users run it, in a subprocess) with a clock that is
not a time, a post that does not exist, a path outside the repository, and outside any
project. The commands come from the command line itself, so a new one is covered too."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import typer

from socialops import cli as socialops_cli
from tests.conftest import ProjectDir, Result

# what a command needs besides the input under test, to get as far as reading it
REQUIRED = {
    "new": ["A title"], "pause": ["--reason", "Crisis"],
    "resolve": ["--channel", "feed", "--as", "published"],
}
POST_ARGUMENT = {"preview", "status", "retract", "resolve"}  # take a post id or path
BAD_POSTS = ["no/such/post", "../outside", "/etc/passwd"]


def _params() -> dict[str, set[str]]:
    group = typer.main.get_command(socialops_cli.app)
    assert isinstance(group, typer.core.TyperGroup)
    return {name: {p.name or "" for p in cmd.params} for name, cmd in group.commands.items()}


def _cases(root: Path, empty: Path) -> list[tuple[str, list[str], Path]]:
    cases: list[tuple[str, list[str], Path]] = []
    for name, params in sorted(_params().items()):
        base = [name, *REQUIRED.get(name, [])]
        if "now" in params:
            cases.append(("bad --now", [*base, *(["x"] if name == "resolve" else []), "--now", "garbage"], root))
        for bad in BAD_POSTS:
            if name in POST_ARGUMENT:
                cases.append((f"post {bad}", [*base[:1], bad, *base[1:]], root))
            if name == "publish":
                cases.append((f"post {bad}", [*base, "--dry-run", "--post", bad], root))
            if name == "lint":
                cases.append((f"path {bad}", [*base, bad], root))
        if name not in {"init", "rules"}:
            args = [*base[:1], "x", *base[1:]] if name in POST_ARGUMENT else base
            cases.append(("no project", args, empty))
    return cases


def test_no_command_ends_in_an_unexpected_error(project: ProjectDir, tmp_path: Path,
                                                cli_process: Callable[..., Result]) -> None:
    cli = cli_process  # real processes, four at a time
    project.post("a.md", "channels: [feed]\npublish_at: 2026-12-01T09:00\nstatus: ready")
    project.commit("start")
    empty = tmp_path / "not-a-project"
    empty.mkdir()
    cases = _cases(project.root, empty)
    assert len(cases) > 40
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda c: cli(*c[1], cwd=c[2]), cases))
    wrong = [f"{what}: socialops {' '.join(argv)} -> {r.exit_code}: {r.output.strip()[-300:]}"
             for (what, argv, _), r in zip(cases, results, strict=True)
             if r.exit_code == 0 or "unexpected error" in r.output or "Traceback" in r.output]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("argv", [["lint", "--now", "garbage"], ["status", "--now", "garbage"]])
def test_a_bad_clock_says_what_a_time_looks_like(project: ProjectDir, cli: Callable[..., Result],
                                                 argv: list[str]) -> None:
    result = cli(*argv, cwd=project.root)
    assert result.exit_code == 2 and "garbage" in result.stderr and "unexpected" not in result.stderr
