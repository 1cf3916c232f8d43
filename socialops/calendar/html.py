"""The calendar as one self-contained static page (`index.html`), for GitHub Pages or any
file server: a month view with navigation between months (`#2026-12` in the address),
a colour per channel, status badges, and each post's text on hover and on click. No
external assets: the styles, the script and the data are inside the page."""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from socialops.calendar.plan import STATUSES, Entry
from socialops.model import Project

COLOURS = ["#0969da", "#8250df", "#d1242f", "#1a7f37", "#bc4c00", "#0598bc", "#bf3989", "#6e7781",
           "#9a6700", "#3e1f79"]
SUMMARY_MAX = 80


def page_data(project: Project, entries: list[Entry], now: datetime, month: tuple[int, int],
              start: date, end: date, title: str) -> dict[str, Any]:
    tz = project.config.timezone
    names = sorted(set(project.config.channels) | {e.channel for e in entries})
    channels = [{"name": n, "colour": COLOURS[i % len(COLOURS)],
                 "platform": project.config.channels[n].platform if n in project.config.channels else "?"}
                for i, n in enumerate(names)]
    rows = []
    for e in entries:
        if e.at is None:
            continue
        local = e.at.astimezone(tz)
        summary = e.first_line(project)
        rows.append({"id": e.id, "channel": e.channel, "date": local.strftime("%Y-%m-%d"),
                     "time": local.strftime("%H:%M"), "at": local.isoformat(timespec="minutes"),
                     "status": e.status, "source": e.source, "path": e.path, "campaign": e.campaign,
                     "author": e.author, "url": e.url, "text": e.text(project),
                     "summary": summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1] + "…"})
    return {"title": title, "timezone": tz.key, "today": now.astimezone(tz).strftime("%Y-%m-%d"),
            "month": list(month), "generated": now.astimezone(tz).isoformat(timespec="minutes"),
            "from": start.isoformat(), "to": end.isoformat(), "channels": channels,
            "statuses": [s for s in STATUSES if any(r["status"] == s for r in rows)] or list(STATUSES),
            "entries": rows}


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
