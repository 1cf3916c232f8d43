"""Lint's text output as people read it: a line per finding, each source line once with
all its carets, fixable findings marked, the compact style, and nothing that wraps or
moves the cursor."""

from __future__ import annotations

import json
import time

GUIDE = """\
rules:
  - {id: banned-words, kind: existence, level: error, message: "Avoid '{match}'.", tokens: [synergy, leverage]}
  - {id: brand-names, kind: substitution, level: error, message: "Write '{expected}', not '{match}'.", swap: {Github: GitHub}}
"""
FRONT = "channels: [feed]\npublish_at: 2026-12-01T09:00\nstatus: ready"


def lint(cli, project, *args: str, columns: int = 120):
    result = cli("lint", "--now", "2026-11-21T12:00", *args, cwd=project.root, env={"COLUMNS": str(columns)})
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def test_a_line_with_several_findings_is_shown_once_with_a_caret_under_each(project, cli) -> None:
    project.write("styleguide.yaml", GUIDE)
    project.post("a.md", FRONT, "We leverage synergy with Github.\n")
    lines = lint(cli, project)
    sources = [i for i, line in enumerate(lines) if "We leverage synergy with Github." in line]
    assert len(sources) == 1
    source, carets = lines[sources[0]], lines[sources[0] + 1]
    assert [i for i, c in enumerate(carets) if c == "^"] == [source.index(w) for w in ("leverage", "synergy", "Github")]
    findings = [line for line in lines if line.startswith("  6:")]
    assert len(findings) == 3 and all(lines.index(f) < sources[0] for f in findings)


def test_fixable_findings_are_marked_in_every_format_and_after_a_cached_run(project, cli) -> None:
    project.write("styleguide.yaml", GUIDE)
    project.post("a.md", FRONT, "We use Github and synergy.\n")
    project.commit()
    for _ in range(2):  # the second run takes the findings from lint's cache
        time.sleep(2.1)  # the cache keeps only files unchanged for 2 s
        text = lint(cli, project)
        [github] = [line for line in text if "brand-names" in line]
        [banned] = [line for line in text if "banned-words" in line]
        assert "[fixable]" in github and "[fixable]" not in banned
        assert "1 fixable with socialops lint --fix" in text[-1]
        found = json.loads("\n".join(lint(cli, project, "--format", "json")))["problems"]
        assert {p["rule"]: p["fixable"] for p in found} == {"brand-names": True, "banned-words": False}


def test_compact_is_one_line_per_finding_in_yamllints_parsable_style(project, cli) -> None:
    project.write("styleguide.yaml", GUIDE)
    project.post("a.md", FRONT, "We use Github and synergy.\n")
    lines = lint(cli, project, "--compact")
    assert lines[:2] == [
        "posts/a.md:6:8: [error] Write 'GitHub', not 'Github'. (brand-names) [fixable]",
        "posts/a.md:6:19: [error] Avoid 'synergy'. (banned-words)",
    ]
    assert lines[2].startswith("✗ 1 post file checked: 2 errors") and len(lines) == 3


def test_carets_stay_under_the_word_after_wide_characters(project, cli) -> None:
    project.write("styleguide.yaml", GUIDE)
    project.post("a.md", FRONT, "🎉🎉 新しい synergy\n")
    lines = lint(cli, project)
    i = next(i for i, line in enumerate(lines) if "synergy" in line and "|" in line)
    # two emoji and three CJK characters take two cells each: the caret is 5 cells further
    assert lines[i + 1].index("^") == lines[i].index("synergy") + 5


def test_a_line_wider_than_the_terminal_is_cut_around_its_carets_or_left_out(project, cli) -> None:
    project.write("styleguide.yaml", GUIDE)
    filler = "word " * 40
    project.post("a.md", FRONT, f"{filler}synergy {filler}\n\nleverage {filler}synergy {filler}Github\n")
    lines = lint(cli, project, columns=60)
    shown = [line for line in lines if " | " in line and "^" not in line]
    assert len(shown) == 1 and len(shown[0]) <= 60 and "…" in shown[0]  # the first: cut around its caret
    caret = lines[lines.index(shown[0]) + 1]
    assert caret.index("^") == shown[0].index("synergy")
    assert sum("8:1" in line for line in lines) == 1  # the second line's findings still listed
    assert not any(line.startswith("    8 |") for line in lines)  # its carets would not fit: left out


def test_control_characters_from_a_post_do_not_reach_the_terminal(project, cli) -> None:
    project.write("styleguide.yaml", GUIDE)
    project.post("a.md", FRONT, "synergy \x1b[2J\x1b]0;owned\x07 done\n")
    out = "\n".join(lint(cli, project))
    assert "\x1b" not in out and "\x07" not in out and "synergy" in out


def test_text_into_a_pipe_is_the_same_without_rich(project) -> None:
    """Into a pipe or a file (a pre-commit hook's output, a CI log) lint's text output is
    written without importing rich (a tenth of a one-post lint); it is what rich's console
    writes there, byte for byte (TTY_COMPATIBLE=0 still takes rich's way)."""
    import subprocess
    import sys

    from tests.conftest import _cli_env

    project.write("styleguide.yaml", GUIDE)
    project.post("a.md", FRONT, "We leverage synergy with Github, a line long enough to be cut on a narrow terminal "
                 "if there were one, which there is not.\n")
    env = _cli_env(None)
    for name in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(name, None)
    outputs = []
    for extra in ({}, {"TTY_COMPATIBLE": "0"}):
        for args in ([], ["--compact"]):
            proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "socialops", "lint", "--now",
                                   "2026-11-21T12:00", *args], cwd=project.root, env={**env, **extra},
                                  capture_output=True, text=True, timeout=60)
            assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
            assert ("rich.console" in proc.stderr) == bool(extra)
            outputs.append(proc.stdout)
    assert outputs[0] == outputs[2] and outputs[1] == outputs[3]
    assert "leverage" in outputs[0] and "posts/a.md:6:" in outputs[1]
