"""`socialops rules`: the style-guide rule kinds, their options and documentation,
generated from the rule modules."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from socialops.commands.lint import TextOrJson


def rules_command(
    kind: Annotated[str | None, typer.Argument(help="Show only this kind (default: every kind).")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="text or json.")] = TextOrJson.text,
) -> None:
    """List the style-guide rule kinds, their options and documentation."""
    from socialops.commands import output
    from socialops.errors import SocialopsError
    from socialops.rules import REGISTRY
    from socialops.rules.docs import common_options, kind_doc

    if kind is not None and kind not in REGISTRY:
        raise SocialopsError(f"no rule kind '{kind}'; the kinds are: {', '.join(REGISTRY)}")
    kinds = [kind_doc(REGISTRY[kind])] if kind else [kind_doc(k) for k in REGISTRY.values()]
    if fmt is TextOrJson.json:
        output.print_json({"version": 1, "common_options": common_options(), "kinds": kinds})
        return
    _print_text(kinds, common_options())


def _print_text(kinds: list[dict[str, Any]], common: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from socialops.commands.output import console

    out = console()
    if len(kinds) > 1:
        out.print("[bold]Every rule has:[/]")
        for option in common:
            out.print(f"  [cyan]{option['name']}[/]  {escape(option['description'])}")
    for doc in kinds:
        out.print(f"\n[bold]{doc['kind']}[/]  (reads: {', '.join(map(str, doc['reads']))})")
        out.print(escape(str(doc["documentation"])) + "\n")
        table = Table("option", "type", "default", "description", box=None, pad_edge=False)
        for option in doc["options"]:
            default = "required" if option["required"] else ("" if option["default"] is None else str(option["default"]))
            table.add_row(option["name"], escape(option["type"]), escape(default), escape(option["description"]))
        out.print(table)


def register(app: typer.Typer) -> None:
    app.command("rules")(rules_command)
