"""Git as the lock: every change socialops makes to a repository's own files (the ledger,
the feed, the pause switch) is committed and pushed here, and nowhere else.

A push the remote rejects because the branch moved (another run or a person pushed
first) is the lock telling us someone else was quicker. There are two ways to go on, and
the caller picks the one that fits what it wrote:

- **write again** (`Branch.save`, `Branch.save_again`): drop our commit, take the
  remote's branch as it is now, and let the caller write its change on top again. Publish
  does this: after a rejected claim it selects again (the other run may have claimed the
  same posts), after a rejected ledger push it writes its records over the other run's.
  Metrics and anything else that rewrites shared files do the same.
- **replay** (`commit_and_push`): put our commit on top of the remote's branch (a rebase)
  and push again. For one small change a person asked for (pause, resume, retract,
  resolve); a conflict stops with a message instead of merging anything by hand.

A push refused for any other reason (branch protection, no rights, no network) raises
`GitError` with git's message (credentials scrubbed). `gitops` is the one module that runs
git; this module only decides what to run and in which order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from socialops import gitops
from socialops.errors import SocialopsError
from socialops.gitops import GitError

__all__ = ["Branch", "Committed", "GitError", "KeptMoving", "commit_and_push", "open_branch", "owned"]

class KeptMoving(GitError):
    """Every push was rejected because the branch kept moving; our commit is still here."""


#: how often a change is written again or replayed before giving up
ATTEMPTS = 5


def owned(name: str, paths: Iterable[str]) -> bool:
    """Whether `name` (relative to the top) is one of `paths` or lies under one of them."""
    return any(name == p or name.startswith(p.rstrip("/") + "/") for p in paths)


@dataclass
class Branch:
    """One branch of one repository, the files we commit on it, and where it stands."""

    top: Path  # the repository's top folder
    remote: str | None  # None: a repository without a remote (everything stays local)
    branch: str
    pushing: bool  # whether commits are pushed (a remote exists and the caller wants it)
    paths: list[str]  # what we commit, relative to the top (files or folders)
    base: str = ""  # HEAD before our own unpushed commits
    commits: list[str] = field(default_factory=list)  # our commits that still stand
    pushed: bool = False  # whether any of them reached the remote

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    def owns(self, name: str) -> bool:
        return owned(name, self.paths)

    # ---- bringing the branch up to date -------------------------------------------------
    def update(self) -> None:
        """Fetch the remote's branch and put our local commits on top of it (a fast-forward
        when there are none); `base` is then where the branch stands."""
        if self.pushing:
            assert self.remote is not None
            if gitops.fetch(self.top, self.remote, self.branch):
                gitops.rebase_onto_remote(self.top, self.remote, self.branch)
        self.base = gitops.head(self.top)

    def commit(self, message: str) -> str | None:
        """Commit our paths (without pushing); the new sha, None when nothing changed."""
        sha = gitops.commit_paths(self.top, self.paths, message)
        if sha:
            self.commits.append(sha)
        return sha

    def drop(self) -> None:
        """Back to `base`: a commit made since the last save and what we wrote are gone
        (only our paths: other changes in the working tree stay)."""
        gitops.reset_hard(self.top, self.base, self.paths)
        self.commits = [c for c in self.commits if gitops.contains(self.top, self.base, c)]

    # ---- write again ----------------------------------------------------------------------
    def save(self, message: str) -> bool:
        """Commit our paths and push. False when the push was rejected because the branch
        moved: our commit is dropped, the branch is the remote's again, and the caller writes
        its change again (or decides anew) before the next `save`."""
        sha = self.commit(message)
        if sha and self.pushing:
            assert self.remote is not None
            try:
                gitops.push(self.top, self.remote, self.branch)
            except gitops.PushRejected:
                self.commits.remove(sha)
                gitops.reset_hard(self.top, self.base, self.paths)
                self.update()
                return False
            self.pushed = True
        self.base = gitops.head(self.top)
        return True

    def save_again(self, message: str, write: Callable[[], None], attempts: int = ATTEMPTS) -> None:
        """`save`, and after each rejection `write` (our change on top of the remote's files
        as they are now) and save again. After `attempts` rejections our change is committed
        here (not pushed) and KeptMoving is raised."""
        for _ in range(attempts):
            if self.save(message):
                return
            write()
        self.commit(message)
        raise KeptMoving(f"could not push after {attempts} tries (the branch '{self.branch}' kept "
                       "moving); it is committed here: push this branch by hand")


def open_branch(root: Path, paths: Iterable[Path], branch: str | None = None, push: bool = True) -> Branch:
    """The branch to commit `paths` (files or folders under `root`) on: `branch`, else the
    checked-out one. Pushing needs a remote; with `push` False everything stays local."""
    top = gitops.top(root)
    remote = gitops.remote_name(top)
    name = branch or gitops.current_branch(top)
    if name is None:
        raise GitError("HEAD is detached: check out a branch to commit on")
    state = Branch(top, remote, name, push and remote is not None, [])
    state.paths = [state.rel(p) for p in paths]
    return state


# ---- replay --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Committed:
    sha: str | None  # None: nothing had changed
    pushed: bool


def commit_and_push(root: Path, paths: Iterable[Path], message: str, push: bool,
                    attempts: int = ATTEMPTS) -> Committed:
    """Commit these files on the checked-out branch; with `push`, push, replaying the commit
    on top of the remote's branch whenever the push is rejected because it moved."""
    state = open_branch(root, paths, push=push)
    sha = state.commit(message)
    if not push:
        return Committed(sha, False)
    if state.remote is None:
        raise SocialopsError("committed, but this repository has no git remote to push to")
    for _ in range(attempts):
        try:
            gitops.push(state.top, state.remote, state.branch)
            return Committed(sha, True)
        except gitops.PushRejected:
            gitops.fetch(state.top, state.remote, state.branch)
            gitops.rebase_onto_remote(state.top, state.remote, state.branch)
    raise GitError(f"committed, but the push was rejected {attempts} times (the branch "
                   f"'{state.branch}' kept moving); push by hand")
