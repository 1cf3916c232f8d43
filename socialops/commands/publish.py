"""`socialops publish`, `status`, `pause`, `resume`, `retract`, `resolve` and `doctor`."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialops.commands.lint import (
    ChannelsOption,
    FormatOption,
    NowOption,
    PostsOption,
    RepoOption,
    TextOrJson,
    TimeoutOption,
)
from socialops.errors import SocialopsError


class PushRefused(SocialopsError):
    """A switch (pause, resume) the remote would not take: nothing changed; exit 1."""

    exit_code = 1

if TYPE_CHECKING:
    from socialops.model import Project
    from socialops.publish.results import PublishResult


class ResolvedAs(StrEnum):
    published = "published"
    not_published = "not-published"


PushOption = Annotated[bool, typer.Option("--push", help="Push the commit to the remote straight away.")]

ICONS = {"published": "[green]✓[/]", "failed": "[bold red]✗[/]", "unknown": "[bold yellow]?[/]",
         "missed": "[red]⌛[/]", "held": "[yellow]⏸[/]", "skipped": "[dim]-[/]",
         "planned": "[cyan]→[/]", "retracted": "[magenta]⌫[/]", "stopped": "[yellow]■[/]"}


def _clock() -> datetime:
    return datetime.now(UTC)


def _client_factory(timeout: float) -> Any:
    def make(channel: Any) -> Any:
        from socialops.adapters import http_client

        return http_client(timeout)

    return make


def _post_id(project: Project, ref: str) -> str:
    """A post given by id or path; an id whose file is gone still names its ledger."""
    from socialops.errors import SocialopsError

    try:
        return project.post_by_ref(ref).id
    except SocialopsError:
        from socialops import ledger

        if ledger.path_for(project.root, ref).exists():
            return ref
        raise


# ---- publish ---------------------------------------------------------------------------------

def publish_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be published; call no platform, write nothing.")] = False,
    channel: ChannelsOption = None,
    post: PostsOption = None,
    push: Annotated[bool, typer.Option("--push/--no-push", help="Push the ledger (default) or only commit it here.")] = True,
    fmt: FormatOption = TextOrJson.text,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", help="Publish although the working tree has uncommitted changes.")] = False,
    branch: Annotated[str | None, typer.Option("--branch", help="Publish from this branch instead of the default branch.")] = None,
    timeout: TimeoutOption = 30.0,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Publish every due post that is not published yet, and record it in the ledger."""
    from socialops.commands.output import console, print_json, workflow_text
    from socialops.commands.progress import live
    from socialops.model import Project
    from socialops.publish import PublishOptions, publish
    from socialops.timeutil import parse_now

    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    known_channels(project, channel)
    posts = frozenset(_post_id(project, p) for p in post) if post else None
    err = console(stderr=True)
    display = _Progress(err) if fmt is TextOrJson.text and live(err) else None
    stop = threading.Event()
    options = PublishOptions(
        now=when, clock=_clock, environ=dict(os.environ), dry_run=dry_run, push=push,
        allow_dirty=allow_dirty, branch=branch, posts=posts,
        channels=frozenset(channel) if channel else None, timeout=timeout,
        on_event=display.event if display is not None else None,
        on_start=display.start if display is not None else None,
        client_factory=_client_factory(timeout), stop=stop, sleep=stop.wait)
    with _stop_on_signals(stop) as received, _client_factory(timeout)(None) as http:
        try:
            result = publish(project, replace(options, http=http))  # GitHub: approvals, report
        finally:
            if display is not None:
                display.close()
    if fmt is TextOrJson.json:
        print_json(result.as_dict())
    else:
        with workflow_text():  # post ids and platforms' answers are shown, never run
            _show_publish(result)
    if result.stopped and received:
        raise typer.Exit(128 + received[0])
    raise typer.Exit(1 if result.failed else 0)


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job) ask the run to stop: no new platform
    call starts, the calls in flight finish and are recorded, the ledger is committed and
    pushed. A second signal stops at once (the next run settles what it leaves)."""
    received: list[int] = []

    def handle(signum: int, frame: Any) -> None:
        received.append(signum)
        if stop.is_set():
            _say("\nstopped at once: parts being sent are settled by the next run "
                 "(it asks the platform whether they arrived)\n")
            sys.stdout.flush()
            os._exit(128 + signum)
        stop.set()
        _say("\nstopping: no new post is started; the calls in flight finish and are recorded, "
             "then the ledger is committed and pushed (press Ctrl-C again to stop at once)\n")

    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _say(text: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(text)
        sys.stderr.flush()


class _Progress:
    """publish's counter of parts sent (commands.progress.Counter). Parts that fail or become
    unknown are printed above it as they happen; published ones are only counted (the
    summary lists each post once)."""

    def __init__(self, err: Any) -> None:
        from socialops.commands.progress import Counter

        self.counter = Counter(err, "publishing", "parts")
        self.start, self.close = self.counter.start, self.counter.close

    def event(self, event: Any) -> None:
        from rich.markup import escape

        if event.status not in ("published", "intent"):
            where = f"{event.post_id} → {event.channel}"
            if event.count > 1:
                where += f" (part {event.index + 1}/{event.count})"
            with self.counter.lock:
                self.counter.console.print(f"  {ICONS.get(event.status, '')} {escape(where)}  "
                                           f"{escape(event.error or event.url or '')}")
        self.counter.advance(1, f"{event.post_id} → {event.channel}")


def _show_publish(result: PublishResult) -> None:
    from rich.markup import escape

    from socialops.commands.output import console

    out = console()
    if result.paused is not None:
        p = result.paused
        out.print(f"[bold yellow]Publishing is paused[/] since {escape(p.since or '?')} by "
                  f"{escape(p.who or 'someone')}: {escape(p.reason)}")
        out.print("Nothing was published. [bold]socialops resume[/] ends the pause.")
        out.print(escape(result.summary_line()))
        return
    if result.dry_run:
        out.print("[bold]Dry run:[/] no platform is called and nothing is written.")
    if not result.posts:
        out.print("Nothing is due.")
    for post in result.posts:
        out.print(f"[bold]{escape(post.id)}[/] [dim]{escape(post.path or '')}  due {escape(post.due or '-')}[/]")
        for ch in post.channels:
            line = f"  {ICONS.get(ch.status, ' ')} {escape(ch.channel)}: {ch.status}"
            urls = [p.url for p in ch.parts if p.url and p.status == "published"]
            if urls:
                line += "  " + escape(" ".join(urls))
            out.print(line)
            errors = [f"part {p.index + 1}: {p.error}" for p in ch.parts if p.error]
            for text in ([ch.message] if ch.message else []) + errors:
                out.print(f"      [dim]{escape(text)}[/]")
    counts = ", ".join(f"{result.count(s)} {s}" for s in ICONS if result.count(s))
    if counts:
        posts = len(result.posts)
        out.print(f"\n{counts} (post and channel; {posts} post{'s' if posts != 1 else ''})")
    for note in result.notes:
        out.print(f"[dim]{escape(note)}[/]")
    for error in result.errors:
        out.print(f"[bold red]error:[/] {escape(error)}")
    line = result.summary_line()
    style = "bold yellow" if result.stopped else "bold red" if result.attention else "green"
    out.print(f"[{style}]{escape(line)}[/]")


# ---- status ------------------------------------------------------------------------------------

SECTION_TITLES = {
    "unknown": "Unknown: may be on the platform; a person decides (socialops resolve)",
    "interrupted": "Interrupted: a run stopped while sending; the next run settles it (or socialops resolve now)",
    "failed": "Failed (the next run tries again)",
    "missed": "Missed (later than the lateness limit; not published)",
    "held": "Held (not approved)",
    "publishing": "Being published by a run now",
    "waiting": "Due, waiting for the next publish run",
    "next": "Due next",
    "unscheduled": "Ready, but without a time",
    "draft": "Drafts",
    "published": "Published",
    "retracted": "Retracted",
}


def status_command(
    post: Annotated[str | None, typer.Argument(help="Explain one post (id or path) on every channel.")] = None,
    fmt: FormatOption = TextOrJson.text,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Exit 1 when any post is in one of these states (comma-separated: held, missed, unknown, interrupted, failed).")] = None,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """What is due next, published, failed, unknown, missed or held, and since when."""
    from socialops.commands.output import print_json, workflow_text
    from socialops.model import Project
    from socialops.publish.status import status
    from socialops.timeutil import parse_now

    states = _fail_on_states(fail_on)
    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    ref = _post_id(project, post) if post else None
    with _client_factory(30.0)(None) as http:  # for approvals on GitHub, as publish checks them
        report = status(project, when, _clock(), post=ref, environ=dict(os.environ), http=http,
                        client_factory=_client_factory(30.0))
    found = {name: len(report.section(name)) for name in states if report.section(name)}
    if fmt is TextOrJson.json:
        print_json(report.as_dict())
    else:
        with workflow_text():
            _show_status(report, bool(post))
        if found:
            from socialops.commands.output import console

            console().print("[bold red]exit 1:[/] " + ", ".join(f"{n} {name}" for name, n in found.items())
                            + f" (--fail-on {','.join(states)})")
    if found:
        raise typer.Exit(1)


FAIL_ON_STATES = ("held", "missed", "unknown", "interrupted", "failed")


def _fail_on_states(text: str | None) -> list[str]:
    from socialops.errors import SocialopsError

    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    wrong = [n for n in names if n not in FAIL_ON_STATES]
    if wrong:
        raise SocialopsError(f"--fail-on takes {', '.join(FAIL_ON_STATES)} (comma-separated), not "
                         f"{', '.join(wrong)}")
    return names


def _show_status(report: Any, one_post: bool) -> None:
    from rich.markup import escape

    from socialops.commands.output import console
    from socialops.publish.status import SECTIONS

    out = console()
    if report.paused is not None:
        p = report.paused
        out.print(f"[bold yellow]Publishing is paused[/] since {escape(p.since or '?')} by "
                  f"{escape(p.who or 'someone')}: {escape(p.reason)}\n")
    if not report.rows:
        out.print("No posts." if one_post else "Nothing to report: no post is due, scheduled or published.")
    for name in SECTIONS:
        rows = report.section(name)
        if not rows or (name == "draft" and not one_post):
            continue
        out.print(f"[bold]{SECTION_TITLES[name]}[/] ({len(rows)})")
        for row in rows:
            when = f"due {row.due}" if row.due else ""
            since = f"since {row.since}" if row.since and name not in ("next", "waiting") else ""
            head = "  ".join(x for x in (row.post, row.channel, when, since) if x)
            out.print(f"  {escape(head)}" + (f"  {escape(row.url)}" if row.url else ""))
            if row.message:
                out.print(f"      [dim]{escape(row.message)}[/]")
        out.print()
    out.print(f"[dim]now {report.now}; lateness limit {report.lateness}[/]")
    collected = report.metrics_collected
    if collected:
        out.print(f"[dim]metrics last collected {collected}[/]")
    elif report.metrics_channels:  # a project of feeds, Discord, Slack, webhooks has none to collect
        out.print("[dim]metrics never collected (socialops metrics collect)[/]")


# ---- pause, resume -------------------------------------------------------------------------------

def pause_command(
    reason: Annotated[str, typer.Option("--reason", envvar="SOCIALOPS_PAUSE_REASON", help="Why publishing stops (shown by every run).")],
    push: PushOption = False,
    repo: RepoOption = None,
) -> None:
    """Stop all publishing at once (a committed switch) until `socialops resume`."""
    from rich.markup import escape

    from socialops.commands.output import console
    from socialops.model import Project
    from socialops.pause import PAUSE_FILE, read_pause, write_pause

    project = Project.load(repo)
    out = console()
    current = read_pause(project.root)
    if current is not None:
        out.print(f"Already paused since {escape(current.since or '?')} by {escape(current.who or 'someone')}: "
                  f"{escape(current.reason)}")
        return
    who = _actor(project)
    write_pause(project.root, reason, who, _clock())
    pushed = _switch(project, PAUSE_FILE, f"socialops: pause publishing ({who or 'someone'}): {reason}",
                     push, "pause")
    out.print(f"Publishing is paused ({PAUSE_FILE} committed{', pushed' if pushed else ''}).")
    if not pushed:
        out.print("[yellow]Push it (or run with --push) so the publish job sees it.[/]")


def resume_command(push: PushOption = False, repo: RepoOption = None) -> None:
    """End a pause: the next run publishes what is due (within the lateness limit)."""
    from socialops.commands.output import console
    from socialops.model import Project
    from socialops.pause import PAUSE_FILE, remove_pause

    project = Project.load(repo)
    out = console()
    if not remove_pause(project.root):
        out.print("Publishing is not paused.")
        return
    who = _actor(project)
    pushed = _switch(project, PAUSE_FILE, f"socialops: resume publishing ({who or 'someone'})", push, "resume")
    out.print(f"Publishing resumed ({PAUSE_FILE} removed{', pushed' if pushed else ''}).")


def _actor(project: Project) -> str | None:
    """Who pulls the switch: the person who ran the pause workflow, else the git author."""
    from socialops import gitops

    return (os.environ.get("SOCIALOPS_ACTOR") or gitops.user_name(project.root)
            or os.environ.get("GITHUB_ACTOR") or os.environ.get("USER"))


def _switch(project: Project, rel: str, message: str, push: bool, action: str) -> bool:
    """Commit the switch and push it. A push the remote refuses (branch protection) undoes
    the commit here, says plainly that nothing changed, and how to do it instead."""
    from socialops import gitops

    before = gitops.head(project.root)
    try:
        return _commit(project, [rel], message, push)
    except gitops.GitError as exc:
        if gitops.head(project.root) != before:
            gitops.undo_commit(project.root, rel)
        else:  # not committed: put the switch back as it was
            gitops.restore_file(project.root, rel)
        state = "NOT paused" if action == "pause" else "still paused"
        reason = str(exc).removeprefix("git ")
        raise PushRefused(
            f"publishing is {state}: the remote refused the push ({reason}). The {action} commit was "
            f"undone here. Do it from GitHub instead: Actions -> 'socialops pause' -> Run workflow, "
            f"choose {action} (works from the GitHub mobile app too), or from a terminal: "
            f"gh workflow run pause.yml -f action={action}"
            + (" -f reason='...'" if action == "pause" else "")
            + ". Then check with: socialops status") from None


def _commit(project: Project, rel_paths: list[str], message: str, push: bool) -> bool:
    """Commit these project files; with `push`, push them. Returns whether it was pushed."""
    from socialops.publish.gitsync import commit_and_push

    return commit_and_push(project.root, [project.root / p for p in rel_paths], message, push).pushed


def _ledger_paths(project: Project) -> list[str]:
    from socialops.model import LEDGER_DIR

    return [LEDGER_DIR] + [str(c.options.get("path") or "feed.xml")
                           for c in project.config.channels.values() if c.platform == "feed"]


# ---- retract, resolve ------------------------------------------------------------------------

def retract_command(
    post: Annotated[str, typer.Argument(help="The post (id or path).")],
    channel: Annotated[str | None, typer.Option("--channel", "-c", help="Only this channel (default: every channel it went to).")] = None,
    push: PushOption = False,
    fmt: FormatOption = TextOrJson.text,
    repo: RepoOption = None,
) -> None:
    """Delete a published post (every part of a thread) and record it as retracted."""
    from rich.markup import escape

    from socialops.commands.output import console, print_json
    from socialops.model import Project
    from socialops.publish.retract import retract

    project = Project.load(repo)
    post_id = _post_id(project, post)
    factory = _client_factory(30.0)
    client = factory(None)
    try:
        result = retract(project, post_id, channel, dict(os.environ), _clock, client)
    finally:
        client.close()
    _commit(project, _ledger_paths(project), f"socialops: retract {post_id}", push)
    if fmt is TextOrJson.json:
        print_json({"version": 1, "post": post_id, "channels": [c.as_dict() for c in result.channels],
                    "other_channels": result.others})
    else:
        out = console()
        for ch in result.channels:
            out.print(f"{ICONS.get(ch.status, '')} {escape(post_id)} on {escape(ch.channel)}: {ch.status}"
                      + (f" ({escape(ch.message)})" if ch.message else ""))
        for name, state in result.others.items():
            out.print(f"[yellow]![/] {escape(post_id)} on {escape(name)}: {escape(state)}"
                      + (f" (socialops retract {escape(post_id)} --channel {escape(name)})"
                         if state == "still published" else ""))
    raise typer.Exit(1 if result.failed else 0)


def resolve_command(
    post: Annotated[str, typer.Argument(help="The post (id or path).")],
    channel: Annotated[str, typer.Option("--channel", "-c", help="The channel whose parts are unknown.")],
    verdict: Annotated[ResolvedAs, typer.Option("--as", help="What you found on the platform.")],
    url: Annotated[str | None, typer.Option("--url", help="The post's URL, when it is there.")] = None,
    platform_id: Annotated[str | None, typer.Option("--id", help="The platform's id of the post, when it is there.")] = None,
    push: PushOption = False,
    repo: RepoOption = None,
) -> None:
    """Settle an unknown: you checked the platform and say whether the post is there."""
    from rich.markup import escape

    from socialops import gitops
    from socialops.commands.output import console
    from socialops.model import Project
    from socialops.publish.retract import resolve

    project = Project.load(repo)
    post_id = _post_id(project, post)
    who = gitops.user_name(project.root) or os.environ.get("GITHUB_ACTOR") or os.environ.get("USER")
    result = resolve(project, post_id, channel, verdict.value, url, platform_id, who, _clock)
    _commit(project, _ledger_paths(project), f"socialops: resolve {post_id} on {channel} as {verdict.value}", push)
    console().print(f"{escape(post_id)} on {escape(channel)}: {result.status} ({escape(result.message or '')})")


# ---- doctor ------------------------------------------------------------------------------------------

def doctor_command(
    channel: ChannelsOption = None,
    write: Annotated[bool, typer.Option("--write", help="Record what the platforms say in socialops.yaml "
                                        "(Mastodon: the instance's max_length), for lint.")] = False,
    fmt: FormatOption = TextOrJson.text,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Check each channel's credentials with the platform, and when they expire.

    With verified approvals, also GitHub's token and the approval key. Exit 1 when something
    would keep a post from going out, or a credential expires within 14 days (the daily
    doctor.yml)."""
    from rich.markup import escape

    from socialops.adapters import http_client
    from socialops.commands.output import console, print_json
    from socialops.model import Project
    from socialops.publish.doctor import approval_health, doctor, workflow_problems
    from socialops.timeutil import parse_now

    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    found = doctor(project, dict(os.environ), when, _client_factory(30.0), channel, write)
    setup = workflow_problems(project)
    with http_client() as http:
        approvals = approval_health(project, dict(os.environ), http)
    if fmt is TextOrJson.json:
        print_json({"version": 1, "channels": [h.as_dict() for h in found],
                    "approval": approvals.as_dict(), "workflows": [p.as_dict() for p in setup]})
    else:
        out = console()
        for h in found:
            mark = "[green]✓[/]" if not h.attention else "[bold yellow]![/]" if h.ok else "[bold red]✗[/]"
            out.print(f"{mark} [bold]{escape(h.channel)}[/] ({h.platform})"
                      + (f"  account: {escape(h.account)}" if h.account else ""))
            for name, present in h.variables.items():
                out.print(f"    {escape(name)}: {'set' if present else '[red]not set[/]'}")
            if h.message:
                out.print(f"    {escape(h.message)}")
            if h.expires:
                out.print(f"    expires {escape(h.expires)}")
            if h.warning:
                out.print(f"    [yellow]{escape(h.warning)}[/]")
            for key, value in h.written.items():
                out.print(f"    recorded {escape(key)}: {escape(str(value))} in socialops.yaml")
            for fix in h.fixes:
                out.print(f"    [red]{escape(fix)}[/]")
        if approvals.verify:
            mark = "[green]✓[/]" if approvals.ok else "[bold red]✗[/]"
            out.print(f"{mark} [bold]approvals[/] (approval.verify: github)")
            if approvals.message:
                out.print(f"    {escape(approvals.message)}")
            for warning in approvals.warnings:
                out.print(f"    [yellow]{escape(warning)}[/]")
        for p in setup:
            out.print(f"[bold red]✗[/] {escape(p.path)}:{p.line}: {escape(p.message)}")
    red = any(h.attention for h in found) or not approvals.ok or bool(setup)
    raise typer.Exit(1 if red else 0)


def register(app: typer.Typer) -> None:
    app.command("publish")(publish_command)
    app.command("status")(status_command)
    app.command("pause")(pause_command)
    app.command("resume")(resume_command)
    app.command("retract")(retract_command)
    app.command("resolve")(resolve_command)
    app.command("doctor")(doctor_command)


def known_channels(project: Project, channels: list[str] | None) -> None:
    """`--channel` values that socialops.yaml does not define end the command (exit 2)."""
    from socialops.errors import SocialopsError

    unknown = sorted(set(channels or []) - set(project.config.channels))
    if unknown:
        raise SocialopsError(f"unknown channel(s) {', '.join(unknown)}; socialops.yaml defines: "
                             f"{', '.join(sorted(project.config.channels))}")
