"""The Atom feed as a feed reader and a validator see it: valid against RFC 4287's RELAX NG
grammar, permalinks, rel="self", encoded media URLs, inline images escaped, `updated`
that never goes back; and publishing in one write per run that a killed run cannot lose."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import rnc2rng
from lxml import etree

from socialops.adapters import feed as feed_module
from socialops.adapters.base import OutgoingMedia, OutgoingPart
from socialops.adapters.feed import FeedAdapter, render_feed
from socialops.model import Project
from tests.publish.conftest import Site, run_publish

ATOM = "{http://www.w3.org/2005/Atom}"
GRAMMAR = Path(__file__).parent.parent / "fixtures" / "atom.rnc"


def validate(data: bytes) -> None:
    """RFC 4287's grammar (Appendix B), and its two Schematron rules by hand."""
    rng = rnc2rng.dumps(rnc2rng.loads(GRAMMAR.read_text("utf-8"))).replace('xmlns:local=""', "")
    schema = etree.RelaxNG(etree.fromstring(rng.encode()))
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert doc.xpath("a:author or not(a:entry[not(a:author)])", namespaces=ns)
    for entry in doc.xpath("a:entry", namespaces=ns):
        assert entry.xpath("a:link[@rel='alternate'] or a:link[not(@rel)] or a:content", namespaces=ns)


def entries(site: Site) -> list[ET.Element]:
    return ET.fromstring((site.root / "feed.xml").read_bytes()).findall(f"{ATOM}entry")


def links(entry: ET.Element) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for link in entry.findall(f"{ATOM}link"):
        out.setdefault(link.get("rel", ""), []).append(dict(link.attrib))
    return out


def test_the_feed_is_valid_atom_with_self_and_per_entry_links(site: Site) -> None:
    site.write("media/team photo #2.png", "png")
    site.post("2026/launch", ["feed"], "We launch <today> & \"tomorrow\".\n\nSecond paragraph.\n",
              extra='media:\n  - {path: "media/team photo #2.png", alt: "The team <b>\\"cheering\\"</b>"}\n')
    site.post("other", ["feed"], "Another one.\n")
    site.commit()
    result = run_publish(site)
    data = (site.root / "feed.xml").read_bytes()
    validate(data)
    feed = ET.fromstring(data)
    assert links(feed)["self"] == [{"rel": "self", "href": "https://example.com/feed.xml",
                                    "type": "application/atom+xml"}]
    by_id = {e.findtext(f"{ATOM}id", "").rsplit("/", 1)[-1]: e for e in feed.findall(f"{ATOM}entry")}
    launch = by_id["launch"]
    assert links(launch)["alternate"][0]["href"] == "https://example.com#2026/launch"
    assert links(by_id["other"])["alternate"][0]["href"] == "https://example.com#other"
    [enclosure] = links(launch)["enclosure"]
    assert enclosure["href"] == "https://example.com/media/team%20photo%20%232.png"
    content = launch.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    html = content.text or ""
    assert html.startswith("<p>We launch &lt;today&gt; &amp; &quot;tomorrow&quot;.</p>\n<p>Second paragraph.</p>")
    assert ('<img src="https://example.com/media/team%20photo%20%232.png" '
            'alt="The team &lt;b&gt;&quot;cheering&quot;&lt;/b&gt;">') in html
    assert "<b>" not in html  # nothing from the post becomes markup
    urls = {p.id: p.channels[0].parts[0].url for p in result.posts}
    assert urls == {"2026/launch": "https://example.com#2026/launch", "other": "https://example.com#other"}
    assert site.ledger("2026/launch")["channels"]["feed"]["parts"][0]["url"] == "https://example.com#2026/launch"


def test_a_permalink_pattern_gives_each_entry_the_posts_own_page(site: Site) -> None:
    site.configure({"feed": {**site.channels["feed"], "permalink": "https://acme.example/news/{id}",
                             "feed_url": "https://acme.example/news/feed.atom"}})
    site.post("2026/winter sale", ["feed"], "Sale!\n")
    site.commit()
    result = run_publish(site)
    [entry] = entries(site)
    assert links(entry)["alternate"][0]["href"] == "https://acme.example/news/2026/winter%20sale"
    assert result.posts[0].channels[0].parts[0].url == "https://acme.example/news/2026/winter%20sale"
    feed = ET.fromstring((site.root / "feed.xml").read_bytes())
    assert links(feed)["self"][0]["href"] == "https://acme.example/news/feed.atom"
    validate((site.root / "feed.xml").read_bytes())


def test_updated_never_goes_back_when_the_newest_entry_is_retracted(site: Site, run_cli) -> None:
    site.post("old", ["feed"], "Old.\n", at="2026-11-02T05:00")
    site.post("new", ["feed"], "New.\n", at="2026-11-02T09:00")
    site.commit()
    run_publish(site, now="2026-11-02T10:00")
    updated = ET.fromstring((site.root / "feed.xml").read_bytes()).findtext(f"{ATOM}updated")
    assert updated == "2026-11-02T09:00:00Z"
    out = run_cli("retract", "new", "--push", cwd=site.root)
    assert out.returncode == 0, out.stdout + out.stderr
    feed = ET.fromstring((site.root / "feed.xml").read_bytes())
    assert [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")] == ["tag:example.com,2026-11-02:feed/old"]
    assert feed.findtext(f"{ATOM}updated") == "2026-11-02T09:00:00Z"


def _adapter(site: Site) -> FeedAdapter:
    project = Project.load(site.root)
    return FeedAdapter(project.config.channels["feed"], None, None, site.root)


def _part(post_id: str, day: int, index: int = 0, text: str = "Hello", media: tuple[OutgoingMedia, ...] = ()) -> OutgoingPart:
    from datetime import UTC, datetime

    return OutgoingPart(post_id, "feed", index, f"{text} {post_id} {index}", media,
                        published_at=datetime(2026, 11, day % 28 + 1, day % 24, tzinfo=UTC))


def test_one_write_per_run_gives_the_same_bytes_as_rendering_the_whole_feed(site: Site) -> None:
    site.write("media/a b.png", "png")
    adapter = _adapter(site)
    for i in range(40):  # out of time order, threads, media: the kept bytes are reused
        media = (OutgoingMedia(site.root / "media/a b.png", "alt & <more>", "image/png"),) if i % 3 == 0 else ()
        adapter.publish(_part(f"p{i}", (i * 7) % 30, 0, media=media))
        if i % 4 == 0:
            adapter.publish(_part(f"p{i}", (i * 7) % 30, 1, text="more"))
        if i % 10 == 9:
            adapter.flush()
    adapter.flush()
    data = (site.root / "feed.xml").read_bytes()
    file = adapter.file
    whole = render_feed(adapter, [file.entries[i] for _, i in file.order], file.updated)
    assert data == whole
    validate(data)
    fresh = feed_module.FeedFile(adapter.path, adapter.rel)  # as a new run reads it
    assert fresh.load().keys() == file.entries.keys()
    for entry_id, entry in file.entries.items():
        again = fresh.entries[entry_id]
        assert (again.text, again.parts, again.enclosures, again.link) == \
            (entry.text, entry.parts, entry.enclosures, entry.link)


def test_a_run_killed_before_the_feed_was_written_loses_nothing(site: Site) -> None:
    site.post("kept", ["feed"], "Kept.\n")
    site.commit()
    adapter = _adapter(site)
    adapter.publish(_part("killed", 3))  # published, recorded in the journal, never flushed
    assert not (site.root / "feed.xml").exists()
    assert (site.root / ".feed.xml.pending").exists()
    feed_module._FILES.clear()  # a new process
    run_publish(site)
    ids = [e.findtext(f"{ATOM}id", "") for e in entries(site)]
    assert any(i.endswith("/killed") for i in ids) and any(i.endswith("/kept") for i in ids)
    assert not (site.root / ".feed.xml.pending").exists()
    assert site.clean()
    assert re.search(r"feed/killed", site.remote_file("feed.xml"))
