"""`socialops metrics collect` and `socialops metrics report`: the analyst's side."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
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

if TYPE_CHECKING:
    from socialops.publish.metrics.collect import CollectResult

ICONS = {"ok": "[green]✓[/]", "rate-limited": "[yellow]⏸[/]", "refused": "[bold red]✗[/]",
         "failed": "[bold red]✗[/]", "no-metrics": "[dim]-[/]"}

metrics_app = typer.Typer(
    name="metrics", no_args_is_help=True,
    help="Engagement and followers: collect them from the platforms, report on them.")


def _client_factory(timeout: float) -> Any:
    def make(channel: Any) -> Any:
        from socialops.adapters import http_client

        return http_client(timeout)

    return make


@metrics_app.command("collect")
def collect_command(
    since: Annotated[str | None, typer.Option("--since", help="Only posts published within this long (7d, 12h).")] = None,
    channel: ChannelsOption = None,
    post: PostsOption = None,
    push: Annotated[bool, typer.Option("--push/--no-push", help="Push the snapshot (default) or only commit it here.")] = True,
    timeout: TimeoutOption = 30.0,
    fmt: FormatOption = TextOrJson.text,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Fetch the counts of the posts due for a sample, and each channel's followers."""
    from socialops.commands.output import print_json
    from socialops.commands.publish import _post_id, known_channels
    from socialops.errors import SocialopsError
    from socialops.model import Project
    from socialops.publish.metrics.collect import CollectOptions, collect
    from socialops.timeutil import TimeError, parse_duration, parse_now

    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    known_channels(project, channel)
    try:
        window = parse_duration(since) if since else None
    except TimeError as exc:
        raise SocialopsError(f"--since: {exc}") from None
    options = CollectOptions(
        now=when, clock=(lambda: when) if now else (lambda: datetime.now(UTC)),
        environ=dict(os.environ), since=window, push=push,
        channels=frozenset(channel) if channel else None,
        posts=frozenset(_post_id(project, p) for p in post) if post else None,
        client_factory=_client_factory(timeout))
    result = collect(project, options)
    if fmt is TextOrJson.json:
        print_json(result.as_dict())
    else:
        _show_collect(result)
    raise typer.Exit(1 if result.failed else 0)


def _show_collect(result: CollectResult) -> None:
    from rich.markup import escape

    from socialops.commands.output import console

    out = console()
    for ch in result.channels:
        counts = [f"{ch.sampled} post{'s' if ch.sampled != 1 else ''} read"]
        if ch.deleted:
            counts.append(f"{ch.deleted} deleted")
        if ch.left:
            counts.append(f"{ch.left} left for the next run")
        if ch.followers is not None:
            counts.append(f"{ch.followers} followers")
        shown = ", ".join(counts) if ch.status not in ("no-metrics",) else "no metrics on this platform"
        out.print(f"{ICONS.get(ch.status, '')} [bold]{escape(ch.channel)}[/] ({ch.platform}): {escape(shown)}")
        if ch.message:
            out.print(f"    [dim]{escape(ch.message)}[/]")
    if result.rows:
        where = ", ".join(result.files)
        out.print(f"\n{result.rows} rows written to {escape(where)}"
                  + (" (committed and pushed)" if result.pushed else " (committed)" if result.commits else ""))
    else:
        out.print("\nNothing new to record.")
    for note in result.notes:
        out.print(f"[dim]{escape(note)}[/]")


class By(StrEnum):
    post = "post"
    channel = "channel"
    campaign = "campaign"
    lang = "lang"
    weekday = "weekday"
    hour = "hour"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


@metrics_app.command("report")
def report_command(
    by: Annotated[By, typer.Option("--by", help="Add up by post, channel, campaign, lang, weekday or hour.")] = By.channel,
    start: Annotated[str | None, typer.Option("--from", help="First day of posts to report (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of posts to report (YYYY-MM-DD).")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="text for people, json for machines, csv for spreadsheets.")] = ReportFormat.text,
    html: Annotated[Path | None, typer.Option("--html", help="Also write a page with charts into this folder (needs socialops[charts]).")] = None,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Engagement, rates and followers by post, channel, campaign, language or time slot."""
    import sys

    from socialops.calendar.speed import without_gc
    from socialops.model import Project
    from socialops.publish.metrics.report import Period, report, to_csv
    from socialops.timeutil import parse_now

    first, last = _day(start, "--from"), _day(end, "--to")
    if first is not None and last is not None and first > last:
        from socialops.errors import SocialopsError

        raise SocialopsError(f"--from {start} is after --to {end}: give the first day, then the last")
    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    data = report(project, when, by.value, Period(first, last))
    if html is not None:
        from socialops.publish.metrics.page import write

        target = write(html, data)
        if fmt is ReportFormat.text:
            _console().print(f"wrote {target}")
    with without_gc():  # the CSV of a year is 100,000 rows
        if fmt is ReportFormat.json:
            _print_report_json(data)
        elif fmt is ReportFormat.csv:
            sys.stdout.write(to_csv(data))
        elif html is None:
            _show_report(data)


def _print_report_json(data: dict[str, Any]) -> None:
    """The envelope with one key a line and one post a line: readable, and written by the
    json module's fast encoder (an indented dump of a year's 10,000 posts takes a second)."""
    import json
    import sys

    dump = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps would make one per post

    fields = []
    for key, value in data.items():
        if key == "posts":
            rows = ",\n    ".join(dump(p) for p in value)
            fields.append('"posts": [' + (f"\n    {rows}\n  " if rows else "") + "]")
        else:
            fields.append(f"{dump(key)}: {dump(value)}")
    sys.stdout.write("{\n  " + ",\n  ".join(fields) + "\n}\n")


def _day(value: str | None, option: str) -> Any:
    from datetime import date

    from socialops.errors import SocialopsError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SocialopsError(f"{option} {value}: write a day as YYYY-MM-DD") from None


def _console() -> Any:
    from socialops.commands.output import console

    return console()


def _show_report(data: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from socialops.commands.output import print_table
    from socialops.publish.metrics.page import fmt_number as number
    from socialops.publish.metrics.page import fmt_percent as percent
    from socialops.publish.metrics.report import SHOWN

    out = _console()
    span = f"{data['from'] or 'the start'} to {data['to'] or 'now'}"
    out.print(f"[bold]Metrics by {data['by']}[/], posts published from {escape(span)} ({data['timezone']})")
    if not data["posts"]:
        out.print("No snapshots yet for posts in this period: run [bold]socialops metrics collect[/] first.")
    shown = [m for m in SHOWN if any(m in g["metrics"] for g in data["groups"])]
    titles = (data["by"], "posts", "interactions", *shown, "ER/view", "ER/follower", "t50 h", "t90 h")
    rows = [(g["key"], number(g["posts"]), number(g["interactions"]),
             *(number(g["metrics"].get(m)) if m in g["metrics"] else "n/a" for m in shown),
             percent(g["er_view"]), percent(g["er_follower"]), number(g["t50_h"]), number(g["t90_h"]))
            for g in data["groups"]]
    table = Table(show_edge=False)
    for title in titles:
        table.add_column(title, justify="left" if title == data["by"] else "right", no_wrap=True)
    for row in rows:
        table.add_row(escape(row[0]), *row[1:])
    if rows and not print_table(out, table):
        _show_groups_narrow(out, titles, rows)  # a terminal too narrow for the table: no number cut
    if data["followers"]:
        out.print("\n[bold]Followers[/]")
        for f in data["followers"]:
            out.print(f"  {escape(f['channel'])}: {number(f['first'])} -> {number(f['last'])} "
                      f"({f['change']:+,} since {escape(f['since'])})")
    if data["campaigns"]:
        out.print("\n[bold]Campaigns[/]")
        idle = [c["campaign"] for c in data["campaigns"] if not c["posts"]]
        for c in data["campaigns"]:
            if not c["posts"]:
                continue  # named once below, not with a line of n/a per target
            out.print(f"  [bold]{escape(c['campaign'])}[/]: {number(c['posts'])} posts, "
                      f"{number(c['interactions'])} interactions, ER/follower {percent(c['er_follower'])}")
            for metric, t in c["targets"].items():
                out.print(f"    {escape(metric)}: {number(t['actual'])} of {number(t['target'])} "
                          f"({percent(t['progress'])})")
        if idle:
            out.print(f"  [dim]no posts in this period: {escape(', '.join(idle))}[/]")
    if data["best_times"]:
        out.print("\n[bold]Best times to post[/] (from your own history)")
        for channel, best in data["best_times"].items():
            ranked = ", ".join(f"{r['weekday']} {r['hour']:02d}:00 ({number(r['median_interactions'])}, "
                               f"{r['posts']} posts)" for r in best["ranked"]) or "no slot has 5 posts yet"
            out.print(f"  {escape(channel)}: {escape(ranked)}; {best['untested_slots']} slots untested")
    if data["groups"] or data["followers"]:  # explains the columns: nothing to explain without them
        out.print("\n[dim]" + "\n".join(f"{escape(k)}: {escape(v)}" for k, v in data["legend"].items()) + "[/]")
    for where in data["unreadable"][:5]:  # file:line, or a file not read and why
        what = "a file" if ": not read: " in where else "a line that is not a snapshot row"
        out.print(f"[yellow]skipped {what}: {escape(where)}[/]")


def _show_groups_narrow(out: Any, titles: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Each group as a few lines, for a terminal narrower than the table: the counts, then
    the rates (only what is not n/a)."""
    from rich.markup import escape

    counts = len(titles) - 4  # the last four columns are the rates and the longevity
    for row in rows:
        out.print(f"[bold]{escape(row[0])}[/]  {row[1]} posts  {row[2]} interactions")
        for first, last in ((3, counts), (counts, len(titles))):
            cells = [f"{titles[i]} {row[i]}" for i in range(first, last) if row[i] != "n/a"]
            if cells:
                out.print("  " + " · ".join(cells))


def register(app: typer.Typer) -> None:
    app.add_typer(metrics_app)


