"""The progress display of long runs (publish's parts, lint's posts): a counter with an ETA
on the terminal's standard error, removed when the run ends (the summary follows). Only on a
terminal, never in CI logs; the commands do not make one for their machine formats."""

from __future__ import annotations

import os
import threading
import time
from typing import Any


def live(err: Any) -> bool:
    """A live display only on a terminal, never in CI logs (CI=true, GITHUB_ACTIONS), nor
    through a pipe that FORCE_COLOR makes rich treat as one (colour, yes; redrawn lines, no)."""
    if not err.is_terminal or os.environ.get("CI") == "true" or os.environ.get("GITHUB_ACTIONS") == "true":
        return False
    try:
        return bool(err.file.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Counter:
    """`done/total unit`, the time taken, an ETA and what was done last.

    `threaded`: rich redraws from its own thread (publish, waiting on the network);
    otherwise it is redrawn from `advance`, at most ten times a second, and no thread runs
    (lint forks its workers: no thread may hold a lock at a fork)."""

    def __init__(self, err: Any, label: str, unit: str, *, threaded: bool = True) -> None:
        from rich.markup import escape
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn(f"[bold]{escape(label)}[/]"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn(escape(unit)), TimeElapsedColumn(), TextColumn("ETA"),
                                 TimeRemainingColumn(), TextColumn("{task.fields[last]}", style="dim"),
                                 console=err, transient=True, auto_refresh=threaded)
        self.threaded = threaded
        self.task: Any = None
        self.total = 0
        self.done = 0
        self.last = ""
        self.drawn = 0.0
        self.lock = threading.Lock()

    @property
    def console(self) -> Any:
        return self.progress.console

    def start(self, total: int) -> None:
        with self.lock:
            if total and not self.total:
                self.total = total
                self.progress.start()
                self.task = self.progress.add_task("run", total=total, completed=self.done, last=self.last)

    def advance(self, steps: int = 1, last: str = "") -> None:
        with self.lock:
            self._set(self.done + steps, last)

    def update(self, done: int, last: str = "") -> None:
        """`done` of `total` so far (a callback for the run)."""
        with self.lock:
            self._set(done, last)

    def _set(self, done: int, last: str) -> None:
        self.done, self.last = done, last or self.last
        if self.task is None:
            return
        now = time.monotonic()
        self.progress.update(self.task, completed=self.done, last=self.last)
        if not self.threaded and now - self.drawn >= 0.1:
            self.drawn = now
            self.progress.refresh()

    def close(self) -> None:
        with self.lock:
            if self.task is not None:
                self.progress.stop()
                self.task = None
