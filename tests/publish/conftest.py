"""Fixtures for publish: a content repository cloned from a bare remote (so claims and
pushes are real), the fake platforms, and a way to run publish in this process or as a
user would (a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialops.model import Project
from socialops.publish import PublishOptions, publish
from socialops.publish.results import PublishResult
from socialops.timeutil import parse_time
from tests.conftest import GIT_ENV, REPO_ROOT, git, in_process
from tests.fakes.fixtures import fakes  # noqa: F401
from tests.fakes.servers import Fakes

# Posts are due an hour before the real time and runs happen "now", so the times the fakes
# stamp on what they receive come after the due times, as on real platforms.
BASE = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)


def at(minutes: int = 0) -> str:
    """A time `minutes` after BASE (the default due time), as written in a post."""
    return (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


NOW = at(60)


@dataclass
class Site:
    """A content repository (`root`, branch main) whose `origin` is the bare `remote`."""

    tmp: Path
    root: Path
    remote: Path
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), "utf-8")
        return path

    def post(self, name: str, channels: list[str], body: str = "Hello world.\n",
             at: str | None = None, status: str = "ready", extra: str = "") -> Path:
        front = f"channels: [{', '.join(channels)}]\npublish_at: {at or BASE.strftime('%Y-%m-%dT%H:%M')}\nstatus: {status}\n{extra}"
        return self.write(f"posts/{name}.md", f"---\n{front.rstrip()}\n---\n{textwrap.dedent(body)}")

    def configure(self, channels: dict[str, dict[str, Any]], extra: dict[str, Any] | None = None) -> None:
        self.channels = channels
        data = {"timezone": "UTC", "channels": channels, **(extra or {})}
        self.write("socialops.yaml", yaml.safe_dump(data, sort_keys=False))

    def commit(self, message: str = "update", push: bool = True) -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message, "--allow-empty")
        if push:
            git(self.root, "push", "-q", "origin", "main")

    def clone(self, name: str) -> Path:
        target = self.tmp / name
        git(self.tmp, "clone", "-q", str(self.remote), str(target))
        return target

    def remote_log(self) -> list[str]:
        return git(self.remote, "log", "--format=%s", "main").splitlines()

    def remote_file(self, rel: str) -> str:
        return git(self.remote, "show", f"main:{rel}")

    def ledger(self, post_id: str) -> dict[str, Any]:
        data: dict[str, Any] = yaml.safe_load((self.root / f".socialops/ledger/{post_id}.yaml").read_text())
        return data

    def clean(self) -> bool:
        return git(self.root, "status", "--porcelain") == ""


@pytest.fixture
def site(tmp_path: Path) -> Site:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    root = tmp_path / "content"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", str(remote))
    s = Site(tmp_path, root, remote)
    s.configure({"feed": {"platform": "feed", "path": "feed.xml", "title": "Test news",
                          "link": "https://example.com"}})
    s.write("calendar.yaml", "lateness: 6h\n")
    s.write("styleguide.yaml", "rules: []\n")
    return s


@pytest.fixture
def fake_site(site: Site, fakes: Fakes) -> Site:  # noqa: F811
    """The site with a channel for every fake platform (and the feed); `site.env` holds
    the credentials."""
    site.configure({**site.channels, **fakes.channels()})
    site.env = fakes.env()
    return site


def run_publish(site: Site, now: str = NOW, *, env: dict[str, str] | None = None,
                sleeps: list[float] | None = None, sleep: Callable[[float], object] | None = None,
                **options: Any) -> PublishResult:
    """publish() in this process, with a recorded (and skipped) sleep, or `sleep` (a real one)."""
    project = Project.load(site.root)
    waits = sleeps if sleeps is not None else []
    opts = PublishOptions(now=parse_time(now, project.config.timezone), clock=lambda: datetime.now(UTC),
                          environ=site.env if env is None else env, sleep=sleep or waits.append, **options)
    return publish(project, opts)


@pytest.fixture
def cli_env() -> Callable[..., dict[str, str]]:
    def make(extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}  # the test run's CI is not the user's
        env.update(GIT_ENV)
        env["COLUMNS"] = "120"
        env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env.update(extra or {})
        return env

    return make


def socialops_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "socialops", *args]


@pytest.fixture
def run_cli_process(cli_env: Callable[..., dict[str, str]]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`python -m socialops ARGS` in a new process, as a user runs it."""
    def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(socialops_cmd(*args), cwd=cwd, env=cli_env(env), capture_output=True,
                              text=True, timeout=timeout)

    return run


@pytest.fixture
def run_cli(cli_env: Callable[..., dict[str, str]]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The same command line through socialops's entry point in this process
    (tests.conftest.in_process): what it prints and its exit code, without a new Python."""
    def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        done = in_process(list(args), cwd, cli_env(env))
        return subprocess.CompletedProcess(socialops_cmd(*args), done.exit_code, done.stdout, done.stderr)

    return run
