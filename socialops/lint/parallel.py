"""Lint on several cores: the posts checked in forked workers. Everything about forking
and Ctrl-C in those processes is here; the run (lint/__init__.py) asks only
how many workers pay (`worker_count`) and hands over its batch checker."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from socialops.calendar.speed import usable_cores
from socialops.lint.cache import Sealed, Stamp
from socialops.lint.context import LintContext
from socialops.model import PostBrief
from socialops.problems import Problem

# a post's brief, its content findings, the others, its entry for the lint cache
Checked = tuple[PostBrief.State, list[Problem], list[Problem], Sealed | None]
Checker = Callable[[LintContext, list[tuple[str, Stamp | None]]], Iterable[Checked]]

# Posts; below this, the workers cost more than they save, and below BUSY_FACTOR times it
# when no core is idle (the load average of the last minute, against the cores this process
# may use). Measured with bench/parallel.py (bench/README.md, issue 17) on 2 cores: idle (load
# 0.8-1.1) workers/serial wall time 0.86 at 1,000 posts, 0.75 at 2,000, 0.66 at 5,000, 0.62
# at 10,000; busy (load 4-6) 1.17 at 1,000, 1.27 at 2,000, 1.01-1.14 at 5,000, 0.95-1.11 at
# 10,000, 0.62 at 15,000, 0.83-1.14 at 20,000; 8-24 % more CPU time at every size.
PARALLEL_FROM = 2000
BUSY_FACTOR = 5
_FORKED: dict[str, Any] = {}  # what the forked workers inherit


def worker_count(posts: int) -> int:
    if posts < PARALLEL_FROM:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = usable_cores()
    if posts < PARALLEL_FROM * BUSY_FACTOR and _idle(cores) < 1:
        return 1
    return min(cores, 8)


def _idle(cores: int) -> float:
    """Cores no process wanted over the last minute (the load average), as far as known."""
    try:
        return cores - os.getloadavg()[0]
    except (AttributeError, OSError):
        return float(cores)


def check_in_workers(ctx: LintContext, stale: list[tuple[str, Stamp | None]], workers: int,
                     check: Checker, advance: Callable[[int], None] | None = None) -> Iterator[Checked]:
    """`check` for every path in forked workers, each result as it comes. The first post is
    checked here before the fork, so the caches every worker needs (style guide, compiled
    patterns) are built once. Each worker sends back, per post, its brief (what the checks
    across posts need of it), its findings and its entry for the lint cache, ready for the
    file: the posts themselves stay in the worker. `advance` hears, in this process, how
    many posts each chunk held as it comes back."""
    import multiprocessing
    import sys

    first = list(check(ctx, stale[:1]))
    if advance is not None:
        advance(len(first))
    yield from first
    chunks = workers * 16  # small enough that no worker idles long while another finishes
    step = max(1, (len(stale) - 1) // chunks + 1)
    ranges = [(i, min(i + step, len(stale))) for i in range(1, len(stale), step)]
    _FORKED["ctx"], _FORKED["stale"], _FORKED["check"] = ctx, stale, check
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as pool:
            for chunk in pool.imap(_check_range, ranges):  # kept while the others run
                yield from chunk
                if advance is not None:
                    advance(len(chunk))
    finally:
        _FORKED.clear()


def _ignore_interrupt() -> None:
    """In a forked process: Ctrl-C is the main process's to handle (it ends the others);
    here it would print the traceback of wherever it struck."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_range(bounds: tuple[int, int]) -> list[Checked]:
    ctx: LintContext = _FORKED["ctx"]
    check: Checker = _FORKED["check"]
    return list(check(ctx, _FORKED["stale"][bounds[0]:bounds[1]]))
