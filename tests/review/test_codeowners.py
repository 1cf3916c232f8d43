"""`socialops codeowners` and the lint warning when CODEOWNERS drifts from roles:."""

from __future__ import annotations

import json

from tests.conftest import ProjectDir

ROLES = """\
roles:
  manager: ["@dana"]
  writers: [acme/writers]
  reviewers:
    "*": [acme/social]
    linkedin-company: [acme/brand, alice]
    mastodon-main: [bob]
  analysts: [erin]
"""

EXPECTED = """\
# socialops:begin (written by 'socialops codeowners' from roles: in socialops.yaml)
/posts/ @acme/social
/media/ @acme/social
/posts/linkedin-company/ @acme/brand @alice
/styleguide.yaml @dana
/calendar.yaml @dana
/socialops.yaml @dana
/.github/ @dana
# socialops:end
"""


def with_roles(project: ProjectDir) -> ProjectDir:
    project.write("socialops.yaml", (project.root / "socialops.yaml").read_text() + ROLES)
    project.write("posts/linkedin-company/launch.md", "---\nchannels: [linkedin-company]\n---\nHello.\n")
    return project


def lint_codeowners(cli, project: ProjectDir) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    result = cli("lint", "--format", "json", cwd=project.root)
    return [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "codeowners"]


def test_prints_the_lines_that_follow_from_roles(project: ProjectDir, cli) -> None:
    with_roles(project)
    result = cli("codeowners", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED  # no posts/mastodon-main/ folder: bob owns no folder


def test_write_keeps_other_lines_and_check_then_passes(project: ProjectDir, cli) -> None:
    with_roles(project)
    project.write(".github/CODEOWNERS", "# our own rules\n/docs/ @acme/docs\n")
    assert cli("codeowners", "--check", cwd=project.root).exit_code == 1
    result = cli("codeowners", "--write", cwd=project.root)
    assert result.exit_code == 0 and result.stdout == "wrote .github/CODEOWNERS\n"
    assert (project.root / ".github/CODEOWNERS").read_text() == \
        "# our own rules\n/docs/ @acme/docs\n\n" + EXPECTED
    check = cli("codeowners", "--check", cwd=project.root)
    assert check.exit_code == 0 and "matches" in check.stdout
    # writing again replaces the block instead of adding a second one
    assert cli("codeowners", "--write", cwd=project.root).exit_code == 0
    assert (project.root / ".github/CODEOWNERS").read_text().count("socialops:begin") == 1


def test_lint_warns_when_codeowners_drifted(project: ProjectDir, cli) -> None:
    with_roles(project)
    assert lint_codeowners(cli, project) == [{
        "path": "socialops.yaml", "line": 8, "column": 1, "rule": "codeowners", "level": "warning",
        "message": "roles: are set but there is no CODEOWNERS file, so GitHub does not ask the "
                   "reviewers; run 'socialops codeowners --write'", "fixable": False}]
    assert cli("codeowners", "--write", cwd=project.root).exit_code == 0
    assert lint_codeowners(cli, project) == []
    project.write("posts/mastodon-main/hello.md", "---\nchannels: [mastodon-main]\n---\nHello.\n")
    drifted = lint_codeowners(cli, project)
    assert [(p["path"], p["line"], p["message"]) for p in drifted] == [
        (".github/CODEOWNERS", 1, ".github/CODEOWNERS does not match roles: in socialops.yaml; run "
                                  "'socialops codeowners --write'")]


def test_a_codeowners_file_without_the_block_is_reported(project: ProjectDir, cli) -> None:
    with_roles(project)
    project.write("CODEOWNERS", "* @someone\n")
    assert [p["message"] for p in lint_codeowners(cli, project)] == [
        "CODEOWNERS has no socialops block for roles:; run 'socialops codeowners --write'"]
    assert cli("codeowners", "--write", cwd=project.root).stdout == "wrote CODEOWNERS\n"
    assert not (project.root / ".github/CODEOWNERS").exists()


def test_without_roles_nothing_is_checked_and_the_command_explains(project: ProjectDir, cli) -> None:
    assert lint_codeowners(cli, project) == []
    result = cli("codeowners", cwd=project.root)
    assert result.exit_code == 2 and "socialops.yaml has no roles:" in result.stderr


def test_lint_reports_a_name_that_is_no_github_user_or_team(project: ProjectDir, cli) -> None:
    project.write("socialops.yaml", (project.root / "socialops.yaml").read_text()
                  + "roles:\n  manager: [dana]\n  reviewers: {mastodon-main: [acme brand]}\n"
                  + "approval: {verify: github, approvers: [acme/brand/extra]}\n")
    result = cli("lint", "--format", "json", cwd=project.root)
    found = [(p["line"], p["rule"]) for p in json.loads(result.stdout)["problems"] if p["path"] == "socialops.yaml"]
    assert (10, "schema") in found and (11, "schema") in found  # roles at line 8
