"""`socialops metrics collect`: ask each platform what became of the published parts that
are due for a sample (see ages), and each channel's followers; append one snapshot to the
day's file and commit it (and push it) like the ledger.

One channel's trouble never stops the others:
- rate limited (429): the channel stops; what it read so far is kept; the run says when
  to try again (the next run catches up);
- a token the platform refuses (401/403: expired or revoked): the channel fails loudly
  (exit 1); nothing already collected is touched;
- any other error: the channel fails (exit 1) with the platform's message;
- a post the platform says is gone: a `status: deleted` row, and it is not asked again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from socialops import gitops, ledger
from socialops.adapters import ChannelSetupError, adapter_class, make_adapter
from socialops.adapters.base import PlatformError, PublishedRef
from socialops.errors import SocialopsError
from socialops.model import Channel, Project
from socialops.publish import gitsync
from socialops.publish.gitsync import Branch
from socialops.publish.metrics import ages, store
from socialops.timeutil import iso

NO_METRICS = "the platform gives no counts that socialops could read"


@dataclass(frozen=True)
class SampledPart:
    """One published part to sample."""

    post: str
    channel: str
    part: int
    platform_id: str
    published: datetime
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    #: the part's last recorded value of each metric (only what changed is written again)
    previous: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class CollectOptions:
    now: datetime
    clock: Callable[[], datetime]
    environ: Mapping[str, str]
    since: timedelta | None = None
    channels: frozenset[str] | None = None
    posts: frozenset[str] | None = None
    push: bool = True
    client_factory: Callable[[Channel], Any] | None = None


@dataclass
class ChannelOutcome:
    channel: str
    platform: str
    status: str = "ok"  # ok | rate-limited | refused | failed | no-metrics
    sampled: int = 0  # parts whose counts were read
    deleted: int = 0
    left: int = 0  # parts due but not read in this run
    followers: int | None = None
    resume_at: str | None = None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CollectResult:
    time: str
    rows: int = 0
    files: list[str] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)
    pushed: bool = False
    channels: list[ChannelOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(c.status in ("refused", "failed") for c in self.channels)

    def as_dict(self) -> dict[str, Any]:
        return {"version": 1, "time": self.time, "rows": self.rows, "files": self.files,
                "commits": self.commits, "pushed": self.pushed,
                "channels": [c.as_dict() for c in self.channels], "notes": self.notes,
                "failed": self.failed}


def collect(project: Project, options: CollectOptions) -> CollectResult:
    result = CollectResult(_stamp(options.clock()))
    git = _prepare_git(project, options, result)
    targets = due_targets(project, options)
    rows: list[store.Row] = []
    for channel in _channels_in_scope(project, options, targets):
        outcome, channel_rows = _collect_channel(project, channel, targets.get(channel.name, []), options)
        result.channels.append(outcome)
        rows += channel_rows
    result.rows = len(rows)
    if rows:
        _save(project, git, rows, result)
    return result


# ---- what is due ---------------------------------------------------------------------------

def due_targets(project: Project, options: CollectOptions) -> dict[str, list[SampledPart]]:
    """The published parts due for a sample now, by channel."""
    schedule = ages.configured(project.config.data)
    oldest = options.now - ages.window(schedule)
    if options.since is not None:
        oldest = max(oldest, options.now - options.since)
    candidates: dict[tuple[str, str, int], SampledPart] = {}
    for post, name, index, status, platform_id, at in ledger.sent_parts(project.root):
        if status != "published" or (options.posts is not None and post not in options.posts) \
                or (options.channels is not None and name not in options.channels):
            continue
        published = _time(at)
        if published is not None and oldest <= published <= options.now:
            candidates[(post, name, index)] = SampledPart(post, name, index, platform_id, published)
    if not candidates:
        return {}
    last, deleted, values = _sampled(project.root, min(t.published for t in candidates.values()), candidates)
    due: dict[str, list[SampledPart]] = {}
    for key, target in sorted(candidates.items()):
        if key in deleted:
            continue
        if ages.due(target.published, last.get(key), options.now, schedule):
            due.setdefault(target.channel, []).append(replace(target, previous=values.get(key, {})))
    return due


Key = tuple[str, str, int]


def _sampled(root: Path, since: datetime, wanted: Mapping[Key, SampledPart]
             ) -> tuple[dict[Key, datetime], set[Key], dict[Key, dict[str, Any]]]:
    """When each part was last sampled, which are recorded as deleted, and each part's
    last recorded value of each metric (rows are read oldest first)."""
    last: dict[Key, datetime] = {}
    deleted: set[Key] = set()
    values: dict[Key, dict[str, Any]] = {}
    for row in store.read(root, since.astimezone(UTC).date()):
        part = row.get("part")
        if not isinstance(part, int):
            continue
        key = (str(row.get("post")), str(row.get("channel")), part)
        if key not in wanted:
            continue
        when = _time(row.get("time"))
        if when is not None and (key not in last or when > last[key]):
            last[key] = when
        if row.get("metric") == store.STATUS:
            if row.get("value") == "deleted":
                deleted.add(key)
        else:
            values.setdefault(key, {})[str(row.get("metric"))] = row.get("value")
    return last, deleted, values


def _channels_in_scope(project: Project, options: CollectOptions,
                       targets: Mapping[str, list[SampledPart]]) -> list[Channel]:
    """Every channel asked for (all by default; with --post, those the posts went to)."""
    names = set(project.config.channels)
    if options.channels is not None:
        names &= options.channels
    if options.posts is not None:
        names &= set(targets)
    return [project.config.channels[n] for n in sorted(names)]


# ---- one channel ---------------------------------------------------------------------------

def _collect_channel(project: Project, channel: Channel, targets: list[SampledPart],
                     options: CollectOptions) -> tuple[ChannelOutcome, list[store.Row]]:
    outcome = ChannelOutcome(channel.name, channel.platform)
    try:
        cls = adapter_class(channel.platform)
    except ChannelSetupError as exc:
        outcome.status, outcome.message, outcome.left = "failed", str(exc), len(targets)
        return outcome, []
    if not hasattr(cls, "metrics"):
        outcome.status, outcome.message = "no-metrics", f"{channel.platform}: {NO_METRICS}"
        return outcome, []
    client = options.client_factory(channel) if options.client_factory else _client()
    rows: list[store.Row] = []
    try:
        adapter = make_adapter(channel, client, options.environ, project.root)
        if not cls.metric_names and targets:
            outcome.message = (f"{channel.platform} gives a bot no counts of its posts; only the "
                               "followers are recorded")
        batch = max(1, int(cls.metrics_batch)) if cls.metric_names else len(targets) or 1
        queue = list(targets) if cls.metric_names else []
        first = True
        while first or queue:
            chunk, queue = queue[:batch], queue[batch:]
            answer = adapter.metrics([_ref(t, options.clock()) for t in chunk], followers=first)
            time = _stamp(options.clock())
            if first and answer.followers is not None:
                outcome.followers = answer.followers
                rows.append({"time": time, "channel": channel.name, "platform": channel.platform,
                             "metric": store.FOLLOWERS, "value": answer.followers})
            first = False
            for target in chunk:
                rows += _part_rows(target, channel, answer, cls.metric_names, time, outcome)
        note = getattr(adapter, "metrics_note", None)
        said = note() if note is not None else None
        if said:
            outcome.message = said
    except ChannelSetupError as exc:
        outcome.status, outcome.message = "failed", str(exc)
    except PlatformError as exc:
        _failed(outcome, exc, options.clock())
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()
    if outcome.status != "ok":
        outcome.left = len(targets) - outcome.sampled - outcome.deleted
    return outcome, rows


def _part_rows(target: SampledPart, channel: Channel, answer: Any, names: tuple[str, ...], time: str,
               outcome: ChannelOutcome) -> list[store.Row]:
    base = {"time": time, "post": target.post, "channel": channel.name, "part": target.part,
            "platform": channel.platform}
    if target.platform_id in answer.deleted:
        outcome.deleted += 1
        return [{**base, "metric": store.STATUS, "value": "deleted"}]
    found = answer.posts.get(target.platform_id)
    if found is None:
        return []  # the platform said nothing about it: asked again next run
    outcome.sampled += 1
    return store.changed(target.previous, [{**base, "metric": name, "value": found.get(name)} for name in names])


def _failed(outcome: ChannelOutcome, exc: PlatformError, now: datetime) -> None:
    if exc.status == 429 or (exc.retryable and exc.retry_after is not None):
        outcome.status = "rate-limited"
        if exc.retry_after is not None:
            outcome.resume_at = iso(now.astimezone(UTC) + timedelta(seconds=exc.retry_after))
        later = f" after {outcome.resume_at}" if outcome.resume_at else " later (the platform did not say when)"
        outcome.message = f"{exc.message}; stopped this channel: run again{later}"
    elif exc.status in (401, 403):
        outcome.status = "refused"
        outcome.message = (f"{exc.message}. The token may have expired or been revoked: renew it "
                           "in the channel's secret; every earlier snapshot is kept")
    else:
        outcome.status, outcome.message = "failed", exc.message


def _ref(target: SampledPart, now: datetime) -> PublishedRef:
    """The part as its adapter is asked about it; `age` (seconds since it went out) for a
    platform that gives some counts only for a while (X's clicks, 30 days)."""
    return PublishedRef(target.platform_id, None, {**target.extra, "age": (now - target.published).total_seconds()})


def _client() -> Any:
    from socialops.adapters import http_client

    return http_client()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---- git -----------------------------------------------------------------------------------------

def _prepare_git(project: Project, options: CollectOptions, result: CollectResult) -> Branch:
    """The branch the snapshot is committed on, up to date with its remote (so a part
    another run sampled is not sampled twice)."""
    branch = gitsync.open_branch(project.root, [project.root / store.METRICS_DIR], push=options.push)
    if not branch.pushing:
        why = "--no-push" if not options.push else "this repository has no git remote"
        result.notes.append(f"{why}: snapshots are committed here, not pushed")
    else:
        others = [f for f in gitops.dirty_files(branch.top) if not branch.owns(f)]
        if others:
            raise SocialopsError(f"the working tree has changes that are not committed ({', '.join(others[:5])}); "
                                 "metrics collect pushes its snapshot: commit or stash them, or pass --no-push")
    branch.update()
    return branch


def _save(project: Project, branch: Branch, rows: list[store.Row], result: CollectResult) -> None:
    """Append, commit, push through gitsync; a rejected push (another run or person pushed
    first): the branch is the remote's again, the same rows are appended on top of what is
    there now, and it is saved again."""
    def write() -> None:
        paths = store.append(project.root, rows)
        result.files = sorted({p.relative_to(project.root).as_posix() for p in paths})

    write()
    try:
        branch.save_again(f"socialops: metrics snapshot of {result.time}", write)
    except gitsync.KeptMoving as exc:
        result.notes.append(str(exc))
    result.commits = list(branch.commits)
    result.pushed = branch.pushed
