"""The command line builds only the command it runs: the table of which module registers
which command is the modules' own, and help and unknown words still see every command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from socialops import __version__
from socialops import cli as socialops_cli
from socialops.commands.root import build_app
from tests.conftest import Result


@pytest.fixture
def cli(cli_process: Callable[..., Result]) -> Callable[..., Result]:
    """Here every command runs in a new process: what --help shows and keeps, and what a
    run imports, are the process's own."""
    return cli_process


def _names(app: typer.Typer) -> list[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return list(group.commands)


def test_the_command_table_is_what_the_modules_register() -> None:
    for module in socialops_cli.COMMAND_MODULES:
        assert sorted(_names(build_app([module]))) == sorted(c for c, m in socialops_cli.COMMANDS.items() if m == module)
    assert _names(socialops_cli.app) == _names(build_app(socialops_cli.COMMAND_MODULES)) and sorted(_names(socialops_cli.app)) == sorted(socialops_cli.COMMANDS)


@pytest.mark.parametrize(("argv", "modules"), [
    (["lint", "posts/a.md"], ["lint"]),
    (["--debug", "publish", "--dry-run"], ["publish"]),
    (["status"], ["publish"]),
    (["lint", "--help"], ["lint"]),
    (["--help"], None),
    (["-h", "lint"], None),
    (["lnt"], None),
    ([], None),
])
def test_modules_for_a_command_line(argv: list[str], modules: list[str] | None) -> None:
    assert socialops_cli.modules_for(argv) == modules


def test_help_and_unknown_commands_see_every_command(cli: Callable[..., Result], tmp_path: Path) -> None:
    shown = cli("--help", cwd=tmp_path)
    assert shown.exit_code == 0
    for name in socialops_cli.COMMANDS:
        assert f" {name} " in shown.stdout, name
    wrong = cli("lnt", cwd=tmp_path)
    assert wrong.exit_code == 2 and "No such command 'lnt'" in wrong.output
    one = cli("--debug", "rules", "--help", cwd=tmp_path)
    assert one.exit_code == 0 and "Usage: python -m socialops rules" in one.stdout


def test_version_needs_no_typer() -> None:
    code = ("import sys; sys.argv = ['socialops', '--version']; from socialops.cli import main; main(); "
            "assert 'typer' not in sys.modules, 'typer was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"socialops {__version__}\n", "")


def test_help_is_kept_and_shown_again_without_loading_typer(cli: Callable[..., Result], tmp_path: Path) -> None:
    """`--help` costs typer's and rich's imports once per socialops, terminal and command line;
    afterwards the same text comes from the user's cache folder (socialops/commands/helpcache.py)."""
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = cli("--help", cwd=tmp_path, env=env)
    again = cli("--help", cwd=tmp_path, env=env)
    assert first.exit_code == again.exit_code == 0 and first.stdout == again.stdout and " lint " in again.stdout
    kept = list((tmp_path / "cache" / "socialops" / "help").glob("*.txt"))
    assert len(kept) == 1 and kept[0].read_text("utf-8") == first.stdout
    kept[0].write_text(first.stdout + "(kept)\n", "utf-8")
    assert cli("--help", cwd=tmp_path, env=env).stdout.endswith("(kept)\n")
    narrow = cli("--help", cwd=tmp_path, env={**env, "COLUMNS": "60"})  # another terminal: rendered again
    assert "(kept)" not in narrow.stdout and max(len(line) for line in narrow.stdout.splitlines()) <= 60
    lint_help = cli("lint", "-h", cwd=tmp_path, env=env)
    assert "Usage: python -m socialops lint" in lint_help.stdout and "(kept)" not in lint_help.stdout
    code = ("import sys; sys.argv = ['socialops', '--help']; from socialops.cli import main; main(); "
            "print('typer' in sys.modules, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60,
                           env={**os.environ, **env}) for _ in range(2)]
    assert [(r.returncode, r.stderr) for r in runs] == [(0, "True\n"), (0, "False\n")]
    assert runs[0].stdout == runs[1].stdout and "Usage:" in runs[1].stdout
    off = cli("--help", cwd=tmp_path, env={**env, "SOCIALOPS_NO_CACHE": "1"})
    assert off.exit_code == 0 and "(kept)" not in off.stdout


def test_help_with_the_output_closed_still_succeeds(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(Path(__file__).parent.parent)}
    for _ in range(2):  # the first run renders and would keep it, the second would show the kept text
        done = subprocess.run(f"{sys.executable} -m socialops --help >&-", shell=True, capture_output=True,
                              text=True, check=False, timeout=60, env=env)
        assert (done.returncode, done.stderr) == (0, "")
