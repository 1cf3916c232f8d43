"""The calendar in the terminal: rich renderables for the plan table, a month grid and a
week grid. Nothing here prints; the command puts the result on the console."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from socialops.calendar.plan import Entry
from socialops.model import Project

# status -> (mark, style): drafts and published posts look different at a glance
MARKS = {
    "draft": ("○", "dim italic"),
    "ready": ("…", "cyan"),
    "scheduled": ("●", "bold"),
    "published": ("✓", "green"),
    "failed": ("✗", "bold red"),
    "unknown": ("?", "yellow"),
    "missed": ("!", "red"),
    "held": ("‖", "magenta"),
    "retracted": ("⌫", "dim"),
}
CHANNEL_STYLES = ["blue", "magenta", "dark_orange", "green4", "purple", "cyan", "red", "yellow4",
                  "deep_pink3", "turquoise4"]


def channel_styles(project: Project, entries: list[Entry]) -> dict[str, str]:
    names = sorted(set(project.config.channels) | {e.channel for e in entries})
    return {name: CHANNEL_STYLES[i % len(CHANNEL_STYLES)] for i, name in enumerate(names)}


def legend() -> Text:
    text = Text()
    for status, (mark, style) in MARKS.items():
        text.append(f"{mark} {status}", style=style)
        text.append("  ")
    return text


def _local(entry: Entry, project: Project) -> Any:
    assert entry.at is not None
    return entry.at.astimezone(project.config.timezone)


def plan_table(project: Project, entries: list[Entry]) -> Table:
    styles = channel_styles(project, entries)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("when", "channel", "status", "source"):
        table.add_column(column, no_wrap=True)
    table.add_column("post", overflow="fold", min_width=16)
    for column in ("campaign", "author"):
        table.add_column(column, overflow="fold")
    for e in entries:
        when = _local(e, project).strftime("%a %Y-%m-%d %H:%M") if e.at else "(no free slot)"
        mark, style = MARKS.get(e.status, ("·", ""))
        table.add_row(when, Text(e.channel, style=styles[e.channel]), Text(f"{mark} {e.status}", style=style),
                      e.source, escape(e.id), escape(e.campaign or ""), escape(e.author or ""))
    return table


def _line(entry: Entry, project: Project) -> Text:
    """A post in the week grid: its time, status mark and first line."""
    mark, style = MARKS.get(entry.status, ("·", ""))
    line = Text()
    line.append(f"{_local(entry, project):%H:%M} {mark}", style=style)
    line.append(" " + entry.first_line(project), style=style if entry.status == "draft" else "")
    return line


def _month_cell(project: Project, entries: list[Entry], cell: Text, styles: dict[str, str]) -> Text:
    """The day number, then per channel its name and the times of its posts, each marked."""
    by_channel: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_channel[e.channel].append(e)
    for channel in sorted(by_channel):
        cell.append("\n" + channel, style=styles[channel])
        for i, e in enumerate(by_channel[channel]):
            mark, style = MARKS.get(e.status, ("·", ""))
            cell.append("\n " if i % 2 == 0 else "  ")
            cell.append(f"{_local(e, project):%H:%M} {mark}", style=style)
    return cell


def month_grid(project: Project, entries: list[Entry], year: int, month: int, today: date) -> Group:
    styles = channel_styles(project, entries)
    by_day: dict[date, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.at is not None:
            by_day[_local(e, project).date()].append(e)
    title = f"{stdlib_calendar.month_name[month]} {year}"
    table = Table(title=title, show_lines=True, expand=True, title_style="bold")
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        table.add_column(name, ratio=1, overflow="ellipsis", vertical="top")
    for week in stdlib_calendar.Calendar().monthdatescalendar(year, month):
        cells = []
        for day in week:
            head_style = "bold reverse" if day == today else ("bold" if day.month == month else "dim")
            cells.append(_month_cell(project, by_day.get(day, []), Text(str(day.day), style=head_style), styles))
        table.add_row(*cells)
    return Group(table, legend())


def week_grid(project: Project, entries: list[Entry], monday: date, today: date) -> Group:
    """Rows are channels, columns the seven days from `monday`."""
    styles = channel_styles(project, entries)
    days = [monday + timedelta(days=i) for i in range(7)]
    table = Table(title=f"Week of {monday:%a %Y-%m-%d}", show_lines=True, expand=True, title_style="bold")
    table.add_column("channel", overflow="fold", vertical="top")
    for day in days:
        table.add_column(Text(f"{day:%a %d %b}", style="bold reverse" if day == today else "bold"),
                         ratio=1, overflow="fold", vertical="top")
    cells: dict[tuple[str, date], list[Entry]] = defaultdict(list)
    for e in entries:
        if e.at is not None:
            cells[(e.channel, _local(e, project).date())].append(e)
    channels = sorted({e.channel for e in entries if e.at is not None}) or sorted(project.config.channels)
    for channel in channels:
        row: list[Any] = [Text(channel, style=styles.get(channel, ""))]
        for day in days:
            lines = [_line(e, project) for e in cells.get((channel, day), [])]
            row.append(Text("\n").join(lines))
        table.add_row(*row)
    return Group(table, legend())
