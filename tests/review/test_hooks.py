"""The pre-commit hooks, run by the real `pre-commit` from a copy of this repository's
working tree, in a project made by `socialops init`: socialops-lint lints the posts being
committed (and every post when a project file changes), socialops-codeowners keeps
CODEOWNERS in step with roles.

pre-commit runs as `pre-commit try-repo` does (a config naming the hook repository at a
commit, outside the project, and `pre-commit run --config` on it) but with one store for
the module: try-repo makes a new store each time, so each run built the hooks' virtual
environment again (pip installing socialops and its dependencies: a minute or more each)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, REPO_ROOT, git

SOURCE = "socialops @ git+https://github.com/acme/socialops@0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's working tree (committed or not) as a one-commit repository, so the
    hooks tested are the ones in the tree and pre-commit builds their environment once."""
    if shutil.which("pre-commit") is None and not Path(sys.executable).with_name("pre-commit").is_file():
        pytest.fail("pre-commit is missing: it comes with the test extra (pip install -e '.[test]')")
    copy = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO_ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = REPO_ROOT / rel
        if source.is_file() and not rel.startswith(("tests/", "bench/", "examples/")):
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / rel)
    git(copy, "init", "-q", "-b", "main")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "socialops as it is in the working tree")
    return copy


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def try_repo(hook_repo: Path, pre_commit_home: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    binary = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    rev = git(hook_repo, "rev-parse", "HEAD").strip()

    def run(project: Path, hook: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS", "PYTHONPATH")}
        env.update(GIT_ENV, PRE_COMMIT_HOME=str(pre_commit_home), COLUMNS="120")
        config = tmp_path / f"pre-commit-{hook}.yaml"  # outside the project, as try-repo writes it
        config.write_text(f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n", "utf-8")
        return subprocess.run([binary, "run", "--config", str(config), hook, "--verbose"],
                              cwd=project, env=env, capture_output=True, text=True, timeout=600)

    return run


@pytest.fixture
def project(tmp_path: Path, cli) -> Path:  # type: ignore[no-untyped-def]
    assert cli("init", "demo", "--source", SOURCE, cwd=tmp_path).exit_code == 0
    return tmp_path / "demo"


def post(project: Path, rel: str, body: str, channels: str = "[feed]") -> str:
    path = project / "posts" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nchannels: {channels}\nstatus: draft\n---\n{body}\n", "utf-8")
    return f"posts/{rel}"


def test_the_lint_hook_lints_only_the_posts_being_committed(project: Path, try_repo) -> None:  # type: ignore[no-untyped-def]
    # a post already committed that the style guide would refuse (written before the rule)
    old = post(project, "old.md", "Our synergy is great.")
    git(project, "add", old)
    git(project, "commit", "-q", "--no-verify", "-m", "an old post")
    fine = post(project, "fine.md", "A post about the calendar view.")
    git(project, "add", fine)
    result = try_repo(project, "socialops-lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "posts/old.md" not in result.stdout
    broken = post(project, "broken.md", "Hello", channels="[nowhere]")
    git(project, "add", broken)
    result = try_repo(project, "socialops-lint")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "posts/broken.md" in result.stdout and "unknown channel 'nowhere'" in result.stdout
    assert "posts/old.md" not in result.stdout


def test_the_lint_hook_lints_every_post_when_the_style_guide_changes(project: Path, try_repo) -> None:  # type: ignore[no-untyped-def]
    old = post(project, "old.md", "We love our dashboard.")
    git(project, "add", old)
    git(project, "commit", "-q", "--no-verify", "-m", "an old post")
    guide = project / "styleguide.yaml"
    guide.write_text(guide.read_text().replace("tokens: [synergy, click here]", "tokens: [synergy, click here, love]"))
    git(project, "add", "styleguide.yaml")
    result = try_repo(project, "socialops-lint")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "posts/old.md" in result.stdout and "Avoid 'love'" in result.stdout


def test_the_codeowners_hook_keeps_codeowners_in_step(project: Path, try_repo) -> None:  # type: ignore[no-untyped-def]
    config = project / "socialops.yaml"
    fine = post(project, "fine.md", "A post about the calendar view.")
    git(project, "add", fine)
    assert try_repo(project, "socialops-codeowners").returncode == 0  # no roles: nothing to keep
    config.write_text(config.read_text() + "\nroles:\n  manager: [dana]\n  reviewers:\n    \"*\": [acme/social]\n")
    git(project, "add", "socialops.yaml")
    result = try_repo(project, "socialops-codeowners")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "git add .github/CODEOWNERS" in result.stdout
    codeowners = (project / ".github/CODEOWNERS").read_text()
    assert "@acme/social" in codeowners and "@dana" in codeowners
    git(project, "add", ".github/CODEOWNERS")
    result = try_repo(project, "socialops-codeowners")
    assert result.returncode == 0, result.stdout + result.stderr
