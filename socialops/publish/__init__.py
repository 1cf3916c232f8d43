"""`socialops publish`: every due post out exactly once, with the ledger in git.

1. refuse a dirty tree or another branch than the default (unless told);
2. stop while publishing is paused;
3. select what is ready, approved, due, not too late and not yet published;
4. claim it: write intents into the ledger, commit and push BEFORE calling any platform
   (a rejected push means another run is at work: fetch, select again, leave it its share);
5. publish, channels in parallel, thread parts in order, each recorded as it goes;
6. commit the ledger and push (a rejected push: fetch, write our records on top, again).

Committing and pushing, and what a rejected push means, live in `publish.gitsync`.
Steps 2-3 as a dry run decides them are `decide()`, which `status` is built on, so status,
`--dry-run` and a run always say the same about a post.

Returns data; never prints. `now` (what is due) and `clock` (the real time, for records
and leases) are parameters, and so is the network: `client_factory` (one httpx.Client per
channel) and `http` (the httpx.Client for GitHub: approvals, `report: github`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from socialops import gitops, safepaths
from socialops.adapters import ChannelSetupError, make_adapter, secrets_for
from socialops.adapters.base import PlatformError
from socialops.calendar import lateness
from socialops.errors import SocialopsError
from socialops.ledger import LedgerIndex
from socialops.model import Channel, Post, Project
from socialops.pause import PauseWatch, read_pause
from socialops.publish import report
from socialops.publish.claims import RunInfo, RunLedger, lease_until
from socialops.publish.gitsync import Branch, KeptMoving, open_branch
from socialops.publish.results import ChannelResult, PartResult, PostResult, PublishResult
from socialops.publish.selection import Decision, Job, Query, Selection, select
from socialops.publish.worker import (
    STOPPED_BEFORE_POST,
    ChannelWorker,
    PartEvent,
    RunOptions,
    Scrubber,
)
from socialops.timeutil import duration_text

CLAIM_ATTEMPTS = 5
PUSH_ATTEMPTS = 5


@dataclass
class PublishOptions:
    now: datetime
    clock: Callable[[], datetime]
    environ: Mapping[str, str]
    dry_run: bool = False
    push: bool = True
    allow_dirty: bool = False
    branch: str | None = None
    posts: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    timeout: float = 30.0
    max_attempts: int = 5
    max_wait: float = 120.0
    backoff: float = 1.0
    sleep: Callable[[float], object] = time.sleep
    on_event: Callable[[PartEvent], None] | None = None
    on_start: Callable[[int], None] | None = None  # told the number of parts before the first is sent
    client_factory: Callable[[Channel], Any] | None = None  # an httpx.Client per channel
    http: Any = None  # the httpx.Client for GitHub (approvals, report: github); None: one for the run
    stop: threading.Event | None = None  # set (Ctrl-C, SIGTERM): no new call starts, the rest is saved
    pause_fresh: float = 2.0  # seconds a look at the pause switch (on the remote too) stays fresh
    look_every: float = 5.0  # a wait (retry, rate limit, media processing) looks at the stop and pause this often


@dataclass
class _Plan:
    selection: Selection
    workers: dict[str, ChannelWorker] = field(default_factory=dict)
    clients: list[Any] = field(default_factory=list)


def publish(project: Project, options: PublishOptions) -> PublishResult:
    if options.http is None:
        with _client(options) as http:
            return publish(project, replace(options, http=http))
    result = PublishResult(dry_run=options.dry_run)
    git = prepare_git(project, options, result)
    try:
        return _publish(project, options, result, git)
    finally:
        result.commits, result.pushed = list(git.commits), git.pushed


def _publish(project: Project, options: PublishOptions, result: PublishResult, git: Branch) -> PublishResult:
    if not options.dry_run:
        check_clock(git, options.clock())
    run = RunInfo.current()
    run_ledger = RunLedger(project.root, run, options.clock)
    plan: _Plan | None = None
    try:
        for _ in range(CLAIM_ATTEMPTS):
            result.paused = read_pause(project.root)
            if result.paused is not None:
                return result
            plan = _plan(project, options, run, uncommitted=_uncommitted(project, git, options))
            if _stopping(options):
                _leave(plan)
            if options.dry_run:
                _report(result, plan.selection, [])
                return result
            run_ledger = RunLedger(project.root, run, options.clock)
            try:
                claimed = _claim(run_ledger, plan, git)
            except SocialopsError:  # the claim could not be pushed: nothing was sent, undo it
                git.drop()
                raise
            if claimed:
                break
            _close(plan)
            plan = None
        else:
            raise SocialopsError(f"gave up after {CLAIM_ATTEMPTS} tries to claim posts: other runs "
                                 "kept pushing to the branch; try again")
        watch = PauseWatch(project.root, git.top, git.remote if git.pushing else None, git.branch,
                           fresh=options.pause_fresh)
        for worker in plan.workers.values():
            worker.paused = watch.reason
        if options.on_start is not None:  # how many parts this run sends, for a progress display
            options.on_start(sum(len(j.rendered.parts) for w in plan.workers.values() for j in w.jobs))
        done = _run_workers(plan, run_ledger, options.stop)
        result.stopped = _stopping(options)
        _report(result, plan.selection, done)
        result.errors += [w.flush_error for w in plan.workers.values() if w.flush_error]
        _finish(git, run_ledger, plan, result)
        report.report(project, result, options.environ, options.http)  # report: github
        return result
    finally:
        if plan is not None:
            _close(plan)


# ---- git ------------------------------------------------------------------------------------------

def prepare_git(project: Project, options: PublishOptions, result: PublishResult) -> Branch:
    """Check the branch and the tree; bring the branch up to date with its remote."""
    from socialops.model import LEDGER_DIR
    from socialops.review import approval

    top = gitops.top(project.root)
    owned = [project.root / LEDGER_DIR, project.root / approval.CACHE_FILE]
    owned += [project.root / str(c.options.get("path") or "feed.xml")
              for c in project.config.channels.values() if c.platform == "feed"]
    for path in owned:  # a symlink there would put the ledger (or a feed) outside the repository
        safepaths.check(project.root, path, os.path.relpath(path, project.root).replace(os.sep, "/"),
                        folder=path == project.root / LEDGER_DIR)
    branch = options.branch or gitops.default_branch(top, project.config.default_branch)
    state = open_branch(top, owned, branch, push=False)
    current = gitops.current_branch(top)
    if current != state.branch:
        here = f"branch '{current}'" if current else "a detached HEAD"
        raise SocialopsError(f"publish runs on the default branch '{state.branch}', but this is {here}; "
                             f"check out {state.branch}, or pass --branch {current or 'NAME'} to "
                             "publish from it")
    if not options.dry_run:
        _remove_temporaries(project, owned)
        _recover_feeds(project)
    dirty = gitops.dirty_files(top)
    others = [f for f in dirty if not state.owns(f)]
    if others and not options.allow_dirty:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise SocialopsError(f"the working tree has changes that are not committed ({shown}); publish "
                             "sends only what is committed: commit or stash them, or pass --allow-dirty")
    if options.dry_run:
        return state
    if len(dirty) > len(others):  # the ledger of a run that was interrupted: keep it
        state.commit("socialops: keep the ledger of an interrupted run")
    state.pushing = options.push and state.remote is not None
    if state.remote is None:
        result.notes.append("this repository has no git remote: the ledger is committed here only")
    elif not options.push:
        result.notes.append("--no-push: the ledger is committed here only; push it before the next run")
    state.update()
    return state


#: how many of the branch's latest commits made by publishing runs are compared with this clock
CLOCK_COMMITS = 50


def check_clock(git: Branch, now: datetime) -> None:
    """Leases hold while the publishing machines' clocks agree within CLOCK_SKEW: another
    run takes a claim over CLOCK_SKEW after its lease ended by its own clock. A commit of a
    publishing run (subject "socialops: ...") on the branch dated more than CLOCK_SKEW after
    this machine's time shows a machine whose clock is that far ahead of this one: it could
    take this run's claims over while this run still sends. Then nothing is claimed or sent."""
    from socialops.publish.claims import CLOCK_SKEW

    ref = f"refs/remotes/{git.remote}/{git.branch}" if git.pushing else "HEAD"
    times = gitops.commit_times(git.top, ref, CLOCK_COMMITS, "socialops: ")
    if not times:
        return
    sha, newest = max(times, key=lambda t: t[1])
    ahead = newest - now.timestamp()
    if ahead > CLOCK_SKEW.total_seconds():
        raise SocialopsError(
            f"this machine's clock is {duration_text(timedelta(seconds=ahead))} behind the time of "
            f"commit {sha[:12]} on {git.branch}, made by another publishing run; claims are safe only "
            f"while the machines' clocks agree within {duration_text(CLOCK_SKEW)}, so nothing was "
            "claimed or sent: set this machine's clock right (or the other's, if it is the one ahead: "
            "NTP), then run publish again")


def _recover_feeds(project: Project) -> None:
    """Feeds a killed run published to but did not write (their journals): written now, so
    that the ledger it left and the feed agree before anything is committed."""
    from socialops.adapters.feed import FeedAdapter

    for channel in project.config.channels.values():
        if channel.platform == "feed":
            try:
                FeedAdapter(channel, None, None, project.root).recover()
            except (ChannelSetupError, PlatformError):
                continue  # reported when the channel publishes


def _remove_temporaries(project: Project, owned: list[Path]) -> None:
    """Half-written files a killed run left next to the ledger and feed files."""
    from socialops.model import LEDGER_DIR

    leftovers = list((project.root / LEDGER_DIR).rglob(".*.tmp"))
    leftovers += [p.with_name(f".{p.name}.tmp") for p in owned]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)


# ---- selection, claims ------------------------------------------------------------------------

def decide(project: Project, options: PublishOptions, posts: list[Post] | None = None,
           known: LedgerIndex | None = None) -> Selection:
    """What publish would do now with every due post and channel, exactly as `--dry-run`
    reports it (selection, approvals, each channel's setup; `planned` for what it would
    send), without claiming or calling anything. `status` is built on it."""
    if options.http is None:
        with _client(options) as http:
            return decide(project, replace(options, http=http), posts, known)
    plan = _plan(project, replace(options, dry_run=True), RunInfo.current(), posts, known=known)
    _close(plan)
    return plan.selection


def _uncommitted(project: Project, git: Branch, options: PublishOptions) -> frozenset[str]:
    """With --allow-dirty: the files (relative to the project) that differ from what is
    committed, other than publish's own."""
    if not options.allow_dirty:
        return frozenset()
    names = [git.top / f for f in gitops.dirty_files(git.top) if not git.owns(f)]
    root = project.root.resolve()
    return frozenset(os.path.relpath(p.resolve(), root).replace(os.sep, "/") for p in names)


def _leave_uncommitted(selection: Selection, uncommitted: frozenset[str]) -> None:
    """publish sends only what is committed: with --allow-dirty, a post whose file (or a
    media file of it) has changes nobody committed is left for a run after the commit."""
    kept: list[Job] = []
    for job in selection.jobs:
        files = [job.due_post.post.path, *(str(getattr(m, "path", m)) for p in job.rendered.parts
                                       for m in getattr(p, "media", None) or ())]
        changed = [f for f in files if f in uncommitted]
        if not changed:
            kept.append(job)
            continue
        selection.decisions.append(Decision(
            job.due_post.id, job.due_post.post.path, job.due_post.due_text, job.channel.name, "skipped",
            f"not sent: {', '.join(changed)} {'has' if len(changed) == 1 else 'have'} changes nobody "
            "committed (--allow-dirty sends only what is committed); commit them and the next run "
            "sends it"))
    selection.jobs = kept


def _plan(project: Project, options: PublishOptions, run: RunInfo, posts: list[Post] | None = None,
          uncommitted: frozenset[str] = frozenset(), known: LedgerIndex | None = None) -> _Plan:
    query = Query(options.now, options.clock, run, lateness(project), options.posts,
                  options.channels, options.environ)
    selection = select(project, query, posts, known)
    if uncommitted:
        _leave_uncommitted(selection, uncommitted)
    apply_approvals(project, selection, options)
    plan = _Plan(selection)
    queues: dict[str, list[Job]] = {}
    for job in selection.jobs:
        queues.setdefault(job.channel.name, []).append(job)
    kept: list[Job] = []
    for name, jobs in queues.items():
        channel = jobs[0].channel
        try:
            client = options.client_factory(channel) if options.client_factory else _client(options)
            plan.clients.append(client)
            adapter = make_adapter(channel, client, options.environ, project.root)
        except ChannelSetupError as exc:
            selection.decisions += [Decision(j.due_post.id, j.due_post.post.path, j.due_post.due_text, name,
                                             "failed", str(exc), to_ledger=not j.settle) for j in jobs]
            continue
        scrub = Scrubber(secrets_for(channel, options.environ))  # make_adapter checked them
        run_options = RunOptions(options.sleep, options.clock, options.max_attempts,
                                 options.max_wait, options.backoff, options.on_event, options.stop,
                                 options.look_every)
        plan.workers[name] = ChannelWorker(adapter, jobs, RunLedger(project.root, run, options.clock),
                                           run_options, scrub, project.root)
        kept += jobs
    chosen = {id(j) for j in kept}
    selection.jobs = [j for j in selection.jobs if id(j) in chosen]
    scrub = Scrubber(run_secrets(project, options.environ))  # held reasons echo GitHub's answers
    for decision in selection.decisions:
        decision.message = scrub(decision.message) or ""
    if options.dry_run:
        selection.decisions += [Decision(j.due_post.id, j.due_post.post.path, j.due_post.due_text, j.channel.name,
                                         "planned", _planned(j)) for j in selection.jobs]
        selection.jobs = []
    return plan


def run_secrets(project: Project, environ: Mapping[str, str]) -> list[str]:
    """Every credential this run may hold: each channel's `*_env` variables, GitHub's token
    and the approval cache's key. Nothing an API echoes keeps one of them."""
    from socialops.review.approval_cache import KEY_ENV

    names = {"GITHUB_TOKEN", KEY_ENV}
    for channel in project.config.channels.values():
        names.update(v for k, v in channel.options.items() if k.endswith("_env") and isinstance(v, str))
    return [environ[name] for name in sorted(names) if environ.get(name)]


def _planned(job: Job) -> str:
    count = len(job.rendered.parts)
    what = f"{count} parts" if count > 1 else "1 part"
    if job.settle:
        return f"would first ask {job.channel.platform} whether an interrupted run sent it, then send {what}"
    return f"would send {what}"


def _client(options: PublishOptions) -> Any:
    from socialops.adapters import http_client

    return http_client(options.timeout)


def _close(plan: _Plan) -> None:
    for client in plan.clients:
        close = getattr(client, "close", None)
        if close is not None:
            close()
    plan.clients = []


def apply_approvals(project: Project, selection: Selection, options: PublishOptions) -> None:
    """The one approval hook: posts whose approval check says held are not published; they
    are reported and recorded as `held` with the reason. Nothing is held unless
    `approval.verify` is `github` (or was, until a change nobody approved). Each post is
    checked for the channels it is about to go to (a recurring series' channels for its
    pool posts). A run settling an earlier claim is not checked again."""
    from socialops.review import approval
    from socialops.review.approval_cache import KEY_ENV

    fresh = [j for j in selection.jobs if not j.settle]
    if not fresh:
        return
    from socialops.github import GitHubError, from_env

    posts = list({j.due_post.post.path: j.due_post.post for j in fresh}.values())
    channels: dict[str, list[str]] = {}
    for job in fresh:
        names = channels.setdefault(job.due_post.post.id, [])
        names += [c for c in [*job.due_post.channels, job.channel.name] if c not in names]
    try:
        client = from_env(options.http, options.environ)
    except GitHubError:
        client = None
    found = approval.check_posts(project, posts, client, options.now,
                                 branch=options.branch, write_cache=not options.dry_run,
                                 channels=channels, key=options.environ.get(KEY_ENV))
    held = [j for j in fresh if not found[j.due_post.post.id].approved]
    selection.jobs = [j for j in selection.jobs if all(j is not h for h in held)]
    selection.decisions += [Decision(j.due_post.id, j.due_post.post.path, j.due_post.due_text, j.channel.name,
                                     "held", found[j.due_post.post.id].reason, to_ledger=True,
                                     unchecked=found[j.due_post.post.id].unchecked) for j in held]


def _stopping(options: PublishOptions) -> bool:
    return options.stop is not None and options.stop.is_set()


def _leave(plan: _Plan) -> None:
    """Told to stop before claiming: nothing is claimed, every job is left for the next run."""
    sel = plan.selection
    sel.decisions += [Decision(j.due_post.id, j.due_post.post.path, j.due_post.due_text, j.channel.name,
                               "stopped", STOPPED_BEFORE_POST) for j in sel.jobs]
    sel.jobs = []
    plan.workers = {}


def _claim(run_ledger: RunLedger, plan: _Plan, git: Branch) -> bool:
    """Write the intents (and the missed and held records), commit, push."""
    sel = plan.selection
    for d in sel.decisions:
        if d.to_ledger:
            run_ledger.mark(d.post_id, d.path, d.channel, d.status, d.due, d.message)
    start = run_ledger.clock()
    for name, worker in plan.workers.items():
        parts = sum(len(j.rendered.parts) for j in worker.jobs)
        until = lease_until(start, parts)
        worker.run_ledger = run_ledger
        worker.deadline = until
        for job in worker.jobs:
            run_ledger.claim(job.due_post.id, job.due_post.post.path, name, job.due_post.due_text, until,
                       len(job.rendered.parts))
    if run_ledger.flush():
        raise SocialopsError(f"could not write the ledger ({run_ledger.write_error}); nothing was claimed "
                             "or sent: free some disk space (or make the file writable) and run "
                             "publish again")
    posts = len({j.due_post.id for j in sel.jobs})
    message = f"socialops: claim {posts} post{'s' if posts != 1 else ''}" if posts else \
        "socialops: record missed and held posts"
    return git.save(message)


# ---- publishing -------------------------------------------------------------------------------

def _run_workers(plan: _Plan, run_ledger: RunLedger, stop: threading.Event | None) -> list[tuple[Job, ChannelResult]]:
    if not plan.workers:
        return []
    done: list[tuple[Job, ChannelResult]] = []
    with ThreadPoolExecutor(max_workers=len(plan.workers), thread_name_prefix="channel") as pool:
        futures = [pool.submit(w.run) for w in plan.workers.values()]
        if stop is not None:
            while not all(f.done() for f in futures):
                if stop.wait(0.05):  # told to stop: give back what has not started, now
                    for worker in plan.workers.values():
                        worker.release_rest()
                    run_ledger.flush()
                    break
        for future in futures:
            done += future.result()
    return done


def _finish(git: Branch, run_ledger: RunLedger, plan: _Plan, result: PublishResult) -> None:
    if not run_ledger.touched:
        return
    published = result.count("published")
    bad = result.count("failed") + result.count("unknown")
    message = f"socialops: published {published} post channel{'s' if published != 1 else ''}"
    message += f", {bad} failed or unknown" if bad else ""
    if run_ledger.flush():
        result.errors.append(_unwritten(run_ledger, result))

    def write_again() -> None:
        run_ledger.overlay()  # the branch now is the remote's: write our records on top, again
        for worker in plan.workers.values():
            for part in worker.sent:  # files in the repository (the feed): write them again
                try:
                    worker.adapter.publish(part)
                except PlatformError as exc:
                    result.errors.append(f"{part.channel}: could not write {part.post_id} again "
                                         f"after the branch moved: {exc.message}")
            worker.flush()

    try:
        git.save_again(message, write_again, PUSH_ATTEMPTS)
    except KeptMoving:
        result.errors.append(f"could not push the ledger after {PUSH_ATTEMPTS} tries (the branch kept "
                             "moving); it is committed here: push this branch by hand")
    except SocialopsError as exc:
        result.errors.append(f"{exc}; what was published is committed here but not pushed: "
                             "push this branch by hand")


def _unwritten(run_ledger: RunLedger, result: PublishResult) -> str:
    """What a person needs when the ledger could not be written at the end: what went out
    (it is not recorded) and what the next run does about it."""
    unwritten = set(run_ledger.dirty)
    sent = [f"{p.id} on {c.channel}" + (f" ({c.parts[-1].url})" if c.parts and c.parts[-1].url else "")
            for p in result.posts if p.id in unwritten for c in p.channels
            if any(part.status in ("published", "unknown") for part in c.parts)]
    went = ("these went out (or may have) and are not in the ledger: " + "; ".join(sent)) if sent \
        else "nothing this run sent is missing from it"
    return (f"could not write the ledger ({run_ledger.write_error}): {went}. What is written is committed; "
            "the claim this run pushed stays in the ledger, so the next run asks each platform "
            "before it sends any of these again (where a platform cannot be asked, the post shows "
            "as unknown: check the channel, then run socialops resolve). Free some disk space (or "
            "make the file writable), then run publish again")


def _report(result: PublishResult, selection: Selection, done: list[tuple[Job, ChannelResult]]) -> None:
    posts: dict[str, PostResult] = {}

    def post(post_id: str, path: str | None, due: str | None) -> PostResult:
        if post_id not in posts:
            posts[post_id] = PostResult(post_id, path, due)
        return posts[post_id]

    for d in selection.decisions:
        parts: list[PartResult] = []
        post(d.post_id, d.path, d.due).channels.append(
            ChannelResult(d.channel, d.status, d.message, parts, d.since, unchecked=d.unchecked,
                          new=d.to_ledger and d.status == "missed"))
    for job, channel_result in done:
        post(job.due_post.id, job.due_post.post.path, job.due_post.due_text).channels.append(channel_result)
    for item in posts.values():
        item.channels.sort(key=lambda c: c.channel)
    result.posts = sorted(posts.values(), key=_time_order)


def _time_order(post: PostResult) -> tuple[float, str]:
    try:
        return (datetime.fromisoformat(post.due).timestamp() if post.due else 0.0, post.id)
    except ValueError:
        return (0.0, post.id)
