"""Who does what: `roles:` in socialops.yaml, and the CODEOWNERS lines that follow from it.

```yaml
roles:
  manager: [dana]                    # owns the style guide, the calendar, the config, .github/
  writers: [acme/writers]
  reviewers:
    "*": [acme/social]               # every channel without its own reviewers
    linkedin-company: [acme/brand, alice]
  analysts: [erin]
```

Entries are GitHub users (`alice`, `@alice`) or teams (`org/team`, `@org/team`). Channel
reviewers own `posts/<channel>/` when the team keeps posts in a folder per channel; the
`"*"` reviewers own `posts/` and `media/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError
from socialops.model import (
    CALENDAR_FILE,
    CONFIG_FILE,
    POSTS_DIR,
    STYLEGUIDE_FILE,
    Config,
    read_project_file,
)
from socialops.problems import Level, Problem

ANY_CHANNEL = "*"
BEGIN_PREFIX = "# socialops:begin"
BEGIN = BEGIN_PREFIX + " (written by 'socialops codeowners' from roles: in socialops.yaml)"
END = "# socialops:end"
CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True)
class Roles:
    manager: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    analysts: tuple[str, ...] = ()
    reviewers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def defined(self) -> bool:
        return bool(self.manager or self.writers or self.analysts or self.reviewers)

    def channel_reviewers(self, channel: str) -> tuple[str, ...]:
        """The channel's own reviewers, else the `"*"` ones."""
        return self.reviewers.get(channel) or self.reviewers.get(ANY_CHANNEL, ())


def normalise(name: str) -> str:
    """`@Alice` -> `Alice`; `@acme/brand` -> `acme/brand`."""
    return str(name).strip().lstrip("@")


def names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(n for n in (normalise(v) for v in value if isinstance(v, str)) if n)


def load(config: Config) -> Roles:
    return from_data(config.data)


def from_data(config_data: dict[str, Any]) -> Roles:
    """The roles of a socialops.yaml's data (any version of it)."""
    data = config_data.get("roles")
    if not isinstance(data, dict):
        return Roles()
    reviewers = data.get("reviewers")
    by_channel = {str(k): names(v) for k, v in reviewers.items()} if isinstance(reviewers, dict) else {}
    return Roles(manager=names(data.get("manager")), writers=names(data.get("writers")),
                 analysts=names(data.get("analysts")),
                 reviewers={k: v for k, v in by_channel.items() if v})


# ---- CODEOWNERS ---------------------------------------------------------------------------

def owners_text(owners: tuple[str, ...]) -> str:
    return " ".join("@" + o for o in owners)


def codeowners_lines(roles: Roles, root: Path) -> list[str]:
    """The CODEOWNERS block for these roles. Later lines win in CODEOWNERS, so the general
    post folder comes first and each channel's folder after it."""
    lines = [BEGIN]
    everyone = roles.reviewers.get(ANY_CHANNEL, ())
    if everyone:
        lines += [f"/{POSTS_DIR}/ {owners_text(everyone)}", f"/media/ {owners_text(everyone)}"]
    for channel in sorted(roles.reviewers):
        if channel != ANY_CHANNEL and (root / POSTS_DIR / channel).is_dir():
            lines.append(f"/{POSTS_DIR}/{channel}/ {owners_text(roles.reviewers[channel])}")
    if roles.manager:
        for rel in (STYLEGUIDE_FILE, CALENDAR_FILE, CONFIG_FILE, ".github/"):
            lines.append(f"/{rel} {owners_text(roles.manager)}")
    lines.append(END)
    return lines


def find_codeowners(root: Path) -> Path | None:
    """The CODEOWNERS file GitHub reads (the first of .github/, the root, docs/)."""
    for rel in CODEOWNERS_PLACES:
        if (root / rel).is_file():
            return root / rel
    return None


def _span(lines: list[str]) -> tuple[int, int] | None:
    """First and last line index of the socialops block (to the end when it never closes)."""
    for start, line in enumerate(lines):
        if line.startswith(BEGIN_PREFIX):
            end = next((i for i in range(start, len(lines)) if lines[i].strip() == END), len(lines) - 1)
            return start, end
    return None


def merged(existing: str, block: list[str]) -> str:
    """`existing` with the socialops block replaced (or appended); other lines kept."""
    lines = existing.splitlines()
    span = _span(lines)
    if span:
        lines[span[0]:span[1] + 1] = block
    else:
        if lines and lines[-1].strip():
            lines.append("")
        lines += block
    return "\n".join(lines) + "\n"


def current_block(existing: str) -> list[str] | None:
    lines = existing.splitlines()
    span = _span(lines)
    return [x.rstrip() for x in lines[span[0]:span[1] + 1]] if span else None


def drift(roles: Roles, root: Path) -> tuple[str, str] | None:
    """(file, what to do) when the checked-in CODEOWNERS does not match the roles."""
    if not roles.defined:
        return None
    path = find_codeowners(root)
    if path is None:
        return CONFIG_FILE, ("roles: are set but there is no CODEOWNERS file, so GitHub does not "
                             "ask the reviewers; run 'socialops codeowners --write'")
    rel = path.relative_to(root).as_posix()
    try:
        text = read_project_file(root, rel)
    except (OSError, SocialopsError) as exc:
        return rel, str(getattr(exc, "message", exc))
    block = current_block(text)
    if block is None:
        return rel, "has no socialops block for roles:; run 'socialops codeowners --write'"
    if block != codeowners_lines(roles, root):
        return rel, "does not match roles: in socialops.yaml; run 'socialops codeowners --write'"
    return None


def codeowners_problems(root: Path, config: Config) -> list[Problem]:
    """A lint warning when CODEOWNERS has drifted from roles: (nothing when no roles are set)."""
    found = drift(load(config), root)
    if found is None:
        return []
    path, message = found
    if path == CONFIG_FILE:
        return [Problem(path, _roles_line(config), 1, "codeowners", Level.WARNING, message)]
    return [Problem(path, 1, 1, "codeowners", Level.WARNING, f"{path} {message}")]


def _roles_line(config: Config) -> int:
    from socialops.yamlio import Locator

    return Locator(config.text).key(["roles"]).line if config.text else 1
