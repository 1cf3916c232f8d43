"""The default channel of a new project: an Atom feed written into the repository."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import git
from tests.publish.conftest import Site, run_publish

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = "2026-12-01T10:00"


def test_a_new_project_publishes_its_welcome_post_to_the_feed(tmp_path: Path, run_cli) -> None:
    init = run_cli("init", "demo", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    demo = tmp_path / "demo"
    first = run_cli("publish", cwd=demo)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "welcome" in first.stdout and "feed: published" in first.stdout
    assert "no git remote" in first.stdout
    feed = ET.fromstring((demo / "feed.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == "Hello! This is the first post of Demo, published with socialops."
    assert "a pull request is the review" in (entries[0].findtext(f"{ATOM}content") or "")
    ledger = (demo / ".socialops/ledger/welcome.yaml").read_text()
    assert "status: published" in ledger
    assert git(demo, "status", "--porcelain") == ""
    assert git(demo, "log", "--format=%s").splitlines()[:2] == [
        "socialops: published 1 post channel", "socialops: claim 1 post"]
    again = run_cli("publish", "--format", "json", cwd=demo)
    assert again.returncode == 0
    assert json.loads(again.stdout)["posts"] == []
    assert len(git(demo, "log", "--format=%s").splitlines()) == 3  # no new commit


def test_feed_entries_are_newest_first_stable_and_deterministic(site: Site) -> None:
    site.post("old", ["feed"], "First post\n\nwith two paragraphs.\n", at="2026-11-30T09:00")
    site.post("new", ["feed"], "Second post: the newer one.\n", at="2026-12-01T09:00",
              extra="title: A title for the feed\n")
    site.commit()
    result = run_publish(site, now="2026-11-30T10:00")
    assert [p.id for p in result.posts] == ["old"]
    first_bytes = (site.root / "feed.xml").read_bytes()
    run_publish(site, now=DAY)
    feed = ET.fromstring((site.root / "feed.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "tag:example.com,2026-12-01:feed/new", "tag:example.com,2026-11-30:feed/old"]
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["A title for the feed", "First post"]
    assert feed.findtext(f"{ATOM}updated") == "2026-12-01T09:00:00Z"
    assert entries[1].findtext(f"{ATOM}content") == "<p>First post</p>\n<p>with two paragraphs.</p>"
    # the old entry is byte-for-byte what the first run wrote
    old_entry = first_bytes[first_bytes.index(b"<entry>"):first_bytes.index(b"</entry>")]
    assert old_entry in (site.root / "feed.xml").read_bytes()
    assert "feed.xml" in git(site.remote, "show", "--name-only", "--format=", "main")


def test_a_thread_becomes_one_entry_with_media_as_enclosures(site: Site) -> None:
    site.write("media/chart.png", "not really a png")
    site.post("thread", ["feed"], "Part one.\n\n---\nPart two.\n", at="2026-12-01T09:00",
              extra="media:\n  - {path: media/chart.png, alt: A chart going up}\n")
    site.commit()
    result = run_publish(site, now=DAY)
    assert [p.status for p in result.posts[0].channels[0].parts] == ["published", "published"]
    entry = ET.fromstring((site.root / "feed.xml").read_bytes()).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}content") == ("<p>Part one.</p>\n<p>Part two.</p>\n"
                                                '<p><img src="https://example.com/media/chart.png" alt="A chart going up"></p>')
    links = {link.get("rel"): link.attrib for link in entry.findall(f"{ATOM}link")}
    assert links["enclosure"] == {"rel": "enclosure", "href": "https://example.com/media/chart.png",
                                  "type": "image/png", "length": "16", "title": "A chart going up"}


def test_retract_removes_the_feed_entry_and_it_is_not_published_again(site: Site, run_cli) -> None:
    site.post("gone", ["feed"], "Soon retracted.\n")
    site.commit()
    run_publish(site)
    assert b"feed/gone" in (site.root / "feed.xml").read_bytes()
    out = run_cli("retract", "gone", "--push", cwd=site.root)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "retracted" in out.stdout
    assert b"feed/gone" not in (site.root / "feed.xml").read_bytes()
    assert site.ledger("gone")["channels"]["feed"]["status"] == "retracted"
    assert site.remote_log()[0] == "socialops: retract gone"
    assert run_publish(site).posts == []
    assert b"feed/gone" not in (site.root / "feed.xml").read_bytes()


def test_a_project_in_a_subfolder_of_the_repository(tmp_path: Path, run_cli) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    top = tmp_path / "monorepo"
    (top / "app").mkdir(parents=True)
    (top / "app/code.py").write_text("print('hi')\n")
    git(tmp_path, "init", "-q", "-b", "main", str(top))
    (top / "social").mkdir()
    assert run_cli("init", "social", cwd=top).returncode == 0
    assert not (top / "social/.git").exists()
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "monorepo")
    git(top, "remote", "add", "origin", str(remote))
    git(top, "push", "-q", "origin", "main")
    out = run_cli("publish", cwd=top / "social")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "feed: published" in out.stdout
    changed = git(remote, "show", "--name-only", "--format=", "main").split()
    assert sorted(changed) == ["social/.socialops/ledger/welcome.yaml", "social/feed.xml"]
    assert git(top, "status", "--porcelain") == ""
