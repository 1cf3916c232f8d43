"""safepaths.read_bytes: the file it checks is the file it opens."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from socialops import safepaths


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "posts").mkdir(parents=True)
    return root


def test_a_symlink_that_stays_inside_the_repository_is_read(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "posts" / "real.md").write_text("---\nid: real\n---\nHello\n")
    os.symlink("real.md", root / "posts" / "alias.md")
    assert safepaths.read_bytes(root, "posts/alias.md", "posts/alias.md", 1000) == b"---\nid: real\n---\nHello\n"


def test_a_symlink_that_leaves_the_repository_is_refused(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (tmp_path / "secret.md").write_text("secret")
    os.symlink(tmp_path / "secret.md", root / "posts" / "leak.md")
    with pytest.raises(safepaths.UnsafePath, match="outside the repository through a symlink"):
        safepaths.read_bytes(root, "posts/leak.md", "posts/leak.md", 1000)


def test_dot_dot_after_a_symlinked_folder_does_not_reach_outside(tmp_path: Path) -> None:
    """`posts/out/..` reads as `posts` when checked; the system would follow `out` first
    and land beside its target, outside the repository: the checked path is the one opened."""
    root = _repo(tmp_path)
    (tmp_path / "outside" / "sub").mkdir(parents=True)
    (tmp_path / "outside" / "secret.md").write_text("secret")
    os.symlink(tmp_path / "outside" / "sub", root / "posts" / "out")
    with pytest.raises(OSError):
        safepaths.read_bytes(root, "posts/out/../secret.md", "posts/secret.md", 1000)


def test_a_file_larger_than_the_limit_is_refused_and_one_at_it_is_read(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "posts" / "big.md").write_bytes(b"x" * 1001)
    (root / "posts" / "fits.md").write_bytes(b"x" * 1000)
    with pytest.raises(safepaths.UnsafePath, match="1,001 bytes, more than the 1,000"):
        safepaths.read_bytes(root, "posts/big.md", "posts/big.md", 1000)
    assert safepaths.read_bytes(root, "posts/fits.md", "posts/fits.md", 1000) == b"x" * 1000
