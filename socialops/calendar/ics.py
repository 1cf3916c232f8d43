"""The calendar as RFC 5545 iCalendar (the `icalendar` library), to subscribe to from any
calendar app: one event per post (or occurrence) and channel.

- UID `<id>/<channel>@<project>.socialops`: stable across exports, so apps update events in
  place, and unique to the project (`<project>`: its repository's first commit, and its
  folder when the repository holds several projects), so two projects never share one;
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


def uid(entry: Entry, project: str) -> str:
    return f"{entry.id}/{entry.channel}@{project}.socialops"


def identity(project: Project) -> str:
    """The project's name in UIDs: its repository's first commit (12 digits), with its
    folder below the top when it is not at the top; outside git, its path's digest."""
    import hashlib

    from socialops import gitops

    found = gitops.first_commit(project.root)
    if found is None:
        return "path-" + hashlib.sha256(str(project.root.resolve()).encode()).hexdigest()[:12]
    sha, folder = found
    return sha[:12] + ("." + folder.replace("/", ".").replace("@", "-") if folder else "")


def export(project: Project, entries: list[Entry], now: datetime, name: str = "socialops") -> bytes:
    from icalendar import Calendar, Event

    tz = project.config.timezone
    cal = Calendar()
    cal.add("prodid", "-//socialops//calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    name_in_uids = identity(project)
    for entry in entries:
        if entry.at is None:
            continue
        start = entry.at.astimezone(tz)
        event = Event()
        event.add("uid", uid(entry, name_in_uids))
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
