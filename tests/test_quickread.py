"""Linting some posts reads the others quickly; what it reads must be what the YAML
loader reads, or the file is read in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialops.lint.quickread import Others, quick_post
from socialops.model import Project, read_post
from tests.calendar.conftest import findings
from tests.conftest import DEFAULT_CONFIG

FRONTS = [
    "channels: [mastodon-main, 'x-main']\npublish_at: 2026-12-01T09:00   # morning\nstatus: ready",
    "channels:\n  - mastodon-main\n  # a comment\n  - \"bluesky-main\"\npublish_at: '2026-12-01 09:00'\ncampaign: w",
    "channels: feed\npublish_at: queue\nid: custom/id",
    "id: 123\nchannels: [feed]\npublish_at: 2026-12-01T09:00",  # an int id: not a string id
    "channels: [feed]\npublish_at: 2026-12-01T09:00\nstatus: draft\nvariants:\n  feed: Other text",
    "channels: &c [feed]\npublish_at: 2026-12-01T09:00",
    "channels:\n- feed\n- x-main\npublish_at: 2026-12-01T09:00+01:00",
    "title: \"A: title\"\nmedia:\n  - {path: media/a.png, alt: x > y}\nchannels: [feed]\npublish_at: 2026-12-01T09:00",
    "channels: [feed] # only the feed\npublish_at: \"2026-12-01T09:00\"\ncampaign: 2026",
    "publish_at: 2026-12-01T09:00\nlang: de",
    "channels: [feed\npublish_at: 2026-12-01T09:00",  # broken YAML
    # the shapes publish's selection meets
    "channels: [feed, mastodon]\npublish_at: 2026-12-01T09:00\nstatus: ready\n",
    "channels: [feed]\npublish_at: '2026-12-01T09:00+01:00'  # launch\nstatus: draft\nid: keep/this\n",
    "channels: feed\npublish_at: \"2026-12-01T09:00Z\"\n",
    "status: ready\npublish_at: queue\n",
    "title: No time\nmedia:\n  - path: media/a.png\n    alt: 'status: draft'\n",
    "channels:\n  - feed\n  - mastodon\npublish_at: 2026-12-01T09:00\n",
    "channels: [feed,\n  mastodon]\npublish_at: 2026-12-01T09:00\n",
    "publish_at: 2026-12-01T09:00\npublish_at: 2026-12-02T09:00\n",
    "{channels: [feed], publish_at: 2026-12-01T09:00}\n",
    "status: !!str ready\npublish_at: 2026-12-01T09:00\n",
    "status: &s ready\npublish_at: 2026-12-01T09:00\n",
    "publish_at: 2026-12-01 09:00\n",
    "channels: ['feed']\n",
    "variants:\n  feed: |\n    status: draft\n    publish_at: 2030-01-01T00:00\n",
    "id: 'a #b'\n",
    "status:\npublish_at: 2026-12-01T09:00\n",
    "channels: [feed, x-main, feed]\npublish_at: tomorrow\nid: '  '\n",  # no time; a blank id
    "channels: []\npublish_at: 2026-12-01\ncampaign: ''\n",
    "channels: ''\npublish_at: ' queue '\nstatus: ''\n",
    "publish_at: 2027-03-28T02:30\n",  # the clocks skip it in Berlin
    "publish_at: 2026-10-25T02:30\n",  # happens twice in Berlin
    "campaign: spring#2\nid: a#b # a comment\nchannels: [feed#1]\n",  # a '#' inside a word is no comment
    "campaign: 'spring#2'\nstatus: ready\t# tab, then a comment\nchannels: feed\t\n",
    "campaign: \u00a0spring\n",
    "campaign: a: b\nchannels: [feed]\n",  # not YAML: the post cannot be read
    "campaign: 'a: b'\nstatus: 'x:'\n",
    # shapes the quick read once took otherwise than YAML (bench/README.md, issue 17)
    "campaign: fall 2027\n  id:x\nchannels: [feed]\n",  # a plain value continued on the next line
    "id: a\n\n  b\nchannels: [feed]\n",  # ... after a blank line
    "channels: [feed]\nid: a\n  # a comment under it\n",
    "  id: nested\n  channels: [feed]\n",  # the whole mapping indented
    "id: a\nno colon here\nchannels: [feed]\n",  # not YAML
    "id: a\n...\nchannels: [feed]\n",
    "id: a\n\t\nchannels: [feed]\n",
    "\tid: a\nchannels: [feed]\n",
    "id: a\u2028b\nchannels: [feed]\n",
    "campaign: x\u0085y\nchannels: [feed]\n",
    "idx:value\nid: a\nchannels: [feed]\n",
    "title: a: b\nid: a\n",
]


@pytest.mark.parametrize("front", FRONTS)
def test_a_quick_read_agrees_with_the_loader(project, front: str) -> None:
    path = project.post("p.md", front, "Body text.\n\n---\nPart two.\n")
    full = read_post(project.root, path)
    quick = quick_post(project.root, path, "posts/p.md")
    assert (quick.readable, quick.id, quick.own_channels, quick.publish_at, quick.status, quick.campaign) == \
        (full.readable, full.id, full.own_channels, full.publish_at, full.status, full.campaign)
    assert (quick.body, quick.body_line, quick.variants) == (full.body, full.body_line, full.variants)
    assert ("channels" in quick.meta) == ("channels" in full.meta)


def test_the_briefs_of_a_fresh_clone_are_what_the_full_reader_gives(project, monkeypatch) -> None:
    """Linting one post in a fresh clone (no lint cache yet) reads only the brief of every
    other post (id, channels, time, campaign, status), quicker than making posts of them; it
    must be what reading each file in full gives, for every shape of front matter, including
    those it leaves to the full reader (a symlink, CRLF lines, a byte order mark, a file that
    is not UTF-8, no front matter)."""
    import socialops.lint.cache as lintcache
    from socialops.lint.cache import LintCache, brief_of

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    project.write("socialops.yaml", DEFAULT_CONFIG + "defaults:\n  channels: [feed, mastodon-main, feed]\n")
    for i, front in enumerate(FRONTS):
        project.post(f"f{i:02d}.md", front, "Body.\n")
    project.write("posts/crlf.md", "---\r\nid: crlf\r\nchannels: [feed]\r\npublish_at: 2026-12-01T09:00\r\n---\r\nA\r\n")
    project.write("posts/bom.md", "\ufeff---\nid: bom\nchannels: [feed]\n---\nA\n")
    (project.root / "posts" / "latin1.md").write_bytes(b"---\nid: caf\xe9\n---\nA\n")
    project.write("posts/none.md", "No front matter.\n")
    project.write("elsewhere.md", "---\nid: elsewhere\nchannels: [feed]\n---\nA\n")
    (project.root / "posts" / "link.md").symlink_to(project.root / "elsewhere.md")
    (project.root.parent / "outside.md").write_text("---\nid: outside\nchannels: [feed]\n---\nA\n")
    (project.root / "posts" / "out.md").symlink_to(project.root.parent / "outside.md")
    loaded = Project.load(project.root)
    files, _ = loaded.post_files()
    cut = len(str(loaded.root)) + 1
    expected = {full[cut:]: brief_of(read_post(loaded.root, Path(full)), loaded) for full in files}
    assert len(expected) == len(FRONTS) + 6 and expected["posts/out.md"][0] == "out"  # refused: not read
    assert dict(Others(loaded, set()).briefs) == expected  # no cache at all
    cache = LintCache.open(loaded)
    assert cache is not None and not cache.entries
    assert dict(Others(loaded, set(), cache).briefs) == expected  # a fresh clone's: kept in the cache
    cache.save()
    again = LintCache.open(Project.load(project.root))
    assert again is not None and dict(Others(loaded, set(), again).briefs) == expected


@pytest.mark.parametrize("closing", ["--- \u00a0", "---\f", "--- \t"])
def test_a_quick_read_closes_the_front_matter_where_the_loader_does(project, closing: str) -> None:
    path = project.write("posts/p.md", f"---\nchannels: [feed]\n{closing}\nstatus: draft\n---\nBody\n".encode())
    full = read_post(project.root, path)
    quick = quick_post(project.root, path, "posts/p.md")
    assert (quick.readable, quick.status, quick.body) == (full.readable, full.status, full.body)


def test_the_quick_read_is_taken_for_the_usual_shape(project) -> None:
    path = project.post("p.md", "channels: [feed, mastodon]\npublish_at: 2026-12-01T09:00\nstatus: ready")
    quick = quick_post(project.root, path, "posts/p.md")
    assert quick.quick and quick.own_channels == ["feed", "mastodon"] and quick.id == "p"
    variants = project.post("v.md", "channels: [feed]\nvariants:\n  feed: |\n    status: draft\n")
    assert not quick_post(project.root, variants, "posts/v.md").quick  # read in full


def test_linting_one_post_checks_it_against_all_the_others(project, cli) -> None:
    project.write("calendar.yaml", "spacing: {min_gap: 2h}\n")
    project.post("a.md", "channels: [mastodon-main]\npublish_at: 2026-12-02T09:00", "A\n")
    project.post("b.md", "channels:\n  - mastodon-main\npublish_at: 2026-12-02T10:00", "B\n")
    project.post("c.md", "channels: [mastodon-main]\npublish_at: 2026-12-02T10:30", "C\n")
    everything = findings(project.root, "2026-11-30T08:00")
    assert [(f[0], f[1]) for f in everything] == [("posts/a.md", 3), ("posts/b.md", 4), ("posts/b.md", 4),
                                                  ("posts/c.md", 3)]
    one = cli("lint", "posts/b.md", "--now", "2026-11-30T08:00", "--format", "json", cwd=project.root)
    found = [(p["path"], p["line"], p["message"]) for p in json.loads(one.stdout)["problems"] if p["rule"] == "calendar"]
    assert found == [(path, line, message) for path, line, _, _, message in everything if path == "posts/b.md"]
    assert len(Others(Project.load(project.root), {"posts/b.md"}).posts()) == 2


@pytest.mark.parametrize(("series", "at_once"), [(False, False), (True, False), (False, True)])
def test_linting_one_post_finds_what_linting_all_finds_about_it(project, monkeypatch, series: bool,
                                                                 at_once: bool) -> None:
    """A one-post lint checks the post against the few others the calendar's findings about
    it depend on (those near it on its channels, and the one before it on each), or all of
    them when calendar.yaml has recurring series: either way, for every post, exactly what a
    full lint finds about it, with the lint cache and without, and with the other posts of
    a fresh clone read at once (socialops.lint.bulkread, in two processes)."""
    import random

    import socialops.lint.bulkread as bulkread
    import socialops.lint.cache as lintcache
    import socialops.lint.quickread as quickread
    from socialops.lint import lint
    from socialops.timeutil import parse_time

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    if at_once:
        monkeypatch.setattr(quickread, "AT_ONCE_FROM", 0)
        monkeypatch.setattr(bulkread, "workers_for", lambda files: 2)  # whatever the load
    rng = random.Random(7)
    calendar = ("spacing:\n  min_gap: 1h\n  max_per_day: 2\n  channels: {feed: {min_gap: 3h}}\n"
                "  campaigns: {spring: {max_per_day: 1}}\ncampaigns:\n  spring: {from: 2027-03-01, to: 2027-03-20}\n")
    if series:
        calendar += ('recurring:\n  - {id: tips, cron: "0 10 * * MON", channels: [x-main], from: 2027-03-01, '
                     "until: 2027-04-30, pool: posts/pool}\n")
        project.post("pool/t1.md", "channels: [x-main]", "Same tip\n")
    project.write("calendar.yaml", calendar)
    texts = ["Same words here\n", "Other words\n", "Third text\n"]
    for i in range(70):
        day, hour = rng.randint(1, 25), rng.randint(6, 20)
        channels = rng.sample(["mastodon-main", "feed"], rng.randint(1, 2)) + (["x-main"] if i % 6 == 0 else [])
        campaign = "\ncampaign: spring" if rng.random() < 0.3 else ""
        project.post(f"p{i:02d}.md", f"channels: [{', '.join(channels)}]\npublish_at: 2027-03-{day:02d}T{hour:02d}:"
                     f"{rng.choice(['00', '30'])}{campaign}", rng.choice(texts))
    loaded = Project.load(project.root)
    now = parse_time("2027-02-01T08:00", loaded.config.timezone)
    everything = lint(loaded, None, now, use_cache=False).problems
    assert sum(p.rule == "calendar" for p in everything) > 20
    assert {m for p in everything for m in ("same text", "a day") if m in p.message} == {"same text", "a day"}
    cache_file = project.root / ".git" / "socialops" / "lint-cache"
    for mode in ("no cache", "fresh clone", "after a lint"):
        if mode == "after a lint":
            lint(loaded, None, now)
        for i in range(70):
            if mode == "fresh clone":  # no cache yet: the others' briefs are read and kept
                cache_file.unlink(missing_ok=True)
            path = project.root / "posts" / f"p{i:02d}.md"
            one = lint(Project.load(project.root), [path], now, use_cache=mode != "no cache").problems
            assert [p for p in one if p.path == f"posts/p{i:02d}.md"] == \
                [p for p in everything if p.path == f"posts/p{i:02d}.md"], (mode, i)


def test_the_views_show_the_same_from_a_quick_read_as_from_a_full_one(project, cli, tmp_path) -> None:
    """In a fresh clone status, plan and calendar read every post quickly (the keys they
    show: id, channels, time, status, campaign, author; anything unusual in full); after a
    lint they take the posts lint read in full from its cache. What they show must be the
    same, byte for byte, and again when the quick reads come from the cache."""
    import time

    project.write("calendar.yaml", "spacing: {min_gap: 1h}\nrecurring:\n  - {id: tips, cron: '0 10 * * MON', "
                  "channels: [x-main], from: 2027-03-01, until: 2027-03-31, pool: posts/pool}\n")
    project.post("pool/t1.md", "channels: [x-main]\nauthor: Pool Writer", "Tip one\n")
    project.post("a.md", "channels: [mastodon-main, feed]\npublish_at: 2027-03-02T09:00\nauthor: Ada\ncampaign: spring",
                 "Hello *world*\n\n---\nPart two\n")
    project.post("b.md", "channels: [x-main]\npublish_at: 2027-03-02T09:30\nauthor: 'Bea: the writer'\n"
                 "variants:\n  x-main: Short for X", "Long body for the others\n")
    project.post("c.md", "channels:\n  - bluesky-main\npublish_at: queue\nstatus: draft\ntitle: A title", "Queued\n")
    project.post("d.md", "publish_at: 2027-03-05T12:00\nauthor: 42\nmastodon: {spoiler_text: careful}", "Defaults\n")
    project.post("e.md", "id: custom/e\nchannels: feed\npublish_at: '2027-03-06T08:00+02:00'\nauthor: \"Eve\"\n"
                 "lang: de", "<!-- hidden -->Sichtbar\n")
    project.post("f.md", "channels: [linkedin-company]\npublish_at: 2027-03-07T10:00\nstatus: ready\n"
                 "author: Fay  # the intern", "Ready\n")
    project.commit("posts")
    time.sleep(2.1)  # lint's cache keeps only files unchanged for 2 s
    now = ("--now", "2027-03-01T08:00")
    commands = [("status", "--format", "json"), ("status",),
                ("plan", "--format", "json", "--from", "2027-03-01", "--to", "2027-03-31"),
                ("plan", "--from", "2027-03-01", "--to", "2027-03-31"), ("calendar", "--month", "2027-03"),
                ("calendar", "--ics", str(tmp_path / "out.ics"), "--from", "2027-03-01", "--to", "2027-04-01")]

    def shown() -> list[str]:
        out = []
        for command in commands:
            result = cli(*command, *now, cwd=project.root)
            assert result.exit_code in (0, 1), result.stderr
            out.append(result.stdout + (tmp_path / "out.ics").read_text() if "--ics" in command else result.stdout)
        return out

    cache = project.root / ".git" / "socialops" / "lint-cache"
    assert cli("lint", *now, cwd=project.root).exit_code in (0, 1) and cache.exists()
    full = shown()  # every post as lint read it
    assert "Bea: the writer" in full[2] and "Ada" in full[2] and "Sichtbar" in full[5]
    cache.unlink()
    assert shown() == full  # a fresh clone: read quickly
    assert shown() == full  # the quick reads, from the cache


def test_the_quick_reads_time_is_parse_times(project) -> None:
    """A fresh clone's one-post lint works out the usual `2026-12-01T09:00` itself (a third of
    parse_time's cost): the same instant, and no time where parse_time refuses one (the hour
    the clocks skip or repeat, a year out of range, a date that does not exist)."""
    import random
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from socialops.lint.cache import EPOCH
    from socialops.lint.quickread import _QuickReader
    from socialops.timeutil import TimeError, parse_time

    texts = ["2026-03-29T02:30", "2026-03-29T01:59", "2026-03-29T03:00", "2026-10-25T02:30", "2026-10-25T01:59",
             "2026-10-25T03:00", "0999-01-01T09:00", "9001-01-01T09:00", "1900-01-01T00:00", "2026-02-30T09:00",
             "2026-W48-1T09:00", "2026-12-01T09+01", "2026-12-01T0900", "2026-12-01 09:00", "2026-12-01T09:00Z",
             "2026-12-01T09:00:30", "2026-12-01", "queue-ish", "2026-12-01T24:00"]
    rng = random.Random(3)
    start = datetime(2020, 1, 1)
    texts += [(start + timedelta(minutes=rng.randrange(10 * 366 * 24 * 60))).strftime("%Y-%m-%dT%H:%M")
              for _ in range(3000)]
    for zone in ("Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe", "UTC"):
        project.write("socialops.yaml", f"timezone: {zone}\nchannels:\n  feed: {{platform: feed, path: feed.xml, "
                      "title: T, link: https://example.com}\n")
        reader = _QuickReader(Project.load(project.root))
        tz = ZoneInfo(zone)
        for text in texts:
            try:
                expected = (parse_time(text, tz) - EPOCH) // timedelta(microseconds=1)
            except TimeError:
                expected = None
            assert reader._micros(text) == expected, (zone, text)
    assert EPOCH.tzinfo is UTC


def test_the_quick_read_takes_the_key_lines_a_regular_expression_takes(project) -> None:
    """The quick read finds its keys by hand, line by line: the lines (and values) this
    expression takes, on random lines of keys, spaces, tabs, colons, quotes and '#'."""
    import random
    import re

    from socialops.lint import quickread

    key_line = re.compile(r"^(id|publish_at|status|campaign|channels|author)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
    rng = random.Random(5)
    for _ in range(20000):
        line = rng.choice(["id", "publish_at", "status", "campaign", "channels", "author", "idx", "ids", "lang"]) + \
            "".join(rng.choice([" ", "\t", ":", "a", "#", "'", '"', "-", "[", "]", ","]) for _ in range(rng.randint(0, 8)))
        match = key_line.match(line)
        expected: dict[str, object] | None = {}
        if match is not None:
            value = match.group(2) or ""
            expected = {match.group(1): quickread._scalar(value)} if match.group(1) != "channels" else None
            if expected is not None and None in expected.values():
                expected = None
        found = quickread._meta(line)
        if match is None:  # no key of the quick read's: none taken, or the loader reads the file
            assert found is None or (found == {} and isinstance(_loaded(line), dict)), line
        elif match.group(1) != "channels":
            assert found == expected, line
            if found:  # taken: what the loader reads too
                loaded = _loaded(line)
                assert isinstance(loaded, dict) and loaded == found, line


def _loaded(text: str) -> object:
    """What the full reader's loader makes of a front matter (None when it refuses it)."""
    from socialops import yamlio

    try:
        return yamlio.load(text)
    except yamlio.YamlError:
        return None
