"""The built-in lint checks: each finding at its file, line and column, in every format."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def lint_json(cli, project, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = cli("lint", "--format", "json", "--now", "2026-11-21T12:00", *args, cwd=project.root)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)["problems"]


def only(problems, rule: str) -> list[dict[str, object]]:
    return [p for p in problems if p["rule"] == rule]


def test_clean_post_passes(project, cli) -> None:
    project.post("a.md", "channels: [feed]\npublish_at: 2026-12-01T09:00\nstatus: ready")
    code, problems = lint_json(cli, project)
    assert code == 0 and problems == []


def test_schema_violation_is_reported_at_the_offending_key(project, cli) -> None:
    project.post("a.md", """\
        channels: [feed]
        publish_at: 2026-12-01T09:00
        status: published
        colour: blue
        """)
    code, problems = lint_json(cli, project)
    assert code == 1
    schema = only(problems, "schema")
    by_line = {p["line"]: p for p in schema}
    assert by_line[4]["message"].startswith("'published' is not one of: draft, ready")
    assert "$.status" in by_line[4]["message"]
    assert by_line[5]["message"].startswith("unknown key 'colour'")
    assert by_line[5]["column"] == 1


def test_wrong_type_in_nested_media(project, cli) -> None:
    project.write("media/a.png", b"\x89PNG")
    project.post("a.md", """\
        channels: [feed]
        media:
          - path: media/a.png
            alt: 42
        """)
    _, problems = lint_json(cli, project)
    [problem] = only(problems, "schema")
    assert problem["line"] == 5 and "$.media[0].alt" in problem["message"]


def test_unknown_channel_names_the_known_ones(project, cli) -> None:
    project.post("a.md", "channels: [feed, mastodon-mian]")
    _, problems = lint_json(cli, project)
    [problem] = only(problems, "channel")
    assert problem["line"] == 2
    assert "unknown channel 'mastodon-mian'" in problem["message"]
    assert "mastodon-main" in problem["message"]


def test_missing_media_and_paths_leaving_the_repo(project, cli, tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    (project.root / "media").mkdir()
    os.symlink(outside, project.root / "media" / "link.png")
    project.post("a.md", """\
        channels: [feed]
        media:
          - {path: media/nope.png, alt: A picture of nothing at all}
          - {path: ../secret.png, alt: A picture of something secret}
          - {path: /etc/passwd, alt: An absolute path is not allowed}
          - {path: media/link.png, alt: A symlink pointing out of the repo}
        """)
    _, problems = lint_json(cli, project)
    missing = only(problems, "media-missing")
    assert [(p["line"], "media/nope.png" in p["message"]) for p in missing] == [(4, True)]
    paths = only(problems, "path")
    assert sorted(p["line"] for p in paths) == [5, 6, 7]
    assert all("leaves the repository" in p["message"] for p in paths)


def test_duplicate_ids(project, cli) -> None:
    project.post("a.md", "channels: [feed]\nid: launch")
    project.post("b.md", "channels: [feed]\nid: launch")
    _, problems = lint_json(cli, project)
    [problem] = only(problems, "duplicate-id")
    assert problem["path"] == "posts/b.md" and "posts/a.md" in problem["message"]
    assert problem["line"] == 3


@pytest.mark.parametrize(("when", "fragment"), [
    ("2027-03-28T02:30", "does not exist in Europe/Berlin"),
    ("2026-10-25T02:30", "happens twice in Europe/Berlin"),
    ("2026-13-01T09:00", "is not a time"),
])
def test_times_that_do_not_exist_or_are_ambiguous(project, cli, when: str, fragment: str) -> None:
    project.post("a.md", f"channels: [feed]\npublish_at: {when}")
    _, problems = lint_json(cli, project)
    [problem] = only(problems, "time") or only(problems, "schema")
    assert fragment in problem["message"] or "publish_at" in problem["message"]
    assert problem["line"] == 3


def test_ambiguous_time_with_offset_is_fine(project, cli) -> None:
    project.post("a.md", "channels: [feed]\npublish_at: 2099-10-25T02:30+01:00")  # a fold, in the future
    code, problems = lint_json(cli, project)
    assert problems == [] and code == 0


def test_draft_whose_time_has_passed_is_a_warning(project, cli) -> None:
    project.post("a.md", "channels: [feed]\nstatus: draft\npublish_at: 2026-11-01T09:00")
    code, problems = lint_json(cli, project)
    [problem] = only(problems, "time")
    assert problem["level"] == "warning" and code == 0
    code, _ = lint_json(cli, project, "--fail-on", "warning")
    assert code == 1


def test_github_format_is_default_under_actions(project, cli) -> None:
    project.post("a.md", "channels: [nowhere]")
    result = cli("lint", cwd=project.root, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=posts/a.md,line=2,col=")
    assert "title=channel::unknown channel 'nowhere'" in result.stdout


def test_sarif_output(project, cli) -> None:
    project.post("a.md", "channels: [nowhere]")
    result = cli("lint", "--format", "sarif", cwd=project.root)
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    [res] = run["results"]
    assert res["ruleId"] == "channel" and ids[res["ruleIndex"]] == "channel"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 12}


def test_text_format_shows_the_line_and_a_caret(project, cli) -> None:
    project.post("a.md", "channels: [nowhere]")
    result = cli("lint", cwd=project.root)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "posts/a.md" in lines[0]
    assert any("2:12" in line and "unknown channel 'nowhere'" in line for line in lines)
    src = next(i for i, line in enumerate(lines) if "channels: [nowhere]" in line)
    assert lines[src + 1].index("^") == lines[src].index("nowhere")
    assert "1 error" in result.stdout


def test_paths_and_changed_since(project, cli) -> None:
    project.post("old.md", "channels: [nowhere]")
    project.commit("old")
    project.post("new.md", "channels: [also-nowhere]")
    _, problems = lint_json(cli, project, "--changed-since", "HEAD")
    assert {p["path"] for p in problems} == {"posts/new.md"}
    _, problems = lint_json(cli, project, "posts/old.md")
    assert {p["path"] for p in problems} == {"posts/old.md"}
    _, problems = lint_json(cli, project, "posts", "--changed-since", "HEAD")  # both: the changed ones given
    assert {p["path"] for p in problems} == {"posts/new.md"}


def test_a_path_outside_the_project_is_a_usage_error(project, cli, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("---\nchannels: [feed]\n---\nHi\n")
    for extra in ([], ["--fix"]):
        result = cli("lint", *extra, str(outside), cwd=project.root)
        assert result.exit_code == 2
        assert f"{outside}: not inside the project at {project.root.resolve()}" in result.stderr
        assert "unexpected error" not in result.stderr and "Traceback" not in result.output


def test_lint_walks_up_from_a_subfolder_and_takes_repo(project, cli, tmp_path: Path) -> None:
    project.post("2026/a.md", "channels: [nowhere]")
    result = cli("lint", "--format", "json", cwd=project.root / "posts" / "2026")
    assert json.loads(result.stdout)["summary"]["errors"] == 1
    result = cli("lint", "--format", "json", "--repo", str(project.root), cwd=tmp_path)
    assert json.loads(result.stdout)["summary"]["errors"] == 1


def test_unreadable_config_is_exit_2_with_its_line(project, cli) -> None:
    project.write("socialops.yaml", "timezone: UTC\nchannels:\n  feed: {platform: feed\n")
    result = cli("lint", cwd=project.root)
    assert result.exit_code == 2
    assert "socialops.yaml:4" in result.stderr or "socialops.yaml:3" in result.stderr
    assert "Traceback" not in result.output


def test_config_schema_problems_are_findings(project, cli) -> None:
    project.write("socialops.yaml", "timezone: UTC\nchannels:\n  feed: {platform: myspace}\n")
    code, problems = lint_json(cli, project)
    [problem] = only(problems, "schema")
    assert problem["path"] == "socialops.yaml" and problem["line"] == 3 and code == 1
    assert "myspace" in problem["message"]


def test_unknown_timezone_is_a_usage_error(project, cli) -> None:
    project.write("socialops.yaml", "timezone: Mars/Olympus\nchannels: {}\n")
    result = cli("lint", cwd=project.root)
    assert result.exit_code == 2 and "Mars/Olympus" in result.stderr and "socialops.yaml:1" in result.stderr


def test_bad_usage_is_exit_2(project, cli) -> None:
    result = cli("lint", "--format", "xml", cwd=project.root)
    assert result.exit_code == 2
    result = cli("lint", "posts/none.md", cwd=project.root)
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_schemas_shipped_in_package_match_the_editor_copies() -> None:
    root = Path(__file__).resolve().parent.parent
    shipped = sorted(p.name for p in (root / "socialops" / "schemas").glob("*.json"))
    editors = sorted(p.name for p in (root / "schemas").glob("*.json"))
    assert shipped == editors and shipped
    for name in shipped:
        assert (root / "socialops" / "schemas" / name).read_bytes() == (root / "schemas" / name).read_bytes(), name


def test_schemas_have_titles_and_descriptions() -> None:
    root = Path(__file__).resolve().parent.parent
    for path in (root / "schemas").glob("*.json"):
        data = json.loads(path.read_text())
        assert data["$schema"].endswith("2020-12/schema") and data.get("title") and data.get("description")
        for name, prop in data.get("properties", {}).items():
            assert prop.get("title") or prop.get("description"), f"{path.name}: {name}"


def test_duplicate_id_found_when_linting_one_file(project, cli) -> None:
    project.post("a.md", "channels: [feed]\nid: 'launch'  # the launch post")
    project.post("b.md", "channels: [feed]\nid: launch")
    project.post("c.md", "channels: [feed]")
    _, problems = lint_json(cli, project, "posts/b.md")
    [problem] = only(problems, "duplicate-id")
    assert problem["path"] == "posts/b.md" and "posts/a.md" in problem["message"]
    _, problems = lint_json(cli, project, "posts/c.md")
    assert problems == []


def test_parallel_lint_finds_exactly_what_serial_lint_finds(project, monkeypatch) -> None:
    from socialops import lint as lint_module
    from socialops.model import Project

    project.write("styleguide.yaml", "rules:\n  - {id: banned, kind: existence, level: error, tokens: [synergy]}\n")
    for i in range(40):
        channel = "nowhere" if i % 7 == 0 else "mastodon-main"
        project.post(f"p{i:02d}.md", f"channels: [{channel}]\npublish_at: 2026-12-{1 + i % 28:02d}T{8 + i % 10:02d}:00",
                     "Synergy!\n" if i % 5 == 0 else f"Post number {i}.\n")
    proj = Project.load(project.root)
    serial = lint_module.lint(proj)
    from socialops.lint import parallel as lint_parallel

    monkeypatch.setattr(lint_parallel, "PARALLEL_FROM", 2)
    assert lint_parallel.worker_count(40) > 1 or os.cpu_count() == 1
    parallel = lint_module.lint(proj)
    assert parallel.problems == serial.problems
    assert {p.rule for p in serial.problems} >= {"channel", "banned"}


def test_validating_leaves_the_shipped_schemas_untouched() -> None:
    import copy

    from socialops import schemas

    before = {name: copy.deepcopy(schemas.schema(name)) for name in schemas.SCHEMA_FILES}
    for name in schemas.SCHEMA_FILES:
        schemas.is_valid(name, {})
        schemas.is_valid(name, {"rules": [{"id": "x", "kind": "nope"}], "channels": 3})
    assert {name: schemas.schema(name) for name in schemas.SCHEMA_FILES} == before


def test_workers_only_where_they_pay(monkeypatch) -> None:
    """bench/parallel.py: on 2 cores, workers save time from 2,000 posts when a core is idle,
    and cost time below 10,000 when every core is busy (bench/README.md, issue 17)."""
    from socialops.lint import parallel as lint_parallel

    monkeypatch.setattr(lint_parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    assert [lint_parallel.worker_count(n) for n in (1_999, 2_000, 9_999, 10_000)] == [1, 2, 2, 2]
    monkeypatch.setattr(os, "getloadavg", lambda: (4.5, 4.0, 4.0))
    assert [lint_parallel.worker_count(n) for n in (1_999, 2_000, 9_999, 10_000)] == [1, 1, 1, 2]
