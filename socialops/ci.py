"""The CI files socialops writes into a project, and what is checked about them.

Every workflow template marks where socialops is installed with a line
`{{socialops_install}}`; `socialops init` and `socialops upgrade-workflows` put there a
block between two marker comments, which `upgrade-workflows` later rewrites without touching
anything outside it (a team's own edits: secrets, crons, extra steps). The block installs
exactly the socialops that wrote it (socialops.distribution), or, when that one cannot be
reached from CI (an editable or local install), holds a placeholder that the install step,
`lint` and `doctor` report with the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError
from socialops.model import read_project_file
from socialops.problems import Level, Problem

WORKFLOWS_DIR = ".github/workflows"
PUBLISH_WORKFLOW = f"{WORKFLOWS_DIR}/publish.yml"
DOCTOR_WORKFLOW = f"{WORKFLOWS_DIR}/doctor.yml"  # the daily check of the same credentials
METRICS_WORKFLOW = f"{WORKFLOWS_DIR}/metrics.yml"  # the daily reading of counts and followers
# (workflow, the socialops command whose step must receive the channels' credentials: every
# channel's for publish and doctor, those of channels whose platform has metrics for metrics)
CREDENTIAL_WORKFLOWS = ((PUBLISH_WORKFLOW, "publish"), (DOCTOR_WORKFLOW, "doctor"),
                        (METRICS_WORKFLOW, "metrics"))
INSTALL_SLOT = "{{socialops_install}}"
BEGIN = "# >>> socialops install"
END = "# <<< socialops install"
PLACEHOLDER = "placeholder:"
SETUP_PYTHON = "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0"
PYTHON_VERSION = "3.12"
FIX = ("run `socialops upgrade-workflows --source SPEC` with the pip requirement of the socialops "
       "to use, e.g. 'socialops @ git+https://github.com/OWNER/socialops@COMMIT' "
       "(README: \"Installing socialops\")")

_BLOCK = re.compile(rf"^(?P<indent>[ \t]*){re.escape(BEGIN)}\b.*?\n(?:.*\n)*?[ \t]*{re.escape(END)}[^\n]*\n?", re.M)
_OLD_PLACEHOLDER = re.compile(r"^[ \t-]*uses:[ \t]*(?P<ref>socialops/socialops@0{40})", re.M)
_SOURCE_LINE = re.compile(r"^[ \t]*SOCIALOPS_SOURCE:[ \t]*(?P<value>.*?)[ \t]*$", re.M)


def placeholder() -> str:
    return (f"{PLACEHOLDER} socialops was installed from a folder CI cannot reach; run `socialops "
            "upgrade-workflows --source SPEC` (README: \"Installing socialops\")")


def install_block(requirement: str | None, why: str, version: str, indent: str) -> str:
    """The steps that install socialops, between the markers, indented as a step list."""
    value = requirement if requirement is not None else placeholder()
    lines = [
        f"{BEGIN} (socialops {version}; `socialops upgrade-workflows` rewrites this block, edit outside it)",
        "- name: Set up Python",
        f"  uses: {SETUP_PYTHON}",
        "  with:",
        f'    python-version: "{PYTHON_VERSION}"',
        "- name: Install socialops",
        "  env:",
        f"    SOCIALOPS_SOURCE: {_yaml_string(value)}",
        "  run: |",
        "    set -euo pipefail",
        '    case "$SOCIALOPS_SOURCE" in',
        f'      {PLACEHOLDER}*) echo "::error::socialops is not installable: $SOCIALOPS_SOURCE"; exit 1 ;;',
        "    esac",
        '    python -m pip install --quiet --disable-pip-version-check "$SOCIALOPS_SOURCE"',
        END,
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


def _yaml_string(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def render(template: str, requirement: str | None, why: str, version: str) -> str:
    """A workflow template with its install slots filled."""
    out = []
    for line in template.splitlines(keepends=True):
        if line.strip() == INSTALL_SLOT:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(install_block(requirement, why, version, indent))
        else:
            out.append(line)
    return "".join(out)


def blocks(text: str) -> list[re.Match[str]]:
    return list(_BLOCK.finditer(text))


def rewrite(text: str, requirement: str | None, why: str, version: str) -> str:
    """The workflow with each socialops block rewritten; the rest is left as it is."""
    return _BLOCK.sub(lambda m: install_block(requirement, why, version, m.group("indent")), text)


def sources_in(text: str) -> list[str]:
    """The SOCIALOPS_SOURCE values inside the file's socialops blocks."""
    import json

    found = []
    for block in blocks(text):
        for m in _SOURCE_LINE.finditer(block.group(0)):
            raw = m.group("value")
            try:
                found.append(str(json.loads(raw)) if raw.startswith('"') else raw.strip("'"))
            except ValueError:
                found.append(raw)
    return found


# ---- checks on a project's workflows (lint and doctor) ---------------------------------------

def workflow_files(root: Path) -> list[Path]:
    folder = root / WORKFLOWS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def placeholder_problems(root: Path, level: Level) -> list[Problem]:
    """A socialops block whose source is a placeholder: CI would fail to install socialops.
    Reported once, at publish.yml's (else the first) such line, naming every workflow that has one (a project made
    from a local install has one in each)."""
    found = []
    places: list[tuple[str, int, int]] = []
    for path in workflow_files(root):
        try:
            text = read_project_file(root, path.relative_to(root).as_posix())
        except (OSError, SocialopsError):
            continue
        for m in _OLD_PLACEHOLDER.finditer(text):  # written by socialops before the blocks
            line = text.count("\n", 0, m.start()) + 1
            found.append(Problem(path.relative_to(root).as_posix(), line, m.start("ref") - m.start() + 1,
                                 "workflow", level,
                                 "this workflow uses the placeholder action socialops/socialops@000..., which "
                                 "no runner can fetch: move the file aside, run `socialops upgrade-workflows "
                                 "--source SPEC` for a fresh one, and copy your changes over (README: "
                                 "\"Installing socialops\")"))
        if PLACEHOLDER not in text:
            continue
        for m in _SOURCE_LINE.finditer(text):
            if PLACEHOLDER in m.group("value"):
                line = text.count("\n", 0, m.start()) + 1
                col = m.group(0).index("SOCIALOPS_SOURCE") + 1
                places.append((path.relative_to(root).as_posix(), line, col))
    if places:  # one finding: the same fix mends every workflow at once
        rel, line, col = min(places, key=lambda place: place[0] != PUBLISH_WORKFLOW)  # publish.yml's, if any
        files = sorted({Path(rel).name for rel, _, _ in places})
        which = "this workflow" if len(files) == 1 else f"{len(files)} workflows ({', '.join(files)})"
        found.append(Problem(rel, line, col, "workflow", level,
                             f"{which} cannot install socialops: SOCIALOPS_SOURCE is a placeholder; {FIX}"))
    return found


@dataclass
class PublishEnv:
    """The environment variables a workflow passes to a socialops command (publish.yml to
    `socialops publish`, doctor.yml to `socialops doctor`)."""

    found: bool  # the workflow exists and has a job that runs the command
    names: set[str] = field(default_factory=set)
    env_line: int = 0  # the line of the command step's (or job's) `env:`, for the message
    workflow: str = PUBLISH_WORKFLOW
    command: str = "publish"


def publish_env(root: Path) -> PublishEnv:
    return workflow_env(root, PUBLISH_WORKFLOW, "publish")


def workflow_env(root: Path, workflow: str, command: str) -> PublishEnv:
    try:
        text = read_project_file(root, workflow)
    except (OSError, SocialopsError):
        return PublishEnv(False, workflow=workflow, command=command)
    from socialops import yamlio

    try:
        data = yamlio.load(text)
    except yamlio.YamlError:
        return PublishEnv(False, workflow=workflow, command=command)
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
        return PublishEnv(False, workflow=workflow, command=command)
    result = PublishEnv(False, workflow=workflow, command=command)
    runs = re.compile(rf"\bsocialops\s+{re.escape(command)}\b")
    top = _env_names(data.get("env"))
    for job_name, job in data["jobs"].items():
        steps = job.get("steps") if isinstance(job, dict) else None
        if not isinstance(steps, list):
            continue
        for index, step in enumerate(steps):
            if isinstance(step, dict) and runs.search(str(step.get("run", ""))):
                result.found = True
                result.names |= top | _env_names(job.get("env")) | _env_names(step.get("env"))
                where = ["jobs", job_name, "steps", index, "env"] if "env" in step else ["jobs", job_name, "steps", index]
                result.env_line = yamlio.Locator(text).key(where).line
    return result


def _env_names(env: Any) -> set[str]:
    return {str(k) for k in env} if isinstance(env, dict) else set()


def needs_credentials(env: PublishEnv, channel: Any) -> bool:
    """Whether the command `env`'s workflow runs uses `channel`'s credentials: `metrics
    collect` only calls platforms that have metrics (not the feed, Discord, Slack, webhooks)."""
    if env.command != "metrics":
        return True
    from socialops.adapters import has_metrics

    return has_metrics(channel.platform)


def channel_variables(channels: Mapping[str, Any]) -> Iterable[tuple[str, str, str]]:
    """(channel, option, variable) for each `*_env` a channel names."""
    for name, channel in sorted(channels.items()):
        for option, variable in sorted(channel.options.items()):
            if option.endswith("_env") and isinstance(variable, str) and variable:
                yield name, option, variable


def missing_secret_message(variable: str, line: int, workflow: str = PUBLISH_WORKFLOW,
                           command: str = "publish") -> str:
    return (f"{variable} is not passed to the {command} job: add "
            f"`{variable}: ${{{{ secrets.{variable} }}}}` to the env: of the step that runs socialops "
            f"{command} in {workflow} (line {line}), and a secret {variable} to the "
            "socialops environment (README: \"A team's first day\", step 4)")


def credential_envs(root: Path) -> list[PublishEnv]:
    """The workflows that must hand every channel's credentials to their command and do run
    it: publish.yml (to publish), doctor.yml (to check them daily) and metrics.yml (to read
    counts and followers)."""
    return [env for env in (workflow_env(root, w, c) for w, c in CREDENTIAL_WORKFLOWS) if env.found]


def secrets_problems(root: Path, channels: Mapping[str, Any], config_text: str) -> list[Problem]:
    """Each `*_env` a channel names must reach `socialops publish` in publish.yml,
    `socialops doctor` in doctor.yml, and (for a platform with metrics) `socialops metrics`
    in metrics.yml."""
    wanted = list(channel_variables(channels))
    if not wanted:
        return []
    envs = credential_envs(root)
    if not envs:
        return []
    from socialops import yamlio

    locator = yamlio.Locator(config_text)
    found = []
    for channel, option, variable in wanted:
        for env in envs:
            if variable in env.names or not needs_credentials(env, channels[channel]):
                continue
            pos = locator.value(["channels", channel, option])
            found.append(Problem("socialops.yaml", pos.line, pos.column, "workflow", Level.ERROR,
                                 missing_secret_message(variable, env.env_line, env.workflow, env.command)))
    return found
