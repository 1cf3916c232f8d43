"""`socialops init` and `socialops new`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialops.commands.lint import NowOption, RepoOption

if TYPE_CHECKING:
    from socialops.distribution import InstallSource

SourceOption = Annotated[str | None, typer.Option(
    "--source", help="The pip requirement the workflows install socialops with (default: how this "
    "socialops was installed), e.g. 'socialops @ git+https://github.com/OWNER/socialops@COMMIT'.")]


def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to create the project.")] = Path("."),
    timezone: Annotated[str, typer.Option("--timezone", help="IANA timezone, e.g. Europe/Berlin.")] = "UTC",
    title: Annotated[str | None, typer.Option("--title", help="The project's name (default: the folder name).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
    source: SourceOption = None,
    now: NowOption = None,
) -> None:
    """Create a working project: config, style guide, calendar, two posts, workflows, git."""
    from socialops import scaffold
    from socialops.commands.output import console

    out = console()
    result = scaffold.init(directory, timezone=timezone, title=title, force=force, now=now, source=source)
    if result.conflicts:
        err = console(stderr=True)
        err.print(f"[bold red]error:[/] {len(result.conflicts)} file(s) exist already; nothing was written:")
        for rel in result.conflicts:
            err.print(f"  {rel}")
        err.print("Use --force to overwrite them.")
        raise typer.Exit(2)
    for rel in result.written:
        out.print(f"  [green]created[/] {rel}")
    if result.git_initialised:
        out.print("  [green]initialised[/] a git repository and committed the project")
    if result.source is not None:
        _say_source(result.source)
    out.print(f"\nNext: cd {directory} && socialops lint && socialops publish", markup=False)


def new_command(
    title: Annotated[str, typer.Argument(help="A working title; the file name is made from it.")],
    channel: Annotated[list[str] | None, typer.Option("--channel", "-c", help="A channel (repeatable; default: the project's default channels).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Publish time, e.g. 2026-12-01T09:00, or 'queue'.")] = None,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Write a new draft post under posts/YYYY/MM/ and print its path."""
    from socialops import scaffold
    from socialops.model import Project

    project = Project.load(repo)
    path = scaffold.new_post(project, title, channel or [], at, now)
    typer.echo(path)


def upgrade_workflows_command(
    source: SourceOption = None,
    repo: RepoOption = None,
) -> None:
    """Rewrite the socialops blocks of the workflows for this socialops (nothing else) and refresh the schemas."""
    from socialops import scaffold
    from socialops.commands.output import console
    from socialops.model import find_root

    root = find_root(repo or Path.cwd())
    result = scaffold.upgrade_workflows(root, source)
    out = console()
    for rel in result.added:
        out.print(f"  [green]added[/] {rel}", highlight=False)
    for rel in result.rewritten:
        out.print(f"  [green]rewrote[/] the socialops block of {rel}", highlight=False)
    for rel in result.unchanged:
        out.print(f"  [dim]unchanged[/] {rel}", highlight=False)
    for rel in result.schemas:
        out.print(f"  [green]refreshed[/] {rel}", highlight=False)
    for rel in result.without_block:
        out.print(f"  [yellow]skipped[/] {rel}: it has no socialops block (a workflow written before "
                  "socialops marked its blocks); move it aside and run upgrade-workflows again to get a "
                  "fresh one, then copy your changes over", highlight=False)
    _say_source(result.source)
    raise typer.Exit(1 if result.source.requirement is None else 0)


def _say_source(source: InstallSource) -> None:
    from rich.markup import escape

    from socialops.commands.output import console

    if source.requirement is None:
        err = console(stderr=True)
        err.print(f"[bold yellow]warning:[/] {escape(source.why)}, which no CI runner can install. The workflows "
                  "hold a placeholder instead: run `socialops upgrade-workflows --source SPEC` with the "
                  "pip requirement of the socialops to use, e.g. 'socialops @ "
                  "git+https://github.com/OWNER/socialops@COMMIT' (README: \"Installing socialops\"). "
                  "`socialops lint` reports it until then.", markup=True, highlight=False)
        return
    out = console()
    out.print(f"\nThe workflows install {source.requirement}\n  ({source.why})", markup=False, highlight=False)
    if not source.exact:
        out.print("  The archive was installed without a hash: add '#sha256=...' to pin it exactly "
                  "(socialops upgrade-workflows --source SPEC).", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
    app.command("new")(new_command)
    app.command("upgrade-workflows")(upgrade_workflows_command)
