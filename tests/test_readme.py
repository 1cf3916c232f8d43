"""The README's command list is generated from the code; this test fails when they drift.
Regenerate with: SOCIALOPS_UPDATE_README=1 python -m pytest tests/test_readme.py"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import typer.main

from socialops.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def _kind(param: Any) -> str:
    """typer vendors click: tell arguments from options by their class names."""
    name = type(param).__name__
    return "Argument" if name.endswith("Argument") else "Option" if name.endswith("Option") else ""


def _summary(command: Any) -> str:
    text = " ".join((command.help or "").split("\n\n", 1)[0].split())
    return text.replace("|", "\\|")


def _usage(name: str, command: Any) -> str:
    parts = [f"socialops {name}"]
    for param in command.params:
        if _kind(param) == "Argument":
            parts.append(f"{param.name.upper()}{'...' if param.nargs == -1 else ''}" if param.required
                         else f"[{param.name.upper()}{'...' if param.nargs == -1 else ''}]")
    options = [p.opts[0] for p in command.params if _kind(p) == "Option" and p.opts[0] != "--help"]
    if options:
        parts.append("[" + "] [".join(options) + "]")
    return " ".join(parts)


def commands_block() -> str:
    group = typer.main.get_command(app)
    lines = ["| command | what it does |", "|---|---|"]
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)  # a group (metrics): one line per subcommand
        for sub, each in (subcommands.items() if subcommands else [("", command)]):
            full = f"{name} {sub}" if sub else name
            lines.append(f"| `{_usage(full, each)}` | {_summary(each)} |")
    return "\n".join(lines)


def test_readme_command_list_matches_the_code() -> None:
    text = README.read_text("utf-8")
    block = re.search(r"<!-- commands:start -->\n(.*?)<!-- commands:end -->", text, re.S)
    assert block, "README.md lost its <!-- commands:start --> / <!-- commands:end --> markers"
    expected = commands_block() + "\n"
    if os.environ.get("SOCIALOPS_UPDATE_README") == "1" and block.group(1) != expected:
        README.write_text(text.replace(block.group(0), f"<!-- commands:start -->\n{expected}<!-- commands:end -->"), "utf-8")
        return
    assert block.group(1) == expected, "run: SOCIALOPS_UPDATE_README=1 python -m pytest tests/test_readme.py"
