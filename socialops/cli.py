"""The edge: the entry point, one handler for user errors, exit codes.

Exit codes: 0 fine; 1 findings or failures; 2 bad usage or a project that cannot be read.
Each area of commands lives in socialops/commands/<area>.py with a `register(app)`; the
typer app itself is built in socialops/commands/root.py.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

from socialops import __version__
from socialops.errors import SocialopsError

if TYPE_CHECKING:
    import typer

COMMAND_MODULES = ["project", "lint", "rules", "preview", "calendar", "publish", "review", "metrics"]
# The module that registers each command (tests/test_cli.py checks this against them): a
# run imports and builds only the module of the command it runs, not all of them.
COMMANDS = {
    "init": "project", "new": "project", "upgrade-workflows": "project", "lint": "lint", "rules": "rules", "preview": "preview",
    "schedule": "calendar", "plan": "calendar", "calendar": "calendar",
    "publish": "publish", "status": "publish", "pause": "publish", "resume": "publish",
    "retract": "publish", "resolve": "publish", "doctor": "publish",
    "review": "review", "codeowners": "review", "remind": "review",
    "metrics": "metrics",
}


def modules_for(argv: list[str]) -> list[str] | None:
    """The command module a command line needs: the one of its command, or None (all) for
    the overall help and for a word that is no command, so that click lists them all."""
    for arg in argv:
        if arg in ("-h", "--help"):
            return None
        if not arg.startswith("-"):  # the root options (--debug, --version) take no value
            return [COMMANDS[arg]] if arg in COMMANDS else None
    return None


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # `socialops.cli.app`: every command, as the README table reads them
        from socialops.commands.root import build_app

        return build_app(COMMAND_MODULES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:  # fast path: neither typer nor any command module needed
        print(f"socialops {__version__}")
        return
    collecting = gc.isenabled()
    # Start-up (the imports, the app) makes some 25,000 objects the cycle collector tracks,
    # all kept: it ran some 35 times over them for nothing (8-15 ms of a one-post lint). lint
    # runs without it anyway (calendar.speed.without_gc) and ends with os._exit: it stays off.
    gc.disable()
    try:
        if _help(argv):
            return
        from socialops.commands.root import build_app

        modules = modules_for(argv)
        app = build_app(modules or COMMAND_MODULES)
        if collecting and modules != ["lint"]:
            gc.enable()
        app()
    except SystemExit as done:
        if argv[:1] == ["lint"] and (done.code is None or isinstance(done.code, int)):
            _exit_now(done.code or 0)
        raise
    except SocialopsError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # the one place an unexpected error is turned into a message
        if "--debug" in argv or _debug():
            raise
        _fail(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 2)
    finally:
        if collecting:
            gc.enable()


def _help(argv: list[str]) -> bool:
    """--help: the text kept from the last time it was shown the same way, else rendered
    (typer and rich) and kept (socialops/commands/helpcache.py). True when it was shown."""
    if "-h" not in argv and "--help" not in argv:  # every other run: helpcache (hashlib, OpenSSL) not loaded
        return False
    from socialops.commands import helpcache

    if sys.stdout is None or not helpcache.wanted(argv):  # None: started with the stream closed (`>&-`)
        return False
    if helpcache.show(argv):
        return True
    from socialops.commands.root import build_app

    recording = helpcache.Recording(sys.stdout)
    sys.stdout = recording
    try:
        build_app(modules_for(argv) or COMMAND_MODULES)()
    except SystemExit as done:
        if done.code not in (None, 0):
            raise
    finally:
        sys.stdout = recording._stream
    helpcache.keep(argv, "".join(recording.parts))
    return True


def _debug() -> bool:
    from socialops.commands.root import DEBUG

    return DEBUG["on"]


def _exit_now(code: int) -> None:
    """End a finished lint without tearing the interpreter down: freeing the thousands of
    posts it read, one object at a time, takes longer than a small repository's whole lint.
    Everything is written and closed by then; only the output streams need a flush."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: started with the stream closed (`>&-`)
                stream.flush()
        except (OSError, ValueError):  # a reader gone (`| head`), a full disk: the output is lost
            code = code or 1
    os._exit(code)


def _fail(message: str, code: int) -> None:
    from rich.markup import escape

    from socialops.commands.output import console

    console(stderr=True).print(f"[bold red]error:[/] {escape(message)}")
    sys.exit(code)
