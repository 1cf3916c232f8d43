"""What a one-post lint (the pre-commit hook's run) and `--help` load: every module a run
imports costs its start-up on every commit (issue 17, bench/README.md), so those that the
run does not use stay unloaded. Each run is a new process, as the hook starts it, and
reports the modules it ended with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from socialops.lint import cache as lintcache
from tests.conftest import GIT_ENV, ProjectDir, Result

REPO_ROOT = Path(__file__).resolve().parent.parent

# socialops.cli.main in a new process; on the way out (lint ends with os._exit) the names of
# the modules loaded go to standard error, one line
RUN = """
import os, sys
def leave(code, _exit=os._exit):
    sys.stdout.flush()
    print("MODULES " + " ".join(sorted(sys.modules)), file=sys.stderr, flush=True)
    _exit(code)
os._exit = leave
sys.argv = ["socialops", *sys.argv[1:]]
from socialops.cli import main
try:
    main()
except SystemExit as done:
    leave(done.code if isinstance(done.code, int) else 0)
leave(0)
"""

#: what OpenSSL, the rendering and the help machinery bring, none of which these runs use
NEVER = {"hashlib", "_hashlib", "importlib.resources", "zipfile", "tempfile", "html.entities",
         "socialops.commands.helpcache"}


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[Result, set[str]]:
    full = {**os.environ, **GIT_ENV, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    full.pop("GITHUB_ACTIONS", None)
    full.pop("CI", None)
    done = subprocess.run([sys.executable, "-c", RUN, *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=120, check=False)
    lines = done.stderr.splitlines()
    found = [line for line in lines if line.startswith("MODULES ")]
    assert found, done.stderr
    rest = "\n".join(line for line in lines if not line.startswith("MODULES "))
    return Result(done.returncode, done.stdout, rest), set(found[-1].split()[1:])


def _platforms(modules: set[str]) -> set[str]:
    return {m.rpartition(".")[2] for m in modules if m.startswith("socialops.platforms.")}


@pytest.fixture
def linted(project: ProjectDir, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose posts were all linted before (lint's cache written); the post to lint
    goes to Mastodon and X, another one to Bluesky."""
    project.write("styleguide.yaml", "rules:\n  - {id: no-todo, kind: existence, level: error, tokens: [TODO]}\n")
    post = project.post("2027/one.md", "channels: [mastodon-main, x-main]\npublish_at: 2027-03-01T10:00\n"
                        "status: ready", "Our release is out: https://example.com/release\n")
    project.post("2027/two.md", "channels: [bluesky-main, linkedin-company]\npublish_at: 2027-03-02T10:00\n"
                 "status: ready", "Another day, another TODO.\n")
    project.commit()
    monkeypatch.setattr(lintcache, "STEADY_NS", 0)  # the files were written a moment ago: keep them anyway
    monkeypatch.setattr(lintcache, "LISTING_STEADY_NS", 0)
    everything = cli("lint", "--now", "2027-01-01T00:00", cwd=project.root)
    assert everything.exit_code == 1 and "two.md" in everything.output  # the TODO
    return post


def test_a_one_post_lint_after_a_lint_loads_no_platform(linted: Path, project: ProjectDir) -> None:
    """The post's findings come from the cache: nothing is rendered, so no platform module
    (the project has an X channel: its duplicate check needs only the post's text)."""
    result, modules = _run("lint", str(linted.relative_to(project.root)), "--now", "2027-01-01T00:00",
                           cwd=project.root)
    assert result.exit_code == 0, result.output
    assert "1 post file checked" in result.output
    assert "socialops.lint.cache" in modules and "typer" in modules
    assert _platforms(modules) == set()
    assert modules & NEVER == set()


def test_a_just_edited_post_loads_only_its_channels_platforms(linted: Path, project: ProjectDir) -> None:
    """The hook's case: the post is read and checked again, and rendered for its own
    channels' platforms only (Mastodon counts URLs with X's list of domains)."""
    linted.write_text(linted.read_text("utf-8") + "TODO: a second line.\n", "utf-8")
    result, modules = _run("lint", str(linted.relative_to(project.root)), "--now", "2027-01-01T00:00",
                           cwd=project.root)
    assert result.exit_code == 1 and "one.md" in result.output and "no-todo" in result.output
    assert _platforms(modules) == {"base", "mastodon", "x"}
    assert modules & NEVER == set()


def test_kept_help_loads_neither_typer_nor_the_core(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first, _ = _run("--help", cwd=tmp_path, env=env)
    again, modules = _run("--help", cwd=tmp_path, env=env)
    assert first.exit_code == again.exit_code == 0 and again.stdout == first.stdout and " lint " in again.stdout
    loaded = {m for m in modules if m.startswith("socialops.")}
    assert loaded <= {"socialops.cli", "socialops.errors", "socialops.commands", "socialops.commands.helpcache",
                      "socialops.digests", "socialops.safepaths"}, loaded
    assert {"typer", "yaml", "hashlib", "_hashlib", "json"} & modules == set()


def test_the_digests_without_openssl_are_hashlibs() -> None:
    """socialops.digests gives the bytes hashlib gives: the lint cache's keys, the kept schema
    checks and the X duplicate check's digests are the same either way."""
    import hashlib

    from socialops import digests

    for data in (b"", b"abc", "Grüße 🎉".encode() * 1000):
        assert digests.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
        grown = digests.sha256(data)
        grown.update(b"more")
        assert grown.digest() == hashlib.sha256(data + b"more").digest()
        assert digests.blake2b(data, digest_size=16).digest() == hashlib.blake2b(data, digest_size=16).digest()


def test_a_one_post_lint_after_a_lint_takes_the_style_guides_findings_from_the_cache(
        project: ProjectDir, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    """The style guide's own findings (a rule with a bad option) depend on styleguide.yaml and
    socialops alone: after a lint, a one-post lint whose post comes from the cache reports
    them without loading the style rules, SARIF still documents every rule, and an edit of
    the style guide is seen at once."""
    project.write("styleguide.yaml", "rules:\n  - {id: no-todo, kind: existence, level: error, tokens: [TODO]}\n"
                  "  - {id: long, kind: sentence-length, level: warning, max: -3}\n")
    post = project.post("2027/one.md", "channels: [mastodon-main]\npublish_at: 2027-03-01T10:00\nstatus: ready",
                        "Our release is out.\n")
    project.commit()
    monkeypatch.setattr(lintcache, "STEADY_NS", 0)
    monkeypatch.setattr(lintcache, "LISTING_STEADY_NS", 0)
    everything = cli("lint", "--now", "2027-01-01T00:00", cwd=project.root)
    assert "styleguide.yaml" in everything.output
    one = ["lint", str(post.relative_to(project.root)), "--now", "2027-01-01T00:00"]
    result, modules = _run(*one, cwd=project.root)
    assert "socialops.rules" not in modules
    without = cli(*one, "--no-cache", cwd=project.root)
    assert result.exit_code == without.exit_code == 1 and result.output == without.output
    assert "styleguide.yaml" in result.output
    sarif, _ = _run(*one, "--format", "sarif", cwd=project.root)
    rules = json.loads(sarif.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert "no-todo" in {r["id"] for r in rules}
    assert rules == json.loads(cli(*one, "--format", "sarif", "--no-cache", cwd=project.root).stdout)["runs"][0][
        "tool"]["driver"]["rules"]
    project.write("styleguide.yaml", "rules:\n  - {id: no-todo, kind: existence, level: error, tokens: [TODO]}\n")
    fixed, _ = _run(*one, cwd=project.root)
    assert fixed.exit_code == 0 and "styleguide.yaml" not in fixed.output
