"""The edge's shared output helpers: one rich console, JSON envelopes, and the lint
report in every format (text, json, github, sarif). The core never imports this."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from socialops import __version__
from socialops.problems import Level, Problem

LEVEL_STYLE = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.SUGGESTION: "cyan"}


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def lint_json(problems: list[Problem], files: int) -> dict[str, Any]:
    return {
        "version": 1,
        "problems": [p.as_dict() for p in problems],
        "summary": summary(problems, files),
    }


def summary(problems: Iterable[Problem], files: int) -> dict[str, int]:
    counts = {"files": files, "errors": 0, "warnings": 0, "suggestions": 0}
    for p in problems:
        counts[p.level.value + "s"] += 1
    return counts


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def lint_github(problems: list[Problem]) -> str:
    kinds = {Level.ERROR: "error", Level.WARNING: "warning", Level.SUGGESTION: "notice"}
    lines = [
        f"::{kinds[p.level]} file={_gh_escape(p.path, True)},line={p.line},col={p.column},"
        f"title={_gh_escape(p.rule, True)}::{_gh_escape(p.message)}"
        for p in problems
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def lint_sarif(problems: list[Problem], rule_docs: dict[str, str]) -> dict[str, Any]:
    levels = {Level.ERROR: "error", Level.WARNING: "warning", Level.SUGGESTION: "note"}
    rule_ids = sorted({p.rule for p in problems} | set(rule_docs))
    index = {rule: i for i, rule in enumerate(rule_ids)}
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "socialops",
                "version": __version__,
                "informationUri": "https://github.com/socialops/socialops",
                "rules": [
                    {"id": r, "name": r, "shortDescription": {"text": rule_docs.get(r, r)}}
                    for r in rule_ids
                ],
            }},
            "results": [{
                "ruleId": p.rule,
                "ruleIndex": index[p.rule],
                "level": levels[p.level],
                "message": {"text": p.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": p.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": p.line, "startColumn": p.column},
                }}],
            } for p in problems],
        }],
    }


def lint_text(problems: list[Problem], files: int, root: Path) -> None:
    """Grouped by file, each finding with its line and a caret under the column."""
    from rich.markup import escape

    out = console()
    lines_cache: dict[str, list[str]] = {}
    current = None
    for p in problems:
        if p.path != current:
            if current is not None:
                out.print()
            out.print(f"[bold underline]{escape(p.path)}[/]")
            current = p.path
        style = LEVEL_STYLE[p.level]
        out.print(f"  {p.line}:{p.column}  [{style}]{p.level.value}[/]  {escape(p.message)}  [dim]{p.rule}[/]")
        source = _source_line(root, p.path, p.line, lines_cache)
        if source is not None and source.strip():
            gutter = f"{p.line:>5} | "
            shown = source.replace("\t", " ")
            out.print(f"[dim]{gutter}[/]{escape(shown)}")
            caret_col = min(max(p.column - 1, 0), len(shown))
            out.print("[dim]" + " " * (len(gutter) - 2) + "| [/]" + " " * caret_col + f"[{style}]^[/]")
    s = summary(problems, files)
    if current is not None:
        out.print()
    verdict = "[bold green]✓[/]" if not problems else "[bold red]✗[/]" if s["errors"] else "[yellow]![/]"
    out.print(f"{verdict} {s['files']} post file{'s' if s['files'] != 1 else ''} checked: "
              f"{s['errors']} error{'s' if s['errors'] != 1 else ''}, "
              f"{s['warnings']} warning{'s' if s['warnings'] != 1 else ''}, "
              f"{s['suggestions']} suggestion{'s' if s['suggestions'] != 1 else ''}")


def _source_line(root: Path, rel: str, line: int, cache: dict[str, list[str]]) -> str | None:
    from socialops.model import MAX_POST_BYTES, normalize_newlines

    if rel not in cache:
        try:
            data = (root / rel).read_bytes()
            if len(data) > MAX_POST_BYTES or b"\x00" in data[:8192]:
                cache[rel] = []
            else:
                cache[rel] = normalize_newlines(data.decode("utf-8", "replace")).split("\n")
        except OSError:
            cache[rel] = []
    lines = cache[rel]
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        return text if len(text) <= 300 else text[:300] + "…"
    return None
