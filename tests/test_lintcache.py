"""Lint keeps what it found per post file in .git/socialops and reads only what changed;
whatever else a finding depends on is checked afresh every run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import socialops.lint as lint_module
import socialops.lint.cache as lintcache
import socialops.lint.parallel as lint_parallel
from socialops.lint import lint
from socialops.model import Project, read_post
from tests.conftest import ProjectDir, Result, git

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
POST = "channels: [mastodon-main]\npublish_at: 2026-12-01T09:00\n"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The post files lint reads in full; files count as steady as soon as written."""
    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    seen: list[str] = []

    def counting(root: Path, path: Path) -> object:
        seen.append(path.name)
        return read_post(root, path)

    monkeypatch.setattr(lint_module, "read_post", counting)
    return seen


def findings(project: ProjectDir, now: datetime = NOW, paths: list[Path] | None = None) -> list[str]:
    result = lint(Project.load(project.root), paths, now)
    return [f"{p.path}:{p.line} {p.rule} {p.message}" for p in result.problems]


def test_an_unchanged_repository_is_not_read_again_and_gives_the_same_findings(
        project: ProjectDir, reads: list[str]) -> None:
    project.write("styleguide.yaml", "rules:\n  - {id: no-synergy, kind: existence, level: error, tokens: [synergy]}\n")
    project.write("calendar.yaml", "spacing: {min_gap: 30m}\n")
    project.post("a.md", "title: A\n" + POST, "Pure synergy.\n")
    project.post("b.md", POST, "All fine.\n")
    first = findings(project)
    assert sorted(f.split(" ")[0] + " " + f.split(" ")[1] for f in first) == [
        "posts/a.md:4 calendar", "posts/a.md:6 no-synergy", "posts/b.md:3 calendar"]
    assert sorted(reads) == ["a.md", "b.md"]
    reads.clear()
    assert findings(project) == first
    assert reads == []
    assert (project.root / ".git" / "socialops" / "lint-cache").is_file()


def test_the_cache_never_makes_the_tree_dirty(project: ProjectDir, reads: list[str]) -> None:
    project.post("a.md", POST)
    project.commit()
    findings(project)
    assert (project.root / ".git" / "socialops" / "lint-cache").is_file()
    assert git(project.root, "status", "--porcelain") == ""  # publish insists on a clean tree


def test_an_edited_post_is_read_again(project: ProjectDir, reads: list[str]) -> None:
    project.write("styleguide.yaml", "rules:\n  - {id: no-synergy, kind: existence, level: error, tokens: [synergy]}\n")
    path = project.post("a.md", POST, "All fine.\n")
    assert findings(project) == []
    path.write_text(path.read_text() + "Some synergy here.\n")
    reads.clear()
    assert [f.split(" ")[1] for f in findings(project)] == ["no-synergy"]
    assert reads == ["a.md"]


def test_a_changed_style_guide_or_config_checks_every_post_again(project: ProjectDir, reads: list[str]) -> None:
    project.post("a.md", POST, "Pure synergy.\n")
    assert findings(project) == []
    project.write("styleguide.yaml", "rules:\n  - {id: no-synergy, kind: existence, level: warning, tokens: [synergy]}\n")
    assert [f.split(" ")[1] for f in findings(project)] == ["no-synergy"]
    project.write("socialops.yaml", "timezone: UTC\nchannels:\n  feed: {platform: feed, path: feed.xml, title: T, link: https://example.com}\n")
    reads.clear()
    assert "unknown channel 'mastodon-main'" in " ".join(findings(project))
    assert reads == ["a.md"]


def test_media_files_and_the_time_are_checked_every_run(project: ProjectDir, reads: list[str]) -> None:
    project.write("media/big.png", b"\x89PNG" + b"\x00" * 100)
    project.post("a.md", "channels: [bluesky-main]\npublish_at: 2026-12-01T09:00\nstatus: draft\n"
                 "media:\n  - {path: media/big.png, alt: A chart of this year's posts per channel}\n")
    assert findings(project) == []
    reads.clear()
    project.write("media/big.png", b"\x89PNG" + b"\x00" * 2_000_000)  # over Bluesky's image limit
    assert any("media" in f and "big.png" in f for f in findings(project))
    (project.root / "media" / "big.png").unlink()
    later = datetime(2026, 12, 2, tzinfo=UTC)
    rules = sorted(f.split(" ")[1] for f in findings(project, later))
    assert rules == ["media-missing", "time"]  # missing now, and the draft's time has passed


def test_a_file_changed_just_now_is_not_kept(project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> None:
    project.post("a.md", POST)
    findings(project)  # the default settling time: the file was written a moment ago
    cache = lintcache.LintCache.open(Project.load(project.root))
    assert cache is not None and cache.entries == {}


def test_a_broken_cache_is_ignored_and_replaced(project: ProjectDir, reads: list[str]) -> None:
    project.post("a.md", POST, "Hello.\n")
    first = findings(project)
    cache_file = project.root / ".git" / "socialops" / "lint-cache"
    cache_file.write_bytes(b"\x00garbage" * 10)
    reads.clear()
    assert findings(project) == first
    assert reads == ["a.md"]
    reads.clear()
    assert findings(project) == first and reads == []


def test_no_cache_outside_git_and_with_no_cache(project: ProjectDir, reads: list[str],
                                                cli_process: Callable[..., Result],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cli = cli_process  # where the user's cache folder is, a process works out once
    project.post("a.md", POST)
    user_cache = project.root.parent / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    result = cli("lint", "--no-cache", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert not (project.root / ".git" / "socialops").exists()
    assert not user_cache.exists()  # nor the compiled schema checks
    assert cli("lint", cwd=project.root).exit_code == 0
    assert (user_cache / "socialops" / "schema-checks").is_dir()
    shutil.rmtree(project.root / ".git")
    assert findings(project) == []
    assert findings(project) == []
    assert sorted(reads) == ["a.md", "a.md"]


def test_linting_one_post_checks_it_against_the_cached_others(project: ProjectDir, reads: list[str]) -> None:
    project.post("a.md", "id: launch\n" + POST)
    project.post("b.md", "channels: [mastodon-main]\npublish_at: 2026-12-01T09:10\n")
    project.write("calendar.yaml", "spacing: {min_gap: 30m}\n")
    findings(project)
    reads.clear()
    b = project.post("b.md", "id: launch\nchannels: [mastodon-main]\npublish_at: 2026-12-01T09:10\n")
    rules = sorted(f.split(" ")[1] for f in findings(project, paths=[b]))
    assert rules == ["calendar", "duplicate-id"]
    assert reads == ["b.md"]  # a.md came from the cache


def test_workers_fill_the_cache_and_the_next_run_finds_the_same(project: ProjectDir, reads: list[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("styleguide.yaml", "rules:\n  - {id: banned, kind: existence, level: error, tokens: [synergy]}\n")
    project.write("calendar.yaml", "spacing: {min_gap: 2h}\n")
    for i in range(30):
        project.post(f"p{i:02d}.md", f"channels: [mastodon-main]\npublish_at: 2026-12-{1 + i % 10:02d}T09:00",
                     "Synergy!\n" if i % 5 == 0 else f"Post number {i}.\n")
    project.write("posts/broken.md", "---\nchannels: [feed\n---\nText.\n")
    proj = Project.load(project.root)
    without = lint(proj, None, NOW, use_cache=False).problems
    monkeypatch.setattr(lint_parallel, "PARALLEL_FROM", 2)
    reads.clear()
    first = lint(proj, None, NOW).problems  # workers read the files (in other processes)
    cache = lintcache.LintCache.open(proj)
    assert cache is not None and len(cache.entries) == 30  # every readable post, not the broken one
    reads.clear()
    again = lint(proj, None, NOW).problems
    assert first == without and again == without
    assert reads == ["broken.md"]
    assert {p.rule for p in without} >= {"banned", "calendar", "syntax"}


def test_a_post_the_cache_cannot_keep_is_read_every_time(project: ProjectDir, reads: list[str]) -> None:
    project.post("a.md", POST)
    project.post("odd.md", "title: !!timestamp 2026-01-01\n" + POST)  # YAML makes a datetime of it
    first = findings(project)
    assert any("odd.md" in f and "schema" in f for f in first)
    reads.clear()
    assert findings(project) == first
    assert reads == ["odd.md"]  # a.md came from the cache, odd.md cannot be kept


def test_a_partial_lint_keeps_the_others_it_read_quickly(project: ProjectDir, reads: list[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import socialops.lint.quickread as quickread

    quick: list[str] = []
    original = quickread.quick_post
    monkeypatch.setattr(quickread, "quick_post", lambda root, path, rel: quick.append(path.name) or original(root, path, rel))
    project.write("styleguide.yaml", "rules:\n  - {id: banned, kind: existence, level: error, tokens: [synergy]}\n")
    project.write("calendar.yaml", "spacing: {min_gap: 30m}\n")
    project.post("a.md", "id: launch\n" + POST, "Synergy.\n")
    b = project.post("b.md", "id: launch\nchannels: [mastodon-main]\npublish_at: 2026-12-01T09:10\n", "Synergy.\n")
    first = findings(project, paths=[b])  # no full lint yet: a.md is read quickly, and kept
    assert sorted(f.split(" ")[1] for f in first) == ["banned", "calendar", "duplicate-id"]
    assert quick == ["a.md"]
    quick.clear()
    assert findings(project, paths=[b]) == first
    assert quick == []  # a.md came from the cache
    reads.clear()
    everything = findings(project)  # what was only read quickly is checked in full now
    assert "a.md" in reads and any("posts/a.md" in f and "banned" in f for f in everything)


def test_a_cache_that_cannot_be_written_costs_only_speed(project: ProjectDir, reads: list[str]) -> None:
    project.post("a.md", POST, "Pure synergy.\n")
    (project.root / ".git" / "socialops").write_text("a file where the cache folder goes")
    assert findings(project) == findings(project)  # no error, the same findings each time


def test_a_lint_during_which_the_style_guide_changes_keeps_nothing(project: ProjectDir, reads: list[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project.post("a.md", POST, "Pure synergy.\n")
    guide = project.root / "styleguide.yaml"
    before = guide.read_text()

    def an_editor_saves_the_guide(post: object, ctx: object) -> list[object]:
        guide.write_text("rules:\n  - {id: no-synergy, kind: existence, level: error, tokens: [synergy]}\n")
        return []

    monkeypatch.setattr(lint_module, "POST_CHECKS", [*lint_module.POST_CHECKS, an_editor_saves_the_guide])
    findings(project)  # what this run found may come from either version of the guide
    guide.write_text(before)  # and back: had it kept anything, it would now pass for the old guide's
    cache = lintcache.LintCache.open(Project.load(project.root))
    assert cache is not None and cache.entries == {}


def test_the_views_take_unchanged_posts_from_the_cache_and_see_every_edit(
        project: ProjectDir, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """status, plan and calendar read posts through socialops.lint.quickread.read_posts:
    after a lint (or an earlier view) only the files changed since are read."""
    import socialops.lint.quickread as quickread
    from socialops.publish.status import status

    opened: list[str] = []
    for name in ("read_post", "quick_post"):
        real = getattr(quickread, name)
        monkeypatch.setattr(quickread, name, lambda *a, _real=real, **k: opened.append(a[1].name) or _real(*a, **k))
    batch = quickread._QuickReader._read  # many files at once (a fresh clone)
    monkeypatch.setattr(quickread._QuickReader, "_read", lambda self, full: opened.append(Path(full).name) or batch(self, full))
    project.post("a.md", POST, "First.\n")
    project.post("b.md", "channels: [mastodon-main]\npublish_at: 2026-12-02T09:00\n", "Second.\n")
    findings(project)
    posts = quickread.read_posts(Project.load(project.root))
    assert opened == [] and [(p.path, p.body) for p in posts] == [("posts/a.md", "First.\n"), ("posts/b.md", "Second.\n")]
    rows = status(Project.load(project.root), NOW, NOW).rows
    assert opened == [] and sorted((r.post, r.due) for r in rows) == [
        ("a", "2026-12-01T09:00+01:00"), ("b", "2026-12-02T09:00+01:00")]
    project.post("b.md", "channels: [mastodon-main]\npublish_at: 2026-12-03T10:00\n", "Second, edited.\n")
    posts = quickread.read_posts(Project.load(project.root))
    assert opened == ["b.md"] and posts[1].body == "Second, edited.\n" and posts[1].publish_at == "2026-12-03T10:00"
    opened.clear()
    assert [(r.post, r.due) for r in status(Project.load(project.root), NOW, NOW).rows if r.post == "b"] == [
        ("b", "2026-12-03T10:00+01:00")]
    assert opened == []  # the full read of the view before went into the cache
    # In a fresh clone (no cache) a quick look is enough for status; the next full read replaces it.
    (project.root / ".git" / "socialops" / "lint-cache").unlink()
    status(Project.load(project.root), NOW, NOW)
    assert sorted(opened) == ["a.md", "b.md"] and all(not p.quick for p in quickread.read_posts(Project.load(project.root)))
    opened.clear()
    assert [p.body for p in quickread.read_posts(Project.load(project.root))] == ["First.\n", "Second, edited.\n"]
    assert opened == []


def test_a_fresh_clone_lints_one_post_from_the_others_briefs(project: ProjectDir, reads: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit hook's first run in a fresh clone: the other posts are read for their
    brief only (no post made of them, no text kept); the few the calendar needs are read
    as posts, and kept whole for the next run, which reads none of them."""
    import socialops.lint.quickread as quickread

    quick: list[str] = []
    original = quickread.quick_post
    monkeypatch.setattr(quickread, "quick_post", lambda root, path, rel: quick.append(path.name) or original(root, path, rel))
    project.write("calendar.yaml", "spacing: {min_gap: 30m}\n")
    for day in range(1, 21):
        project.post(f"far{day:02d}.md", f"channels: [mastodon-main]\npublish_at: 2026-11-{day:02d}T09:00\n")
    project.post("near.md", "channels: [mastodon-main]\npublish_at: 2026-12-01T09:20\n")
    mine = project.post("mine.md", "id: far05\n" + POST)
    first = findings(project, paths=[mine])
    assert sorted(f.split(" ")[1] for f in first) == ["calendar", "duplicate-id"]
    assert quick == ["far20.md", "near.md"]  # what the calendar needs: the one before it, the one near it
    assert reads == ["mine.md"]
    cache = lintcache.LintCache.open(Project.load(project.root))
    assert cache is not None and len(cache.entries) == 22
    assert cache.lookup("posts/far01.md", project.root / "posts" / "far01.md",
                        lintcache.stamp(project.root / "posts" / "far01.md"), checked=False) is None  # a brief only
    quick.clear()
    assert findings(project, paths=[mine]) == first
    assert quick == []


def test_the_checks_across_posts_find_the_same_when_workers_check_the_posts(
        project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers send back only a brief of each post (its id, time, channels, campaign, a
    digest of its X text): duplicate ids, the calendar's gaps, daily maximum, campaigns, X
    duplicates and a series' pool still find what a lint in one process finds, at the same
    lines, also on the next run from the cache."""
    project.write("calendar.yaml", "spacing: {min_gap: 30m, max_per_day: 3}\n"
                  "campaigns:\n  spring: {from: 2026-12-01, to: 2026-12-02, channels: [mastodon-main]}\n"
                  "recurring:\n  - {id: tip, cron: '0 8 * * *', channels: [x-main], from: 2026-12-01, "
                  "until: 2026-12-03, pool: posts/pool}\n")
    for i in range(12):
        extra = "id: twice\n" if i in (3, 7) else "campaign: spring\n" if i == 5 else ""
        project.post(f"p{i:02d}.md", f"title: Post {i}\n{extra}channels: [mastodon-main, x-main]\n"
                     f"publish_at: 2026-12-0{1 + i % 3}T09:{i:02d}", "Same words <!-- a note -->\n"
                     if i in (2, 5) else f"Post number {i}.\n")
    project.post("pool/a.md", "channels: [feed]\nstatus: ready", "Post number 0.\n")
    proj = Project.load(project.root)
    monkeypatch.setattr(lint_parallel, "PARALLEL_FROM", 10**9)
    alone = lint(proj, None, NOW, use_cache=False).problems
    monkeypatch.setattr(lint_parallel, "PARALLEL_FROM", 2)
    monkeypatch.setattr(lint_parallel, "BUSY_FACTOR", 1)
    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    assert lint(proj, None, NOW, use_cache=False).problems == alone
    assert lint(proj, None, NOW).problems == alone  # writes the cache
    assert lint(proj, None, NOW).problems == alone  # every post from it
    said = [f"{p.path}:{p.line} {p.rule} {p.message}" for p in alone]
    assert "posts/p07.md:3 duplicate-id the id 'twice' is also used by posts/p03.md; give one of them another 'id:'" in said
    assert any(s.startswith("posts/p05.md:5 calendar this post has the same text as posts/p02.md") for s in said)
    assert any(s.startswith("posts/p00.md:4 calendar this post has the same text as the recurring post tip@") for s in said)
    assert any(s.startswith("calendar.yaml:5 calendar tip@2026-12-02T08:00 has the same text") for s in said)
    assert any(s.startswith("posts/p05.md:5 calendar this post is at Thu 2026-12-03 09:05, outside campaign") for s in said)
    assert "posts/p05.md:4 calendar campaign 'spring' runs on mastodon-main, not on x-main" in said
    assert any(s.startswith("posts/p05.md:5 calendar on mastodon-main, x-main this post is only 3m") for s in said)
    assert any(s.startswith("posts/p10.md:4 calendar this post is post 4 on mastodon-main, x-main") for s in said)


def test_linting_again_and_again_in_one_process_leaves_no_file_open(project: ProjectDir, reads: list[str]) -> None:
    """The cache file stays open while a lint reads it (each post's rest is read when its
    turn comes): an editor or a test suite that lints many times must not run out of files."""
    import gc
    import os

    for i in range(5):
        project.post(f"p{i}.md", POST)
    findings(project)
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))
    for i in range(30):
        project.post("p0.md", POST + f"title: T{i}\n")  # also a new file written each time
        findings(project)
        findings(project, paths=[project.root / "posts" / "p1.md"])
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= before
    assert sorted(os.listdir(project.root / ".git" / "socialops")) == ["lint-cache"]  # no file left behind


def test_one_post_finds_what_a_lint_without_the_cache_finds_whatever_happened_to_the_others(
        project: ProjectDir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit hook lints one post and takes the other posts from the cache, and their
    listing too while no folder under posts/ changed. Whatever happened to the other posts
    since the cache was written (edited in place, added to a folder or in a new one, removed,
    renamed, a symlink's target turned into a folder), it reports exactly what linting that
    post without the cache reports, the checks across posts (duplicate ids, the calendar)
    included."""
    import os
    import time

    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    monkeypatch.setattr(lintcache, "LISTING_STEADY_NS", 0)
    listings: list[int] = []
    real = Project.post_files
    monkeypatch.setattr(Project, "post_files", lambda self, *a: listings.append(1) or real(self, *a))
    project.write("calendar.yaml", "spacing: {min_gap: 1h, max_per_day: 4}\n")
    for i in range(12):
        project.post(f"{i % 3}/p{i:02d}.md", f"channels: [mastodon-main]\npublish_at: 2026-12-{2 + i // 3:02d}T09:00\n")
    mine = project.post("z/mine.md", "id: launch\nchannels: [mastodon-main]\npublish_at: 2026-12-01T09:00\n")
    outside = project.root.parent / "target.md"
    outside.write_text("---\nchannels: [mastodon-main]\npublish_at: 2026-12-01T09:00\n---\nElsewhere.\n")
    (project.root / "posts" / "0" / "link.md").symlink_to(outside)
    lint(Project.load(project.root), None, NOW)  # the earlier lint: every post in the cache

    def one_post(step: str) -> set[str]:
        time.sleep(0.05)  # a folder's time moves in ticks of a few milliseconds
        listings.clear()
        cached = lint(Project.load(project.root), [mine], NOW).problems
        listed = bool(listings)
        without = lint(Project.load(project.root), [mine], NOW, use_cache=False).problems
        assert cached == without, step
        return {p.rule for p in cached if p.path == "posts/z/mine.md"} | ({"listed"} if listed else set())

    assert one_post("nothing changed") == set()  # not even listed: no folder changed
    p01 = project.root / "posts" / "1" / "p01.md"
    with p01.open("w") as edit:  # in place: its folder does not change
        edit.write("---\nid: launch\nchannels: [mastodon-main]\npublish_at: 2026-12-02T09:00\n---\nHi.\n")
    assert one_post("another post takes its id") == {"duplicate-id"}
    with p01.open("w") as edit:
        edit.write("---\nchannels: [mastodon-main]\npublish_at: 2026-12-01T09:30\n---\nHi.\n")
    assert one_post("another post moves next to it") == {"calendar"}
    p01.unlink()
    assert one_post("that post is removed") == {"listed"}
    project.post("1/new.md", "channels: [mastodon-main]\npublish_at: 2026-12-01T08:40\n")
    assert one_post("a post added to a folder") == {"calendar", "listed"}
    (project.root / "posts" / "1" / "new.md").rename(project.root / "posts" / "1" / "later.md")
    project.post("1/later.md", "channels: [mastodon-main]\npublish_at: 2026-12-05T08:40\n")
    assert one_post("renamed and moved away") == {"listed"}
    project.post("9/deep/launch.md", "channels: [mastodon-main]\npublish_at: 2026-12-09T09:00\n")
    project.post("9/deep/launch2.md", "id: launch\nchannels: [mastodon-main]\npublish_at: 2026-12-09T09:00\n")
    assert one_post("a new folder with a post of the same id") == {"duplicate-id", "listed"}
    shutil.rmtree(project.root / "posts" / "9")
    assert one_post("the folder removed") == {"listed"}
    outside.unlink()
    outside.mkdir()  # the symlink now leads to a folder: no post any more
    assert one_post("a symlink's target became a folder") == {"listed"}
    os.rmdir(outside)
    assert one_post("and then nothing") == {"listed"}


@pytest.mark.parametrize("pid", ["launch", "a\\0b", "a\\0"])
def test_one_post_finds_another_post_of_its_id_in_the_cache_whatever_the_id(
        project: ProjectDir, reads: list[str], pid: str) -> None:
    """The cache keeps the ids of 50,000 posts as one string it searches; an id that holds
    the character that string is joined with (a NUL, from YAML's "\\0": a broken id, but one
    a post may have) is found all the same."""
    project.post("a.md", f'id: "{pid}"\n' + POST)
    project.post("b.md", "id: other\n" + POST)
    mine = project.post("c.md", f'id: "{pid}"\n' + POST)
    findings(project)
    reads.clear()
    cached = findings(project, paths=[mine])
    assert reads == []
    without = [f"{p.path}:{p.line} {p.rule} {p.message}"
               for p in lint(Project.load(project.root), [mine], NOW, use_cache=False).problems]
    assert cached == without
    assert any(" duplicate-id " in f and f.startswith("posts/c.md") for f in cached)


def test_a_post_the_last_lint_could_not_keep_is_read_alone_by_the_next_one_post_lint(
        project: ProjectDir, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer edits a post and commits (the hook lints it: edited a moment ago, it is not
    kept), then edits another one: the next one-post lint reads the first one again, alone
    (the other posts still come from the cache), and sees its new id."""
    import socialops.lint.quickread as quickread

    quick: list[str] = []
    original = quickread._QuickReader.briefs
    monkeypatch.setattr(quickread._QuickReader, "briefs",
                        lambda self, items: quick.extend(rel for _, rel in items) or original(self, items))
    for i in range(6):
        project.post(f"{i % 2}/p{i}.md", f"channels: [mastodon-main]\npublish_at: 2026-12-0{i + 1}T09:00\n")
    mine = project.post("1/mine.md", "id: launch\n" + POST)
    findings(project)
    edited = project.post("0/p2.md", "id: launch\nchannels: [mastodon-main]\npublish_at: 2026-12-03T09:00\n")
    monkeypatch.setattr(lintcache, "STEADY_NS", 10**15)  # edited a moment ago: not kept
    findings(project, paths=[edited])
    assert "posts/0/p2.md" not in lintcache.LintCache.open(Project.load(project.root)).entries  # type: ignore[union-attr]
    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    quick.clear()
    reads.clear()
    cached = findings(project, paths=[mine])
    assert quick == ["posts/0/p2.md"] and reads == []
    without = [f"{p.path}:{p.line} {p.rule} {p.message}"
               for p in lint(Project.load(project.root), [mine], NOW, use_cache=False).problems]
    assert cached == without and any(" duplicate-id " in f for f in cached)


@pytest.mark.parametrize("change", ["stamp", "id", "time", "channels", "two rows", "a NUL in the id"])
def test_an_index_with_rows_replaced_holds_what_one_made_from_all_the_rows_holds(change: str) -> None:
    """Saving after a one-post lint puts the edited post's row in place in the index of
    every post (copying the columns whole): the result holds, row for row, what an index
    made from all the rows holds, whatever changed in the row."""
    import marshal

    def row(i: int, pid: str | None = None, when: int | None = None,
            channels: tuple[str, ...] = ("x-main",), size: int = 100) -> lintcache.Row:
        return (f"posts/{i % 3}/p{i:02d}.md", (size + i, 10 * i, 10 * i, 1000 + i),
                (pid or f"{i % 3}/p{i:02d}", channels, when if when is not None else 60_000_000 * (i * 7 % 11),
                 None, "ready"), 16 * i, 16)

    rows = sorted([row(i) for i in range(12)], key=lambda r: lintcache.list_order(r[0]))
    made = lintcache.Index(rows)
    data = marshal.loads(marshal.dumps({**made.dump(0)}))
    stored = lintcache.Index.load(data, memoryview(b"".join(made.columns())))  # as read from a file
    assert stored is not None
    new = {"stamp": [row(4, size=7)], "id": [row(4, pid="0/p03")], "time": [row(4, when=1)],
           "channels": [row(4, channels=("mastodon-main", "x-main"))], "two rows": [row(4, when=5), row(9, pid="z")],
           "a NUL in the id": [row(4, pid="a\0b")]}[change]
    replaced = stored.without({r[0] for r in new}, new, None, None)
    every = lintcache.Index(sorted([*(r for r in rows if r[0] not in {n[0] for n in new}), *new],
                                   key=lambda r: lintcache.list_order(r[0])))
    assert replaced.rels == every.rels
    assert [replaced.entry(i) for i in range(len(rows))] == [every.entry(i) for i in range(len(rows))]
    assert [replaced.times[i] for i in replaced.by_time] == [every.times[i] for i in every.by_time]
    assert replaced.ids == every.ids
    for pid in {*every.ids, "absent"}:
        assert replaced.rows_with_id(pid) == every.rows_with_id(pid)


def test_one_post_lints_after_edits_add_to_the_cache_and_it_stays_bounded(
        project: ProjectDir, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-post lint after an edit adds the post's entry and a new index to the cache file
    (no copy of the other entries); edit after edit, once the file would hold more that is no
    longer used than is, a new file takes its place: the cache does not grow without bound.
    (The slack it allows, a megabyte, is made 4 KB here: the repository is small.)"""
    monkeypatch.setattr(lintcache, "_AHEAD", 4096)
    for i in range(40):
        project.post(f"{i % 4}/p{i:02d}.md", POST, "Some words to make an entry of a size. " * 20)
    findings(project)
    file = project.root / ".git" / "socialops" / "lint-cache"
    first = file.stat()
    mine = project.root / "posts" / "0" / "p00.md"
    sizes, inodes = [], set()
    for n in range(60):
        mine.write_text(mine.read_text() + f"Edit {n}.\n")
        findings(project, paths=[mine])
        st = file.stat()
        sizes.append(st.st_size)
        inodes.add(st.st_ino)
    assert sizes[0] > first.st_size and first.st_ino in inodes  # the first edit was added to the file
    assert len(inodes) > 1 and max(sizes) < 4 * first.st_size  # later a new file: bounded
    reads.clear()
    assert findings(project) == findings(project, paths=None) and reads == []
