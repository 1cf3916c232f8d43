"""The text of `--help`, kept from the last time it was shown the same way.

Rendering help loads typer's rich formatting (rich, its Markdown and markdown-it: about
100 ms of imports) to print text that changes only with socialops, typer or rich, the
command line and the terminal. The text shown is kept in the user's cache folder
(`~/.cache/socialops/help`, like the compiled schema checks) under a key of all of those:
socialops's version and the size and time of its command modules, the program's name, typer's and rich's
installed files, the Python version, the words of the command line, whether the output is a
terminal and its size, its encoding, and the environment variables that change rich's output
(colour, width). A help run with a key seen before prints the kept text (byte for byte what
rich printed then) without importing typer. This module imports neither typer nor rich.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path
from typing import IO, Any

from socialops import digests

_WORD = re.compile(r"^[a-z][a-z0-9-]*$")
_ENV = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TTY_COMPATIBLE",
        "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "TYPER_USE_RICH", "_TYPER_FORCE_DISABLE_TERMINAL",
        "PYTHONIOENCODING", "LANG", "LC_ALL", "LC_CTYPE")
STALE_DAYS = 30


def wanted(argv: list[str]) -> bool:
    """A request for help only: command names and -h/--help, nothing else."""
    return any(a in ("-h", "--help") for a in argv) and all(a in ("-h", "--help") or _WORD.match(a) for a in argv)


def show(argv: list[str]) -> bool:
    """Print the kept help for this command line; False when there is none."""
    file = _file(argv)
    if file is None:
        return False
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


class Recording:
    """sys.stdout while help is rendered: everything written goes through, and is kept."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        written = self._stream.write(text)  # first: click tries bytes, which a text stream refuses
        self.parts.append(text)
        return written

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding...: the real stream's
        return getattr(self._stream, name)


def keep(argv: list[str], text: str) -> None:
    """Keep the help text for the next run (a failure only costs speed)."""
    file = _file(argv, create=True)
    if file is None or not text:
        return
    import time

    temporary = file.with_name(f".{file.name}.{os.getpid()}")
    try:
        temporary.write_text(text, "utf-8")
        os.replace(temporary, file)
        for old in file.parent.glob("*.txt"):
            if old.stat().st_mtime < time.time() - STALE_DAYS * 86400:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _file(argv: list[str], create: bool = False) -> Path | None:
    from socialops.safepaths import private

    if os.environ.get("SOCIALOPS_NO_CACHE"):
        return None
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or "")
        if not base.is_absolute():
            base = Path.home() / ".cache"
        if not base.is_absolute():
            return None
        folder = base / "socialops" / "help"
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):
        return None
    if not private(folder):
        return None
    file = folder / f"{_key(argv)}.txt"
    return file if create or (file.is_file() and private(file)) else None


def _key(argv: list[str]) -> str:
    import socialops

    out = sys.stdout
    try:
        terminal = out.isatty()
        size = tuple(os.get_terminal_size(out.fileno())) if terminal else None
    except (OSError, ValueError, AttributeError):
        terminal, size = False, None
    parts = ["1", socialops.__version__, sys.version, "\0".join(getattr(sys, "orig_argv", sys.argv)), sys.argv[0],
             "\0".join(argv), str(terminal), str(size),
             str(getattr(out, "encoding", None)), *(f"{k}={os.environ.get(k)}" for k in _ENV)]
    package = Path(socialops.__file__).parent
    files = [package / "__init__.py", package / "cli.py", *sorted((package / "commands").glob("*.py"))]
    from importlib.util import find_spec

    for name in ("typer", "rich", "click"):
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
    for path in files:
        try:
            st = path.stat()
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:-")
    return digests.sha256("\n".join(parts).encode()).hexdigest()[:32]
