"""The calendar as one self-contained static page (`index.html`), for GitHub Pages or any
file server: a month view, a week view and an agenda list, which a phone shows as a list of
days (responsive, no build step). A post going to several channels is one entry with a
stripe and a dot in each channel's colour; blackouts are hatched and named, campaigns drawn
as bars; filters by channel, campaign and status; a busy day shows three entries and
"+N more". Each post's text on hover and on click. No external assets: the styles, the
script and the data are inside the page. Navigation and filters live in the address
(`#2026-12`, `#week-2026-11-30`, `#agenda-2026-12`), so a link shows what its sender saw."""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from socialops.calendar.config import Calendar
from socialops.calendar.plan import STATUSES, PlanEntry
from socialops.model import Project

COLOURS = ["#0969da", "#8250df", "#d1242f", "#1a7f37", "#bc4c00", "#0598bc", "#bf3989", "#6e7781",
           "#9a6700", "#3e1f79"]
CAMPAIGN_COLOURS = ["#6639ba", "#0a6b5c", "#953800", "#0550ae", "#8a4600"]
SUMMARY_MAX = 80


def page_data(project: Project, entries: list[PlanEntry], now: datetime, month: tuple[int, int],
              start: date, end: date, title: str, cal: Calendar | None = None) -> dict[str, Any]:
    tz = project.config.timezone
    names = sorted(set(project.config.channels) | {e.channel for e in entries})
    channels = [{"name": n, "colour": COLOURS[i % len(COLOURS)],
                 "platform": project.config.channels[n].platform if n in project.config.channels else "?"}
                for i, n in enumerate(names)]
    posts: dict[tuple[str, datetime], dict[str, Any]] = {}
    for e in entries:
        if e.at is None:
            continue
        found = posts.get((e.id, e.at))
        if found is None:
            local = e.at.astimezone(tz)
            summary = e.first_line(project)
            found = posts[(e.id, e.at)] = {
                "id": e.id, "date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M"),
                "at": local.isoformat(timespec="minutes"), "source": e.source, "path": e.path,
                "campaign": e.campaign, "author": e.author, "text": e.text(project), "channels": [],
                "summary": summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1] + "…"}
        found["channels"].append({"name": e.channel, "status": e.status, "url": e.url})
    rows = sorted(posts.values(), key=lambda p: (p["at"], p["id"]))
    for row in rows:
        row["status"] = _overall(row["channels"])
    used = {c["status"] for row in rows for c in row["channels"]}
    return {"title": title, "timezone": tz.key, "today": now.astimezone(tz).strftime("%Y-%m-%d"),
            "month": list(month), "generated": now.astimezone(tz).isoformat(timespec="minutes"),
            "from": start.isoformat(), "to": end.isoformat(), "channels": channels,
            "statuses": [s for s in (*STATUSES, "retracted") if s in used] or list(STATUSES),
            "campaigns": _campaigns(cal, tz), "blackouts": _blackouts(cal, tz), "posts": rows}


# the status a post shows when its channels differ: the one that most needs a person
URGENCY = ("unknown", "failed", "missed", "held", "draft", "ready", "scheduled", "published", "retracted")


def _overall(channels: list[dict[str, Any]]) -> str:
    statuses = {c["status"] for c in channels}
    return next((s for s in URGENCY if s in statuses), channels[0]["status"])


def _days(start: datetime, end: datetime, tz: Any) -> tuple[str, str]:
    """The first and last local day a [start, end) span touches."""
    from datetime import timedelta

    last = (end - timedelta(microseconds=1)).astimezone(tz)
    return start.astimezone(tz).strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")


def _campaigns(cal: Calendar | None, tz: Any) -> list[dict[str, Any]]:
    if cal is None:
        return []
    out = []
    for i, c in enumerate(sorted(cal.campaigns.values(), key=lambda c: (c.start, c.name))):
        first, last = _days(c.start, c.end, tz)
        out.append({"name": c.name, "from": first, "to": last, "goal": c.goal,
                    "channels": sorted(c.channels) if c.channels else None,
                    "colour": CAMPAIGN_COLOURS[i % len(CAMPAIGN_COLOURS)]})
    return out


def _blackouts(cal: Calendar | None, tz: Any) -> list[dict[str, Any]]:
    if cal is None:
        return []
    out = []
    for b in cal.blackouts:
        first, last = _days(b.start, b.end, tz)
        out.append({"name": b.name, "from": first, "to": last,
                    "start": b.start.astimezone(tz).isoformat(timespec="minutes"),
                    "end": b.end.astimezone(tz).isoformat(timespec="minutes"),
                    "channels": sorted(b.channels) if b.channels else None})
    return out


def render(data: dict[str, Any]) -> str:
    template = resources.files("socialops").joinpath("calendar", "page.html").read_text("utf-8")
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # Inside <script>: '<' escaped so no text can close the element; the JSON stays valid.
    payload = payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    values = {"__TITLE__": html.escape(str(data["title"])), "__DATA__": payload}
    return re.sub("__TITLE__|__DATA__", lambda m: values[m.group(0)], template)  # one pass: no re-scan


def write(folder: Path, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.html"
    target.write_text(render(data), "utf-8")
    return target
