"""`status` keeps what each ledger file parsed to (beside lint's cache) and reads again only
the files that changed: what it shows is what it shows without the cache, whatever happened
to a ledger file in between."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from socialops import ledger
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord
from tests.publish.conftest import NOW, Site, at

Cli = Callable[..., subprocess.CompletedProcess[str]]
LONG_AGO = time.time() - 3600  # older than the two seconds a file must be steady to be kept


def _published(post_id: str, status: str = "published") -> LedgerEntry:
    part = PartRecord(0, status, id=f"id-{post_id}", url=f"https://example.com/{post_id}", at=at(1),
                      hash="ab" * 32, attempts=1, run="0123456789ab")
    return LedgerEntry(post_id, f"posts/{post_id}.md", {"feed": ChannelRecord(status, at(), at(1), None, None, [part], 1)})


def _status(site: Site, run_cli: Cli, *, cache: bool = True) -> Any:
    out = run_cli("status", "--format", "json", "--now", NOW, cwd=site.root,
                  env=None if cache else {"SOCIALOPS_NO_CACHE": "1"})
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def _sections(report: Any) -> dict[str, list[str]]:
    return {name: sorted(row["post"] for row in rows) for name, rows in report["sections"].items() if rows}


def _age(path: Path) -> None:
    os.utime(path, (LONG_AGO, LONG_AGO))


def test_status_from_kept_ledger_parses_shows_what_the_files_say(site: Site, run_cli: Cli) -> None:
    for name in ("a", "b", "c"):
        site.post(name, ["feed"], f"Post {name}.\n", at=at())
        ledger.write(site.root, _published(name))
    site.commit()
    for path in (site.root / ".socialops" / "ledger").iterdir():
        _age(path)
    cache = site.root / ".git" / "socialops" / "ledger-cache"
    first = _status(site, run_cli)
    assert cache.exists()
    assert _sections(first)["published"] == ["a", "b", "c"]
    assert _status(site, run_cli) == first == _status(site, run_cli, cache=False)

    # an edit that keeps the size and the modification time (only the change time moves)
    path = site.root / ".socialops" / "ledger" / "b.yaml"
    text = path.read_text()
    path.write_text(text.replace("status: published", "status: retracted"))
    assert len(path.read_text()) == len(text)
    _age(path)
    after = _status(site, run_cli)
    assert _sections(after)["retracted"] == ["b"] and _sections(after)["published"] == ["a", "c"]
    assert after == _status(site, run_cli, cache=False)

    # a file removed is gone from status; one added is read
    (site.root / ".socialops" / "ledger" / "c.yaml").unlink()
    ledger.write(site.root, _published("d"))
    site.post("d", ["feed"], "Post d.\n", at=at())
    assert _sections(_status(site, run_cli))["published"] == ["a", "d"]


def test_a_kept_ledger_file_replaced_by_a_symlink_is_checked_again(site: Site, run_cli: Cli) -> None:
    """What was kept of a file never stands in for a symlink put in its place: the link is
    read (and refused) exactly as without the cache."""
    site.post("a", ["feed"], "Post a.\n", at=at())
    ledger.write(site.root, _published("a"))
    site.commit()
    path = site.root / ".socialops" / "ledger" / "a.yaml"
    _age(path)
    assert _sections(_status(site, run_cli))["published"] == ["a"]
    outside = site.tmp / "outside.yaml"
    outside.write_text(path.read_text())
    _age(outside)  # the same text, size and modification time as the file kept
    path.unlink()
    path.symlink_to(outside)
    with_cache = run_cli("status", "--format", "json", "--now", NOW, cwd=site.root)
    without = run_cli("status", "--format", "json", "--now", NOW, cwd=site.root, env={"SOCIALOPS_NO_CACHE": "1"})
    assert (with_cache.returncode, with_cache.stdout, with_cache.stderr) == \
        (without.returncode, without.stdout, without.stderr)
    assert "outside the repository" in with_cache.stdout + with_cache.stderr
