"""Times and durations as writers type them, read in the project timezone.

A naive time is local to the project timezone. A local time that does not exist (the
hour skipped when clocks go forward) or exists twice (the hour repeated when they go
back) is an error, never a guess.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialops.errors import SocialopsError


class TimeError(SocialopsError, ValueError):
    """A time or duration that cannot be used as written; the message says why. Checks
    that read a file catch it and report a finding at its line; a command-line value that
    raises it reaches cli.py, which shows the message (exit 2)."""


_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


#: the longest duration socialops takes (lateness, gaps, ages): ten years
MAX_DURATION = timedelta(days=3653)
#: the years a time may have: anything else is a typo, and near year 1 or 9999 the
#: arithmetic publish does (offsets, lateness, the calendar's look-ahead) would overflow
FIRST_YEAR, LAST_YEAR = 1900, 9000


def parse_duration(value: str | int) -> timedelta:
    """`30m`, `2h`, `1d`, `1w` (and `90s`); a bare number is minutes. At most ten years."""
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
        if abs(minutes) > MAX_DURATION.total_seconds() // 60:
            raise TimeError(f"'{value}' minutes is longer than ten years; write a shorter duration")
        return timedelta(minutes=value)
    match = _DURATION.match(str(value))
    if not match:
        raise TimeError(f"'{value}' is not a duration; write it like 30m, 2h or 1d")
    number = int(match.group(1)) if len(match.group(1)) <= 12 else None
    try:
        found = timedelta(**{_UNITS[match.group(2)]: number}) if number is not None else None
    except OverflowError:
        found = None
    if found is None or found > MAX_DURATION:
        raise TimeError(f"'{value}' is longer than ten years; write a shorter duration")
    return found


def duration_text(delta: timedelta) -> str:
    """A duration as every message shows it: `45m`, `1h 30m`, `36h`, `3d 4h` (minutes are
    left out from two days on, seconds always; a negative one reads as its length)."""
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h" + (f" {rest}m" if rest else "")
    days, hours = divmod(hours, 24)
    return f"{days}d" + (f" {hours}h" if hours else "")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeError(f"unknown timezone '{name}'; use an IANA name such as Europe/Berlin or UTC") from None


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_time(value: str, tz: ZoneInfo) -> datetime:
    """An aware datetime from `2026-12-01T09:00` (project timezone), `2026-12-01 09:00`,
    or a time with an offset (`...+01:00`, `...Z`)."""
    text = str(value).strip()
    if _DATE_ONLY.fullmatch(text):
        raise TimeError(f"'{text}' has no time of day; write it like {text}T09:00")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise TimeError(f"'{text}' is not a time; write it like 2026-12-01T09:00 (local) or 2026-12-01T09:00+01:00") from None
    check_year(parsed, text)
    if parsed.tzinfo is not None:
        return parsed
    return localize(parsed, tz)


def check_year(moment: datetime | date, text: str | None = None) -> None:
    """Raise TimeError for a time outside the years socialops takes (FIRST_YEAR-LAST_YEAR)."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        shown = text if text is not None else moment.isoformat()
        raise TimeError(f"'{shown}' is out of range: socialops takes times between the years "
                        f"{FIRST_YEAR} and {LAST_YEAR}; check the year")


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach the project timezone to a wall-clock time, refusing gaps and folds."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != naive:
            raise TimeError(
                f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks skip it); "
                "pick a time outside the change"
            )
        raise TimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {tz.key} (the clocks go back); "
            "give an offset such as "
            f"{naive:%Y-%m-%dT%H:%M}{_offset(first)} or pick another time"
        )
    return first


def exists_once(naive: datetime, tz: ZoneInfo) -> bool:
    """True when the wall-clock time exists exactly once in the timezone."""
    try:
        localize(naive, tz)
    except TimeError:
        return False
    return True


def _offset(dt: datetime) -> str:
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_now(value: str | None, tz: ZoneInfo) -> datetime:
    """The `--now` option: a time as above, or the current time when not given."""
    if value is None:
        return datetime.now(UTC)
    try:
        return parse_time(value, tz)
    except TimeError as exc:
        raise TimeError(f"--now: {exc.message}") from None


def iso(dt: datetime) -> str:
    """ISO 8601 with offset, to the minute when seconds are zero."""
    if dt.second == 0 and dt.microsecond == 0:
        return dt.isoformat(timespec="minutes")
    return dt.isoformat(timespec="seconds")
