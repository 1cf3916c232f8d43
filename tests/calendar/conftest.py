"""Helpers for the calendar tests: lint a project in-process and look at the findings."""

from __future__ import annotations

from pathlib import Path

from socialops.lint import lint
from socialops.model import Project
from socialops.timeutil import parse_time


def findings(root: Path, now: str, rules: tuple[str, ...] = ("calendar", "time", "schema", "syntax")) -> list[tuple[str, int, str, str, str]]:
    """(path, line, rule, level, message) of every finding of these rules, in order."""
    project = Project.load(root)
    result = lint(project, now=parse_time(now, project.config.timezone))
    return [(p.path, p.line, p.rule, p.level.value, p.message) for p in result.problems if p.rule in rules]


def ledger(root: Path, post_id: str, channel: str, status: str, url: str | None = None) -> None:
    path = root / ".socialops" / "ledger" / f"{post_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    part = f"{{index: 0, status: {status}" + (f", url: '{url}'" if url else "") + "}"
    path.write_text(f"post: {post_id}\nchannels:\n  {channel}:\n    status: {status}\n    parts: [{part}]\n", "utf-8")
