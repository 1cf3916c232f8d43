"""The only module that talks to git (through gitpython, imported here and only here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError


def repo(root: Path) -> Any:
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SocialopsError(f"{root} is not inside a git repository; run 'git init' there first") from None


def is_repo(root: Path) -> bool:
    import git

    try:
        git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False
    return True


def init(root: Path) -> None:
    import git

    git.Repo.init(root, initial_branch="main")


def changed_files(root: Path, ref: str) -> list[Path]:
    """Files added or changed since `ref` (committed, staged, unstaged and untracked)."""
    import git

    r = repo(root)
    top = Path(r.working_tree_dir or root)
    try:
        base = r.git.merge_base(ref, "HEAD")
    except git.GitCommandError:
        raise SocialopsError(f"git does not know the ref '{ref}'; fetch it first or name another "
                             "(e.g. origin/main)") from None
    names = r.git.diff("--name-only", "--diff-filter=ACMR", base, "--").splitlines()
    names += r.untracked_files
    return sorted({(top / n).resolve() for n in names if n})


def file_author(root: Path, rel: str) -> str | None:
    """The git author who added the file (the first commit that has it)."""
    import git

    try:
        out = repo(root).git.log("--diff-filter=A", "--follow", "--format=%an", "--", rel)
    except git.GitCommandError:
        return None
    lines = out.splitlines()
    return lines[-1] if lines else None


FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "socialops", "GIT_AUTHOR_EMAIL": "socialops@localhost",
                     "GIT_COMMITTER_NAME": "socialops", "GIT_COMMITTER_EMAIL": "socialops@localhost"}


def _identity_env(r: Any) -> dict[str, str]:
    """Use the configured git identity; fall back to a socialops one on a bare machine."""
    import os

    reader = r.config_reader()
    has_name = reader.has_option("user", "name") or "GIT_AUTHOR_NAME" in os.environ
    has_email = reader.has_option("user", "email") or "GIT_AUTHOR_EMAIL" in os.environ
    return {} if has_name and has_email else dict(FALLBACK_IDENTITY)


def commit_all(root: Path, message: str) -> str:
    """Stage everything under root and commit; returns the new commit's sha."""
    r = repo(root)
    r.git.add("-A", "--", str(root))
    with r.git.custom_environment(**_identity_env(r)):
        r.git.commit("-m", message, "--no-verify")
    return str(r.head.commit.hexsha)
