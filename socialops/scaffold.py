"""Creating projects and posts from the templates shipped in the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo

from socialops.errors import SocialopsError
from socialops.model import POSTS_DIR, Project
from socialops.timeutil import exists_once, parse_now, parse_time, zone

TEMPLATE_RENAMES = {"gitignore": ".gitignore"}


@dataclass
class InitResult:
    written: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    git_initialised: bool = False


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            out.extend(_walk(child, rel + "/"))
        elif not child.name.endswith((".pyc",)):
            out.append((TEMPLATE_RENAMES.get(rel, rel), child))
    return out


def init(directory: Path, *, timezone: str, title: str | None, force: bool, now: str | None) -> InitResult:
    tz = zone(timezone)
    when = parse_now(now, tz).astimezone(tz)
    directory = directory.resolve()
    if directory.exists() and not directory.is_dir():
        raise SocialopsError(f"{directory} is a file, not a folder")
    name = title or directory.name.replace("-", " ").replace("_", " ").title() or "Our project"
    welcome = when.replace(second=0, microsecond=0, tzinfo=None)
    values = {
        "timezone": timezone,
        "title": name,
        "welcome_at": _written_time(when),
        "next_at": (welcome + timedelta(days=7)).replace(hour=9, minute=0).strftime("%Y-%m-%dT%H:%M"),
    }
    files = _walk(resources.files("socialops").joinpath("templates", "init"))
    result = InitResult()
    result.conflicts = [rel for rel, _ in files if (directory / rel).exists()]
    if result.conflicts and not force:
        return result
    result.conflicts = []
    from socialops import gitops

    was_repo = directory.exists() and gitops.is_repo(directory)
    for rel, source in files:
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text("utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        target.write_text(text, "utf-8")
        result.written.append(rel)
    if not was_repo:
        gitops.init(directory)
        gitops.commit_all(directory, "Start a socialops project")
        result.git_initialised = True
    return result


def new_post(project: Project, title: str, channels: list[str], at: str | None, now: str | None) -> str:
    from slugify import slugify

    tz = project.config.timezone
    when = parse_now(now, tz).astimezone(tz)
    if at and at != "queue":
        when = parse_time(at, tz).astimezone(tz)
    unknown = [c for c in channels if c not in project.config.channels]
    if unknown:
        names = ", ".join(sorted(project.config.channels)) or "none"
        raise SocialopsError(f"unknown channel(s) {', '.join(unknown)}; socialops.yaml defines: {names}")
    chosen = channels or project.config.default_channels or sorted(project.config.channels)[:1]
    slug = slugify(title, max_length=60, word_boundary=True, replacements=[["'", ""], ["’", ""]]) or "post"
    folder = project.root / POSTS_DIR / f"{when:%Y}" / f"{when:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    n = 2
    while path.exists():
        path = folder / f"{slug}-{n}.md"
        n += 1
    publish_at = "queue" if at == "queue" else (at and _written_time(when))
    lines = ["---", f"title: {_yaml_str(title)}", f"channels: [{', '.join(chosen)}]"]
    if publish_at:
        lines.append(f"publish_at: {publish_at}")
    lines += ["status: draft", "---", "Write the post here.", ""]
    path.write_text("\n".join(lines), "utf-8")
    return project.rel(path)


def _written_time(when: datetime) -> str:
    """Project-local wall-clock time, with the offset only when that wall time happens
    twice (the hour the clocks go back), so the post names the same moment."""
    naive = when.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(when.tzinfo, ZoneInfo) and not exists_once(naive, when.tzinfo):
        return when.isoformat(timespec="minutes")
    return f"{naive:%Y-%m-%dT%H:%M}"


def _yaml_str(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


