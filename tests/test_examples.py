"""examples/acme is the project the docs use: it must lint clean, always."""

from __future__ import annotations

import json
from pathlib import Path

ACME = Path(__file__).resolve().parent.parent / "examples" / "acme"


def test_acme_lints_clean(cli) -> None:
    result = cli("lint", "--format", "json", "--repo", str(ACME), "--now", "2026-11-21T12:00", cwd=ACME)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["problems"] == []
    assert data["summary"]["files"] == 13


def test_acme_has_three_languages_and_several_channels() -> None:
    texts = [p.read_text("utf-8") for p in (ACME / "posts").rglob("*.md")]
    langs = {line.split(":", 1)[1].strip() for t in texts for line in t.splitlines() if line.startswith("lang:")}
    assert {"en", "de", "tr"} <= langs
    channels = {c.strip() for t in texts for line in t.splitlines() if line.startswith("channels:")
                for c in line.split("[", 1)[1].rstrip("]").split(",")}
    assert len(channels) >= 6
