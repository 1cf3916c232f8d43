"""The README's "A team's first day", followed step by step: its shell blocks are read from
the README and run as they are, in a fresh project, against a bare remote whose pre-receive
hook protects `main` as GitHub's branch protection does (step 2): only the publish job's
identity pushes to it directly; everything else arrives through a merged pull request, which
this test plays the part of GitHub in (it merges as "github-merge", and the local fake GitHub
API then knows the pull request and its approving review, as step 3's verification asks it).

What the test changes in the commands: the GitHub URL becomes the bare remote, and the
socialops commands that take `--now` get one, so that the day is 2026-11-20 and the publish
job's run comes after the post's time. Nothing else."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, REPO_ROOT, git
from tests.github_fake.server import FakeGitHub, Server
from tests.review.conftest import github_env

README = REPO_ROOT / "README.md"
GITHUB_URL = "https://github.com/acme/acme-social.git"
DAY_ONE = "2026-11-20T10:00+01:00"
AFTER_THE_POST = "2026-12-01T09:05+01:00"
INSTALLABLE = "socialops @ git+https://github.com/acme/socialops@0123456789abcdef0123456789abcdef01234567"
TAKES_NOW = {"init", "new", "lint", "status", "publish", "plan", "schedule", "review", "remind", "doctor"}

PRE_RECEIVE = """#!/bin/sh
# main is protected as GitHub's branch protection protects it (README, step 2): a pull request
# is required, and only the publish job's identity bypasses that to push its ledger.
while read old new ref; do
  if [ "$ref" = "refs/heads/main" ]; then
    case "${SOCIALOPS_TEST_PUSHER:-}" in
      publish-bot|github-merge) ;;
      *) echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
         echo "error: Changes must be made through a pull request." >&2
         exit 1 ;;
    esac
  fi
done
exit 0
"""


def first_day_section() -> str:
    text = README.read_text("utf-8")
    start = text.index("## A team's first day")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def shell_blocks() -> list[list[str]]:
    return [[line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"```sh\n(.*?)```", first_day_section(), re.S)]


def yaml_block_after(marker: str) -> str:
    section = first_day_section()
    return re.search(r"```yaml\n(.*?)```", section[section.index(marker):], re.S).group(1)  # type: ignore[union-attr]


@dataclass
class Team:
    top: Path  # where the project folder is made
    remote: Path
    bin: Path  # a `socialops` on PATH, running this checkout
    github: FakeGitHub  # GitHub's REST API as publish asks it about pull requests and reviews
    now: str = DAY_ONE

    @property
    def project(self) -> Path:
        return self.top / "acme-social"

    def env(self, pusher: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
        env.update(GIT_ENV, COLUMNS="120", SOCIALOPS_TEST_PUSHER=pusher,
                   PATH=f"{self.bin}{os.pathsep}{os.environ['PATH']}",
                   PYTHONPATH=str(REPO_ROOT), **github_env(self.github))
        return env

    def command(self, line: str) -> str:
        line = line.replace(GITHUB_URL, str(self.remote))
        words = line.split()
        if words[0] == "socialops" and words[1] in TAKES_NOW:
            line += f" --now {self.now}"
        return line

    def run_block(self, index: int, cwd: Path, pusher: str = "writer") -> list[subprocess.CompletedProcess[str]]:
        """Each command of the README's block, one after the other in one shell (a `cd`
        carries over), each expected to succeed."""
        return self.run_block_lines(shell_blocks()[index], cwd, pusher)

    def run_block_lines(self, lines: list[str], cwd: Path, pusher: str = "writer") -> list[subprocess.CompletedProcess[str]]:
        done = []
        here = cwd
        where = self.top.parent / "pwd"  # outside the project: the shell's folder after the command
        for line in lines:
            script = f"cd {here} && {self.command(line)} && pwd > {where}"
            proc = subprocess.run(["bash", "-c", script], cwd=here, env=self.env(pusher),
                                  capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, (line, proc.stdout[-2000:], proc.stderr[-2000:])
            here = Path(where.read_text().strip())
            done.append(proc)
        return done

    def merge(self, branch: str, title: str, approved_by: str = "bob") -> None:
        """A pull request of the branch, approved on its final commit by a reviewer, and
        GitHub's merge button: the merge commit pushed to main, the pull request and its
        review known to the GitHub API."""
        clone = self.top / f"github-merge-{branch}"
        git(self.top, "clone", "-q", str(self.remote), str(clone))
        head = git(clone, "rev-parse", f"origin/{branch}").strip()
        commits = git(clone, "rev-list", f"origin/main..origin/{branch}").split()
        changed = git(clone, "diff", "--name-only", f"origin/main...origin/{branch}").split()
        git(clone, "merge", "--no-ff", "-q", f"origin/{branch}", "-m", f"Merge pull request: {title}")
        subprocess.run(["git", "push", "-q", "origin", "main"], cwd=clone, env=self.env("github-merge"),
                       check=True, capture_output=True)
        number = len(self.github.pulls) + 1
        self.github.add_pull(number, head, commits=commits, title=title, author="writer",
                             merge_commit=git(clone, "rev-parse", "HEAD").strip(),
                             files={path: git(clone, "show", f"{head}:{path}") for path in changed})
        self.github.review(number, approved_by, "APPROVED", head)

    def publish_job(self, now: str) -> subprocess.CompletedProcess[str]:
        """publish.yml's job: a fresh clone of main, `socialops publish`, as the publish identity."""
        runner = self.top / f"runner-{now.replace(':', '')}"
        git(self.top, "clone", "-q", str(self.remote), str(runner))
        return subprocess.run(["socialops", "publish", "--now", now], cwd=runner, env=self.env("publish-bot"),
                              capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def github() -> Iterator[FakeGitHub]:
    with Server() as running:
        running.repo = "acme/acme-social"
        running.teams["acme/social"] = {"bob": "active"}
        yield running


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, github: FakeGitHub) -> Team:
    top = tmp_path_factory.mktemp("first-day")
    remote = top / "acme-social.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    bin_dir = top / "bin"
    bin_dir.mkdir()
    (bin_dir / "socialops").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m socialops "$@"\n')
    (bin_dir / "socialops").chmod(0o755)
    work = top / "work"
    work.mkdir()
    return Team(work, remote, bin_dir, github)


def test_the_readme_shows_the_blocks_this_test_runs() -> None:
    blocks = shell_blocks()
    assert len(blocks) == 6, "the README's first day changed: follow it here too (tests/test_first_day.py)"
    assert blocks[0][0].startswith("socialops init acme-social")
    assert blocks[5][0].startswith("gh workflow run pause.yml -f action=pause")


@pytest.fixture(scope="module")
def after_step_seven(team: Team) -> Team:
    walk_steps_one_to_seven(team)
    return team


def test_steps_one_to_seven(after_step_seven: Team) -> None:
    """The walk asserts as it goes; at its end main holds the reviewed post and what the
    publish job recorded of it, and nothing that skipped review."""
    remote = after_step_seven.remote
    subjects = git(remote, "log", "--format=%s", "main").splitlines()
    assert "Merge pull request: Winter launch" in subjects and "straight to main" not in subjects
    assert "Nobody reviewed this" not in git(remote, "show", "main:feed.xml")
    asked = [call.path for call in after_step_seven.github.calls("GET")]
    assert any("/pulls" in path for path in asked), asked  # step 3: approvals verified with GitHub
    assert "new calendar view" in git(remote, "show", "main:feed.xml")
    assert "winter-launch" in git(remote, "ls-tree", "-r", "--name-only", "main", ".socialops/ledger")


def walk_steps_one_to_seven(team: Team) -> None:
    # 1. the repository, pushed while it is empty and unprotected
    team.run_block(0, team.top)
    assert git(team.remote, "log", "--format=%s", "main").strip() == "Start a socialops project"
    # the publish job's first run: the welcome post of `init`
    first = team.publish_job(DAY_ONE.replace("10:00", "10:05"))
    assert first.returncode == 0, first.stdout + first.stderr
    # 2. branch protection: from now on a direct push to main is refused
    (team.remote / "hooks" / "pre-receive").write_text(PRE_RECEIVE)
    (team.remote / "hooks" / "pre-receive").chmod(0o755)
    project = team.project
    git(project, "pull", "-q")
    (project / "posts" / "sneaky.md").write_text("---\nchannels: [feed]\nstatus: ready\n---\nUnreviewed.\n")
    git(project, "add", "posts/sneaky.md")
    git(project, "commit", "-q", "-m", "straight to main")
    refused = subprocess.run(["git", "push", "origin", "main"], cwd=project, env=team.env("dana"),
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "Changes must be made through a pull request" in refused.stderr
    git(project, "reset", "-q", "--hard", "origin/main")
    # 5. roles and CODEOWNERS, through a pull request
    config = project / "socialops.yaml"
    config.write_text(config.read_text() + "\n" + yaml_block_after("**5. Roles"))
    team.run_block(1, project)
    assert "@acme/social" in (project / ".github/CODEOWNERS").read_text()
    team.merge("roles", "Roles and CODEOWNERS")
    # 3. verified approvals, through a pull request as every change now is
    git(project, "switch", "-q", "main")
    git(project, "pull", "-q")
    git(project, "switch", "-q", "-c", "approval")
    config.write_text(config.read_text() + "\n" + yaml_block_after("**3. Verified approvals"))
    git(project, "commit", "-q", "-am", "Verified approvals")
    subprocess.run(["git", "push", "-q", "-u", "origin", "approval"], cwd=project, env=team.env("dana"),
                   check=True, capture_output=True)
    team.merge("approval", "Verified approvals", approved_by="dana")
    # 7. the first post
    [*_, new] = team.run_block(2, project)
    rel = new.stdout.strip()
    assert rel == "posts/2026/12/winter-launch.md"
    post = project / rel
    post.write_text(post.read_text().replace("status: draft", "status: ready").replace(
        "Write the post here.", "Winter is here, and so is the new calendar view: https://acme.example/launch"))
    lint, preview, *_ = team.run_block(3, project)
    assert "0 errors" in lint.stdout, lint.stdout
    assert "new calendar view" in preview.stdout
    team.merge("winter-launch", "Winter launch")
    # step 3's promise: what the bypass identity pushes straight to main is held, not published
    bypass = team.top / "bypass"
    git(team.top, "clone", "-q", str(team.remote), str(bypass))
    (bypass / "posts" / "sneaky.md").write_text("---\nchannels: [feed]\npublish_at: 2026-12-01T09:01\n"
                                                "status: ready\n---\nNobody reviewed this.\n")
    git(bypass, "add", "posts/sneaky.md")
    git(bypass, "commit", "-q", "-m", "a post nobody reviewed")
    subprocess.run(["git", "push", "-q", "origin", "main"], cwd=bypass, env=team.env("publish-bot"),
                   check=True, capture_output=True)
    ran = team.publish_job(AFTER_THE_POST)
    assert "winter-launch" in ran.stdout, ran.stdout + ran.stderr
    assert ran.returncode == 0, ran.stdout + ran.stderr  # held for want of review: not a failure
    assert "reached the default branch without a pull request" in ran.stdout
    team.now = AFTER_THE_POST
    *_, status = team.run_block(4, project)
    published = status.stdout[status.stdout.index("Published ("):].split("\n\n")[0]
    assert "2026/12/winter-launch  feed" in published, status.stdout
    assert "new calendar view" in (project / "feed.xml").read_text()
    assert "Nobody reviewed this" not in (project / "feed.xml").read_text()
    held = status.stdout[status.stdout.index("Held"):].split("\n\n")[0]
    assert "sneaky" in held, status.stdout


def _workflow_run(line: str) -> dict[str, str]:
    """The inputs of a README line `gh workflow run pause.yml -f key=value ...`."""
    words = shlex.split(line)
    assert words[:4] == ["gh", "workflow", "run", "pause.yml"], line
    return dict(words[i + 1].split("=", 1) for i in range(4, len(words), 2) if words[i] == "-f")


def _pause_workflow_step() -> str:
    """The command the pause workflow's Switch step runs (its `run:` line)."""
    template = REPO_ROOT / "socialops/templates/init/.github/workflows/pause.yml"
    found = re.search(r"- name: Switch\n\s+run: (.+)\n", template.read_text())
    assert found is not None
    return found.group(1)


def test_step_eight_a_crisis(after_step_seven: Team) -> None:
    """The manager's own push is refused by step 2's protection and says so; the pause
    workflow (run as the README shows, with the publish job's rights) pauses and resumes."""
    team = after_step_seven
    project = team.project
    git(project, "pull", "-q")
    refused = subprocess.run(["bash", "-c", team.command('socialops pause --reason "Incident" --push')],
                             cwd=project, env=team.env("dana"), capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "NOT paused" in refused.stdout + refused.stderr
    pause_line, resume_line = shell_blocks()[5]
    step = _pause_workflow_step()
    for line in (pause_line, resume_line):
        inputs = _workflow_run(line)
        runner = team.top / f"pause-runner-{inputs['action']}"
        git(team.top, "clone", "-q", str(team.remote), str(runner))
        env = {**team.env("publish-bot"), "ACTION": inputs["action"], "SOCIALOPS_ACTOR": "dana",
               "SOCIALOPS_PAUSE_REASON": inputs.get("reason", "Paused from GitHub")}
        done = subprocess.run(["bash", "-c", step], cwd=runner, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        if inputs["action"] == "pause":
            held = team.publish_job(AFTER_THE_POST.replace("09:05", "09:20"))
            assert "paused" in (held.stdout + held.stderr).lower() and "Incident" in held.stdout + held.stderr


def test_step_one_lists_every_workflow_init_writes() -> None:
    section = first_day_section()
    table = section[section.index("`init` writes these workflows"):section.index("**2. Branch")]
    listed = set(re.findall(r"^\| `([\w-]+\.yml)` \|", table, re.M))
    shipped = {p.name for p in (REPO_ROOT / "socialops/templates/init/.github/workflows").glob("*.yml")}
    assert listed == shipped, "README step 1's table and the workflow templates differ"


def _step(workflow: Path, name: str) -> dict[str, object]:
    import yaml

    data = yaml.safe_load(workflow.read_text("utf-8"))
    [step] = [s for job in data["jobs"].values() for s in job["steps"] if s.get("name") == name]
    return dict(step)


def _actions_env(env: dict[str, str], secrets: dict[str, str], github_token: str) -> dict[str, str]:
    """A step's env: as the runner fills it: `${{ secrets.X }}` is the secret or '' when the
    environment has none, `a || b` the first that is not empty."""
    filled = {}
    for key, value in env.items():
        expression = re.fullmatch(r"\$\{\{ (.+) \}\}", value)
        if expression is None:
            filled[key] = value
            continue
        chosen = ""
        for term in expression.group(1).split(" || "):
            chosen = github_token if term == "github.token" else secrets.get(term.removeprefix("secrets."), "")
            if chosen:
                break
        filled[key] = chosen
    return filled


def test_the_daily_doctor_run(after_step_seven: Team) -> None:
    """Step 1's doctor.yml, its Check credentials step run as the runner would in a fresh
    checkout, with step 3's verified approvals on: green while GitHub accepts the token (a
    warning while SOCIALOPS_APPROVAL_KEY is not set), red with the reason when GitHub
    refuses it, and never showing a secret."""
    team = after_step_seven
    runner = team.top / "doctor-runner"
    git(team.top, "clone", "-q", str(team.remote), str(runner))
    # the workflows installing a socialops CI can reach, as "Installing socialops" says
    team.run_block_lines([f"socialops upgrade-workflows --source '{INSTALLABLE}'"], runner, "doctor")
    step = _step(runner / ".github/workflows/doctor.yml", "Check credentials")
    token = team.github.token
    key = "a-long-random-approval-key-0123456789"

    def run(secrets: dict[str, str], github_token: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in team.env("doctor").items() if k != "GITHUB_TOKEN"}
        env.update(_actions_env(step["env"], secrets, github_token))  # type: ignore[arg-type]
        return subprocess.run(["bash", "-c", team.command(str(step["run"]))], cwd=runner, env=env,
                              capture_output=True, text=True, timeout=300)

    without_key = run({}, token)
    assert without_key.returncode == 0, without_key.stdout + without_key.stderr
    assert "SOCIALOPS_APPROVAL_KEY is not set" in without_key.stdout
    assert "GitHub accepts the token" in without_key.stdout
    with_key = run({"SOCIALOPS_APPROVAL_KEY": key}, token)
    assert with_key.returncode == 0, with_key.stdout + with_key.stderr
    assert "SOCIALOPS_APPROVAL_KEY" not in with_key.stdout
    revoked = run({"SOCIALOPS_APPROVAL_KEY": key, "SOCIALOPS_GITHUB_TOKEN": "ghp_revoked_0123456789abcdef"},
                  token)
    assert revoked.returncode == 1, revoked.stdout + revoked.stderr
    assert "GitHub refused the token (401" in revoked.stdout and "could not verify approvals" in revoked.stdout
    for out in (without_key, with_key, revoked):
        for secret in (token, key, "ghp_revoked_0123456789abcdef"):
            assert secret not in out.stdout + out.stderr
