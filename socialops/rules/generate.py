"""Regenerate what is written from the rule kind modules:
socialops/schemas/styleguide.schema.json, schemas/styleguide.schema.json and the README's
rule table. Run `python -m socialops.rules.generate` in a checkout after changing a kind.
"""

from __future__ import annotations

import sys
from pathlib import Path

from socialops.rules import REGISTRY
from socialops.rules.docs import README_END, README_START, readme_table
from socialops.rules.schema import schema_text


def schema_paths(checkout: Path) -> list[Path]:
    """The shipped schema and the editors' copy, in a checkout."""
    return [checkout / "socialops" / "schemas" / "styleguide.schema.json",
            checkout / "schemas" / "styleguide.schema.json"]


def readme_with_table(readme: str) -> str:
    """README text with the section between the rules markers replaced by the table."""
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_START}\n{readme_table(REGISTRY)}{README_END}{tail}"


def main(checkout: Path) -> None:
    text = schema_text(REGISTRY)
    for path in schema_paths(checkout):
        path.write_text(text, "utf-8")
        sys.stdout.write(f"wrote {path.relative_to(checkout)}\n")
    readme = checkout / "README.md"
    readme.write_text(readme_with_table(readme.read_text("utf-8")), "utf-8")
    sys.stdout.write("wrote README.md (rules table)\n")


if __name__ == "__main__":
    main(Path(__file__).resolve().parents[2])
