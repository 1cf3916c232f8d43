"""Lint real post files in the `project` fixture and pick out one rule's findings."""

from __future__ import annotations

import textwrap
from pathlib import Path

from socialops.lint import lint
from socialops.model import Project
from socialops.problems import Problem
from tests.conftest import ProjectDir


def run(project: ProjectDir, guide: str, front: str, body: str, rel: str = "a.md") -> list[Problem]:
    """Write styleguide.yaml and one post, lint that post, return every finding."""
    project.write("styleguide.yaml", textwrap.dedent(guide))
    path = project.post(rel, front, body)
    return lint(Project.load(project.root), [path]).problems


def found(project: ProjectDir, guide: str, front: str, body: str, rule: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of each finding of `rule`."""
    return [(p.line, p.column, p.message) for p in run(project, guide, front, body) if p.rule == rule]


def where(project: ProjectDir, guide: str, front: str, body: str, rule: str) -> list[tuple[int, int]]:
    return [(line, column) for line, column, _ in found(project, guide, front, body, rule)]


def lint_all(root: Path) -> list[Problem]:
    return lint(Project.load(root)).problems
