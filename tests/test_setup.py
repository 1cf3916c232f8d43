"""Day one: the workflows `init` writes install the socialops that ran it (or say loudly that
they cannot), `upgrade-workflows` rewrites only socialops's blocks, and lint and doctor find
what would make CI fail (a placeholder, a credential publish.yml does not pass on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialops import ci
from socialops.distribution import check_requirement, from_direct_url
from tests.conftest import git

COMMIT = "0123456789abcdef0123456789abcdef01234567"
SOURCE = f"socialops @ git+https://github.com/acme/socialops@{COMMIT}"


# ---- how socialops was installed (PEP 610 direct_url.json) ----------------------------------

def test_a_vcs_install_is_pinned_to_the_commit_pip_resolved() -> None:
    record = {"url": "https://github.com/acme/socialops", "vcs_info": {
        "vcs": "git", "requested_revision": "v0.1.0", "commit_id": COMMIT}}
    source = from_direct_url(json.dumps(record), "0.1.0")
    assert source.requirement == SOURCE
    assert "v0.1.0" in source.why and source.exact


def test_an_archive_install_is_pinned_by_its_hash() -> None:
    url = "https://example.com/socialops-0.1.0.tar.gz"
    new = {"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}, "hash": "sha256=" + "ab" * 32}}
    assert from_direct_url(json.dumps(new), "0.1.0").requirement == f"socialops @ {url}#sha256={'ab' * 32}"
    legacy = {"url": url, "archive_info": {"hash": "md5=ffff"}}
    assert from_direct_url(json.dumps(legacy), "0.1.0").requirement == f"socialops @ {url}#md5=ffff"
    unhashed = from_direct_url(json.dumps({"url": url, "archive_info": {}}), "0.1.0")
    assert unhashed.requirement == f"socialops @ {url}" and not unhashed.exact


def test_an_index_install_is_pinned_to_its_version() -> None:
    assert from_direct_url(None, "0.3.1").requirement == "socialops==0.3.1"


@pytest.mark.parametrize("record", [
    {"url": "file:///home/dana/socialops", "dir_info": {"editable": True}},
    {"url": "file:///home/dana/socialops", "dir_info": {}},
    {"url": "file:///tmp/socialops-0.1.0-py3-none-any.whl", "archive_info": {"hashes": {"sha256": "00"}}},
    {"url": "file:///home/dana/socialops", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
])
def test_what_ci_cannot_reach_has_no_requirement(record: dict[str, object]) -> None:
    source = from_direct_url(json.dumps(record), "0.1.0")
    assert source.requirement is None and source.why


def test_a_broken_install_record_is_reported_not_raised() -> None:
    assert from_direct_url("{not json", "0.1.0").requirement is None


def test_source_given_by_hand() -> None:
    assert check_requirement(SOURCE) == SOURCE
    assert check_requirement("0.2.0") == "socialops==0.2.0"
    assert check_requirement("https://example.com/s.tar.gz#sha256=00") == "socialops @ https://example.com/s.tar.gz#sha256=00"
    for bad, said in [("", "empty"), ("requests==2.0", "not 'requests'"), ("socialops @ file:///x", "this machine"),
                      ('socialops"==1', "quotes")]:
        with pytest.raises(ValueError, match=said):
            check_requirement(bad)


# ---- init and upgrade-workflows ---------------------------------------------------------------

def workflow_sources(root: Path) -> dict[str, list[str]]:
    return {p.name: ci.sources_in(p.read_text("utf-8")) for p in ci.workflow_files(root)}


def test_init_writes_the_source_into_every_job(tmp_path: Path, cli) -> None:
    result = cli("init", "demo", "--source", SOURCE, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert f"The workflows install {SOURCE}" in result.stdout
    demo = tmp_path / "demo"
    sources = workflow_sources(demo)
    assert {"lint.yml", "publish.yml", "remind.yml"} <= set(sources)
    assert sources["lint.yml"] == [SOURCE, SOURCE]  # two jobs
    assert all(found == [SOURCE] for name, found in sources.items() if name != "lint.yml"), sources
    lint = cli("lint", "--format", "json", cwd=demo, env={"CI": "true"})
    assert lint.exit_code == 0, lint.output
    assert [p for p in json.loads(lint.stdout)["problems"] if p["rule"] == "workflow"] == []


def test_init_from_a_folder_says_so_and_lint_reports_the_placeholder(tmp_path: Path, cli) -> None:
    # the tests run socialops from this checkout: a folder no CI runner can reach
    result = cli("init", "demo", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "which no CI runner can install" in result.stderr
    assert "socialops upgrade-workflows --source SPEC" in result.stderr
    demo = tmp_path / "demo"
    assert all(s.startswith(ci.PLACEHOLDER) for found in workflow_sources(demo).values() for s in found)
    local = cli("lint", "--format", "json", cwd=demo)
    assert local.exit_code == 0, local.output  # a warning on a writer's machine
    # one warning for the whole project, at the first placeholder, naming every workflow
    [first] = [p for p in json.loads(local.stdout)["problems"] if p["rule"] == "workflow"]
    assert first["level"] == "warning"
    names = [p.name for p in ci.workflow_files(demo)]
    assert first["path"] == ".github/workflows/publish.yml"  # the one that matters most
    assert f"{len(names)} workflows ({', '.join(names)})" in first["message"]
    line = (demo / first["path"]).read_text().splitlines()[first["line"] - 1]
    assert "SOCIALOPS_SOURCE" in line and "upgrade-workflows --source" in first["message"]
    assert len(line) < 200  # the placeholder itself stays short enough to read in the excerpt
    text = cli("lint", cwd=demo)
    assert text.stdout.count("SOCIALOPS_SOURCE is a placeholder") == 1, text.stdout
    in_ci = cli("lint", "--format", "github", cwd=demo, env={"CI": "true"})
    assert in_ci.exit_code == 1
    assert "::error file=.github/workflows/publish.yml,line=" in in_ci.stdout
    doctor = cli("doctor", cwd=demo)
    assert doctor.exit_code == 1
    assert "lint.yml" in doctor.stdout and "upgrade-workflows --source" in doctor.stdout
    fixed = cli("upgrade-workflows", "--source", SOURCE, cwd=demo)
    assert fixed.exit_code == 0, fixed.output
    assert cli("lint", cwd=demo, env={"CI": "true"}).exit_code == 0
    assert cli("doctor", cwd=demo).exit_code == 0


def test_upgrade_rewrites_only_the_blocks(tmp_path: Path, cli) -> None:
    assert cli("init", "demo", "--source", SOURCE, cwd=tmp_path).exit_code == 0
    demo = tmp_path / "demo"
    publish = demo / ".github/workflows/publish.yml"
    own = publish.read_text().replace('cron: "*/15 * * * *"', 'cron: "*/30 * * * *"').replace(
        "          # MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}\n",
        "          MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}\n")
    assert own != publish.read_text()
    publish.write_text(own)
    (demo / ".github/workflows/remind.yml").unlink()
    (demo / ".github/workflows/doctor.yml").unlink()  # a project made before the daily doctor
    (demo / ".socialops/schemas/post.schema.json").write_text("{}")
    mine = demo / ".github/workflows/mine.yml"
    mine.write_text("on: push\njobs: {}\n")
    result = cli("upgrade-workflows", "--source", "0.2.0", cwd=demo)
    assert result.exit_code == 0, result.output
    assert "added .github/workflows/remind.yml" in result.stdout
    assert "added .github/workflows/doctor.yml" in result.stdout
    assert "refreshed .socialops/schemas/post.schema.json" in result.stdout
    assert mine.read_text() == "on: push\njobs: {}\n"
    after = publish.read_text()
    assert after == own.replace(f'"{SOURCE}"', '"socialops==0.2.0"')
    assert workflow_sources(demo)["remind.yml"] == ["socialops==0.2.0"]
    assert workflow_sources(demo)["doctor.yml"] == ["socialops==0.2.0"]
    assert json.loads((demo / ".socialops/schemas/post.schema.json").read_text())["$schema"]
    # run again from this checkout (a folder) without --source: the workflows' source is kept
    again = cli("upgrade-workflows", cwd=demo)
    assert again.exit_code == 0, again.output
    assert "socialops==0.2.0" in again.stdout and "kept" in again.stdout
    assert publish.read_text() == after


def test_upgrade_reports_a_workflow_without_a_block(tmp_path: Path, cli) -> None:
    assert cli("init", "demo", "--source", SOURCE, cwd=tmp_path).exit_code == 0
    demo = tmp_path / "demo"
    old = "on: pull_request\njobs: {}\n"  # as written before socialops marked its blocks
    (demo / ".github/workflows/lint.yml").write_text(old)
    result = cli("upgrade-workflows", cwd=demo)
    assert "skipped .github/workflows/lint.yml: it has no socialops block" in result.stdout
    assert (demo / ".github/workflows/lint.yml").read_text() == old


def test_upgrade_outside_a_project_fails_cleanly(tmp_path: Path, cli) -> None:
    result = cli("upgrade-workflows", cwd=tmp_path)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_init_refuses_a_source_that_ci_cannot_reach(tmp_path: Path, cli) -> None:
    result = cli("init", "demo", "--source", "socialops @ file:///home/dana/socialops", cwd=tmp_path)
    assert result.exit_code == 2 and "this machine" in result.stderr
    assert not (tmp_path / "demo").exists()


# ---- credentials the channels name reach the publish job ----------------------------------------

def add_mastodon(demo: Path) -> None:
    config = demo / "socialops.yaml"
    config.write_text(config.read_text().replace(
        "defaults:", "  mastodon-main: {platform: mastodon, instance: https://mastodon.social, "
        "token_env: MASTODON_TOKEN}\n\ndefaults:"))


def test_lint_names_a_credential_the_publish_job_does_not_get(tmp_path: Path, cli) -> None:
    """Every credential a channel names reaches each job that uses it: publish.yml's publish,
    doctor.yml's daily check (which would otherwise go red every day) and, for a platform
    with metrics, metrics.yml's collect (a Discord webhook is not needed there)."""
    assert cli("init", "demo", "--source", SOURCE, cwd=tmp_path).exit_code == 0
    demo = tmp_path / "demo"
    add_mastodon(demo)
    for name in ("publish", "doctor"):  # a Discord channel, its webhook passed where it is used
        workflow = demo / f".github/workflows/{name}.yml"
        workflow.write_text(workflow.read_text().replace(
            "          # MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}\n",
            "          # MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}\n"
            "          DISCORD_WEBHOOK_URL: ${{ secrets.DISCORD_WEBHOOK_URL }}\n"))
    config = demo / "socialops.yaml"
    config.write_text(config.read_text().replace(
        "defaults:", "  discord-news: {platform: discord, webhook_env: DISCORD_WEBHOOK_URL}\n\ndefaults:"))
    lint = cli("lint", "--format", "json", cwd=demo)
    assert lint.exit_code == 1
    found = {p["message"].split(" (line")[0].rsplit(" in ", 1)[1]: p
             for p in json.loads(lint.stdout)["problems"] if p["rule"] == "workflow"}
    assert sorted(found) == [".github/workflows/doctor.yml", ".github/workflows/metrics.yml",
                             ".github/workflows/publish.yml"]
    for workflow, problem in found.items():
        assert problem["path"] == "socialops.yaml"
        line = (demo / "socialops.yaml").read_text().splitlines()[problem["line"] - 1]
        assert "token_env: MASTODON_TOKEN" in line
        assert "MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}" in problem["message"]
        command = next(c for c in ("doctor", "metrics", "publish") if c in workflow)
        assert f"the step that runs socialops {command} in {workflow} (line" in problem["message"]
    doctor = cli("doctor", "--format", "json", cwd=demo, env={"MASTODON_TOKEN": ""})
    [channel] = [c for c in json.loads(doctor.stdout)["channels"] if c["channel"] == "mastodon-main"]
    assert channel["not_passed"] == ["MASTODON_TOKEN"]
    assert [fix.split(" (line")[0].rsplit(" in ", 1)[1] for fix in channel["fixes"]] == [
        ".github/workflows/publish.yml", ".github/workflows/doctor.yml", ".github/workflows/metrics.yml"]
    # doctor's hint says what the README's step 4 says: an environment secret and an env: line
    assert "secret of the socialops environment" in channel["message"]
    assert "env: line" in channel["message"] and "publish.yml" in channel["message"]
    assert "doctor.yml" in channel["message"]
    assert cli("doctor", "--channel", "feed", cwd=demo).exit_code == 0  # another channel's gap is not its own
    for name in ("publish", "doctor", "metrics"):
        workflow = demo / f".github/workflows/{name}.yml"
        text = workflow.read_text()
        if name == "metrics":
            text = text.replace("        run: socialops metrics collect\n",
                                "        run: socialops metrics collect\n        env:\n"
                                "          MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}\n")
        workflow.write_text(text.replace("          # MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}\n",
                                         "          MASTODON_TOKEN: ${{ secrets.MASTODON_TOKEN }}\n"))
        assert (cli("lint", cwd=demo).exit_code == 0) is (name == "metrics"), cli("lint", cwd=demo).output
    git(demo, "add", "-A")
    assert "mastodon-main" in cli("doctor", "--format", "json", cwd=demo).stdout


def test_readme_step_four_and_doctor_agree() -> None:
    from tests.conftest import REPO_ROOT

    text = (REPO_ROOT / "README.md").read_text("utf-8")
    step = " ".join(text[text.index("**4. Secrets per channel.**"):text.index("**5. Roles")].split())
    assert "*Settings → Environments*" in step and "`env:` block of `publish.yml`" in step
    assert "socialops lint" in step  # the check that catches a missing line


def test_lint_of_a_project_file_lints_every_post(tmp_path: Path, cli) -> None:
    """What the pre-commit hook passes when the style guide changes: every post is linted,
    as the new rule may refuse any of them; a post passed alone is linted alone."""
    assert cli("init", "demo", "--source", SOURCE, cwd=tmp_path).exit_code == 0
    demo = tmp_path / "demo"
    one = cli("lint", "--format", "json", "posts/welcome.md", cwd=demo)
    assert json.loads(one.stdout)["summary"]["files"] == 1
    every = cli("lint", "--format", "json", "styleguide.yaml", cwd=demo)
    assert every.exit_code == 0, every.output
    assert json.loads(every.stdout)["summary"]["files"] == 2


def test_every_readme_reference_in_a_hint_names_a_section_that_exists() -> None:
    """doctor's, lint's and publish's hints send people to the README: to sections and steps
    that are there."""
    import re

    from socialops.adapters import ChannelSetupError, secrets_for
    from socialops.model import Channel
    from tests.conftest import REPO_ROOT

    try:
        secrets_for(Channel("m", "mastodon", {"token_env": "MASTODON_TOKEN"}), {})
    except ChannelSetupError as exc:
        missing = str(exc)
    hints = [ci.FIX, ci.placeholder(), ci.missing_secret_message("MASTODON_TOKEN", 40), missing]
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    found = 0
    for hint in hints:
        for title, step in re.findall(r'README: "([^"]+)"(?:, step (\d+))?', hint):
            found += 1
            heading = re.search(rf"^#+ {re.escape(title)}$", readme, re.M)
            assert heading, (title, hint)
            if step:
                section = readme[heading.end():]
                section = section[:section.find("\n## ")] if "\n## " in section else section
                assert f"**{step}. " in section, (title, step)
    assert found == len(hints)


def test_lint_finds_the_placeholder_action_of_earlier_versions(tmp_path: Path, cli) -> None:
    """Projects made before the install blocks pin `socialops/socialops@000...`, which no
    runner can fetch; lint says so, at its line, with the way out."""
    assert cli("init", "demo", "--source", SOURCE, cwd=tmp_path).exit_code == 0
    demo = tmp_path / "demo"
    old = demo / ".github/workflows/lint.yml"
    old.write_text("on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: socialops/socialops@0000000000000000000000000000000000000000 # v0.1.0\n"
                   "        with:\n          command: lint\n")
    result = cli("lint", "--format", "json", cwd=demo, env={"CI": "true"})
    assert result.exit_code == 1
    [found] = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "workflow"]
    assert (found["path"], found["line"], found["column"], found["level"]) == (".github/workflows/lint.yml", 6, 15, "error")
    assert "upgrade-workflows --source SPEC" in found["message"]
