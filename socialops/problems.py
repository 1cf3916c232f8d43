"""Findings: what lint, preview and the calendar report. Plain data, no output here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "suggestion": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. `path` is relative to the repository root with forward slashes;
    `line` and `column` are 1-based in the file as a whole (front matter included)."""

    path: str
    line: int
    column: int
    rule: str
    level: Level
    message: str
    fixable: bool = False  # `socialops lint --fix` repairs it (a certain substitution)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "level": self.level.value,
            "message": self.message,
            "fixable": self.fixable,
        }
