"""Work done in a forked process while this one goes on (calendar.speed.meanwhile: a metrics
report's ledger and posts, a fresh clone's briefs): the same result as here, whatever
happens to the child, and no child left behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from socialops.calendar import speed

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the system cannot fork")


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speed, "usable_cores", lambda: 2)  # as on a machine with a core to spare


def test_the_childs_result_is_the_works() -> None:
    parent = os.getpid()
    with speed.meanwhile(lambda: {"by": os.getpid() != parent, "rows": [1, 2, (3, "x")]}) as result:
        assert result() == {"by": True, "rows": [1, 2, (3, "x")]}


def test_a_child_that_fails_leaves_the_work_to_this_process() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "done here"

    with speed.meanwhile(work) as result:
        assert result() == "done here"


def test_without_fork_the_work_is_done_here_when_asked_for() -> None:
    asked: list[int] = []
    with speed.meanwhile(lambda: asked.append(os.getpid()) or "x", fork=False) as result:
        assert asked == []
        assert result() == "x" and asked == [os.getpid()]


def test_a_child_whose_result_is_not_asked_for_is_stopped(tmp_path: Path) -> None:
    """This process fails (or is interrupted) while the child works: the child is stopped
    and reaped on the way out, not left running."""
    said = tmp_path / "pid"

    def work() -> None:
        said.write_text(str(os.getpid()))
        time.sleep(60)

    with pytest.raises(KeyboardInterrupt), speed.meanwhile(work):
        while not said.exists() or not said.read_text():
            time.sleep(0.01)
        raise KeyboardInterrupt
    child = int(said.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # gone, and reaped (a zombie would still take the signal)
