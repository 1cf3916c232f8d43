"""The one exception base for what the user did wrong, caught once at the edge (cli.py)."""

from __future__ import annotations


class SocialopsError(Exception):
    """A problem the user can fix: shown as a message (with file and line), exit code 2."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        return where + self.message


class ProjectNotFound(SocialopsError):
    """No socialops.yaml above the working directory."""
