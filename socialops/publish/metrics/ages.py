"""When a published part is sampled: at ages 1 h, 1, 2, 3, 7, 14, 30 and 90 days after it
went out (socialops.yaml `metrics: {ages: [...]}` changes them). A run takes one sample of
every part whose latest age has come and has no sample from that age on yet, so a run
that was missed is caught up by the next one (once, at the real time, not once per age
missed). A part is no longer sampled once it has a sample from its last age, or when it
is more than LATE past its last age without one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from socialops.errors import SocialopsError
from socialops.timeutil import TimeError, parse_duration

DEFAULT_AGES = ("1h", "1d", "2d", "3d", "7d", "14d", "30d", "90d")
LATE = timedelta(days=30)


def configured(config: dict[str, Any]) -> tuple[timedelta, ...]:
    """The ages from socialops.yaml (`metrics: {ages: [1h, 1d, ...]}`), sorted."""
    section = config.get("metrics")
    values = section.get("ages") if isinstance(section, dict) else None
    if values is None:
        values = DEFAULT_AGES
    if not isinstance(values, list | tuple) or not values:
        raise SocialopsError("socialops.yaml: `metrics: ages:` must be a list of durations (1h, 1d, 7d)")
    try:
        ages = sorted({parse_duration(v) for v in values})
    except TimeError as exc:
        raise SocialopsError(f"socialops.yaml: `metrics: ages:` {exc}") from None
    if ages[0] <= timedelta(0):
        raise SocialopsError("socialops.yaml: `metrics: ages:` must be longer than 0")
    return tuple(ages)


def due(published: datetime, last_sample: datetime | None, now: datetime,
        ages: Sequence[timedelta]) -> bool:
    """Whether a part published at `published`, last sampled at `last_sample`, is due now."""
    age = now - published
    reached = [a for a in ages if a <= age]
    if not reached or age > ages[-1] + LATE:
        return False
    if last_sample is None:
        return True
    return last_sample - published < reached[-1]


def window(ages: Sequence[timedelta]) -> timedelta:
    """How far back a published part can still be due."""
    return ages[-1] + LATE
