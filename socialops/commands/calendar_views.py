"""The calendar in the terminal: rich renderables for the plan table, a month grid and a
week grid. Nothing here prints; the command puts the result on the console."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from socialops.calendar.plan import PlanEntry
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


def channel_styles(project: Project, entries: list[PlanEntry]) -> dict[str, str]:
    names = sorted(set(project.config.channels) | {e.channel for e in entries})
    return {name: CHANNEL_STYLES[i % len(CHANNEL_STYLES)] for i, name in enumerate(names)}


def legend() -> Text:
    text = Text()
    for status, (mark, style) in MARKS.items():
        text.append(f"{mark} {status}", style=style)
        text.append("  ")
    return text


def _local(entry: PlanEntry, project: Project) -> Any:
    assert entry.at is not None
    return entry.at.astimezone(project.config.timezone)


PLAN_COLUMNS = ("when", "channel", "status", "post", "campaign", "author", "source")
DROP_ORDER = ("source", "author", "campaign")  # the first to go when the terminal is narrow


def plan_table(project: Project, entries: list[PlanEntry], width: int = 120) -> Table:
    """One row per entry. Columns never wrap: those that do not fit go, source first, then
    author, then campaign; the date loses its year below 100 columns; the post's id is cut
    with an ellipsis to what is left (at least 12 cells)."""
    styles = channel_styles(project, entries)
    short = width < 100
    rows = []
    for e in entries:
        when = _local(e, project).strftime("%a %m-%d %H:%M" if short else "%a %Y-%m-%d %H:%M") if e.at \
            else "(no free slot)"
        mark, style = MARKS.get(e.status, ("·", ""))
        rows.append({"when": when, "channel": Text(e.channel, style=styles[e.channel]),
                     "status": Text(f"{mark} {e.status}", style=style), "post": e.id,
                     "campaign": e.campaign or "", "author": e.author or "", "source": e.source})
    shown = list(PLAN_COLUMNS)

    def needed(column: str) -> int:
        return max([len(column)] + [len(str(r[column])) for r in rows])

    for column in DROP_ORDER:
        if sum(needed(c) + 2 for c in shown if c != "post") + 12 <= width:
            break
        shown.remove(column)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    room = max(12, width - sum(needed(c) + 2 for c in shown if c != "post"))
    for column in shown:
        fixed = min(needed(column), room) if column == "post" else needed(column)
        table.add_column(column, no_wrap=True, overflow="ellipsis", min_width=fixed, max_width=fixed)
    for r in rows:
        table.add_row(*[r[c] if isinstance(r[c], Text) else Text(str(r[c])) for c in shown])
    return table


def _posts(project: Project, entries: list[PlanEntry]) -> list[list[PlanEntry]]:
    """Entries of one post at one time (its channels) together, in time order."""
    groups: dict[tuple[str, Any], list[PlanEntry]] = {}
    for e in entries:
        if e.at is not None:
            groups.setdefault((e.id, e.at), []).append(e)
    return sorted(groups.values(), key=lambda g: (g[0].at, g[0].id))


def _post_line(project: Project, group: list[PlanEntry], styles: dict[str, str], channels: bool) -> Text:
    """A post on one line: its time, a status mark per channel (in the channel's colour),
    its first line; the channels' names after it when asked."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{_local(group[0], project):%H:%M} ")
    if channels:  # a mark per channel, in its colour
        for e in group:
            mark, style = MARKS.get(e.status, ("·", ""))
            line.append(mark, style=f"{style} {styles.get(e.channel, '')}".strip())
    else:  # a mark per status (a month's cell is narrow)
        for status in dict.fromkeys(e.status for e in group):
            mark, style = MARKS.get(status, ("·", ""))
            line.append(mark, style=style)
    draft = all(e.status == "draft" for e in group)
    line.append(" " + group[0].first_line(project), style="dim italic" if draft else "")
    if channels:
        line.append("  " + ", ".join(e.channel for e in group), style="dim")
    return line


def month_grid(project: Project, entries: list[PlanEntry], year: int, month: int, today: date,
               per_day: int = 4) -> Group:
    """A week per row; each day its number and its posts (time, a mark per channel, the
    first line), at most `per_day` of them and "+N more"."""
    styles = channel_styles(project, entries)
    by_day: dict[date, list[list[PlanEntry]]] = defaultdict(list)
    for group in _posts(project, entries):
        by_day[_local(group[0], project).date()].append(group)
    title = f"{stdlib_calendar.month_name[month]} {year}"
    table = Table(title=title, show_lines=True, expand=True, title_style="bold")
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        table.add_column(name, ratio=1, no_wrap=True, overflow="ellipsis", vertical="top")
    for week in stdlib_calendar.Calendar().monthdatescalendar(year, month):
        cells = []
        for day in week:
            head_style = "bold reverse" if day == today else ("bold" if day.month == month else "dim")
            groups = by_day.get(day, [])
            lines = [Text(str(day.day), style=head_style)]
            lines += [_post_line(project, g, styles, False) for g in groups[:per_day]]
            if len(groups) > per_day:
                lines.append(Text(f"+{len(groups) - per_day} more", style="dim"))
            cells.append(Text("\n").join(lines))
        table.add_row(*cells)
    return Group(table, legend(), channel_legend(styles, entries))


def channel_legend(styles: dict[str, str], entries: list[PlanEntry]) -> Text:
    """The colour of each channel shown."""
    shown = {e.channel for e in entries}
    text = Text()
    for name, style in styles.items():
        if name not in shown:
            continue
        text.append("■ ", style=style)
        text.append(name + "  ")
    return text


def week_agenda(project: Project, entries: list[PlanEntry], monday: date, today: date,
                cal: Any = None) -> Group:
    """The week as an agenda: each day, its blackouts and campaigns, then its posts one line
    each (time, a mark per channel, the first line, the channels), cut to the width."""
    from datetime import datetime, time

    styles = channel_styles(project, entries)
    tz = project.config.timezone
    by_day: dict[date, list[list[PlanEntry]]] = defaultdict(list)
    for group in _posts(project, entries):
        by_day[_local(group[0], project).date()].append(group)
    out: list[Any] = [Text(f"Week of {monday:%a %Y-%m-%d}", style="bold")]
    for i in range(7):
        day = monday + timedelta(days=i)
        start = datetime.combine(day, time(), tz)
        end = start + timedelta(days=1)
        head = Text(f"{day:%a %d %b}", style="bold reverse" if day == today else "bold")
        for campaign in (cal.campaigns.values() if cal is not None else []):
            if campaign.start < end and start < campaign.end:
                head.append(f"  campaign {campaign.name}", style="cyan")
        out.append(head)
        for blackout in (cal.blackouts if cal is not None else []):
            if blackout.start < end and start < blackout.end:
                who = ", ".join(sorted(blackout.channels)) if blackout.channels else "every channel"
                out.append(Text(f"  ‖ blackout: {blackout.name} ({who})", style="magenta",
                                no_wrap=True, overflow="ellipsis"))
        groups = by_day.get(day, [])
        for group in groups:
            line = Text("  ", no_wrap=True, overflow="ellipsis")
            line.append_text(_post_line(project, group, styles, True))
            out.append(line)
        if not groups:
            out.append(Text("  nothing", style="dim"))
    out += [legend(), channel_legend(styles, entries)]
    return Group(*out)
