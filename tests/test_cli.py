"""The command line builds only the command it runs: the table of which module registers
which command is the modules' own, and help and unknown words still see every command."""

from __future__ import annotations

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
