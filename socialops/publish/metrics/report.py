"""`socialops metrics report`: the snapshots turned into numbers an analyst reads.

For every post on every channel (thread parts added up), the latest value of each metric
the platform has; interactions (likes + reposts + replies + quotes + bookmarks + shares,
as far as the platform has them; clicks are kept apart); two engagement rates, each only
where the platform gives its denominator: per view (X, LinkedIn, Threads) and per follower
at posting time (every platform that counts followers); how long a post kept earning (the
age at which it reached 50 % and 90 % of its interactions). Then the same added up by
post, channel, campaign, language, weekday or hour (in the project's timezone), followers
over time per channel, each campaign against its `targets:`, and the best times to post
per channel from the team's own history (slots with fewer than MIN_TESTED posts are
untested, never ranked). Every format (text, JSON, CSV, HTML) is made from this one
report, so their numbers agree.
"""

from __future__ import annotations

import bisect
import csv
import io
import operator
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from socialops import ledger
from socialops.calendar.speed import meanwhile, without_gc
from socialops.model import Project
from socialops.publish.metrics import store

INTERACTIONS = ("likes", "reposts", "replies", "quotes", "bookmarks", "shares")
SHOWN = (*INTERACTIONS, "views", "clicks")
#: metrics a platform gives only for a while (X: link clicks for 30 days after posting):
#: the last count given stands after it is recorded as missing
KEPT = frozenset({"clicks"})
DIMENSIONS = ("post", "channel", "campaign", "lang", "weekday", "hour")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MIN_TESTED = 5
LEGEND = {
    "interactions": "likes + reposts + replies + quotes + bookmarks + shares, as far as the platform "
                    "has them (clicks are counted apart); the latest value of each post",
    "er_view": "engagement rate per view: interactions / views, only where the platform counts views "
               "(X impressions, LinkedIn impressions, Threads views); n/a elsewhere, never 0",
    "er_follower": "engagement rate per follower: interactions / the channel's followers at posting time "
                   "(the last count before the post, else the first after); n/a without a follower count",
    "t50_h / t90_h": "hours after publishing at which a post reached 50 % / 90 % of its interactions "
                     "(median over the posts with at least 3 samples)",
    "best times": f"per channel, the weekday and hour slots with at least {MIN_TESTED} posts, by median "
                  f"interactions; fewer posts: untested, not ranked",
    "clicks": "link clicks, counted apart from interactions: X's url_link_clicks (the account's own posts; "
              "X gives them for 30 days after posting, so later samples record them as missing and the last "
              "count X gave stands) and LinkedIn page posts' clickCount; no other platform gives them: join "
              "the posts' utm_campaign with your web analytics",
    "missing": "a metric the platform does not have is n/a; one it has but did not give is missing; "
               "neither is ever counted as 0",
    "period": "posts published between --from and --to; followers counted between them",
}
_UTM = re.compile(r"[?&]utm_campaign=([^&#\s)\"'>]+)")


@dataclass
class Line:
    """One post on one channel."""

    post: str
    channel: str
    platform: str
    published: datetime
    campaign: str | None = None
    lang: str | None = None
    utm_campaign: str | None = None
    metrics: dict[str, int | None] = field(default_factory=dict)
    deleted: bool = False
    followers: int | None = None  # at posting time
    samples: int = 0
    t50_h: float | None = None
    t90_h: float | None = None

    def local(self, tz: Any) -> datetime:
        """When it was published, in `tz` (worked out once: every table asks)."""
        kept = self.__dict__.get("_local")
        if kept is None or kept[0] is not tz:
            kept = self.__dict__["_local"] = (tz, self.published.astimezone(tz))
        moment: datetime = kept[1]
        return moment

    @cached_property
    def interactions(self) -> int | None:
        """Asked for only once the line is complete (the value is kept)."""
        values = [self.metrics[m] for m in INTERACTIONS if self.metrics.get(m) is not None]
        return sum(v for v in values if v is not None) if values else None

    @property
    def er_view(self) -> float | None:
        return _rate(self.interactions, self.metrics.get("views"))

    @property
    def er_follower(self) -> float | None:
        return _rate(self.interactions, self.followers)

    def as_dict(self, tz: Any) -> dict[str, Any]:
        interactions, views, followers = self.interactions, self.metrics.get("views"), self.followers
        return {"post": self.post, "channel": self.channel, "platform": self.platform,
                "published": self.local(tz).isoformat(timespec="minutes"),
                "campaign": self.campaign, "lang": self.lang, "utm_campaign": self.utm_campaign,
                "deleted": self.deleted, "metrics": dict(self.metrics), "interactions": interactions,
                "followers_at_posting": followers,
                # er_view and er_follower, _rate and _round written out: 10,000 posts
                "er_view": round(interactions / views, 6) if interactions is not None and views else None,
                "er_follower": round(interactions / followers, 6) if interactions is not None and followers else None,
                "samples": self.samples,
                "t50_h": None if self.t50_h is None else round(self.t50_h, 1),
                "t90_h": None if self.t90_h is None else round(self.t90_h, 1)}


def _rate(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class Period:
    start: date | None = None
    end: date | None = None  # included

    def covers(self, moment: datetime, tz: Any) -> bool:
        day = moment.astimezone(tz).date()
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def report(project: Project, now: datetime, by: str = "channel", period: Period | None = None) -> dict[str, Any]:
    """The report as a JSON-ready dict (the versioned envelope every format is made from)."""
    with without_gc():
        return _report(project, now, by, period)


def _report(project: Project, now: datetime, by: str, period: Period | None) -> dict[str, Any]:
    from socialops.calendar.config import load as load_calendar
    from socialops.model import CALENDAR_FILE
    from socialops.publish.metrics import readcache

    period = period or Period()
    tz = project.config.timezone
    stamp = readcache.Stamp(project)
    asked = (by, str(period.start), str(period.end), readcache.file_stamp(project.root / CALENDAR_FILE))
    kept = readcache.load_report(project, stamp, asked)
    if kept is not None:  # the same report of the same files
        return {**kept, "generated": now.astimezone(tz).isoformat(timespec="minutes")}
    bad: list[str] = []
    lines, followers = _read(project, period, bad, stamp)
    calendar = load_calendar(project)
    data = {
        "version": 1,
        "generated": now.astimezone(tz).isoformat(timespec="minutes"),
        "timezone": tz.key,
        "from": period.start.isoformat() if period.start else None,
        "to": period.end.isoformat() if period.end else None,
        "by": by,
        "legend": LEGEND,
        "groups": _groups(lines, by, tz),
        "posts": [line.as_dict(tz) for line in lines],
        "followers": _followers(followers, period, tz),
        "campaigns": _campaigns(lines, followers, calendar, tz),
        "best_times": _best_times(lines, tz),
        "heatmap": _heatmap(lines, tz),
        "unreadable": bad,
    }
    readcache.save_report(project, stamp, asked, data)
    return data


# ---- reading -------------------------------------------------------------------------------

def _read(project: Project, period: Period, bad: list[str], stamp: Any = None
          ) -> tuple[list[Line], dict[str, list[tuple[datetime, int]]]]:
    """Every post on every channel published in the period, and the channels' follower
    counts. What did not change since the last report comes from the cache (readcache):
    the whole result when no file changed; else the ledger's and the posts' part when
    none of their files changed, and the snapshot rows folded up to the last day file
    kept then, when those files did not change (a collect adds to the newest day only)."""
    from socialops.publish.metrics import readcache

    stamp = stamp or readcache.Stamp(project)
    kept = readcache.load(project, stamp)
    if kept.result is not None:
        lines, followers, unreadable = _unpack(kept.result)
    else:
        files = len(stamp.ledger_paths) + len(stamp.post_paths)
        with meanwhile(lambda: _read_sources(project, stamp, kept.sources),
                       kept.sources is None and files >= FORK_FROM) as read_sources:
            fold = _Fold(kept.fold) if kept.fold is not None else _Fold()
            paths = stamp.snapshot_paths
            folded = None
            for index in range(kept.folded, len(paths)):
                if index == len(paths) - 1 and index > kept.folded and stamp.folder is not None:
                    folded = (index, fold.dump())  # all but the newest day: what the next report can start from
                for rows, others in store.read_rows(project.root, fold.bad, [paths[index]]):
                    fold.add(rows, others)
            unreadable = list(fold.bad)
            parts, meta, stamped = read_sources()
        if stamped is not None and stamp.deferred:  # stamped by the forked reader
            stamp.adopt(*stamped)
        lines, followers = fold.lines(_published(parts), meta)
        if stamp.folder is not None:
            readcache.save(project, stamp, _pack(lines, followers, unreadable), folded)
    bad += unreadable
    tz = project.config.timezone
    if period.start is not None or period.end is not None:
        lines = [x for x in lines if period.covers(x.published, tz)]
    return lines, followers


_FIELDS = ("post", "channel", "platform", "campaign", "lang", "utm_campaign", "metrics", "deleted", "followers",
           "samples", "t50_h", "t90_h")
Meta = dict[str, tuple[str | None, str | None, str | None]]


def _pack(lines: list[Line], followers: dict[str, list[tuple[datetime, int]]], bad: list[str]) -> Any:
    fields = operator.attrgetter(*_FIELDS)
    return ([(x.published.timestamp(), *fields(x)) for x in lines],
            {c: [(t.timestamp(), v) for t, v in points] for c, points in followers.items()}, bad)


def _unpack(kept: Any) -> tuple[list[Line], dict[str, list[tuple[datetime, int]]], list[str]]:
    stamp = datetime.fromtimestamp
    lines = []
    for published, *values in kept[0]:
        line = Line(values[0], values[1], values[2], stamp(published, UTC))
        line.__dict__.update(zip(_FIELDS, values, strict=True))
        lines.append(line)
    followers = {c: [(stamp(t, UTC), v) for t, v in points] for c, points in kept[1].items()}
    return lines, followers, list(kept[2])


#: ledger and post files to read (none kept) from which they are read in a forked process
#: while this one reads the snapshots, where the system can fork and this process may use
#: two cores: 10,000 posts take 0.3-0.4 s to read, the snapshots of their year 0.5 s
FORK_FROM = 4000


def _read_sources(project: Project, stamp: Any, kept: Any
                  ) -> tuple[list[tuple[str, str, int, str]], Meta, tuple[str, bool] | None]:
    """What the ledger and the posts say: ((post, channel, part, when it went out) of each
    part the ledger says was sent, post -> (campaign, lang, utm_campaign), and what the
    files' stamps come to when they were made here: a fresh clone's files are stamped just
    before they are read). A file is read when the kept part is not under its stamp; what
    each file says is kept (readcache.save_sources) by the process that read it."""
    from socialops import safepaths
    from socialops.model import MAX_POST_BYTES
    from socialops.publish.metrics import readcache

    stamped = stamp.stamp_files() if stamp.deferred else None

    ledger_kept, posts_kept = kept if isinstance(kept, tuple) and len(kept) == 2 else ({}, {})
    owners = {path: post_id for post_id, path in stamp.ledger_paths.items()}
    ledgers = safepaths.WalkedReader(project.root, ledger.MAX_LEDGER_BYTES)
    ledger_now, ledger_found, ledger_read = _reread(stamp, owners, ledger_kept,
                                                    lambda path: _file_published(project, owners[path], path, ledgers))
    parts = [part for found in ledger_found for part in found]
    posts = safepaths.WalkedReader(project.root, MAX_POST_BYTES)
    posts_now, posts_found, posts_read = _reread(stamp, stamp.post_paths, posts_kept,
                                                 lambda path: _file_meta(project, path, posts))
    meta: Meta = {found[0]: found[1] for found in posts_found if found is not None}
    changed = (not kept or ledger_read or posts_read or len(ledger_now) != len(ledger_kept)
               or len(posts_now) != len(posts_kept))
    if changed:
        readcache.save_sources(stamp, (ledger_now, posts_now))
    return parts, meta, stamped


def _published(parts: list[tuple[str, str, int, str]]) -> dict[str, dict[str, datetime]]:
    """post -> channel -> when its first part went out."""
    published: dict[str, dict[str, datetime]] = {}
    for post, channel, _, at in sorted(parts, key=lambda p: p[2]):
        if channel not in published.get(post, {}):
            try:
                published.setdefault(post, {})[channel] = _utc(at)
            except ValueError:
                continue
    return published


def _reread(stamp: Any, paths: Iterable[str], kept: dict[str, Any],
            read: Callable[[str], Any]) -> tuple[dict[str, Any], list[Any], bool]:
    """What each file says, in the order of `paths`: the kept part when the file's text
    stamp is unchanged, else `read(path)`. Also what to keep (files unchanged long enough:
    path -> (stamp, found)) and whether any file was read. Without a cache (no stamps) every
    file is read and nothing kept."""
    if not stamp.files:
        return {}, [read(path) for path in paths], True
    now: dict[str, Any] = {}
    found_all: list[Any] = []
    read_any = False
    for path in paths:
        text, mtime = stamp.files[path]
        old = kept.get(path)
        if old is not None and old[0] == text:
            found = old[1]
        else:
            found, read_any = read(path), True
        if stamp.settled_at(mtime):
            now[path] = (text, found)
        found_all.append(found)
    return now, found_all, read_any


def _file_published(project: Project, post_id: str, path: str, reader: Any) -> list[tuple[str, str, int, str]]:
    """(post, channel, part, when it went out) of each part a ledger file says was sent; a
    file the quick reader leaves is read with every check (nothing from one that fails)."""
    from socialops import safepaths

    raw = reader.read(path)
    try:
        text = raw.decode("utf-8", errors="replace") if raw is not None else ledger._text_of(project.root, Path(path))
    except (OSError, safepaths.UnsafePath):
        return []
    return [(post, channel, index, at) for post, channel, index, _, _, at in ledger.text_sent_parts(post_id, text)]


_COUNTED = frozenset(INTERACTIONS)
_CHANNEL_PLATFORM = operator.itemgetter(0, 3)


class _Fold:
    """The snapshot rows folded in, file after file (each file's rows in time order): for
    each part its latest value of each metric (a metric in KEPT keeps its last number when
    it is later recorded as missing), its interactions at its last sample, and the time of
    that sample; for each post on a channel its interactions at each sample before. A
    sample writes only what changed, so a part's value of a metric at a sample is its last
    row at or before it; a sample counts where some interaction metric has a number then."""

    def __init__(self, state: Any = None) -> None:
        if state is None:
            self.parts: dict[tuple[str, str, str], list[Any]] = {}  # [latest, interactions now, time]
            self.series: dict[tuple[str, str], dict[str, int]] = {}
            self.deleted: set[tuple[str, str]] = set()
            self.platforms: dict[str, str] = {}
            self.followers: dict[str, list[tuple[str, int]]] = {}
            self.bad: list[str] = []
        else:
            import marshal

            (self.parts, self.series, self.deleted, self.platforms, self.followers,
             self.bad) = marshal.loads(state)

    def dump(self) -> bytes:
        import marshal

        return marshal.dumps((self.parts, self.series, self.deleted, self.platforms, self.followers, self.bad))

    def add(self, rows: list[store.PostRow], others: list[store.Row]) -> None:
        for other in others:
            value = other.get("value")
            if other.get("metric") == store.FOLLOWERS and isinstance(value, int):
                self.followers.setdefault(str(other.get("channel")), []).append((str(other["time"]), value))
        self.platforms.update(map(_CHANNEL_PLATFORM, rows))
        parts, series, counted, status = self.parts, self.series, _COUNTED, store.STATUS
        # the loop every row of a year goes through: as few lookups as possible
        for channel, metric, part, _, post, time, value in rows:
            if metric == status:
                if value == '"deleted"':
                    self.deleted.add((post, channel))
                continue
            key = (post, channel, part)
            state = parts.get(key)
            if state is None:
                state = parts[key] = [{}, {}, time]
            elif time != state[2]:
                if state[1]:
                    sampled = series.get((post, channel))
                    if sampled is None:
                        sampled = series[(post, channel)] = {}
                    sampled[state[2]] = sampled.get(state[2], 0) + sum(state[1].values())
                state[2] = time
            latest = state[0]
            if value != "null" or metric not in KEPT or latest.get(metric, "null") == "null":
                latest[metric] = value
            if metric in counted:
                if value == "null":
                    state[1].pop(metric, None)
                else:
                    state[1][metric] = int(value) if value.isdigit() else _int(value) or 0

    def lines(self, published: dict[str, dict[str, datetime]], meta: Meta
              ) -> tuple[list[Line], dict[str, list[tuple[datetime, int]]]]:
        """The posts on their channels (the fold is done with)."""
        followers = {c: sorted((_utc(t), v) for t, v in points) for c, points in self.followers.items()}
        lines: dict[tuple[str, str], Line] = {}
        nothing: dict[str, datetime] = {}
        for (post, channel, _), (latest, now, time) in self.parts.items():  # parts are added up: any order
            when = published.get(post, nothing).get(channel)
            if when is None:  # not in the ledger (any more): not reported
                continue
            line = lines.get((post, channel))
            if line is None:
                campaign, lang, utm = meta.get(post, (None, None, None))
                line = lines[(post, channel)] = Line(post, channel, self.platforms.get(channel, ""), when,
                                                     campaign, lang, utm)
            if now:  # the part's last sample
                sampled = self.series.setdefault((post, channel), {})
                sampled[time] = sampled.get(time, 0) + sum(now.values())
            metrics = line.metrics
            for metric, text in latest.items():
                number = int(text) if text.isdigit() else _int(text)
                if number is not None:
                    metrics[metric] = (metrics.get(metric) or 0) + number
                else:
                    metrics.setdefault(metric, None)
        micros: dict[str, int] = {}  # each sample time (a few hundred runs) in µs since 1970
        deleted, series = self.deleted, self.series
        unsampled: dict[str, int] = {}
        for key, line in lines.items():
            line.deleted = key in deleted
            line.followers = _followers_at(followers.get(line.channel, []), line.published)
            _longevity(line, series.get(key, unsampled), micros)
            counted = [v for m in INTERACTIONS if (v := line.metrics.get(m)) is not None]
            line.__dict__["interactions"] = sum(counted) if counted else None  # as Line.interactions
        return sorted(lines.values(), key=_ORDER), followers


_ORDER = operator.attrgetter("published", "post", "channel")


def _int(text: str) -> int | None:
    """A value as the row holds it (JSON text): a whole number, else missing."""
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def _file_meta(project: Project, path: str, reader: Any
               ) -> tuple[str, tuple[str | None, str | None, str | None]] | None:
    """(post id, (campaign, lang, the utm_campaign of its links)) of a post file, from a
    quick look at its front matter (the post is read properly when the quick reader or the
    quick look cannot be sure); None for a file that cannot be read."""
    from socialops.model import default_post_id, normalize_newlines, read_post, rel_path

    raw = reader.read(path)
    text = ""
    quick = None
    if raw is not None:
        try:
            text = normalize_newlines(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return None
        quick = _quick_front(text)
    if quick is None:
        post = read_post(project.root, Path(path))
        if not post.readable:
            return None
        text = text if raw is not None else post.text
        quick = {"id": post.id, "campaign": post.campaign, "lang": post.lang}
    utm = _UTM.search(text)
    return quick.get("id") or default_post_id(rel_path(project.root, path)), (
        quick.get("campaign"), quick.get("lang"), utm.group(1) if utm else None)


_FRONT_KEY = re.compile(r"^(id|campaign|lang):[ \t]*(.*?)[ \t]*$", re.M)


def _quick_front(text: str) -> dict[str, str | None] | None:
    """id, campaign and lang from front matter written plainly; None when unsure."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    found: dict[str, str | None] = {}
    for key, value in _FRONT_KEY.findall(text[4:end + 1]):
        if key in found or value[:1] in "'\"[{&*!|>%@`#" or " #" in value:
            return None
        found[key] = value or None
    return found


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _followers_at(values: list[tuple[datetime, int]], when: datetime) -> int | None:
    """The last count at or before `when` (sorted values), else the first after it."""
    at = bisect.bisect_right(values, (when, float("inf")))
    if at:
        return values[at - 1][1]
    return values[0][1] if values else None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _longevity(line: Line, sampled: dict[str, int], micros: dict[str, int]) -> None:
    """Samples, t50_h and t90_h of a line from its interactions at each sample time
    (`micros`: the times read so far, in whole microseconds since 1970)."""
    line.samples = len(sampled)
    if len(sampled) < 3:
        return
    published = (line.published - _EPOCH) // _MICROSECOND
    points = []
    for text, value in sampled.items():
        at = micros.get(text)
        if at is None:
            at = micros[text] = (_utc(text) - _EPOCH) // _MICROSECOND
        points.append((at - published, value))
    points.sort()
    final = points[-1][1]
    if final <= 0:
        return
    for share, name in ((0.5, "t50_h"), (0.9, "t90_h")):
        age = next(a for a, v in points if v >= share * final)
        setattr(line, name, max(age, 0) / 1_000_000 / 3600)


# ---- adding up ---------------------------------------------------------------------------------

def _key(line: Line, by: str, tz: Any) -> str:
    local = line.local(tz)
    if by == "weekday":
        return f"{local.weekday() + 1} {WEEKDAYS[local.weekday()]}"
    if by == "hour":
        return f"{local.hour:02d}:00"
    value = {"post": line.post, "channel": line.channel, "campaign": line.campaign, "lang": line.lang}[by]
    return value or "(none)"


def totals(lines: Iterable[Line]) -> dict[str, Any]:
    """The lines added up (in one pass: a report by post adds up 10,000 groups of one)."""
    posts = 0
    found: dict[str, int | None] = {}  # metric -> the sum of its numbers; None: only missing
    interactions: int | None = None
    viewed = followed = False
    view_interactions = views = follower_interactions = followers = 0
    t50: list[float] = []
    t90: list[float] = []
    for x in lines:
        posts += 1
        for metric, value in x.metrics.items():
            if value is None:
                found.setdefault(metric, None)
            else:
                found[metric] = (found.get(metric) or 0) + value
        counted = x.interactions
        if counted is not None:
            interactions = (interactions or 0) + counted
            seen = x.metrics.get("views")
            if seen:
                viewed, view_interactions, views = True, view_interactions + counted, views + seen
            if x.followers:
                followed = True
                follower_interactions, followers = follower_interactions + counted, followers + x.followers
        if x.t50_h is not None:
            t50.append(x.t50_h)
        if x.t90_h is not None:
            t90.append(x.t90_h)
    return {
        "posts": posts,
        "metrics": {metric: found[metric] for metric in SHOWN if metric in found},
        "interactions": interactions,
        "er_view": _round(_rate(view_interactions, views)) if viewed else None,
        "er_follower": _round(_rate(follower_interactions, followers)) if followed else None,
        "t50_h": _round(statistics.median(t50), 1) if t50 else None,
        "t90_h": _round(statistics.median(t90), 1) if t90 else None,
    }


def _groups(lines: list[Line], by: str, tz: Any) -> list[dict[str, Any]]:
    grouped: dict[str, list[Line]] = {}
    for line in lines:
        grouped.setdefault(_key(line, by, tz), []).append(line)
    return [{"key": key, **totals(grouped[key])} for key in sorted(grouped)]


def _followers(values: dict[str, list[tuple[datetime, int]]], period: Period, tz: Any) -> list[dict[str, Any]]:
    out = []
    for channel in sorted(values):
        kept = [(t, v) for t, v in values[channel] if period.covers(t, tz)]
        if not kept:
            continue
        out.append({"channel": channel, "first": kept[0][1], "last": kept[-1][1],
                    "change": kept[-1][1] - kept[0][1],
                    "since": kept[0][0].astimezone(tz).isoformat(timespec="minutes"),
                    "series": [[t.astimezone(tz).isoformat(timespec="minutes"), v] for t, v in kept]})
    return out


def _campaigns(lines: list[Line], followers: dict[str, list[tuple[datetime, int]]], calendar: Any,
               tz: Any) -> list[dict[str, Any]]:
    by_campaign: dict[str | None, list[Line]] = {}
    for x in lines:
        by_campaign.setdefault(x.campaign, []).append(x)
    names = sorted({name for name in by_campaign if name} | set(calendar.campaigns))
    out = []
    for name in names:
        chosen = by_campaign.get(name, [])
        found = totals(chosen)
        campaign = calendar.campaigns.get(name)
        entry: dict[str, Any] = {"campaign": name, **found, "from": None, "to": None, "goal": None,
                                 "followers_gained": None, "targets": {}}
        if campaign is not None:
            channels = campaign.channels or {x.channel for x in chosen}
            entry.update({"from": campaign.start.astimezone(tz).isoformat(timespec="minutes"),
                          "to": campaign.end.astimezone(tz).isoformat(timespec="minutes"),
                          "goal": campaign.goal,
                          "followers_gained": _gained(followers, channels, campaign.start, campaign.end)})
            actual = {"posts": found["posts"], "interactions": found["interactions"],
                      "followers": entry["followers_gained"], **found["metrics"]}
            for metric, target in campaign.targets:
                value = actual.get(metric)
                entry["targets"][metric] = {"target": target, "actual": value,
                                            "progress": _round(value / target, 4) if value is not None and target else None}
        out.append(entry)
    return out


def _gained(followers: dict[str, list[tuple[datetime, int]]], channels: Iterable[str], start: datetime,
            end: datetime) -> int | None:
    gained = None
    for channel in channels:
        inside = [v for t, v in followers.get(channel, []) if start <= t < end]
        before = [v for t, v in followers.get(channel, []) if t < start]
        first = before[-1] if before else (inside[0] if inside else None)
        if first is not None and inside:
            gained = (gained or 0) + inside[-1] - first
    return gained


def _best_times(lines: list[Line], tz: Any) -> dict[str, Any]:
    by_channel: dict[str, list[Line]] = {}
    for x in lines:
        by_channel.setdefault(x.channel, []).append(x)
    out: dict[str, Any] = {}
    for channel in sorted(by_channel):
        slots: dict[tuple[int, int], list[int]] = {}
        for x in by_channel[channel]:
            if x.interactions is not None and not x.deleted:
                local = x.local(tz)
                slots.setdefault((local.weekday(), local.hour), []).append(x.interactions)
        tested = sorted(((statistics.median(v), len(v), k) for k, v in slots.items() if len(v) >= MIN_TESTED),
                        key=lambda item: (-item[0], item[2]))
        out[channel] = {
            "ranked": [{"weekday": WEEKDAYS[d], "hour": h, "posts": n, "median_interactions": _round(m, 1)}
                       for m, n, (d, h) in tested[:5]],
            "untested_slots": sum(1 for v in slots.values() if len(v) < MIN_TESTED),
        }
    return out


def _heatmap(lines: list[Line], tz: Any) -> dict[str, Any]:
    """Weekday x hour: the mean of each post's interactions relative to its channel's median
    (so channels of different sizes can share one map), with the number of posts; cells with
    fewer than MIN_TESTED posts have no score (untested)."""
    by_channel: dict[str, list[int]] = {}
    for x in lines:
        values = by_channel.setdefault(x.channel, [])
        if x.interactions is not None:
            values.append(x.interactions)
    medians = {channel: statistics.median(values) if values else 0 for channel, values in by_channel.items()}
    cells: dict[tuple[int, int], list[float]] = {}
    for x in lines:
        if x.interactions is None or not medians.get(x.channel):
            continue
        local = x.local(tz)
        cells.setdefault((local.weekday(), local.hour), []).append(x.interactions / medians[x.channel])
    grid = [[{"posts": len(cells.get((d, h), [])),
              "score": _round(statistics.fmean(cells[(d, h)]), 3) if len(cells.get((d, h), [])) >= MIN_TESTED else None}
             for h in range(24)] for d in range(7)]
    return {"weekdays": list(WEEKDAYS), "cells": grid}


def campaign_progress(project: Project, calendar: Any) -> list[dict[str, Any]]:
    """Each campaign with `targets:`, against them (for plan and the calendar page); nothing
    before the first snapshot."""
    if not any(c.targets for c in calendar.campaigns.values()) or not store.files(project.root):
        return []
    lines, followers = _read(project, Period(), [])
    return [c for c in _campaigns(lines, followers, calendar, project.config.timezone) if c["targets"]]


def progress_text(campaign: dict[str, Any]) -> str:
    """`likes 48 of 100 (48 %), followers 9 of 10 (90 %)`."""
    def shown(value: Any) -> str:
        return "n/a" if value is None else f"{value:,.0f}"

    return ", ".join(f"{metric} {shown(t['actual'])} of {shown(t['target'])}"
                     + (f" ({t['progress'] * 100:.0f} %)" if t["progress"] is not None else "")
                     for metric, t in campaign["targets"].items())


# ---- CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = ("post", "channel", "platform", "campaign", "lang", "published", "utm_campaign", "metric", "value")


def to_csv(data: dict[str, Any]) -> str:
    """One row per post x channel x metric (for spreadsheets): the platform's own metrics,
    then interactions, the two rates and the longevity; an empty value is missing."""
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    for post in data["posts"]:
        head = tuple(post[c] or "" for c in CSV_COLUMNS[:7])
        for metric, value in sorted(post["metrics"].items()):
            add((*head, metric, "" if value is None else value))
        for metric in _DERIVED:
            value = post[metric]
            add((*head, metric, "" if value is None else value))
        if post["deleted"]:
            add((*head, "deleted", 1))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


_DERIVED = ("interactions", "er_view", "er_follower", "t50_h", "t90_h")
