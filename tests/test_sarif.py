"""Lint's SARIF as code scanning reads it, checked by Microsoft's SARIF multitool (the
official 2.1.0 schema and its GitHub rules; installed from npm by .ci/setup-sarif.sh), and
columns in UTF-16 code units where SARIF and GitHub count them (code points in text and JSON)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

GUIDE = """\
rules:
  - {id: banned-words, kind: existence, level: error, message: "Avoid '{match}'.", tokens: [synergy]}
"""
NAME = "news, 100% new: edition.md"
HOME = Path(os.environ.get("SOCIALOPS_SARIF_HOME") or Path.home() / ".cache" / "socialops-sarif")
MULTITOOL = HOME / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"


def multitool() -> Path:
    if not MULTITOOL.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("the SARIF multitool is not installed; .ci/setup-sarif.sh installs it")
        pytest.skip("the SARIF multitool is not installed (run .ci/setup-sarif.sh)")
    return MULTITOOL


def lint(cli, project, fmt: str) -> str:
    result = cli("lint", "--format", fmt, "--now", "2026-11-21T12:00", cwd=project.root)
    assert result.exit_code == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def make(project) -> None:
    project.write("styleguide.yaml", GUIDE)
    project.post(NAME, "channels: [feed]\npublish_at: 2026-12-01T09:00\nstatus: ready", "🎉🎉 synergy\n")


def test_sarif_passes_the_multitools_schema_and_github_rules(project, cli, tmp_path) -> None:
    make(project)
    out = tmp_path / "lint.sarif"
    out.write_text(lint(cli, project, "sarif"), "utf-8")
    done = subprocess.run([str(multitool()), "validate", "--rule-kind", "Gh;Sarif", str(out)],
                          capture_output=True, text=True, timeout=300)
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "Analysis completed successfully" in said, said
    assert not [line for line in said.splitlines() if ": error " in line or ": warning " in line], said


def test_sarif_uris_rules_columns_and_fingerprints(project, cli) -> None:
    make(project)
    log = json.loads(lint(cli, project, "sarif"))
    run = log["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    [result] = [r for r in run["results"] if r["ruleId"] == "banned-words"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "posts/news%2C%20100%25%20new%3A%20edition.md"
    # two emoji before the word: columns 4 in code points, 6 in UTF-16 code units
    assert location["region"] == {"startLine": 6, "startColumn": 6}
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "banned-words" and "existence" in rule["fullDescription"]["text"]
    assert "socialops-disable banned-words" in rule["help"]["text"]
    assert all("fullDescription" in r and "help" in r for r in run["tool"]["driver"]["rules"])
    again = json.loads(lint(cli, project, "sarif"))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == [r["partialFingerprints"] for r in run["results"]]


def test_github_counts_utf16_and_text_and_json_count_code_points(project, cli) -> None:
    make(project)
    github = [line for line in lint(cli, project, "github").splitlines() if "banned-words" in line]
    assert github and ",line=6,col=6," in github[0]
    problems = json.loads(lint(cli, project, "json"))["problems"]
    assert [(p["line"], p["column"]) for p in problems if p["rule"] == "banned-words"] == [(6, 4)]
    text = lint(cli, project, "text").splitlines()
    assert f"posts/{NAME}" in text[0] and any(line.startswith("  6:4 ") for line in text)


def test_sarif_is_the_json_encoders_text_for_every_finding(project, cli) -> None:
    """The results are written from a template, for speed (bench/peers.py): the text must be
    what json.dumps writes for the same document, for messages with quotes, backslashes,
    control characters and emoji, paths that need percent-encoding, and no finding at all."""
    project.write("styleguide.yaml", GUIDE + '  - {id: quotes, kind: script, level: suggestion, pattern: "\\"[^\\"]*\\"", '
                  "message: 'Quoted \\\\ {match}'}\n")
    project.post(NAME, "channels: [feed]\npublish_at: 2026-12-01T09:00\nstatus: ready",
                 '🎉 "synergy"\tand\x07 "ünïcode" synergy\n')
    project.post("b.md", "channels: [nowhere]\npublish_at: 2026-12-01T09:00", "Plain synergy.\n")
    text = lint(cli, project, "sarif")
    log = json.loads(text)
    assert len(log["runs"][0]["results"]) >= 5 and {r["ruleId"] for r in log["runs"][0]["results"]} >= {
        "banned-words", "quotes", "channel"}
    assert text == json.dumps(log, ensure_ascii=False) + "\n"
    project.write("posts/" + NAME, "---\nchannels: [feed]\npublish_at: 2026-12-01T09:00\n---\nFine.\n")
    project.write("posts/b.md", "---\nchannels: [feed]\npublish_at: 2026-12-02T09:00\n---\nFine.\n")
    empty = cli("lint", "--format", "sarif", "--now", "2026-11-21T12:00", cwd=project.root).stdout
    assert json.loads(empty)["runs"][0]["results"] == [] and empty == json.dumps(json.loads(empty), ensure_ascii=False) + "\n"
