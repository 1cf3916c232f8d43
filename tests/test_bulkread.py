"""A fresh clone's one-post lint reads the briefs of the other posts at once (one regular
expression over each front matter of the usual shape, and a forked process reading too);
what it reads must be what the quick reader reads, file by file, and what it leaves to the
quick reader must be left whole."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

import socialops.lint.bulkread as bulkread
import socialops.lint.cache as lintcache
import socialops.lint.quickread as quickread
from socialops.lint.cache import Index, LintCache, list_order
from socialops.lint.quickread import Others, _QuickReader
from socialops.model import Project, read_post
from tests.conftest import DEFAULT_CONFIG, ProjectDir

KEYS = ["id", "publish_at", "status", "campaign", "channels", "author", "lang", "title", "variants", "idx",
        "status_x", "media", "ids", "  id", "- id", "'id'", "#id", "? id", "identity"]
COLONS = [": ", ":", " : ", ":\t", ": \t", ":  ", " :"]
VALUES = ["feed", "draft", "ready", "spring", "launch-2027", "x/y.z", "2026-12-01T09:00", "2027-03-28T02:30",
          "2026-10-25T02:30", "2026-12-01 09:00", "2026-12-01T09:00+01:00", "2026-12-01T09:00Z", "'2026-12-01T09:00'",
          "9999-01-01T00:00", "1899-12-31T23:59", "2026-02-30T09:00", "2026-12-01T24:00", "queue", "' queue '",
          "2027", "1e5", "0x1F", ".inf", "true", "False", "null", "NULL", "~", "-1", "+2", "'a'", '"b c"', "'a: b'",
          "a: b", "a:b", "a:", "a#b", "a #c", "'x' # c", "# c", "[feed, x-main]", "[feed,x-main, feed]", "[]",
          "[feed] # c", "[feed", "[feed]x", "['feed', \"x-main\"]", "[feed, [x]]", "&a feed", "*a", "!!str x", "|",
          ">", "{a: 1}", "K\u00f6ln", "\u00a0x", "x\u00a0", "x\f", "a b  ", "tab\there", "`x`", "@x", "%x", ",x",
          "-x", "- x", "?x", ":x", "", " ", "  - feed", "x  \t", "'  '", "''", '""']
OTHER_LINES = ["", "  ", "\t", "# a comment", "# id: hidden", "  - path: media/a.png", "    alt: a > b",
               "    alt: fine", "  - feed", "  - 'x-main'", "  -", "  - ", "  # c", "  id: nested", "---", "--- ",
               "lang: de", "title: A: title", "media:", "variants:", "  feed: |", "- item", "'quoted': 1", "? x",
               ": y", "x: [a, b]", "x: {a: 1}", "x: &a 1", "\u00e9t\u00e9: oui", "[a, b]", "x:\u2028y"]


GOOD = {"id": ["launch", "custom/id-2", "x.y_z"], "publish_at": ["2026-12-01T09:00", "2027-06-30T23:59", "queue"],
        "status": ["ready", "draft"], "campaign": ["spring", "fall 2027"], "author": ["Ada", "Bea Writer"],
        "channels": ["[feed, x-main]", "[mastodon-main,feed, mastodon-main]", "feed", "[]"], "lang": ["de"]}


def _front(rng: random.Random) -> str:
    """Mostly the usual shape (each key once, plain values), else anything."""
    usual = rng.random() < 0.5
    lines = []
    for _ in range(rng.randint(0, 7)):
        tweak = not usual or rng.random() < 0.1
        if usual and not tweak:
            key = rng.choice(list(GOOD))
            lines.append(key + ": " + rng.choice(GOOD[key]))
        elif rng.random() < 0.55:
            lines.append(rng.choice(KEYS) + rng.choice(COLONS) + rng.choice(VALUES))
        else:
            lines.append(rng.choice(OTHER_LINES))
        if lines[-1].startswith("channels") and rng.random() < 0.4:  # a block list
            lines[-1] = "channels:" + (rng.choice(["", " ", " # mine"]) if tweak else "")
            lines += [(rng.choice(["  - ", "\t- ", "- ", "  -\t"]) + rng.choice(VALUES)) if tweak
                      else "  - " + rng.choice(["feed", "x-main"]) for _ in range(rng.randint(0 if tweak else 1, 3))]
    return "\n".join(lines)


def _file(rng: random.Random) -> bytes:
    text = "---\n" + _front(rng) + "\n" + rng.choice(["---", "--- \t", "---\f", "...", ""]) + "\n" \
        + rng.choice(["Body.\n", "Body\n---\nid: not-front\n", "", "\u00fcber \U0001f389\n"])
    roll = rng.random()
    if roll < 0.05:
        text = text.replace("\n", "\r\n")
    elif roll < 0.08:
        text = text.replace("\n", "\r")
    elif roll < 0.12:
        text = "\ufeff" + text
    elif roll < 0.14:
        text = text[4:]  # no front matter
    data = text.encode()
    if rng.random() < 0.02:
        data += b"\xff"  # not UTF-8
    if rng.random() < 0.02:
        data = data.replace(b"Body", b"Bo\0dy")
    return data


def _items(project: Project) -> list[tuple[str, str]]:
    files, _ = project.post_files()
    cut = len(str(project.root)) + 1
    return [(full, full[cut:]) for full in files]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_briefs_read_at_once_are_the_quick_readers(project: ProjectDir, workers: int) -> None:
    """On thousands of random front matters (keys, colons, values and other lines YAML and
    the quick reader take or refuse; CRLF, a byte order mark, no front matter, a NUL, bytes
    that are not UTF-8): each brief read at once is the one the quick reader reads file by
    file, with the stamp of its read, and every file the quick reader refuses is left to it."""
    rng = random.Random(11)
    project.write("socialops.yaml", DEFAULT_CONFIG + "defaults:\n  channels: [feed, mastodon-main, feed]\n")
    for i in range(3000):
        project.write(f"posts/{i % 7}/p{i:04d}.md", _file(rng))
    loaded = Project.load(project.root)
    items = _items(loaded)
    quick = _QuickReader(loaded)
    expected = quick.briefs(items)
    index, rest = bulkread.read_briefs(loaded, _QuickReader(loaded).readings(), items, workers)
    assert index is not None
    taken = [k for k in range(len(items)) if k not in set(rest)]
    assert index.rels == [items[k][1] for k in taken]
    for row, k in enumerate(taken):
        assert expected[k] is not None, items[k]  # never one the quick reader leaves to the full reader
        assert index.brief(row) == expected[k], (items[k], Path(items[k][0]).read_bytes())
        assert index.stamp(row) == quick.stamps[items[k][0]]
    assert sorted(rest) == rest
    # the usual shapes are taken: the test is no empty one
    assert len(taken) > 400 and sum(b is not None for b in expected) < len(taken) * 1.5
    assert {("feed", "x-main"), ("mastodon-main", "feed"), ("feed", "mastodon-main")} <= set(index.channel_sets)


def test_the_usual_shapes_are_read_at_once(project: ProjectDir) -> None:
    """What most posts hold is read at once (a comment after a value and a quoted value
    too); what the expression or the quick reader's reading of a value leaves (a key twice,
    a blank line in a block list, a number for an id) goes to the quick reader."""
    usual = {"a": "channels: [feed, x-main]\npublish_at: 2026-12-01T09:00\nstatus: ready\nlang: de\n"
                  "media:\n  - path: media/a.png\n    alt: A picture",
             "b": "id: custom/b\nchannels:\n  - feed\n  - mastodon-main\npublish_at: queue\ncampaign: spring\n"
                  "author: Ada Lovelace\ntitle: 'A title: with a colon'",
             "c": "publish_at: 2026-12-01T09:00+01:00\nchannels: feed\n# a comment\n\nstatus: draft",
             "d": "", "e": "channels: [feed]  # only the feed", "f": "status: 'draft'"}
    unusual = {"g": "status: a\nstatus: b", "h": "channels:\n  - feed\n\n  - x-main", "i": "id: 123"}
    for name, front in {**usual, **unusual}.items():
        project.post(f"{name}.md", front)
    project.write("posts/crlf.md", "---\r\nchannels: [feed]\r\npublish_at: 2026-12-01T09:00\r\n---\r\nA\r\n")
    project.write("posts/bom.md", "\ufeff---\nid: bom\nchannels: [feed]\n---\nA\n")
    loaded = Project.load(project.root)
    items = _items(loaded)
    index, rest = bulkread.read_briefs(loaded, _QuickReader(loaded).readings(), items)
    assert index is not None
    assert sorted(items[k][1] for k in rest) == sorted(f"posts/{name}.md" for name in unusual)
    assert index.rels == sorted([*(f"posts/{name}.md" for name in usual), "posts/crlf.md", "posts/bom.md"])
    expected = _QuickReader(loaded).briefs(items)
    assert all(index.brief(index.rels.index(rel)) == brief for (_, rel), brief in zip(items, expected, strict=True)
               if rel in index.rels)
    assert index.brief(index.rels.index("posts/b.md"))[:2] == ("custom/b", ("feed", "mastodon-main"))


@pytest.fixture
def at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other posts read at once from the first, in two processes from the first."""
    monkeypatch.setattr(quickread, "AT_ONCE_FROM", 0)
    monkeypatch.setattr(bulkread, "workers_for", lambda files: 2)  # whatever the load


def test_a_fresh_clones_briefs_are_what_the_full_reader_gives(project: ProjectDir, at_once: None,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Read at once in a fresh clone, with the cache and without, and from the cache the
    next time: every other post's brief is what the file-by-file quick read gives (random
    front matters), and what reading its file in full gives, for the files left to the
    quick and full readers too (a symlink out of the repository, a FIFO, a dangling
    symlink, CRLF lines, a byte order mark, a file that is not UTF-8, no front matter, a
    time with a zone, the hours the clocks skip and repeat, the shapes of
    tests/test_quickread.py)."""
    from socialops.lint.cache import brief_of
    from tests.test_quickread import FRONTS

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    rng = random.Random(5)
    for i in range(400):
        project.write(f"posts/r/p{i:03d}.md", _file(rng))
    for i, front in enumerate(FRONTS):
        project.post(f"f/{i:02d}.md", front)
    project.post("zone.md", "channels: [feed]\npublish_at: 2026-12-01T09:00+05:30")
    project.post("gap.md", "channels: [feed]\npublish_at: 2027-03-28T02:30")
    project.post("fold.md", "channels: [feed]\npublish_at: 2026-10-25T02:30")
    project.write("posts/crlf.md", "---\r\nid: crlf\r\nchannels: [feed]\r\npublish_at: 2026-12-01T09:00\r\n---\r\nA\r\n")
    project.write("posts/bom.md", "\ufeff---\nid: bom\nchannels: [feed]\n---\nA\n")
    (project.root / "posts" / "latin1.md").write_bytes(b"---\nid: caf\xe9\n---\nA\n")
    project.write("posts/none.md", "No front matter.\n")
    (project.root.parent / "outside.md").write_text("---\nid: outside\nchannels: [feed]\n---\nA\n")
    (project.root / "posts" / "out.md").symlink_to(project.root.parent / "outside.md")
    (project.root / "posts" / "gone.md").symlink_to(project.root / "nowhere.md")
    os.mkfifo(project.root / "posts" / "pipe.md")
    loaded = Project.load(project.root)
    files, _ = loaded.post_files()
    cut = len(str(loaded.root)) + 1
    full = {full[cut:]: brief_of(read_post(loaded.root, Path(full)), loaded) for full in files}
    kept = []
    for at_once_from in (10**9, 0):  # file by file, then at once
        monkeypatch.setattr(quickread, "AT_ONCE_FROM", at_once_from)
        found = dict(Others(loaded, set()).briefs)  # no cache at all
        assert {rel: brief for rel, brief in found.items() if rel in full} == full
        cache = LintCache.open(loaded)
        assert cache is not None and not cache.entries
        others = Others(loaded, set(), cache)
        assert dict(others.briefs) == found and sorted(others.owners("zone")) == ["posts/zone.md"]
        cache.save()
        again = LintCache.open(Project.load(project.root))
        assert again is not None and dict(Others(loaded, set(), again).briefs) == found
        kept.append((found, {rel: (entry[0], entry[1]) for rel, entry in again.entries.items()}))
        del cache, again
        (project.root / ".git" / "socialops" / "lint-cache").unlink()
    assert kept[0] == kept[1]


def test_a_fresh_clone_keeps_in_its_cache_what_the_file_by_file_read_keeps(project: ProjectDir,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-post lint in a fresh clone reading the others at once leaves the cache the
    file-by-file read leaves: each other post's stamp and brief (a brief alone, but for the
    few the calendar read whole), and the next one-post lint finds the same."""
    from socialops.lint import lint
    from socialops.timeutil import parse_time

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    project.write("calendar.yaml", "spacing: {min_gap: 2h}\n")
    rng = random.Random(9)
    for i in range(120):
        project.post(f"{i % 4}/p{i:03d}.md", f"channels: [{rng.choice(['feed', 'mastodon-main'])}]\n"
                     f"publish_at: 2027-03-{rng.randint(1, 20):02d}T{rng.randint(6, 20):02d}:00")
    project.write("posts/2/odd.md", "---\nchannels: ['feed']  # quoted\npublish_at: 2027-03-05T09:00\n---\nA\n")
    mine = project.root / "posts" / "1" / "p001.md"
    now = parse_time("2027-02-01T08:00", Project.load(project.root).config.timezone)
    file = project.root / ".git" / "socialops" / "lint-cache"
    kept = []
    for threshold in (10**9, 0):  # file by file, then at once
        monkeypatch.setattr(quickread, "AT_ONCE_FROM", threshold)
        file.unlink(missing_ok=True)
        found = lint(Project.load(project.root), [mine], now).problems
        cache = LintCache.open(Project.load(project.root))
        assert cache is not None
        kept.append((found, {rel: (e[0], e[1], e[2] is None) for rel, e in cache.entries.items()}))
        assert lint(Project.load(project.root), [mine], now).problems == found
    assert kept[0] == kept[1]
    assert len(kept[1][1]) == 121 and sum(whole for _, _, whole in kept[1][1].values()) > 100


def test_an_index_joined_with_another_is_the_index_of_their_rows(project: ProjectDir) -> None:
    """Index.joined (a fresh clone's briefs read at once and the entries a run kept): the
    rows of both, the other's where both have a file, less those dropped, in the order of
    the files, with the names' tables and the rows by time made again."""
    rng = random.Random(2)

    def row(rel: str) -> lintcache.Row:
        at = rng.choice([None, rng.randrange(10**15)])
        brief = (rel.upper(), tuple(rng.sample(["feed", "x", "m"], rng.randint(0, 2))), at,
                 rng.choice([None, "spring", "fall"]), rng.choice(["ready", "draft"]))
        offset = rng.choice([None, rng.randrange(1000)])
        return (rel, (rng.randrange(100), rng.randrange(10**18), rng.randrange(10**18), rng.randrange(10**6)), brief,
                offset, None if offset is None else rng.randrange(100))

    names = [f"posts/{a}/{b}.md" for a in ("a", "a-b", "a/b", "b") for b in range(30)]
    for _ in range(200):
        mine = {rel: row(rel) for rel in rng.sample(names, rng.randint(0, 100))}
        theirs = {rel: row(rel) for rel in rng.sample(names, rng.choice([0, 1, 5, 70]))}
        drop = set(rng.sample(names, rng.randint(0, 5)))
        big, small = (Index(sorted(rows.values(), key=lambda r: list_order(r[0]))) for rows in (mine, theirs))
        if rng.random() < 0.5:  # as the file holds it: the columns read in place, the ids one string
            loaded = Index.load(big.dump(0), memoryview(b"".join(big.columns())))
            assert loaded is not None
            big = loaded
        listing = rng.choice([None, sorted(names, key=list_order)])
        joined = big.joined(small, drop, listing, None)
        rows = {rel: r for rel, r in mine.items() if rel not in drop} | theirs
        want = Index(sorted(rows.values(), key=lambda r: list_order(r[0])), listing, None)
        assert joined.rels == want.rels
        assert [joined.entry(i) for i in range(len(joined))] == [want.entry(i) for i in range(len(want))]
        assert [joined.times[i] for i in joined.by_time] == sorted(joined.times)
        assert joined.listing == want.listing


def test_a_forked_reader_that_fails_leaves_its_batches_to_this_process(project: ProjectDir) -> None:
    """The child reads batches too; when it fails, whatever it took is read here, and the
    result is the same."""
    parent = os.getpid()

    def work(number: int) -> bulkread.Batch:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return ([number], b"", b"", b"", b"", [str(number)], b"", [], [], [])

    done = bulkread._shared(40, work)
    assert [batch[5] for batch in done] == [[str(n)] for n in range(40)]


def test_a_second_process_reads_only_many_files() -> None:
    assert bulkread.workers_for(bulkread.FORK_FROM - 1) == 1
    assert bulkread.workers_for(bulkread.FORK_FROM) in (1, 2)  # 2 when a core is idle
