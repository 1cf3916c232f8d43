"""The calendar's fast walk over plain cron expressions gives exactly croniter's times,
and croniter's own walk is used for what only it understands (L, W, #)."""

from __future__ import annotations

from datetime import datetime

import pytest

from socialops.calendar.cron import _plain_fields, _walk, cron_problem, wall_times

FIRST, LAST = datetime(2026, 1, 1), datetime(2027, 12, 31, 23, 59)
PLAIN = ["0 8-20 * * *", "*/15 * * * *", "0 9 * * 7", "0 9 * * SUN", "0 9 1,15 * MON", "@daily", "@weekly",
         "@monthly", "@yearly", "@hourly", "0 9 ? * *", "0 9 * * 1-7", "0 0 29 2 *", "30 2 * * *",
         "30 8 * * MON-FRI", "15 12 * * SAT,SUN", "5 4 * JUN-AUG *", "0 0 1-7 * 1", "*/7 */5 */3 */2 *",
         "0 12 31 * *", "0 9 * JAN,JUL SAT", "59 23 28-31 * *"]
SPECIAL = ["0 9 L * *", "0 9 * * 5#2", "0 9 * * L5", "0 9 15W * *", "0 9 * * MON#1"]


@pytest.mark.parametrize("expr", PLAIN)
def test_the_fast_walk_agrees_with_croniter(expr: str) -> None:
    assert _plain_fields(expr) is not None
    assert wall_times(expr, FIRST, LAST) == _walk(expr, FIRST, LAST)


@pytest.mark.parametrize("expr", SPECIAL)
def test_special_expressions_are_walked_by_croniter(expr: str) -> None:
    assert _plain_fields(expr) is None
    found = wall_times(expr, FIRST, LAST)
    assert len(found) == 24 and found == _walk(expr, FIRST, LAST)


def test_bounds_are_inclusive() -> None:
    assert wall_times("0 9 * * *", datetime(2026, 1, 1, 9), datetime(2026, 1, 2, 9)) == [
        datetime(2026, 1, 1, 9), datetime(2026, 1, 2, 9)]


@pytest.mark.parametrize(("expr", "message"), [
    ("0 9 * *", "'0 9 * *' has 4 fields; a cron expression has five fields"),
    ("every day", "'every day' has 2 fields"),
    ("0 9 * * 8", "'0 9 * * 8' is not a valid cron expression"),
    ("0 9 31 4 *", "'0 9 31 4 *' never fires: no day matches it"),
])
def test_cron_problems(expr: str, message: str) -> None:
    found = cron_problem(expr)
    assert found is not None and found.startswith(message)
    assert cron_problem("@weekly") is None and cron_problem(" 0 9 * * MON-FRI ") is None
