"""safepaths.read_bytes: the file it checks is the file it opens."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from socialops import ledger, safepaths


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


def _ledger_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    return root


def test_a_ledger_folder_swapped_for_a_symlink_between_writes_is_refused(tmp_path: Path) -> None:
    """A run writes each ledger file many times and checks a folder in full only once; a
    folder that is no longer the one it checked (a reset of the branch brought a symlink)
    is checked again, and nothing is written outside the repository."""
    root = _ledger_root(tmp_path)
    ledger.write_text(root, "news/launch", "post: news/launch\n")
    ledger.write_text(root, "news/launch", "post: news/launch\nchannels: {}\n")
    folder = root / ".socialops" / "ledger" / "news"
    shutil.rmtree(folder)
    os.symlink(tmp_path / "outside", folder)
    with pytest.raises(safepaths.UnsafePath, match=r"news/launch\.yaml: it leads outside the repository"):
        ledger.write_text(root, "news/launch", "post: news/launch\n")
    assert list((tmp_path / "outside").iterdir()) == []


def test_a_ledger_file_swapped_for_a_symlink_or_a_fifo_between_writes_is_refused(tmp_path: Path) -> None:
    root = _ledger_root(tmp_path)
    secret = tmp_path / "outside" / "secret.txt"
    secret.write_text("keep me")
    ledger.write_text(root, "a", "post: a\n")
    path = root / ".socialops" / "ledger" / "a.yaml"
    path.unlink()
    os.symlink(secret, path)
    with pytest.raises(safepaths.UnsafePath, match=r"a\.yaml: it leads outside the repository"):
        ledger.write_text(root, "a", "post: a\n")
    assert secret.read_text() == "keep me"
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(safepaths.UnsafePath, match=r"a\.yaml: it is a FIFO"):
        ledger.write_text(root, "a", "post: a\n")
    path.unlink()
    ledger.write_text(root, "a", "post: a\nchannels: {}\n")  # a regular file again: written
    assert path.read_text() == "post: a\nchannels: {}\n"


def test_a_file_written_atomically_by_a_relative_name_stays_in_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file goes beside the file (a user may not write anywhere else)."""
    monkeypatch.chdir(tmp_path)
    renamed: list[str] = []
    replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (renamed.append(os.path.abspath(src)), replace(src, dst))[1])
    safepaths.write_atomically(Path("plain.yaml"), "a: 1\n")
    assert (tmp_path / "plain.yaml").read_text() == "a: 1\n"
    assert [os.path.dirname(p) for p in renamed] == [str(tmp_path)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.yaml"]  # no temporary left
