"""The calendar as RFC 5545 iCalendar (the `icalendar` library), to subscribe to from any
calendar app: one event per post (or occurrence) and channel.

- UID `<id>/<channel>@socialops`: stable across exports, so apps update events in place;
- DTSTART in the project timezone (with its VTIMEZONE), 15 minutes long;
- SUMMARY: the first line of the text the channel gets;
- DESCRIPTION: the full text, then the status, and the published URL or the file path;
- CATEGORIES: the campaign (if any) and the channel; STATUS TENTATIVE for drafts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from socialops.calendar.plan import Entry
from socialops.model import Project

LENGTH = timedelta(minutes=15)
SUMMARY_MAX = 120


def uid(entry: Entry) -> str:
    return f"{entry.id}/{entry.channel}@socialops"


def export(project: Project, entries: list[Entry], now: datetime, name: str = "socialops") -> bytes:
    from icalendar import Calendar, Event

    tz = project.config.timezone
    cal = Calendar()
    cal.add("prodid", "-//socialops//calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    for entry in entries:
        if entry.at is None:
            continue
        start = entry.at.astimezone(tz)
        event = Event()
        event.add("uid", uid(entry))
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", start + LENGTH)
        event.add("summary", _summary(entry.first_line(project)))
        event.add("description", _description(project, entry))
        event.add("categories", [c for c in (entry.campaign, entry.channel) if c])
        event.add("status", "TENTATIVE" if entry.status in ("draft", "ready") else "CONFIRMED")
        if entry.url:
            event.add("url", entry.url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _summary(line: str) -> str:
    return line if len(line) <= SUMMARY_MAX else line[: SUMMARY_MAX - 1] + "…"


def _description(project: Project, entry: Entry) -> str:
    lines = [entry.text(project), "", f"Channel: {entry.channel}", f"Status: {entry.status} ({entry.source})"]
    if entry.campaign:
        lines.append(f"Campaign: {entry.campaign}")
    if entry.author:
        lines.append(f"Author: {entry.author}")
    lines.append(f"Published: {entry.url}" if entry.url else f"File: {entry.path}")
    return "\n".join(lines).strip()
