"""Every file socialops reads or writes in a repository is checked first.

A path may be used when it is a regular file (or, for folders, a folder) inside the
repository, not under `.git`, and not reached through a symlink that leaves the
repository. Device files, FIFOs and sockets are refused before they are opened (opening a
FIFO waits forever, `/dev/zero` never ends), and a file larger than the caller's limit is
refused before it is read. A post file committed as a symlink to `/dev/zero`, a ledger
folder that is a symlink to another place, or `media: [{path: .git/config}]` end here with
a message saying which file and why.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from socialops.errors import SocialopsError


class UnsafePath(SocialopsError):
    """A path socialops will not read or write (see the module docstring)."""


def _real_root(root: Path) -> str:
    return os.path.realpath(root)


def refusal(root: Path, path: Path | str, *, folder: bool = False) -> str | None:
    """Why `path` may not be used (a sentence), or None. A path that does not exist yet
    is fine when the folders on the way to it are."""
    real_root = _real_root(root)
    full = os.path.join(str(root), str(path)) if not os.path.isabs(str(path)) else str(path)
    lexical = os.path.normpath(full)
    top = os.path.normpath(str(root))
    rel = os.path.relpath(lexical, top)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return "it is outside the repository"
    if _in_git(rel):
        return "it is inside .git, which socialops never reads or writes for content"
    real = os.path.realpath(lexical)
    if real != real_root and not real.startswith(real_root + os.sep):
        return "it leads outside the repository through a symlink"
    if _in_git(os.path.relpath(real, real_root)):
        return "it leads into .git through a symlink"
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"it cannot be looked at ({exc.strerror or exc})"
    if folder:
        return None if stat.S_ISDIR(mode) else "it is not a folder"
    return None if stat.S_ISREG(mode) else _kind(mode)


def _in_git(rel: str) -> bool:
    first = rel.split(os.sep, 1)[0]
    return first.lower() == ".git"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a FIFO (a named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device file, not a file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a file"
    return "it is not a regular file"


def check(root: Path, path: Path | str, what: str, *, folder: bool = False) -> None:
    """Raise UnsafePath (naming `what`, a path relative to the root) unless `path` may be used."""
    why = refusal(root, path, folder=folder)
    if why is not None:
        raise UnsafePath(f"{what}: {why}; socialops refuses it (replace it with a regular "
                         f"{'folder' if folder else 'file'} inside the repository)", what)


def read_bytes(root: Path, path: Path | str, what: str, limit: int) -> bytes:
    """A regular file's bytes, checked before it is opened and opened so that a file that
    changed into something else meanwhile cannot block; more than `limit` bytes raise."""
    check(root, path, what)
    full = os.path.join(str(root), str(path)) if not os.path.isabs(str(path)) else str(path)
    fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(f"{what}: {_kind(info.st_mode)}; socialops refuses it", what)
        if info.st_size > limit:
            raise UnsafePath(f"{what}: the file is {info.st_size:,} bytes, more than the "
                             f"{limit:,} socialops reads", what)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafePath(f"{what}: the file is more than the {limit:,} bytes socialops reads", what)
    return data


def check_folders(root: Path, path: Path | str, what: str) -> None:
    """Before writing `path`: every existing folder on the way is a real folder inside the
    repository (a symlinked ledger folder would put the ledger somewhere else)."""
    full = Path(root, path)
    check(root, full, what)
    parent = full.parent
    check(root, parent, what, folder=True)


def unsafe_files(root: Path, folders: list[str], files: list[str]) -> list[tuple[str, str]]:
    """(path, why) for each of `folders` (and everything under them, symlinks not followed)
    and `files` that socialops may not use."""
    out: list[tuple[str, str]] = []
    for rel in files:
        why = refusal(root, rel)
        if why is not None:
            out.append((rel, f"{rel}: {why}"))
    for folder in folders:
        full = os.path.join(root, folder)
        if not os.path.lexists(full):
            continue
        why = refusal(root, folder, folder=True)
        if why is not None or os.path.islink(full):
            out.append((folder, f"{folder}: {why or 'it is a symlink'}"))
            continue
        for dirpath, dirnames, filenames in os.walk(full):
            dirnames.sort()
            for name in [*dirnames, *sorted(filenames)]:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                if rel in folders:
                    continue
                if os.path.islink(path) and name in dirnames:
                    out.append((rel, f"{rel}: it is a symlinked folder"))
                    continue
                why = refusal(root, path, folder=name in dirnames)
                if why is not None:
                    out.append((rel, f"{rel}: {why}"))
    return sorted(set(out))
