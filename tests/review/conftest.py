"""Fixtures for the approval step: a fake GitHub API on 127.0.0.1 and content
repositories whose posts came in through (simulated) pull requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from socialops.github import GitHub
from tests.conftest import DEFAULT_CONFIG, ProjectDir, git
from tests.github_fake.server import TOKEN, FakeGitHub, Server

APPROVAL_CONFIG = DEFAULT_CONFIG + """\
approval:
  verify: github
  required_approvals: 1
  channels:
    linkedin-company: {required_approvals: 2, approvers: [acme/brand, alice]}
"""


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with Server() as running:
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """The httpx.Client a caller passes in (socialops opens none of its own for GitHub)."""
    with httpx.Client() as client:
        yield client


@pytest.fixture
def client(fake: FakeGitHub) -> Iterator[GitHub]:
    with httpx.Client() as http:
        yield GitHub(http, fake.repo, fake.base_url, TOKEN, sleep=lambda seconds: None)


def github_env(fake: FakeGitHub) -> dict[str, str]:
    return {"GITHUB_API_URL": fake.base_url, "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": fake.repo}


@dataclass
class Merged:
    head: str  # the branch's final commit (the PR's head)
    commits: list[str]  # every commit of the branch
    merge: str  # the merge commit on main


def merge_branch(project: ProjectDir, branch: str, versions: list[dict[str, str]]) -> Merged:
    """Commit each dict of {path: text} on a new branch from main, then merge it into main
    with a merge commit, as GitHub's merge button does."""
    git(project.root, "checkout", "-q", "-b", branch, "main")
    commits = []
    for files in versions:
        for rel, text in files.items():
            project.write(rel, text)
        git(project.root, "add", "-A")
        git(project.root, "commit", "-q", "-m", f"{branch}: edit")
        commits.append(git(project.root, "rev-parse", "HEAD").strip())
    git(project.root, "checkout", "-q", "main")
    git(project.root, "merge", "-q", "--no-ff", "-m", f"Merge {branch}", branch)
    return Merged(commits[-1], commits, git(project.root, "rev-parse", "HEAD").strip())


def post_text(channels: str = "[mastodon-main]", body: str = "Our launch is today.",
              extra: str = "") -> str:
    return f"---\nchannels: {channels}\npublish_at: 2026-12-01T09:00\n{extra}---\n{body}\n"


@pytest.fixture
def approval_project(project: ProjectDir) -> ProjectDir:
    project.write("socialops.yaml", APPROVAL_CONFIG)
    project.commit("start")
    return project
