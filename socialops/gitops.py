"""The only module that talks to git (through gitpython, imported here and only here)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError


def git_dir(root: Path) -> Path | None:
    """The git directory of the repository holding `root` (a `.git` file points to it
    in worktrees and submodules)."""
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            try:
                first = dot_git.read_text(encoding="utf-8").split("\n", 1)[0]
            except (OSError, UnicodeDecodeError):
                return None
            if first.startswith("gitdir:"):
                target = Path(first[7:].strip())
                target = target if target.is_absolute() else folder / target
                return target if target.is_dir() else None
            return None
    return None


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


def file_authors(root: Path, folder: str = "posts") -> dict[str, str]:
    """Who added each file under `root/folder`, by path from `root` (renames followed): what
    `file_author` gives for one file, for all of them with a single `git log`."""
    import git

    try:
        r = repo(root)
        if not r.head.is_valid():
            return {}
        prefix = root.resolve().relative_to(Path(r.working_tree_dir).resolve()).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        out = r.git(c="core.quotePath=false").log(
            "--reverse", "--diff-filter=AR", "--name-status", "-M", "--format=%x1e%an", "--", prefix + folder)
    except (git.GitCommandError, ValueError):
        return {}
    authors: dict[str, str] = {}
    for commit in out.split("\x1e")[1:]:
        name, *changes = commit.split("\n")
        for change in changes:
            fields = [f.removeprefix(prefix) for f in change.split("\t")]
            if fields[0].startswith("A") and len(fields) == 2:
                authors.setdefault(fields[1], name)
            elif fields[0].startswith("R") and len(fields) == 3:
                authors[fields[2]] = authors.pop(fields[1], name)
    return authors


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


def last_change(root: Path, rel: str, ref: str = "HEAD") -> tuple[str, str] | None:
    """(commit, blob) for a file at `ref`: the commit that last changed it there and the
    blob id of its content. None when the file is not committed at `ref`."""
    import git

    r = repo(root)
    try:
        commit = r.git.log("-1", "--format=%H", ref, "--", rel).strip()
        blob = r.git.rev_parse(f"{ref}:{rel}").strip()
    except git.GitCommandError:
        return None
    return (commit, blob) if commit and blob else None


def default_base(root: Path, branch: str | None = None) -> str:
    """The ref a branch is compared with: the remote's copy of the default branch
    (`branch`, else the remote's HEAD), else the local branch; main when nothing is known."""
    import git

    r = repo(root)
    names = [branch] if branch else []
    try:
        head = r.git.symbolic_ref("--quiet", "--short", "refs/remotes/origin/HEAD").strip()
        names.append(head.removeprefix("origin/"))
    except git.GitCommandError:
        pass
    names += ["main", "master"]
    for name in names:
        for candidate in (f"origin/{name}", name):
            try:
                r.git.rev_parse("--verify", "--quiet", f"{candidate}^{{commit}}")
            except git.GitCommandError:
                continue
            return candidate
    return f"origin/{branch or 'main'}"


# ---- publishing: the ledger is committed and pushed; git is the lock -------------------------

class GitError(SocialopsError):
    """A git operation that failed for a reason the user has to look at."""


class PushRejected(Exception):
    """The remote branch moved since we fetched it: another run or a person pushed first."""


#: a `[remote rejected]` that means the branch moved while we pushed (not a protection rule)
_MOVED = ("cannot lock ref", "incorrect old value", "stale info")


def _scrub(text: str) -> str:
    """Git output without credentials that may sit in a remote URL (https://user:token@...)."""
    import re

    return re.sub(r"(://)[^/@\s]+@", r"\1***@", text).strip()


def _run(r: Any, *args: str) -> str:
    import git

    try:
        with r.git.custom_environment(**_identity_env(r)):
            return str(r.git.execute(["git", *args]))
    except git.GitCommandError as exc:
        detail = _scrub(str(exc.stderr or exc.stdout or exc))
        raise GitError(f"git {args[0]} failed: {detail}") from None


def dirty_files(root: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """Changed, staged or untracked files (relative to the repository top), except those
    under the `ignore` prefixes (files only publish writes, e.g. the ledger)."""
    r = repo(root)
    out = _run(r, "status", "--porcelain", "-z", "--untracked-files=all")
    names: list[str] = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        if status[0] in "RC":
            i += 1  # a rename is followed by its source path
        if not any(name == p or name.startswith(p.rstrip("/") + "/") for p in ignore):
            names.append(name)
    return names


def current_branch(root: Path) -> str | None:
    """The checked-out branch, None when HEAD is detached."""
    r = repo(root)
    try:
        return str(_run(r, "symbolic-ref", "--quiet", "--short", "HEAD")) or None
    except GitError:
        return None


def remote_name(root: Path) -> str | None:
    """`origin` when it exists, else the first remote, else None (a repository without a remote)."""
    names = [remote.name for remote in repo(root).remotes]
    if "origin" in names:
        return "origin"
    return names[0] if names else None


def default_branch(root: Path, configured: str | None) -> str:
    """The branch publish runs on: socialops.yaml's `default_branch`, else the remote's HEAD,
    else main."""
    if configured:
        return configured
    remote = remote_name(root)
    if remote:
        r = repo(root)
        try:
            ref = _run(r, "symbolic-ref", "--quiet", "--short", f"refs/remotes/{remote}/HEAD")
            return ref.split("/", 1)[1]
        except (GitError, IndexError):
            pass
        try:  # a CI checkout often lacks refs/remotes/origin/HEAD: ask the remote itself
            for line in _run(r, "ls-remote", "--symref", remote, "HEAD").splitlines():
                if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
                    return line[len("ref: refs/heads/"):-len("\tHEAD")]
        except GitError:
            pass
    return "main"


def head(root: Path) -> str:
    return _run(repo(root), "rev-parse", "HEAD")


def commit_times(root: Path, ref: str, count: int, subject_prefix: str = "") -> list[tuple[str, int]]:
    """(sha, committer time in Unix seconds) of the last `count` commits of `ref` whose subject
    starts with `subject_prefix`; [] when `ref` does not exist."""
    try:
        out = _run(repo(root), "log", f"-{count}", "--format=%H %ct %s", ref, "--")
    except GitError:
        return []
    found = []
    for line in out.splitlines():
        sha, stamp, subject = [*line.split(" ", 2), "", ""][:3]
        if subject.startswith(subject_prefix) and stamp.isdigit():
            found.append((sha, int(stamp)))
    return found


def fetch(root: Path, remote: str, branch: str) -> bool:
    """Fetch the branch; False when the remote has no such branch yet."""
    r = repo(root)
    try:
        _run(r, "fetch", "--quiet", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
    except GitError as exc:
        if "couldn't find remote ref" in str(exc):
            return False
        raise
    return True


def rebase_onto_remote(root: Path, remote: str, branch: str) -> None:
    """Put local commits on top of the fetched remote branch (a fast-forward when there are
    none). A conflict is aborted and reported, leaving the branch as it was."""
    r = repo(root)
    try:
        # --autostash: changes a person has not committed (publish --allow-dirty) are put
        # aside and back; without it git refuses to rebase a tree that has any
        _run(r, "rebase", "--quiet", "--autostash", f"{remote}/{branch}")
    except GitError as exc:
        with contextlib.suppress(GitError):
            _run(r, "rebase", "--abort")
        raise GitError(f"cannot bring this branch up to date with {remote}/{branch}: {exc.message}; "
                       "resolve it by hand (git pull --rebase) and run again") from None


def reset_hard(root: Path, sha: str, paths: list[str] | None = None) -> None:
    """Move the branch back to `sha`, dropping our own unpushed commits and what we wrote.
    With `paths` (our own files and folders), only those are put back as `sha` has them
    (untracked files in them removed); every other change in the working tree, committed
    by nobody (publish --allow-dirty), stays as it is."""
    r = repo(root)
    if paths is None:
        _run(r, "reset", "--quiet", "--hard", sha)
        return
    _run(r, "reset", "--quiet", "--mixed", sha)
    if paths:
        tracked = _run(r, "ls-tree", "-r", "--name-only", sha, "--", *paths).splitlines()
        if tracked:
            _run(r, "checkout", sha, "--", *tracked)
        _run(r, "clean", "--quiet", "-f", "-d", "--", *paths)


def commit_paths(root: Path, paths: list[str], message: str) -> str | None:
    """Commit only these paths (files or folders relative to the top; deletions included).
    Returns the new sha, or None when nothing changed."""
    r = repo(root)
    present = [p for p in paths if (Path(r.working_tree_dir or root) / p).exists()
               or _run(r, "ls-files", "--", p)]
    if not present:
        return None
    _run(r, "add", "--all", "--", *present)
    if not _run(r, "diff", "--cached", "--name-only", "--", *present):
        return None
    _run(r, "commit", "--quiet", "--no-verify", "-m", message, "--only", "--", *present)
    return _run(r, "rev-parse", "HEAD")


def push(root: Path, remote: str, branch: str) -> None:
    """Push HEAD to the remote branch. Raises PushRejected when the branch moved meanwhile."""
    import git

    r = repo(root)
    try:
        with r.git.custom_environment(**_identity_env(r)):
            r.git.push("--porcelain", remote, f"HEAD:refs/heads/{branch}")
    except git.GitCommandError as exc:
        text = f"{exc.stdout or ''}\n{exc.stderr or ''}"
        if "[rejected]" in text or any(m in text for m in _MOVED):
            raise PushRejected(branch) from None
        raise GitError(f"git push to {remote}/{branch} failed: {_push_reason(exc)}") from None


def _push_reason(exc: Any) -> str:
    """What the remote said when it refused a push, on one line (GitPython's `stdout: '...'`
    wrapping and git's own progress lines left out)."""
    import re

    raw = "\n".join(re.sub(r"^\s*(stdout|stderr): '(.*)'\s*$", r"\2", str(part or ""), flags=re.S)
                    for part in (exc.stderr, exc.stdout))
    said = [line.removeprefix("remote:").strip() for line in raw.splitlines() if line.startswith("remote:")]
    said = [line for line in said if line]
    said += [" ".join(line.replace("!\t", "").split()) for line in raw.splitlines()
             if "rejected]" in line or (not said and line.strip().startswith(("error:", "fatal:")))]
    return _scrub("; ".join(said) or raw.strip() or "no reason given")


def top(root: Path) -> Path:
    """The repository's top folder."""
    return Path(repo(root).working_tree_dir or root)


def user_name(root: Path) -> str | None:
    """Who is at the keyboard (the git author name, from the environment or the config)."""
    import git

    try:
        ident = str(repo(root).git.var("GIT_AUTHOR_IDENT"))
    except git.GitCommandError:
        return None
    name = ident.split(" <", 1)[0].strip()
    return name or None


def contains(root: Path, ref: str, sha: str) -> bool:
    """Whether commit `sha` is `ref` or one of its ancestors."""
    import git

    try:
        repo(root).git.merge_base("--is-ancestor", sha, ref)
    except git.GitCommandError:
        return False
    return True


def remote_head(root: Path, remote: str, branch: str) -> str | None:
    """The commit the remote's branch points at now (asked with ls-remote: nothing is
    fetched); None when the remote has no such branch. Raises GitError when the remote
    cannot be reached."""
    out = _run(repo(root), "ls-remote", remote, f"refs/heads/{branch}")
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def remote_file(root: Path, remote: str, branch: str, rel: str) -> str | None:
    """A file as it is on the remote branch now (fetched first); None when the branch or the
    file is not there. Raises GitError when the remote cannot be reached."""
    r = repo(root)
    if not fetch(root, remote, branch):
        return None
    try:
        return _run(r, "show", f"refs/remotes/{remote}/{branch}:{rel}")
    except GitError as exc:
        if "does not exist" in str(exc) or "exists on disk, but not in" in str(exc):
            return None
        raise


def first_commit(root: Path) -> tuple[str, str] | None:
    """The repository's first commit (the lowest root commit, for history that merged
    several) and `root`'s folder below the top; None outside a repository or before its
    first commit. The same in every clone, and in no other repository."""
    import git

    try:
        r = git.Repo(root, search_parent_directories=True)
        roots = str(r.git.rev_list("--max-parents=0", "HEAD")).split()
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError, ValueError):
        return None
    if not roots:
        return None
    folder = Path(root).resolve().relative_to(Path(r.working_tree_dir or root).resolve()).as_posix()
    return min(roots), "" if folder == "." else folder


def file_versions(root: Path, rel: str, ref: str = "HEAD") -> list[tuple[str, str | None, str | None]]:
    """Every version of a file along the first-parent history of `ref` (a merge counts as
    one change of the branch), oldest first: (commit, blob, text); blob and text are None
    where the commit deleted the file."""
    r = repo(root)
    try:
        commits = _run(r, "log", "--first-parent", "--reverse", "--format=%H", ref, "--", rel).split()
    except GitError:
        return []
    out: list[tuple[str, str | None, str | None]] = []
    for commit in commits:
        try:
            blob = _run(r, "rev-parse", f"{commit}:{rel}").strip()
            text = _run(r, "cat-file", "-p", blob)
        except GitError:
            out.append((commit, None, None))
            continue
        out.append((commit, blob, text))
    return out


def blob_of(root: Path, rel: str, ref: str = "HEAD") -> str | None:
    """The blob id of a file at `ref`, None when it is not there."""
    try:
        return _run(repo(root), "rev-parse", f"{ref}:{rel}").strip() or None
    except GitError:
        return None


def worktree_blob(root: Path, rel: str) -> str | None:
    """The blob id the file in the working tree would have (None when it is not there)."""
    r = repo(root)
    path = Path(r.working_tree_dir or root) / rel
    if not path.is_file():
        return None
    return _run(r, "hash-object", "--", rel).strip()


def file_at_base(root: Path, ref: str, path: Path) -> str | None:
    """A file's text where this branch left `ref` (their merge base): what a pull request
    changes it from; None when it did not exist there or is not text."""
    import git

    r = repo(root)
    top = Path(r.working_tree_dir or root).resolve()
    try:
        base = r.git.merge_base(ref, "HEAD")
        data = r.git.show(f"{base}:{path.resolve().relative_to(top).as_posix()}", stdout_as_string=False)
    except (git.GitCommandError, ValueError):
        return None
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return None


def export_base(root: Path, ref: str, dest: Path) -> Path | None:
    """The project folder as it was where this branch left `ref` (their merge base), written
    under `dest` (git archive, no checkout): the project's root there, or None when git
    cannot give it."""
    import io
    import tarfile

    import git

    r = repo(root)
    top = Path(r.working_tree_dir or root).resolve()
    folder = root.resolve().relative_to(top).as_posix()
    try:
        base = r.git.merge_base(ref, "HEAD")
        args = ["--format=tar", base] + ([] if folder == "." else ["--", folder])
        data = r.git.archive(*args, stdout_as_string=False)
    except git.GitCommandError:
        return None
    try:
        with tarfile.open(fileobj=io.BytesIO(bytes(data))) as archive:
            archive.extractall(dest, filter="data")
    except (tarfile.TarError, OSError):  # e.g. a link pointing out of the tree
        return None
    return dest if folder == "." else dest / folder


def undo_commit(root: Path, rel: str) -> None:
    """Take back the last commit, which changed only `rel` (a switch socialops committed):
    the branch moves back one commit and `rel` is as it was before it; nothing else in the
    working tree or the index is touched."""
    r = repo(root)
    _run(r, "reset", "--soft", "HEAD~1")
    restore_file(root, rel)


def restore_file(root: Path, rel: str) -> None:
    """`rel` in the index and working tree as HEAD has it (removed when HEAD has none)."""
    r = repo(root)
    if blob_of(root, rel) is not None:
        _run(r, "checkout", "HEAD", "--", rel)
        return
    _run(r, "rm", "--cached", "--quiet", "--ignore-unmatch", "--", rel)
    (Path(r.working_tree_dir or root) / rel).unlink(missing_ok=True)
