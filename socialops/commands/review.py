"""`socialops review`, `socialops remind` and `socialops codeowners`: the approval step."""

from __future__ import annotations

from typing import Annotated

import typer

from socialops.commands.lint import RepoOption


def codeowners_command(
    write: Annotated[bool, typer.Option("--write", help="Write the lines into CODEOWNERS (.github/CODEOWNERS when there is none).")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when the checked-in CODEOWNERS differs from roles:.")] = False,
    repo: RepoOption = None,
) -> None:
    """Print the CODEOWNERS lines that follow from roles: in socialops.yaml."""
    from socialops import roles
    from socialops.errors import SocialopsError
    from socialops.model import Project
    from socialops.output import console

    project = Project.load(repo)
    people = roles.load(project.config)
    if not people.defined:
        raise SocialopsError("socialops.yaml has no roles:; name the manager, writers, reviewers "
                             "per channel and analysts there first (see the README)", "socialops.yaml")
    block = roles.codeowners_lines(people, project.root)
    if check:
        found = roles.drift(people, project.root)
        if found:
            console(stderr=True).print(f"{found[0]}: {found[1]}", markup=False)
            raise typer.Exit(1)
        typer.echo("CODEOWNERS matches roles: in socialops.yaml")
        return
    if not write:
        typer.echo("\n".join(block))
        return
    path = roles.find_codeowners(project.root) or project.root / ".github" / "CODEOWNERS"
    existing = path.read_text("utf-8") if path.is_file() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(roles.merged(existing, block), "utf-8")
    typer.echo(f"wrote {path.relative_to(project.root).as_posix()}")


def register(app: typer.Typer) -> None:
    app.command("codeowners")(codeowners_command)
