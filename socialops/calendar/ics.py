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

from datetime import UTC, datetime, timedelta
from typing import Any

from socialops.calendar.plan import PlanEntry
from socialops.model import Project

LENGTH = timedelta(minutes=15)
SUMMARY_MAX = 120


def uid(entry: PlanEntry, project: str) -> str:
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


def export(project: Project, entries: list[PlanEntry], now: datetime, name: str = "socialops") -> bytes:
    """The calendar file: its head and the VTIMEZONE from the icalendar library, each event
    written here, byte for byte as the library writes it (tests/calendar/test_views.py
    compares them). The library takes about 0.5 ms an event (a content line object, a
    parameter object and a character-by-character fold per property): 10 s for a year of
    10,000 posts on three channels; written here, 20 µs."""
    from icalendar import Calendar, Event

    tz = project.config.timezone
    timed = [e for e in entries if e.at is not None]
    cal = Calendar()
    cal.add("prodid", "-//socialops//calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    zone, utc = "", ""
    first = next((e.at for e in timed if e.at is not None), None)
    if first is not None:  # one event in the project timezone, so the library adds its VTIMEZONE
        probe = Event()
        probe.add("dtstart", first.astimezone(tz))
        cal.add_component(probe)
        cal.add_missing_timezones()
        cal.subcomponents.remove(probe)
        zone, utc = _time_form(probe)
    head = bytes(cal.to_ical())
    end = b"END:VCALENDAR\r\n"
    if first is None:
        return head
    assert head.endswith(end)
    name_in_uids = identity(project)
    stamp = f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%S}Z"
    out = [head[: -len(end)]]
    for entry in timed:
        assert entry.at is not None
        start = entry.at.astimezone(UTC if utc else tz)
        lines = ["BEGIN:VEVENT",
                 "SUMMARY:" + _text(_summary(entry.first_line(project))),
                 f"DTSTART{zone}:{start:%Y%m%dT%H%M%S}{utc}",
                 f"DTEND{zone}:{start + LENGTH:%Y%m%dT%H%M%S}{utc}",
                 stamp,
                 "UID:" + _text(uid(entry, name_in_uids)),
                 "CATEGORIES:" + ",".join(_text(c) for c in (entry.campaign, entry.channel) if c),
                 "DESCRIPTION:" + _text(_description(project, entry)),
                 "STATUS:" + ("TENTATIVE" if entry.status in ("draft", "ready") else "CONFIRMED")]
        if entry.url:
            lines.append("URL:" + entry.url.replace("\r", "").replace("\n", ""))
        lines.append("END:VEVENT\r\n")
        out.append(b"\r\n".join(_fold(line) for line in lines))
    out.append(end)
    return b"".join(out)


def _time_form(event: Any) -> tuple[str, str]:
    """How the library writes a time in the project timezone: (`;TZID=...` or "", "Z" or "")."""
    for line in bytes(event.to_ical()).decode("utf-8").split("\r\n"):
        if line.startswith("DTSTART"):
            name, _, value = line.partition(":")
            return name[len("DTSTART"):], "Z" if value.endswith("Z") else ""
    return "", ""


def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 3.3.11 asks, in the library's order of replacements."""
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


FOLD = 74  # octets on a line before the fold's CRLF and space, as the library folds


def _fold(line: str) -> bytes:
    """A content line folded (RFC 5545 3.1) exactly where the library folds it: after the
    most whole characters that fit in 74 octets, never between a backslash or caret and the
    character it escapes."""
    data = line.encode("utf-8")
    if len(data) <= FOLD:
        return data
    parts = []
    i, n = 0, len(data)
    while i < n:
        j = i + FOLD
        if j >= n:
            parts.append(data[i:])
            break
        while data[j] & 0xC0 == 0x80:  # not inside a character
            j -= 1
        if j - i > 1 and data[j - 1] in (0x5C, 0x5E):  # \\ or ^: keep it with what it escapes
            j -= 1
        parts.append(data[i:j])
        i = j
    return b"\r\n ".join(parts)


def _summary(line: str) -> str:
    return line if len(line) <= SUMMARY_MAX else line[: SUMMARY_MAX - 1] + "…"


def _description(project: Project, entry: PlanEntry) -> str:
    lines = [entry.text(project), "", f"Channel: {entry.channel}", f"Status: {entry.status} ({entry.source})"]
    if entry.campaign:
        lines.append(f"Campaign: {entry.campaign}")
    if entry.author:
        lines.append(f"Author: {entry.author}")
    lines.append(f"Published: {entry.url}" if entry.url else f"File: {entry.path}")
    return "\n".join(lines).strip()
