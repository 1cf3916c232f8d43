"""Shared fixtures: real git repositories in tmp dirs with a pinned identity, and a
runner for the CLI exactly as users call it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Writer",
    "GIT_AUTHOR_EMAIL": "writer@example.com",
    "GIT_COMMITTER_NAME": "Test Writer",
    "GIT_COMMITTER_EMAIL": "writer@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The suite runs on every core (pytest-xdist, from the test extra: `-n auto`), each
    test file on one worker (`--dist loadfile`: a module's services and repositories are set
    up once). Every test is safe beside another: servers listen on port 0, files go to each
    test's own tmp_path, the user's caches are written atomically, the environment is each
    worker's own. `-n 0` or `-p no:xdist` runs it in this one process; so does a venv
    without pytest-xdist."""
    if not config.pluginmanager.hasplugin("xdist") or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if config.option.numprocesses is None and not config.option.usepdb:
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            config.option.dist = "loadfile"


@pytest.fixture(scope="session", autouse=True)
def _socialops_bytecode() -> None:
    """Where PYTHONDONTWRITEBYTECODE is set (this machine and its CI set it), every
    `python -m socialops` a test starts would compile socialops's modules again (a quarter
    of a small command's CPU time): compiled once here, they are read as Python reads any
    cached bytecode (checked against each source file's time and size)."""
    import compileall

    compileall.compile_dir(REPO_ROOT / "socialops", quiet=2)


@pytest.fixture(autouse=True)
def _pinned_git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("COLUMNS", "120")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


DEFAULT_CONFIG = """\
timezone: Europe/Berlin
channels:
  feed: {platform: feed, path: feed.xml, title: Test news, link: https://example.com}
  mastodon-main: {platform: mastodon, instance: https://mastodon.example, token_env: MASTODON_TOKEN}
  bluesky-main: {platform: bluesky, pds: https://pds.example, handle: acme.test, password_env: BSKY_PASSWORD}
  x-main: {platform: x, api_key_env: X_API_KEY, api_secret_env: X_API_SECRET, access_token_env: X_ACCESS_TOKEN, access_secret_env: X_ACCESS_SECRET}
  linkedin-company: {platform: linkedin, author: "urn:li:organization:123", token_env: LINKEDIN_TOKEN}
"""


@dataclass
class ProjectDir:
    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), "utf-8")
        return path

    def post(self, rel: str, front: str, body: str = "Hello world.\n") -> Path:
        return self.write(f"posts/{rel}", "---\n" + textwrap.dedent(front).strip("\n") + "\n---\n" + textwrap.dedent(body))

    def commit(self, message: str = "update") -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message, "--allow-empty")


@pytest.fixture
def project(tmp_path: Path) -> ProjectDir:
    """An empty project with a config of several channels, a git repo, no posts."""
    root = tmp_path / "content"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    proj = ProjectDir(root)
    proj.write("socialops.yaml", DEFAULT_CONFIG)
    proj.write("styleguide.yaml", "rules: []\n")
    proj.write("calendar.yaml", "{}\n")
    return proj


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _cli_env(env: dict[str, str] | None) -> dict[str, str]:
    full_env = {**os.environ, **GIT_ENV, "COLUMNS": "120", **(env or {})}
    for ci_variable in ("GITHUB_ACTIONS", "CI"):  # the test run's CI is not the user's
        if ci_variable not in (env or {}):
            full_env.pop(ci_variable, None)
    full_env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    return full_env


@pytest.fixture
def cli_process() -> Callable[..., Result]:
    """Run `python -m socialops ARGS` in a folder, as a user would: a new process."""

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
        proc = subprocess.run([sys.executable, "-m", "socialops", *args], cwd=cwd, env=_cli_env(env),
                              capture_output=True, text=True, timeout=timeout)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run socialops's entry point (socialops.cli.main) with ARGS in a folder, in this
    process: the same command line, environment, working folder and exit code as
    `python -m socialops ARGS`, without starting Python again for each command."""

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
        return in_process(list(args), cwd, _cli_env(env))

    return run


def in_process(args: list[str], cwd: Path, env: dict[str, str]) -> Result:
    import contextlib
    import io

    from socialops import cli as entry
    from socialops.commands import root

    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    saved_exit = entry._exit_now
    out, err = io.StringIO(), io.StringIO()

    def exit_now(code: int) -> None:  # lint ends with os._exit in a real process
        raise SystemExit(code)

    code: int = 0
    os.environ.clear()
    os.environ.update(env)
    try:
        os.chdir(cwd)
        sys.argv = ["socialops", *args]
        entry._exit_now = exit_now  # type: ignore[assignment]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                entry.main()
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
                if isinstance(done.code, str):
                    err.write(done.code + "\n")
    finally:
        entry._exit_now = saved_exit  # type: ignore[assignment]
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        root.DEBUG["on"] = False
    return Result(code, out.getvalue(), err.getvalue())
