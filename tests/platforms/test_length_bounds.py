"""The quick length bounds lint uses instead of counting (X, Mastodon, LinkedIn) are never
below the exact count, lint finds exactly the same problems with them, and for an ordinary
post they keep twitter-text and Mastodon's URL expression unloaded."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from socialops.model import Channel, read_post
from socialops.platforms import PLATFORMS, linkedin, mastodon, threads, x
from socialops.render import LIMIT_RULES, render_channel
from tests.platforms.helpers import write_post

POOL = [*"abcxyz XYZ 0123 .,:;!?()[]{}<>|*_~#@\\/-'\"\n\r\t", "https://", "http://", "gemini://", "www.",
        ".com", ".de", ".co.uk", ".рф", "xn--p1ai", "t.co/", "example", "/path", "?q=1&x=2", "#tag", "@user",
        "@alice@mastodon.social", "@[Acme](urn:li:organization:123)", "a.com,b.org", "．", "。",
        "é", "e\u0301", "ß", "日本語", "あ", "नमस्ते", "שלום", "\u200f", "\u00a0", "\u3000", "\u2019", "\u2014",
        "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇩🇪", "#️⃣", "©", "™", "\ufffe", "\ufeff", "\U0001F9D1\u200D\U0001F4BB"]
WORDS = ["launch", "today", "our", "new", "calendar", "Wir", "freuen", "uns", "café", "2.0", "e.g.", "(beta)",
         "#launch", "@acme", "snake_case", "a|b", "—", "Read more:", "https://acme.example/blog?utm_source=social",
         "acme.example", "https://chaos.social/@jonas", "@jonas@chaos.social"]


def _texts(seed: int, count: int, longest: int = 30) -> list[str]:
    rng = random.Random(seed)
    out = ["".join(rng.choice(POOL) for _ in range(rng.randint(0, longest))) for _ in range(count)]
    out += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 60))) for _ in range(count // 4)]
    return out


def test_x_bound_is_never_below_the_weighted_length() -> None:
    given = 0
    for text in _texts(11, 4000):
        bound = x.length_bound(text, {})
        if bound is not None:
            given += 1
            assert bound >= x.weighted_length(text)[0], repr(text)
    assert given > 1000


def test_mastodon_bound_is_never_below_the_count() -> None:
    rng = random.Random(12)
    for text in _texts(12, 4000):
        options = {"spoiler_text": rng.choice(["", "CW: food", "日本語 👨‍👩‍👧‍👦"])}
        assert mastodon.length_bound(text, options) >= mastodon.count(text, options).length, repr(text)


def test_linkedin_bound_is_never_below_the_count_of_the_escaped_text() -> None:
    for text in _texts(13, 4000):
        assert linkedin.length_bound(text, {}) >= linkedin.count(linkedin.escape(text), {}).length, repr(text)


def test_platforms_with_a_bound_check_the_same_before_and_after_escaping() -> None:
    with_bound = [p for p in PLATFORMS.values() if p.length_bound is not None]
    assert {p.name for p in with_bound} == {"x", "mastodon", "linkedin", "bluesky"}
    for text in _texts(14, 500):
        for platform in with_bound:
            assert platform.text_checks(text, {}) == platform.text_checks(platform.escape(text), {})


def test_threads_link_check_without_finding_links_when_there_are_few_dots() -> None:
    for text in _texts(15, 3000, longest=60):
        found = threads.links(text)
        expected = [] if len(found) <= threads.MAX_LINKS else [
            f"{len(found)} links; Threads refuses posts with more than {threads.MAX_LINKS} "
            f"(THREADS_API__LINK_LIMIT_EXCEEDED): remove {len(found) - threads.MAX_LINKS}"]
        assert threads.text_checks(text, {}) == expected, repr(text)
    many = " ".join(f"https://example.com/{i}" for i in range(7))
    assert threads.text_checks(many, {}) == [
        "7 links; Threads refuses posts with more than 5 (THREADS_API__LINK_LIMIT_EXCEEDED): remove 2"]


def test_lint_finds_the_same_with_bounds_as_with_exact_counts(tmp_path: Path) -> None:
    """Posts around the limits of small channels: the problems lint reports (details off,
    bounds used) are those of the full rendering."""
    channels = [Channel(f"{name}-{size}", name, {"max_length": size})
                for name in ("x", "mastodon", "linkedin") for size in (40, 80, 120)]
    rng = random.Random(16)
    used = 0
    for i, text in enumerate(_texts(16, 600, longest=40)):
        if not text.strip() or "---" in text or "<!--" in text:
            continue
        front = "mastodon: {spoiler_text: 'CW: food'}\n" if i % 3 == 0 else ""
        post = read_post(tmp_path, write_post(tmp_path, text.replace("\r", "") + "\n", front))
        for channel in rng.sample(channels, 3):
            full = [p for p in render_channel(post, channel, tmp_path).problems if p.rule in LIMIT_RULES]
            quick = [p for p in render_channel(post, channel, tmp_path, details=False).problems
                     if p.rule in LIMIT_RULES]
            assert quick == full, (channel.name, repr(text))
            used += 1
    assert used > 1000


_ORDINARY = """
import sys
from pathlib import Path
from socialops.lint import lint
from socialops.model import Project
from socialops.platforms import mastodon
from socialops.timeutil import parse_now

project = Project.load(Path(sys.argv[1]))
result = lint(project, [project.root / "posts/2026/12/launch.md"], parse_now(None, project.config.timezone))
assert not [p for p in result.problems if p.rule in ("length", "media", "thread")], result.problems
assert "twitter_text" not in sys.modules and not any(m.startswith("twitter_text.") for m in sys.modules)
assert mastodon._patterns.cache_info().currsize == 0
print("ok")
"""


def test_an_ordinary_post_loads_no_counting_library() -> None:
    acme = Path(__file__).resolve().parents[2] / "examples" / "acme"
    done = subprocess.run([sys.executable, "-c", _ORDINARY, str(acme)], capture_output=True, text=True,
                          check=False, timeout=120, env={"SOCIALOPS_NO_CACHE": "1", "PATH": ""})
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "ok", "")
