"""The edge: typer commands, one handler for user errors, exit codes.

Exit codes: 0 fine; 1 findings or failures; 2 bad usage or a project that cannot be read.
Each area of commands lives in socialops/commands/<area>.py with a `register(app)`.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from socialops import __version__
from socialops.errors import SocialopsError

app = typer.Typer(
    name="socialops",
    help="Social media as code: lint, preview, schedule and publish posts kept in git.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEBUG = {"on": False}

COMMAND_MODULES = ["project", "lint", "rules", "preview", "calendar", "publish", "review"]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"socialops {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")] = False,
) -> None:
    DEBUG["on"] = debug


for _name in COMMAND_MODULES:
    _module = importlib.import_module(f"socialops.commands.{_name}")
    if hasattr(_module, "register"):
        _module.register(app)


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:  # fast path: no command modules needed
        print(f"socialops {__version__}")
        return
    try:
        app()
    except SocialopsError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # the one place an unexpected error is turned into a message
        if DEBUG["on"] or "--debug" in argv:
            raise
        _fail(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 2)


def _fail(message: str, code: int) -> None:
    from rich.markup import escape

    from socialops.output import console

    console(stderr=True).print(f"[bold red]error:[/] {escape(message)}")
    sys.exit(code)
