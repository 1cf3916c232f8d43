"""The crisis switch: `.socialops/paused.yaml` (reason, who, since), a committed file.
While it is there, `publish` stops at once and says why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from socialops import yamlio
from socialops.timeutil import iso

PAUSE_FILE = ".socialops/paused.yaml"


@dataclass
class Pause:
    reason: str
    who: str | None
    since: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "who": self.who, "since": self.since}


def read_pause(root: Path) -> Pause | None:
    path = root / PAUSE_FILE
    try:
        data = yamlio.load(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, yamlio.YamlError):
        data = None
    if not isinstance(data, dict):  # a switch we cannot read still stops publishing
        return Pause(f"{PAUSE_FILE} exists (it cannot be read)", None, None)
    return Pause(str(data.get("reason") or "no reason given"),
                 str(data["who"]) if data.get("who") else None,
                 str(data["since"]) if data.get("since") else None)


def write_pause(root: Path, reason: str, who: str | None, since: datetime) -> Path:
    path = root / PAUSE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Publishing is paused while this file exists. `socialops resume` removes it.\n"
    path.write_text(header + yamlio.dump({"reason": reason, "who": who, "since": iso(since)}), "utf-8")
    return path


def remove_pause(root: Path) -> bool:
    path = root / PAUSE_FILE
    if not path.exists():
        return False
    path.unlink()
    return True
