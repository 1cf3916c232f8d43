"""calendar.yaml as data: slots, spacing, blackouts, campaigns, recurring series, lateness.

Every time here is an aware datetime in UTC (compare and subtract them safely across DST
changes); views turn them into local time. Reading never raises for bad content: a YAML error, a schema violation or a time that
cannot be used becomes a Problem at its line in calendar.yaml, and the part that could
not be read is left out. A missing calendar.yaml is an empty calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialops import schemas, yamlio
from socialops.errors import SocialopsError
from socialops.model import CALENDAR_FILE, Project, has_file, read_project_file
from socialops.problems import Level, Problem
from socialops.timeutil import TimeError, parse_duration, parse_time

DEFAULT_LATENESS = timedelta(hours=6)
KeyPath = list[str | int]


@dataclass(frozen=True, slots=True)
class Limits:
    """Spacing on one channel: a minimum gap between posts and a daily maximum."""

    min_gap: timedelta | None = None
    max_per_day: int | None = None


@dataclass(frozen=True, slots=True)
class Blackout:
    name: str
    start: datetime
    end: datetime  # exclusive
    channels: frozenset[str] | None  # None: every channel
    index: int  # position in calendar.yaml's blackouts list

    def covers(self, channel: str, at: datetime) -> bool:
        return self.start <= at < self.end and (self.channels is None or channel in self.channels)


@dataclass(frozen=True, slots=True)
class Campaign:
    name: str
    start: datetime
    end: datetime  # exclusive
    channels: frozenset[str] | None  # None: any channel
    goal: str | None = None
    owner: str | None = None
    targets: tuple[tuple[str, float], ...] = ()  # metric -> number, as `targets:` lists them

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class Series:
    """A recurring series: a cron in the project timezone, from a start to an optional end."""

    id: str
    cron: str
    channels: tuple[str, ...]
    start: datetime
    end: datetime | None  # exclusive
    post: str | None  # one template post (path from the repository root)
    pool: str | None  # a folder of posts used in rotation
    index: int  # position in calendar.yaml's recurring list


@dataclass
class Calendar:
    tz: ZoneInfo
    text: str = ""
    slots: dict[str, list[str]] = field(default_factory=dict)
    limits: Limits = Limits()
    channel_limits: dict[str, Limits] = field(default_factory=dict)
    campaign_limits: dict[str, Limits] = field(default_factory=dict)
    blackouts: list[Blackout] = field(default_factory=list)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    series: list[Series] = field(default_factory=list)
    lateness: timedelta = DEFAULT_LATENESS
    problems: list[Problem] = field(default_factory=list)
    exists: bool = False

    def __post_init__(self) -> None:
        self._locator = yamlio.Locator(self.text)

    def problem(self, path: KeyPath, message: str, rule: str = "calendar",
                level: Level = Level.ERROR, key: bool = True) -> Problem:
        pos = self._locator.key(path) if key else self._locator.value(path)
        return Problem(CALENDAR_FILE, pos.line, pos.column, rule, level, message)

    def limits_for(self, channel: str) -> Limits:
        own = self.channel_limits.get(channel)
        if own is None:
            return self.limits
        return Limits(own.min_gap if own.min_gap is not None else self.limits.min_gap,
                      own.max_per_day if own.max_per_day is not None else self.limits.max_per_day)

    def slot_key(self, channel: str, platform: str | None) -> str | None:
        """Which key of `slots` applies to a channel: its name, else its platform, else '*'."""
        for key in (channel, platform, "*"):
            if key is not None and key in self.slots:
                return key
        return None

    def blackout_at(self, channel: str, at: datetime) -> Blackout | None:
        for blackout in self.blackouts:
            if blackout.covers(channel, at):
                return blackout
        return None


def load(project: Project) -> Calendar:
    """Read calendar.yaml of a project (an empty calendar when there is none)."""
    tz = project.config.timezone
    path = project.root / CALENDAR_FILE
    if not has_file(path):
        return Calendar(tz)
    try:
        text = read_project_file(project.root, CALENDAR_FILE)
    except FileNotFoundError:
        return Calendar(tz)
    except SocialopsError as exc:
        return Calendar(tz, exists=True, problems=[Problem(CALENDAR_FILE, 1, 1, "syntax", Level.ERROR, exc.message)])
    return parse(text, tz)


def parse(text: str, tz: ZoneInfo) -> Calendar:
    cal = Calendar(tz, text, exists=True)
    try:
        data = yamlio.load(text) if text.strip() else {}
    except yamlio.YamlError as exc:
        cal.problems.append(Problem(CALENDAR_FILE, exc.line, exc.column, "syntax", Level.ERROR, exc.message))
        return cal
    data = {} if data is None else data
    if not isinstance(data, dict):
        cal.problems.append(Problem(CALENDAR_FILE, 1, 1, "schema", Level.ERROR,
                                    "calendar.yaml must be a mapping (slots: ..., spacing: ..., ...)"))
        return cal
    cal.problems.extend(schemas.validate("calendar", data, CALENDAR_FILE, cal._locator))
    _read_slots(cal, data.get("slots"))
    _read_spacing(cal, data.get("spacing"))
    _read_blackouts(cal, data.get("blackouts"))
    _read_campaigns(cal, data.get("campaigns"))
    _read_series(cal, data.get("recurring"))
    _read_lateness(cal, data)
    return cal


# ---- sections ------------------------------------------------------------------------

def _read_slots(cal: Calendar, value: Any) -> None:
    if not isinstance(value, dict):
        return
    for key, crons in value.items():
        if isinstance(crons, str):
            crons = [crons]
        if isinstance(crons, list):
            cal.slots[str(key)] = [c for c in crons if isinstance(c, str)]


def _limits(value: Any, cal: Calendar | None = None, path: KeyPath | None = None) -> Limits:
    if not isinstance(value, dict):
        return Limits()
    gap = _duration(value.get("min_gap"), cal, [*(path or []), "min_gap"])
    most = value.get("max_per_day")
    return Limits(gap, most if isinstance(most, int) and not isinstance(most, bool) and most > 0 else None)


def _read_spacing(cal: Calendar, value: Any) -> None:
    if not isinstance(value, dict):
        return
    cal.limits = _limits(value, cal, ["spacing"])
    for section, target in (("channels", cal.channel_limits), ("campaigns", cal.campaign_limits)):
        items = value.get(section)
        if isinstance(items, dict):
            target.update({str(k): _limits(v, cal, ["spacing", section, k]) for k, v in items.items()})


def _channels(value: Any) -> frozenset[str] | None:
    if isinstance(value, list) and value:
        return frozenset(str(c) for c in value)
    return None


def _range(cal: Calendar, item: dict[str, Any], path: KeyPath, start_key: str,
           end_key: str) -> tuple[datetime, datetime | None] | None:
    """Read a from/to pair; problems at their lines. None when the start cannot be used."""
    start = bound(cal, item.get(start_key), [*path, start_key], end=False)
    if start is None:
        return None
    if item.get(end_key) is None:
        return start, None
    end = bound(cal, item.get(end_key), [*path, end_key], end=True)
    if end is None:
        return None
    if end <= start:
        cal.problems.append(cal.problem([*path, end_key], f"'{end_key}' ({item.get(end_key)}) is not after "
                                        f"'{start_key}' ({item.get(start_key)}); swap or fix them", key=False))
        return None
    return start, end


def _read_blackouts(cal: Calendar, value: Any) -> None:
    if not isinstance(value, list):
        return
    for i, item in enumerate(value):
        if not isinstance(item, dict) or item.get("to") is None:
            continue
        span = _range(cal, item, ["blackouts", i], "from", "to")
        if span is not None and span[1] is not None:
            name = str(item.get("name") or f"blackout {i + 1}")
            cal.blackouts.append(Blackout(name, span[0], span[1], _channels(item.get("channels")), i))


def _read_campaigns(cal: Calendar, value: Any) -> None:
    if not isinstance(value, dict):
        return
    for name, item in value.items():
        if not isinstance(item, dict) or item.get("to") is None:
            continue
        span = _range(cal, item, ["campaigns", str(name)], "from", "to")
        if span is not None and span[1] is not None:
            goal, owner = item.get("goal"), item.get("owner")
            cal.campaigns[str(name)] = Campaign(str(name), span[0], span[1], _channels(item.get("channels")),
                                                str(goal) if goal else None, str(owner) if owner else None,
                                                _targets(item.get("targets")))


def _targets(value: Any) -> tuple[tuple[str, float], ...]:
    """`targets: {likes: 500, followers: 200}` (the schema names the metrics)."""
    if not isinstance(value, dict):
        return ()
    return tuple((str(k), float(v)) for k, v in value.items()
                 if isinstance(v, int | float) and not isinstance(v, bool) and v >= 0)


def _read_series(cal: Calendar, value: Any) -> None:
    if not isinstance(value, list):
        return
    seen: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        sid, cron = item["id"], item.get("cron")
        if sid in seen:
            cal.problems.append(cal.problem(["recurring", i, "id"], f"the series id '{sid}' is used twice; "
                                            "give each series its own id", key=False))
            continue
        seen.add(sid)
        channels = item.get("channels")
        post, pool = item.get("post"), item.get("pool")
        if not isinstance(cron, str) or not isinstance(channels, list) or \
                (isinstance(post, str) == isinstance(pool, str)):
            continue
        span = _range(cal, item, ["recurring", i], "from", "until")
        if span is not None:
            cal.series.append(Series(sid, cron, tuple(str(c) for c in channels), span[0], span[1],
                                     post if isinstance(post, str) else None,
                                     pool.rstrip("/") if isinstance(pool, str) else None, i))


def _read_lateness(cal: Calendar, data: dict[str, Any]) -> None:
    if data.get("lateness") is None:
        return
    value = _duration(data["lateness"], cal, ["lateness"])
    if value is not None:
        cal.lateness = value


def _duration(value: Any, cal: Calendar | None = None, path: KeyPath | None = None) -> timedelta | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    try:
        return parse_duration(value)
    except TimeError as exc:
        if cal is not None and "longer than" in str(exc):  # the schema reports bad forms
            cal.problems.append(cal.problem(list(path or []), str(exc), rule="time", key=False))
        return None


# ---- times ------------------------------------------------------------------------------

def bound(cal: Calendar, value: Any, path: KeyPath, end: bool) -> datetime | None:
    """A range bound from calendar.yaml; a bad one is a `time` problem at its line."""
    if value is None:
        return None
    try:
        return parse_bound(str(value), cal.tz, end=end)
    except TimeError as exc:
        cal.problems.append(cal.problem(path, str(exc), rule="time", key=False))
        return None


def parse_bound(value: str, tz: ZoneInfo, end: bool = False) -> datetime:
    """A date or a time as a range bound. A date alone starts at the day's first moment; as
    an end it includes the whole day (the bound is the next day's first moment)."""
    text = value.strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        raise TimeError(f"'{text}' is not a date; write it like 2026-12-01") from None
    if day is None:
        return parse_time(text, tz).astimezone(UTC)
    return day_start(day + timedelta(days=1) if end else day, tz)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first moment of a local day (midnight, or the end of a DST gap at midnight), in UTC."""
    return datetime.combine(day, time()).replace(tzinfo=tz).astimezone(UTC)
