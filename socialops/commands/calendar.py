"""`socialops schedule`, `socialops plan` and `socialops calendar` (terminal, --ics, --html)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialops.commands.lint import NowOption, RepoOption, TextOrJson

if TYPE_CHECKING:
    from socialops.calendar.config import Calendar
    from socialops.calendar.plan import PlanEntry
    from socialops.model import Post, Project


FromOption = Annotated[str | None, typer.Option("--from", metavar="TIME", help="Start: a date (2026-12-01) or a time (default: today).")]
ToOption = Annotated[str | None, typer.Option("--to", metavar="TIME", help="End: a date (included) or a time (default: 90 days on).")]
ChannelOption = Annotated[list[str] | None, typer.Option("--channel", "-c", metavar="NAME", help="Only this channel (repeatable).")]


# ---- shared ------------------------------------------------------------------------------

def _load(repo: Path | None, now: str | None) -> tuple[Project, Calendar, list[Post], datetime]:
    from socialops.calendar import load
    from socialops.calendar.speed import without_gc
    from socialops.lint.quickread import read_posts
    from socialops.model import Project
    from socialops.timeutil import parse_now

    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    with without_gc():
        posts = read_posts(project, quick=True)  # from lint's cache where unchanged; the keys the calendar reads
    return project, load(project), posts, when


def _user_time(read: Any, option: str) -> Any:
    from socialops.errors import SocialopsError
    from socialops.timeutil import TimeError

    try:
        return read()
    except TimeError as exc:
        raise SocialopsError(f"{option}: {exc}") from None


def _window(project: Project, start: str | None, end: str | None, default_start: datetime,
            default_end: datetime) -> tuple[datetime, datetime]:
    from socialops.calendar.config import parse_bound
    from socialops.errors import SocialopsError

    tz = project.config.timezone
    first = _user_time(lambda: parse_bound(start, tz), "--from") if start else default_start
    last = _user_time(lambda: parse_bound(end, tz, end=True), "--to") if end else default_end
    if last <= first:
        raise SocialopsError(f"--to ({end or 'default'}) is not after --from ({start or 'default'})")
    return first, last


def _warn_calendar(cal: Calendar) -> None:
    from socialops.commands.output import console
    from socialops.problems import Level

    errors = [p for p in cal.problems if p.level is Level.ERROR]
    if errors:
        first = errors[0]
        console(stderr=True).print(f"[yellow]warning:[/] calendar.yaml:{first.line}: {first.message} "
                                   f"({len(errors)} problem{'s' if len(errors) != 1 else ''}; 'socialops lint' "
                                   "lists them); the calendar shown leaves out what it cannot read")


def _check_channels(project: Project, channels: list[str] | None) -> None:
    from socialops.errors import SocialopsError

    for name in channels or []:
        if name not in project.config.channels:
            known = ", ".join(sorted(project.config.channels)) or "none"
            raise SocialopsError(f"--channel: unknown channel '{name}'; socialops.yaml defines: {known}")


def _authors(project: Project) -> dict[str, str]:
    """Who added each post file, from git (nothing outside a repository)."""
    from socialops import gitops

    return gitops.file_authors(project.root) if gitops.is_repo(project.root) else {}


def _today(project: Project, now: datetime) -> datetime:
    from socialops.calendar.config import day_start

    return day_start(now.astimezone(project.config.timezone).date(), project.config.timezone)


# ---- schedule ----------------------------------------------------------------------------

def schedule_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the times without writing them.")] = False,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Give each 'publish_at: queue' post the earliest free slot and write it into the file."""
    from socialops.calendar import rewrite
    from socialops.calendar.schedule import queue_posts
    from socialops.errors import SocialopsError
    from socialops.problems import Level

    project, cal, posts, when = _load(repo, now)
    errors = [p for p in cal.problems if p.level is Level.ERROR]
    if errors:
        raise SocialopsError(f"{errors[0].message}; fix calendar.yaml before scheduling ('socialops lint' "
                             "lists every problem)", "calendar.yaml", errors[0].line)
    result = queue_posts(project, cal, posts, when)
    if not dry_run:
        rewrite.write_times([(placed.post, placed.value) for placed in result.assigned])
    if fmt is TextOrJson.json:
        from socialops.commands.output import print_json

        print_json({"version": 1, "dry_run": dry_run,
                    "scheduled": [{"path": a.post.path, "id": a.post.id, "publish_at": a.value} for a in result.assigned],
                    "unscheduled": [{"path": u.post.path, "id": u.post.id, "reason": u.reason} for u in result.unassigned],
                    "drafts": [p.path for p in result.drafts]})
    else:
        _print_schedule(result, dry_run, project)
    raise typer.Exit(1 if result.unassigned else 0)


def _print_schedule(result: Any, dry_run: bool, project: Project) -> None:
    from rich.markup import escape

    from socialops.commands.output import console

    out = console()
    verb = "would take" if dry_run else "scheduled"
    tz = project.config.timezone
    for placed in result.assigned:
        local = placed.at.astimezone(tz)
        out.print(f"  [green]{verb}[/] {escape(placed.post.path)}: publish_at: {placed.value}  [dim]({local:%a %d %b})[/]")
    for missing in result.unassigned:
        out.print(f"  [red]left in the queue[/] {escape(missing.post.path)}: {escape(missing.reason)}")
    for draft in result.drafts:
        out.print(f"  [dim]draft, stays in the queue until it is ready: {escape(draft.path)}[/]")
    if not (result.assigned or result.unassigned or result.drafts):
        out.print("No queued posts ('publish_at: queue').")


# ---- plan --------------------------------------------------------------------------------

def plan_command(
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    author: Annotated[str | None, typer.Option("--author", metavar="NAME", help="Only the posts of this person (the post's "
                                               "'author', else who added the file in git).")] = None,
    campaign: Annotated[list[str] | None, typer.Option("--campaign", metavar="NAME", help="Only the posts of this campaign (repeatable).")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", metavar="STATUS", help="Only entries with this status (repeatable): draft, ready, scheduled, published, failed, unknown, missed, held, retracted.")] = None,
    grep: Annotated[str | None, typer.Option("--grep", metavar="TEXT", help="Only posts whose id, file or text contains TEXT (any case).")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format.")] = TextOrJson.text,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Every post and recurring occurrence by time, with channel, status and source."""
    from socialops.calendar import plan

    project, cal, posts, when = _load(repo, now)
    _check_channels(project, channel)
    today = _today(project, when)
    first, last = _window(project, start, end, today, today + timedelta(days=90))
    _check_statuses(status)
    entries = _only(plan.build(project, cal, posts, when, first, last, _authors(project)), channel, author)
    entries = _matching(project, entries, campaign, status, grep)
    if fmt is TextOrJson.json:
        from socialops.publish.metrics.report import campaign_progress

        _print_entries_json(project, entries, campaign_progress(project, cal))
        return
    from socialops.commands.calendar_views import plan_table
    from socialops.commands.output import console, terminal_width, wide

    _warn_calendar(cal)
    out = console()
    tz = project.config.timezone
    out.print(f"[bold]Plan[/] {first.astimezone(tz):%Y-%m-%d %H:%M} to {last.astimezone(tz):%Y-%m-%d %H:%M} "
              f"({tz.key}): {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
    if entries:
        width = terminal_width(out)  # into a file or a pipe: every column, nothing cut
        with wide(out, width or 1000):
            out.print(plan_table(project, entries, out.width), soft_wrap=False)
    _show_progress(project, cal, out)


def _show_progress(project: Project, cal: Any, out: Any) -> None:
    """Each campaign's progress against its targets, once metrics were collected."""
    from rich.markup import escape

    from socialops.publish.metrics.report import campaign_progress, progress_text

    progress = campaign_progress(project, cal)
    if progress:
        out.print("[bold]Campaign targets[/] (socialops metrics report for more)")
    for c in progress:
        if c["posts"]:
            out.print(f"  {escape(c['campaign'])}: {escape(progress_text(c))}")
    idle = [c["campaign"] for c in progress if not c["posts"]]
    if idle:  # one line, not a line of n/a per campaign yet to start
        out.print(f"  [dim]no posts published yet: {escape(', '.join(idle))}[/]")


def _print_entries_json(project: Project, entries: list[PlanEntry], campaigns: list[Any] | None = None) -> None:
    """`{"version": 1, "entries": [...]}` with one entry per line: readable, and written by
    the json module's fast encoder (an indented dump of 30,000 entries takes a second)."""
    import json
    import sys

    rows = ",\n    ".join(json.dumps(e.as_json(project), ensure_ascii=False) for e in entries)
    progress = f',\n  "campaigns": {json.dumps(campaigns, ensure_ascii=False)}' if campaigns else ""
    sys.stdout.write('{\n  "version": 1,\n  "entries": [' + (f"\n    {rows}\n  " if rows else "") + "]"
                     + progress + "\n}\n")


def _check_statuses(statuses: list[str] | None) -> None:
    from socialops.calendar.plan import STATUSES
    from socialops.errors import SocialopsError

    known = (*STATUSES, "retracted")
    for value in statuses or []:
        if value not in known:
            raise SocialopsError(f"--status: '{value}' is not a status; use one of {', '.join(known)}")


def _matching(project: Project, entries: list[PlanEntry], campaigns: list[str] | None, statuses: list[str] | None,
              grep: str | None) -> list[PlanEntry]:
    if campaigns:
        entries = [e for e in entries if e.campaign in campaigns]
    if statuses:
        entries = [e for e in entries if e.status in statuses]
    if grep:
        wanted = grep.casefold()
        entries = [e for e in entries if wanted in e.id.casefold() or wanted in e.path.casefold()
                   or wanted in e.text(project).casefold()]
    return entries


def _only(entries: list[PlanEntry], channels: list[str] | None, author: str | None) -> list[PlanEntry]:
    if channels:
        entries = [e for e in entries if e.channel in channels]
    if author:
        wanted = author.removeprefix("@").casefold()
        entries = [e for e in entries if e.author is not None and e.author.removeprefix("@").casefold() == wanted]
    return entries


# ---- calendar ----------------------------------------------------------------------------

def calendar_command(
    day: Annotated[str | None, typer.Argument(metavar="DATE", help="A day to show (its month, or its week with --week).")] = None,
    month: Annotated[str | None, typer.Option("--month", metavar="YYYY-MM", help="The month to show, e.g. 2026-12.")] = None,
    week: Annotated[bool, typer.Option("--week", help="Show one week (of DATE, default today) as an agenda: each day's blackouts, campaigns and posts.")] = False,
    channel: ChannelOption = None,
    ics: Annotated[Path | None, typer.Option("--ics", metavar="FILE", help="Write an iCalendar file (RFC 5545) instead.")] = None,
    html_dir: Annotated[Path | None, typer.Option("--html", metavar="DIR", help="Write a static page (DIR/index.html) instead.")] = None,
    start: Annotated[str | None, typer.Option("--from", metavar="TIME", help="Start of --ics/--html (default: 3 months ago).")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="TIME", help="End of --ics/--html (default: a year on).")] = None,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """The calendar: a month or week grid in the terminal, or an iCalendar file or static page."""
    from socialops.calendar import plan
    from socialops.calendar.config import day_start

    project, cal, posts, when = _load(repo, now)
    _check_channels(project, channel)
    _warn_calendar(cal)
    tz = project.config.timezone
    today = when.astimezone(tz).date()
    shown = _month(month) if month else (_day(day) if day else today)
    if ics is not None or html_dir is not None:
        month_start = shown.replace(day=1)
        first, last = _window(project, start, end, day_start(_add_months(month_start, -3), tz),
                              day_start(_add_months(month_start, 13), tz))
        entries = _only(plan.build(project, cal, posts, when, first, last, _authors(project)), channel, None)
        _export(project, entries, when, shown, first, last, ics, html_dir, cal)
        return
    if week:
        monday = shown - timedelta(days=shown.weekday())
        first, last = day_start(monday, tz), day_start(monday + timedelta(days=7), tz)
    else:
        grid_start = shown.replace(day=1) - timedelta(days=shown.replace(day=1).weekday())
        first, last = day_start(grid_start, tz), day_start(grid_start + timedelta(days=42), tz)
    entries = _only(plan.build(project, cal, posts, when, first, last), channel, None)
    from socialops.commands.calendar_views import month_grid, week_agenda
    from socialops.commands.output import console

    grid = week_agenda(project, entries, monday, today, cal) if week else \
        month_grid(project, entries, shown.year, shown.month, today)
    console().print(grid, soft_wrap=False)


def _export(project: Project, entries: list[PlanEntry], when: datetime, shown: date, first: datetime,
            last: datetime, ics: Path | None, html_dir: Path | None, cal: Calendar | None = None) -> None:
    from socialops.commands.output import console

    out = console()
    tz = project.config.timezone
    timed = [e for e in entries if e.at is not None]
    if ics is not None:
        from socialops.calendar.ics import export

        data = export(project, timed, when, f"{project.root.name} (socialops)")
        with _writing("--ics", ics):
            ics.parent.mkdir(parents=True, exist_ok=True)
            ics.write_bytes(data)
        out.print(f"wrote {ics} ({len(timed)} event{'s' if len(timed) != 1 else ''})")
    if html_dir is not None:
        from socialops.calendar import html

        page = html.page_data(project, timed, when, (shown.year, shown.month), first.astimezone(tz).date(),
                              (last - timedelta(seconds=1)).astimezone(tz).date(), f"{project.root.name} calendar",
                              cal)
        page.update(_metrics_for_page(project))
        with _writing("--html", html_dir):
            target = html.write(html_dir, page)
        out.print(f"wrote {target} ({len(timed)} entr{'y' if len(timed) == 1 else 'ies'})")


def _metrics_for_page(project: Project) -> dict[str, Any]:
    """What the page shows of the metrics: a link to their page (`metrics report --html` into
    the same folder) and each campaign's progress, once metrics were collected."""
    from socialops.calendar.config import load
    from socialops.publish.metrics import store
    from socialops.publish.metrics.report import campaign_progress, progress_text

    if not store.files(project.root):
        return {"metrics_page": None, "campaign_progress": []}
    progress = campaign_progress(project, load(project))
    return {"metrics_page": "metrics.html",
            "campaign_progress": [{"campaign": c["campaign"], "progress": progress_text(c),
                           "ratio": min((t["progress"] or 0 for t in c["targets"].values()), default=0)}
                          for c in progress if c["posts"]]}  # one yet to start has no progress to show


@contextmanager
def _writing(option: str, path: Path) -> Iterator[None]:
    """A file that cannot be written (a folder given for --ics, a file for --html, no
    permission) is the user's to fix: say so, naming the option and the path."""
    from socialops.errors import SocialopsError

    try:
        yield
    except OSError as exc:
        raise SocialopsError(f"{option}: cannot write {exc.filename or path}: {exc.strerror or exc}") from None


def _month(text: str) -> date:
    from socialops.errors import SocialopsError

    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise SocialopsError(f"--month: '{text}' is not a month; write it like 2026-12")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _day(text: str) -> date:
    from socialops.errors import SocialopsError

    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise SocialopsError(f"'{text}' is not a day; write it like 2026-12-01") from None


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule_command)
    app.command("plan")(plan_command)
    app.command("calendar")(calendar_command)
