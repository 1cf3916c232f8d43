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

import contextlib
import errno
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

from socialops.errors import SocialopsError


class UnsafePath(SocialopsError):
    """A path socialops will not read or write (see the module docstring)."""


def private(path: Path) -> bool:
    """The path (not a symbolic link) is the running user's and only they may write to it,
    nor to the folder holding it: what socialops executes or shows from the user's cache
    folder (the compiled schema checks, the kept help) must be."""
    try:
        for each in (path, path.parent):
            found = os.lstat(each)
            if (stat.S_ISLNK(found.st_mode) or found.st_uid != os.getuid()
                    or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
                return False
    except OSError:
        return False
    return True


@lru_cache(maxsize=4096)
def _realpath(folder: str) -> str:
    """A folder's real path, worked out once per run (thousands of posts share a few
    folders; resolving each file's whole path again cost more than reading it)."""
    return os.path.realpath(folder)


def _resolved(lexical: str) -> str:
    """The real path of `lexical`: its folder's (cached) joined with its name, unless the
    name itself is a symlink (then resolved in full)."""
    try:
        if stat.S_ISLNK(os.lstat(lexical).st_mode):
            return os.path.realpath(lexical)
    except OSError:
        pass  # not there (yet): its folder decides
    return _in_real_folder(lexical)


def _in_real_folder(lexical: str) -> str:
    """The real path of `lexical` (absolute, normalised) if its name is no symlink: its
    folder's (cached) real path joined with the name."""
    head, _, name = lexical.rpartition(os.sep)
    if not name or name in (os.curdir, os.pardir) or not head:
        return os.path.realpath(lexical)
    return os.path.join(_realpath(head), name)


def refusal(root: Path, path: Path | str, *, folder: bool = False, look: bool = True) -> str | None:
    """Why `path` may not be used (a sentence), or None. A path that does not exist yet
    is fine when the folders on the way to it are. Without `look` the kind of file is not
    checked (the caller opens it without blocking and checks what it opened)."""
    return _refusal(root, path, folder=folder, look=look, name_may_link=True)[0]


def _refusal(root: Path, path: Path | str, *, folder: bool, look: bool,
             name_may_link: bool) -> tuple[str | None, str]:
    """`refusal`, and the normalised absolute path it checked; without `name_may_link` the
    caller makes sure the last name is no symlink (it opens it with O_NOFOLLOW), so it is
    not looked up (one lstat less per file)."""
    top, real_root = _tops(str(root))
    lexical = _lexical(top, path)
    rel = _below(lexical, top)
    if rel is None:
        return "it is outside the repository", lexical
    if _in_git(rel):
        return "it is inside .git, which socialops never reads or writes for content", lexical
    real_rel = _below(_resolved(lexical) if name_may_link else _in_real_folder(lexical), real_root)
    if real_rel is None:
        return "it leads outside the repository through a symlink", lexical
    if _in_git(real_rel):
        return "it leads into .git through a symlink", lexical
    if not look:
        return None, lexical
    return _look(os.path.join(real_root, real_rel), folder), lexical


def _look(real: str, folder: bool) -> str | None:
    """Why the file (or folder) at the real path `real` is not the kind asked for, or None."""
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"it cannot be looked at ({exc.strerror or exc})"
    if folder:
        return None if stat.S_ISDIR(mode) else "it is not a folder"
    return None if stat.S_ISREG(mode) else _kind(mode)


def _lexical(top: str, path: Path | str) -> str:
    """`path` made absolute (relative ones are under the root `top`) and normalised."""
    given = str(path)
    if given.startswith(top) and given[len(top):len(top) + 1] == os.sep and _NOT_NORMAL.search(given) is None:
        return given  # a file found by walking the root: normal already (normpath: ~40 % of the checks)
    return os.path.normpath(given if os.path.isabs(given) else os.path.join(top, given))


#: what normpath would change in an absolute path: `.` or `..` names, doubled or trailing separators
_NOT_NORMAL = re.compile(r"(?:^|/)\.\.?(?:/|$)|//|/$" if os.sep == "/" else r".")


@lru_cache(maxsize=64)
def _tops(root: str) -> tuple[str, str]:
    """The root normalised, and its real path: worked out once per run."""
    return os.path.normpath(root), _realpath(root)


def _below(path: str, top: str) -> str | None:
    """`path` relative to the folder `top` (both normalised), or None when it is not under it."""
    if path == top:
        return os.curdir
    prefix = top if top.endswith(os.sep) else top + os.sep
    return path[len(prefix):] if path.startswith(prefix) else None


def _in_git(rel: str) -> bool:
    """Whether the relative path's first name is .git (in any case)."""
    return rel[:4].lower() == ".git" and rel[4:5] in ("", os.sep)


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


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_bytes(root: Path, path: Path | str, what: str, limit: int) -> bytes:
    """A regular file's bytes, checked before it is opened and opened so that a file that
    changed into something else meanwhile cannot block; more than `limit` bytes raise.

    Where the system has O_NOFOLLOW, the file is opened with it: a name that is no symlink
    (nearly every file) needs no look-up of its own, and one that is fails to open and is
    then resolved and checked before it is opened again."""
    # `full`: the path just checked (normalised), not one a `..` after a symlink could move
    refuse, full = _refusal(root, path, folder=False, look=False, name_may_link=not _NOFOLLOW)
    if refuse is not None:
        raise UnsafePath(f"{what}: {refuse}; socialops refuses it (replace it with a regular file "
                         "inside the repository)", what)
    try:
        fd = os.open(full, _OPEN | _NOFOLLOW)
    except OSError as exc:
        if not _NOFOLLOW or exc.errno != errno.ELOOP:
            raise
        refuse = refusal(root, full, look=False)  # the name is a symlink: where it leads decides
        if refuse is not None:
            raise UnsafePath(f"{what}: {refuse}; socialops refuses it (replace it with a regular file "
                             "inside the repository)", what) from None
        fd = os.open(full, _OPEN)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(f"{what}: {_kind(info.st_mode)}; socialops refuses it", what)
        if info.st_size > limit:
            raise UnsafePath(f"{what}: the file is {info.st_size:,} bytes, more than the "
                             f"{limit:,} socialops reads", what)
        return _read_up_to(fd, info.st_size, limit, what)
    finally:
        os.close(fd)


def _read_up_to(fd: int, size: int, limit: int, what: str) -> bytes:
    """The file's bytes, `size` (from fstat) expected: one read of size + 1 finds its end
    (a read ending early is the end of a regular file); one that grew meanwhile is read on,
    up to the limit."""
    want = size + 1
    data = os.read(fd, want)
    if len(data) < want:
        return data
    chunks = [data]
    total = len(data)
    while total <= limit:
        chunk = os.read(fd, min(limit + 1 - total, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise UnsafePath(f"{what}: the file is more than the {limit:,} bytes socialops reads", what)
    return b"".join(chunks)


class WalkedReader:
    """Thousands of files found by walking folders of the repository (the ledger, the posts),
    read quickly: each folder checked once (inside the repository, not through a symlink
    that leaves it), each file opened without following a symlink or waiting on a FIFO, and
    read when it is a regular file within `limit` bytes (a third of read_bytes's time).
    None for anything else: the caller reads that file the careful way, which says what is
    wrong with it."""

    def __init__(self, root: Path, limit: int) -> None:
        self.root, self.limit = root, limit
        self._folders: dict[str, bool] = {}

    def read(self, full: str) -> bytes | None:
        found = self.read_stat(full)
        return None if found is None else found[0]

    def read_stat(self, full: str) -> tuple[bytes, os.stat_result] | None:
        """The file's bytes and its fstat as opened (its stamp: what was read), or None."""
        folder = full.rpartition(os.sep)[0]
        ok = self._folders.get(folder)
        if ok is None:
            ok = self._folders[folder] = refusal(self.root, folder, folder=True) is None
        if not ok or not _NOFOLLOW:
            return None
        try:
            fd = os.open(full, _OPEN | _NOFOLLOW)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > self.limit:
                return None
            raw = os.read(fd, info.st_size + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return (raw, info) if len(raw) == info.st_size else None  # it changed meanwhile: read it the careful way


def check_folders(root: Path, path: Path | str, what: str) -> None:
    """Before writing `path`: every existing folder on the way is a real folder inside the
    repository (a symlinked ledger folder would put the ledger somewhere else)."""
    full = Path(root, path)
    check(root, full, what)
    parent = full.parent
    check(root, parent, what, folder=True)


#: (root, folder) -> the identity (device, inode) the folder had when prepare_write found it
#: safe. Folders have no hard links: a path that still leads to a folder with that identity
#: leads to that folder, whatever happened on the way, so it needs no check again.
_SAFE_FOLDERS: dict[tuple[str, str], tuple[int, int]] = {}
_SAFE_FOLDERS_MAX = 65536


def prepare_write(root: Path, path: Path | str, what: str) -> None:
    """Before writing the file `path` (under the root, or relative to it): its folder is
    made where missing, and it and every folder on the way are real folders inside the
    repository (check_folders, before and after making them), and the file is none of what
    `check` refuses. A run writes the same ledger files again and again: a folder found
    safe is remembered with its identity, and the next write into it only looks at the
    folder and the file (one lstat each) while the folder is the same folder (a folder
    replaced by a symlink, or by another folder, is checked in full again) and the file is
    a regular file or not there yet (anything else is checked in full, and refused)."""
    full = os.path.join(root, path)
    folder, _, name = full.rpartition(os.sep)
    key = (str(root), folder)
    known = _SAFE_FOLDERS.get(key)
    if known is not None and name not in ("", os.curdir, os.pardir) and name.lower() != ".git" \
            and _same_folder(folder, known) and _regular_or_missing(full):
        return
    check_folders(root, full, what)
    os.makedirs(folder, exist_ok=True)
    check_folders(root, full, what)
    try:
        info = os.lstat(folder)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        if len(_SAFE_FOLDERS) >= _SAFE_FOLDERS_MAX:
            _SAFE_FOLDERS.clear()
        _SAFE_FOLDERS[key] = (info.st_dev, info.st_ino)


def _same_folder(folder: str, known: tuple[int, int]) -> bool:
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and (info.st_dev, info.st_ino) == known


def _regular_or_missing(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


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


def write_atomically(path: Path, text: str) -> None:
    """`text` written whole under a temporary name beside `path`, then renamed over it, so a
    reader (or a run killed meanwhile) never sees half a file."""
    import threading

    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
    data = memoryview(text.encode("utf-8"))
    try:
        # not Path.write_text: the text layer costs more than the write (a run writes a ledger
        # file twice per platform call); O_NOFOLLOW: a symlink left at the temporary name is
        # not followed
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | getattr(os, "O_BINARY", 0), 0o666)
        try:
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
