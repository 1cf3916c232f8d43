"""`socialops lint`."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialops.problems import Level

if TYPE_CHECKING:
    from socialops.model import Project


class TextOrJson(StrEnum):
    """`--format` of the commands that print for people or for tools."""

    text = "text"
    json = "json"


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    suggestion = "suggestion"


RepoOption = Annotated[Path | None, typer.Option("--repo", help="The project folder (default: found by walking up from here).")]
NowOption = Annotated[str | None, typer.Option("--now", help="Pretend it is this time (default: now).")]
FormatOption = Annotated[TextOrJson, typer.Option("--format", help="text for people, json for machines.")]
ChannelsOption = Annotated[list[str] | None, typer.Option("--channel", "-c", help="Only this channel (repeatable).")]
PostsOption = Annotated[list[str] | None, typer.Option("--post", help="Only this post, by id or path (repeatable).")]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds to wait for each platform call.", min=0.1)]


def lint_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Post files or folders (default: every post). Any other file of the project (socialops.yaml, styleguide.yaml, calendar.yaml, media) lints every post: its change can affect them all.")] = None,
    changed_since: Annotated[str | None, typer.Option("--changed-since", help="Lint only files changed since this git ref.")] = None,
    fmt: Annotated[LintFormat | None, typer.Option("--format", help="Output format (github is the default under GitHub Actions).")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest level that makes the exit code 1.")] = FailOn.error,
    fix: Annotated[bool, typer.Option("--fix", help="Apply certain fixes (substitutions) in place.")] = False,
    compact: Annotated[bool, typer.Option("--compact", help="Text: one line per finding (path:line:column: [level] message (rule)), no source lines.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read and check every file again, without lint's caches (see README).")] = False,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Check posts, the style guide, the calendar and the config; exit 1 on findings."""
    from socialops.calendar.speed import without_gc
    from socialops.commands import output
    from socialops.lint import lint
    from socialops.model import Project
    from socialops.timeutil import parse_now

    if no_cache:  # the compiled schema checks too (socialops.schemas reads this)
        os.environ["SOCIALOPS_NO_CACHE"] = "1"
    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    targets = _targets(project, paths, changed_since)
    if fix:
        from socialops.rules.fix import apply_fixes

        for change in apply_fixes(project, targets, when):
            output.console(stderr=True).print(f"fixed {change}", markup=False)
    in_ci = os.environ.get("CI") == "true" or os.environ.get("GITHUB_ACTIONS") == "true"
    chosen = fmt or (LintFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else LintFormat.text)
    counter = _counter() if chosen is LintFormat.text else None
    try:
        result = lint(project, targets, when, use_cache=not no_cache, in_ci=in_ci,
                      progress=counter.update if counter is not None else None)
    finally:
        if counter is not None:
            counter.close()
    with without_gc():  # SARIF makes 6 objects per finding: the collector walked them all, again and again
        if chosen is LintFormat.json:
            output.write_out(output.lint_json(result.problems, result.files))
        elif chosen is LintFormat.github:
            output.write_out(output.lint_github(result.problems, project.root))
        elif chosen is LintFormat.sarif:  # one line: 70,000 findings make 50 MB indented
            output.write_out(output.lint_sarif(result.problems, _rule_docs(project.root), _rule_help(project.root),
                                               project.root) + "\n")
        else:
            output.lint_text(result.problems, result.files, project.root, compact=compact)
    raise typer.Exit(1 if result.fails(Level(fail_on.value)) else 0)


#: a run that ends sooner shows no progress
PROGRESS_AFTER = 0.5


if TYPE_CHECKING:
    from socialops.commands.progress import Counter


class _LintCounter:
    """lint's posts counted on the terminal (commands.progress.Counter), drawn only once the
    run has taken PROGRESS_AFTER seconds (rich's progress is not even imported before)."""

    def __init__(self, err: object) -> None:
        import time

        self.err, self.began, self.clock = err, time.monotonic(), time.monotonic
        self.counter: Counter | None = None

    def update(self, done: int, total: int) -> None:
        if self.counter is None:
            if done >= total or self.clock() - self.began < PROGRESS_AFTER:
                return
            from socialops.commands.progress import Counter

            self.counter = Counter(self.err, "linting", "posts", threaded=False)
            self.counter.start(total)
        self.counter.update(done)

    def close(self) -> None:
        if self.counter is not None:
            self.counter.close()


def _counter() -> _LintCounter | None:
    """The progress display on a terminal's standard error; None elsewhere (CI logs, pipes)."""
    import sys

    try:
        if sys.stderr is None or not sys.stderr.isatty():  # what `live` finds out, without rich
            return None
    except (AttributeError, ValueError, OSError):
        return None
    from socialops.commands.output import console
    from socialops.commands.progress import live

    err = console(stderr=True)
    return _LintCounter(err) if live(err) else None


def _targets(project: Project, paths: list[Path] | None, changed_since: str | None) -> list[Path] | None:
    from socialops.errors import SocialopsError
    from socialops.model import POSTS_DIR

    if not paths and not changed_since:
        return None
    chosen: list[Path] = []
    root = project.root.resolve()
    posts_dir = (root / POSTS_DIR).resolve()
    for path in paths or []:
        full = path.resolve()
        if not full.exists():
            raise SocialopsError(f"{path}: no such file or folder")
        if not full.is_relative_to(root):
            raise SocialopsError(f"{path}: not inside the project at {root}; lint checks this project's posts")
        if full.is_dir():
            chosen.extend(sorted(p for p in full.rglob("*.md") if p.is_file()))
        elif full.is_relative_to(posts_dir):
            chosen.append(full)
        else:  # socialops.yaml, the style guide, the calendar, media, the workflows: a change
            return None  # to one of them can change the findings of any post, so lint them all
    if changed_since:
        from socialops import gitops

        changed = [p for p in gitops.changed_files(project.root, changed_since)
                   if p.suffix == ".md" and p.is_relative_to(posts_dir)]
        if paths:
            changed_set = set(changed)
            chosen = [p for p in chosen if p in changed_set]
        else:
            chosen = changed
    return chosen


def _rule_docs(root: Path) -> dict[str, str]:
    """Each rule's one line: lint's own and the style guide's (the one this lint loaded,
    else the project's: a lint whose posts all came from the cache took the style guide's
    own findings from there too)."""
    docs = {
        "syntax": "The file cannot be read: YAML syntax, encoding or front matter.",
        "schema": "A front-matter or config key that does not follow the schema.",
        "channel": "A channel or variant that socialops.yaml does not define.",
        "media-missing": "A media file that does not exist.",
        "path": "A path that leaves the repository or a confusing layout.",
        "duplicate-id": "Two posts with the same id.",
        "time": "A time that cannot be used, or a draft whose time has passed.",
        "published-edit": "A post changed after it was published.",
        "calendar": "A calendar conflict: spacing, blackouts, campaigns, slots.",
        "length": "Text longer than the platform accepts.",
        "media": "Media the platform cannot take.",
        "thread": "A thread the platform cannot take.",
        "workflow": "A workflow that cannot work: socialops not installable, a credential not passed.",
    }
    from socialops import rules

    docs.update(rules.rule_docs(None if rules.loaded() else root))
    return docs


def _rule_help(root: Path) -> dict[str, str]:
    """Each rule's whole help (code scanning shows it beside a finding)."""
    from socialops import rules

    fix = "Fix the file as the message says, then run socialops lint again."
    found = {rule: f"{doc} {fix}" for rule, doc in _rule_docs(root).items()}
    found.update(rules.rule_help(None if rules.loaded() else root))
    return found


def register(app: typer.Typer) -> None:
    app.command("lint")(lint_command)
