"""`socialops init` and `socialops new`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialops.commands.lint import NowOption, RepoOption


def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to create the project.")] = Path("."),
    timezone: Annotated[str, typer.Option("--timezone", help="IANA timezone, e.g. Europe/Berlin.")] = "UTC",
    title: Annotated[str | None, typer.Option("--title", help="The project's name (default: the folder name).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
    now: NowOption = None,
) -> None:
    """Create a working project: config, style guide, calendar, two posts, workflows, git."""
    from socialops import scaffold
    from socialops.commands.output import console

    out = console()
    result = scaffold.init(directory, timezone=timezone, title=title, force=force, now=now)
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


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
    app.command("new")(new_command)
