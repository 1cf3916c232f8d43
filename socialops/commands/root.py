"""The root of the command line: the typer app with its global options (--version, --debug)
and the commands of the command modules asked for. socialops/cli.py, the entry point,
imports this (and with it typer) only for a run that needs it, so `--version` does not."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from socialops import __version__

#: --debug was given: cli.py shows the traceback of an unexpected error
DEBUG = {"on": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"socialops {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")] = False,
) -> None:
    DEBUG["on"] = debug


def build_app(modules: list[str]) -> typer.Typer:
    """The CLI with the commands of these command modules (cli.py lists them)."""
    app = typer.Typer(
        name="socialops",
        help="Social media as code: lint, preview, schedule and publish posts kept in git.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in modules:
        module = importlib.import_module(f"socialops.commands.{name}")
        if hasattr(module, "register"):
            module.register(app)
    return app
