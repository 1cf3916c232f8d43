"""Input built to hang or crash socialops: times at the ends of the calendar, endless
durations, a regular expression that backtracks for years, a series firing every minute
since 1970. Each is a finding at its line; no command hangs or ends in a traceback."""

from __future__ import annotations

import json
import time

from tests.conftest import ProjectDir


def _lint(cli, project: ProjectDir) -> tuple[int, list[dict]]:
    start = time.monotonic()
    out = cli("lint", "--format", "json", "--no-cache", cwd=project.root, timeout=60)
    assert time.monotonic() - start < 30
    assert "Traceback" not in out.stderr and "unexpected error" not in out.output, out.output
    return out.exit_code, json.loads(out.stdout)["problems"]


def _at(problems: list[dict], rule: str) -> list[tuple[str, int]]:
    return sorted((p["path"], p["line"]) for p in problems if p["rule"] == rule)


def test_times_at_the_ends_of_the_calendar_are_errors_at_their_line(project: ProjectDir, cli) -> None:
    project.post("first.md", "channels: [feed]\npublish_at: 0001-01-01T00:00\nstatus: ready\n")
    project.post("last.md", "channels: [feed]\npublish_at: 9999-12-31T23:59-12:00\nstatus: ready\n")
    project.post("fine.md", "channels: [feed]\npublish_at: 2026-01-01T09:00\nstatus: ready\n")
    project.write("calendar.yaml", """\
        lateness: 99999999999999d
        spacing: {min_gap: 999999999w}
        blackouts:
          - {name: Forever, from: 0001-01-01T00:00, to: 9999-12-31T23:59}
        """)
    code, problems = _lint(cli, project)
    assert code == 1
    times = [(p["path"], p["line"], p["message"]) for p in problems if p["rule"] == "time"]
    assert ("posts/first.md", 3) in [(p, line) for p, line, _ in times]
    assert ("posts/last.md", 3) in [(p, line) for p, line, _ in times]
    assert any("out of range" in m for _, _, m in times)
    calendar = {line for p in problems if p["path"] == "calendar.yaml" for line in [p["line"]]}
    assert {1, 2, 4} <= calendar, problems
    project.commit()
    for command in (["plan"], ["calendar"], ["publish", "--no-push", "--now", "2026-01-01T09:30"]):
        out = cli(*command, cwd=project.root, timeout=60)
        assert "Traceback" not in out.stderr and "OverflowError" not in out.output, (command, out.output)


def test_a_catastrophic_pattern_is_reported_at_its_line_and_cannot_hang_lint(project: ProjectDir, cli) -> None:
    project.write("styleguide.yaml", """\
        rules:
          - {id: fine, kind: existence, level: warning, patterns: ['\\bsynergy\\b']}
          - id: slow
            kind: script
            level: warning
            pattern: '(a|aa)+$'
        """)
    project.post("p.md", "channels: [feed]\n", "a" * 60 + "b\n")
    code, problems = _lint(cli, project)
    assert code == 1
    slow = [p for p in problems if p["path"] == "styleguide.yaml"]
    assert [(p["line"], p["level"]) for p in slow] == [(6, "error")]
    assert "backtracks catastrophically" in slow[0]["message"]


def test_a_pattern_lint_did_not_see_through_is_stopped_on_a_text_and_said(
        project: ProjectDir, monkeypatch) -> None:
    """The probe for expensive patterns cannot catch all of them: whatever it misses runs
    with a time limit per text, and the finding says the text was not checked."""
    from socialops.lint import lint
    from socialops.model import Project
    from socialops.rules import base

    monkeypatch.setattr(base, "PROBE_LENGTH", 3)  # a probe too short to notice anything
    project.write("styleguide.yaml", "rules:\n  - {id: slow, kind: script, level: warning, "
                  "pattern: '(a|aa)+$', message: Too many a's.}\n")
    project.post("p.md", "channels: [feed]\n", "a" * 60 + "b\n")
    start = time.monotonic()
    problems = lint(Project.load(project.root), use_cache=False).problems
    assert time.monotonic() - start < 20
    [stopped] = [p for p in problems if p.rule == "slow"]
    assert stopped.path == "posts/p.md"
    assert "took longer than 0.5 s on this text and was stopped" in stopped.message


def test_a_series_every_minute_since_1970_is_an_error_not_a_hang(project: ProjectDir, cli) -> None:
    project.post("pool/tip.md", "status: ready\n")
    project.write("calendar.yaml", """\
        recurring:
          - {id: spam, cron: "* * * * *", channels: [feed], from: 1970-01-01, pool: posts/pool}
        """)
    code, problems = _lint(cli, project)
    assert code == 1
    [problem] = [p for p in problems if p["path"] == "calendar.yaml"]
    assert problem["line"] == 2 and "more than 500,000 times" in problem["message"]
    project.commit()
    for command in (["plan"], ["calendar"], ["publish", "--no-push", "--now", "2026-01-01T09:30"]):
        start = time.monotonic()
        out = cli(*command, cwd=project.root, timeout=60)
        assert time.monotonic() - start < 30
        assert "Traceback" not in out.stderr, (command, out.output)
