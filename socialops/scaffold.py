"""Creating projects and posts from the templates shipped in the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo

from socialops import __version__, ci
from socialops.distribution import InstallSource, check_requirement, running_source
from socialops.errors import SocialopsError
from socialops.model import POSTS_DIR, Project
from socialops.timeutil import exists_once, parse_now, parse_time, zone

TEMPLATE_RENAMES = {"gitignore": ".gitignore"}
SCHEMAS_DIR = ".socialops/schemas"  # the JSON Schemas, for editors ($schema lines, .vscode)


@dataclass
class InitResult:
    written: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    git_initialised: bool = False
    source: InstallSource | None = None  # what the workflows install (None: not written)


@dataclass
class UpgradeResult:
    source: InstallSource
    rewritten: list[str] = field(default_factory=list)  # workflows whose socialops blocks changed
    unchanged: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # workflows this version ships that were missing
    without_block: list[str] = field(default_factory=list)  # socialops workflows with no block to rewrite
    schemas: list[str] = field(default_factory=list)  # schema files written or refreshed
    kept_source: bool = False  # the running socialops is not installable: the workflows' source was kept


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            out.extend(_walk(child, rel + "/"))
        elif not child.name.endswith((".pyc",)):
            out.append((TEMPLATE_RENAMES.get(rel, rel), child))
    return out


def chosen_source(spec: str | None) -> InstallSource:
    """`--source SPEC` if given, else how the running socialops was installed."""
    if spec is None:
        return running_source()
    try:
        return InstallSource(check_requirement(spec), "given with --source")
    except ValueError as exc:
        raise SocialopsError(str(exc)) from None


def _template_files() -> list[tuple[str, Traversable]]:
    return _walk(resources.files("socialops").joinpath("templates", "init"))


def _schema_files() -> dict[str, str]:
    """The project-relative path and text of each schema (socialops.schemas ships them)."""
    folder = resources.files("socialops").joinpath("schemas")
    return {f"{SCHEMAS_DIR}/{c.name}": c.read_text("utf-8")
            for c in sorted(folder.iterdir(), key=lambda c: c.name) if c.name.endswith(".schema.json")}


def init(directory: Path, *, timezone: str, title: str | None, force: bool, now: str | None,
         source: str | None = None) -> InitResult:
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
    files = _template_files()
    schema_files = _schema_files()
    chosen = chosen_source(source)
    result = InitResult(source=chosen)
    result.conflicts = [rel for rel in [*(r for r, _ in files), *schema_files] if (directory / rel).exists()]
    if result.conflicts and not force:
        return result
    result.conflicts = []
    from socialops import gitops

    was_repo = directory.exists() and gitops.is_repo(directory)
    for rel, template in files:
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = template.read_text("utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        if rel.startswith(ci.WORKFLOWS_DIR + "/"):
            text = ci.render(text, chosen.requirement, chosen.why, __version__)
        target.write_text(text, "utf-8")
        result.written.append(rel)
    for rel, text in schema_files.items():
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        result.written.append(rel)
    if not was_repo:
        gitops.init(directory)
        gitops.commit_all(directory, "Start a socialops project")
        result.git_initialised = True
    return result


def upgrade_workflows(root: Path, source: str | None) -> UpgradeResult:
    """Rewrite the socialops blocks of the project's workflows for the running socialops (or
    `source`), add the workflows this version ships that the project lacks, and refresh the
    schemas in .socialops/schemas/. Nothing outside the blocks changes."""
    chosen = chosen_source(source)
    result = UpgradeResult(chosen)
    if chosen.requirement is None:  # keep what the workflows install rather than a placeholder
        kept = [s for path in ci.workflow_files(root) for s in ci.sources_in(path.read_text("utf-8"))
                if not s.startswith(ci.PLACEHOLDER)]
        if kept:
            result.source = InstallSource(kept[0], f"kept from the workflows ({chosen.why})")
            result.kept_source = True
    requirement, why = result.source.requirement, result.source.why
    shipped = set()
    for rel, template in _template_files():
        if not rel.startswith(ci.WORKFLOWS_DIR + "/"):
            continue
        shipped.add(rel)
        target = root / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(ci.render(template.read_text("utf-8"), requirement, why, __version__), "utf-8")
            result.added.append(rel)
    for path in ci.workflow_files(root):
        rel = path.relative_to(root).as_posix()
        if rel in result.added:
            continue
        text = path.read_text("utf-8")
        if not ci.blocks(text):
            if rel in shipped:
                result.without_block.append(rel)
            continue
        new = ci.rewrite(text, requirement, why, __version__)
        if new != text:
            path.write_text(new, "utf-8")
            result.rewritten.append(rel)
        else:
            result.unchanged.append(rel)
    for rel, text in _schema_files().items():
        target = root / rel
        if not target.exists() or target.read_text("utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
            result.schemas.append(rel)
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


