"""X's weighted length: twitter-text's conformance suite, our own cases, and the fast path
compared with the reference library on seeded random texts."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from socialops.platforms import x
from tests.conftest import SHARED

CONFORMANCE = SHARED / "conformance" / "twitter-text" / "validate.yml"
OWN_CASES = Path(__file__).parent / "data" / "x_weighted.yml"


def _cases(path: Path, section: str) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return list(data["tests"][section])


def _check(case: dict[str, object]) -> None:
    expected = case["expected"]
    assert isinstance(expected, dict)
    length, invalid = x.weighted_length(str(case["text"]))
    assert length == expected["weightedLength"], case["description"]
    assert (not invalid and 0 < length <= x.LIMIT) == expected["valid"], case["description"]
    counted = x.count(str(case["text"]), {})
    assert counted.length == length and (counted.invalid is None) == (not invalid)


def test_conformance_suite_weighted_lengths() -> None:
    """The shared suite itself, when it sits next to the repository (not on CI, where the
    copy below stands in for it)."""
    if not CONFORMANCE.is_file():
        pytest.skip("the shared conformance data is not next to this repository")
    cases = _cases(CONFORMANCE, "WeightedTweetsWithDiscountedEmojiCounterTest")
    assert len(cases) >= 20
    for case in cases:
        _check(case)
    copy = _cases(OWN_CASES, "WeightedTweetsWithDiscountedEmojiCounterTest")
    assert {(c["description"], c["text"]) for c in cases} == {(c["description"], c["text"]) for c in copy}


@pytest.mark.parametrize("case", _cases(OWN_CASES, "WeightedTweetsWithDiscountedEmojiCounterTest"),
                         ids=lambda c: str(c["description"]))
def test_copy_of_the_conformance_section(case: dict[str, object]) -> None:
    _check(case)


@pytest.mark.parametrize(("text", "length", "valid"), [
    ("a" * 280, 280, True),
    ("a" * 281, 281, False),
    ("あ" * 140, 280, True),  # CJK weighs 2
    ("あ" * 141, 282, False),
    ("example.com", 23, True),  # bare domains are URLs
    ("https://example.com/" + "a" * 300, 23, True),
    ("👨‍👩‍👧‍👦", 2, True),  # a ZWJ family is one emoji
    ("👍🏽", 2, True),  # skin tone modifier
    ("🇩🇪🇫🇷", 4, True),  # two flags
    ("cafe\u0301", 4, True),  # NFC first: é is one code point
    ("नमस्ते", 6, True),  # Devanagari lies in the weight-1 range 0-4351, one per code point
    ("שלום עולם", 9, True),  # so does Hebrew
    ("🙂" * 140, 280, True),
    ("🙂" * 141, 282, False),
    ("line\r\nbreak", 10, True),  # CR LF counts once
    ("bad \ufffe char", 11, False),
    ("", 0, False),
])
def test_own_weighted_lengths(text: str, length: int, valid: bool) -> None:
    got, invalid = x.weighted_length(text)
    assert got == length
    assert (not invalid and 0 < got <= x.LIMIT) == valid
    assert x.reference_length(text) == (got, invalid)


def test_invalid_characters_are_named() -> None:
    assert x.count("bad \ufffe char", {}).invalid == "it contains U+FFFE, which X does not accept"


_POOL = [
    *"abcdefghij XYZ 0123456789 .,:;!?()[]/-_@#$&'\"\n\r\t",
    "https://", "http://", "www.", ".com", ".de", ".co.uk", ".jp", ".рф", "xn--p1ai", "t.co/", "example",
    "/path", "?q=1&x=2", "#frag", "@user", "#tag", "$CASH",
    "é", "e\u0301", "ß", "日本語", "あ", "한", "नमस्ते", "שלום", "مرحبا", "\u200f", "\u202a", "\u2066",
    "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇩🇪", "#️⃣", "1️⃣", "©", "™", "\u2014", "\u2019", "\u00a0", "\u3000",
    "\ufffe", "\ufeff", "\U0001F9D1\u200D\U0001F4BB", "\u2642\ufe0f", "🏳️‍🌈",
]


def test_fast_path_equals_reference_on_random_texts() -> None:
    rng = random.Random(20261121)
    for _ in range(3000):
        text = "".join(rng.choice(_POOL) for _ in range(rng.randint(0, 30)))
        assert x.weighted_length(text) == x.reference_length(text), repr(text)


def test_fast_path_equals_reference_on_typical_posts() -> None:
    rng = random.Random(7)
    words = ["launch", "today", "our", "new", "release", "calendar", "Wir", "freuen", "uns", "café",
             "2.0", "v1.2.3", "e.g.", "i.e.", "Read", "more:", "🎉", "🚀", "—", "#launch", "@acme"]
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        if rng.random() < 0.6:
            text += f" https://example.com/{rng.randint(0, 10**6)}?utm_source=social."
        assert x.weighted_length(text) == x.reference_length(text), repr(text)


def test_every_emoji_character_is_in_the_quick_class() -> None:
    """Texts without a character of x._MAYBE_EMOJI skip the emoji table: it must hold every
    non-ASCII character of the library's emoji sequences."""
    _, _, non_ascii = x._emoji_tables()
    assert non_ascii
    assert [f"U+{ord(c):04X}" for c in sorted(non_ascii) if not x._MAYBE_EMOJI.match(c)] == []


_LOADING = """
import sys
from socialops.platforms import mastodon, x
assert x.weighted_length("Read more: https://example.com/a?b=c and see x.org, Grüße — ’") == (77, False)
assert mastodon.count("https://example.com/日本語 ok", {}).length == 26
assert "twitter_text" not in sys.modules, "a partial package was left behind"
assert x._emoji_tables.cache_info().currsize == 0, "the emoji table was loaded for a text without emoji"
assert x.weighted_length("launch 🎉 x.org") == (33, False)
import twitter_text
assert callable(twitter_text.parse_tweet) and callable(twitter_text.extract_urls)
assert x.reference_length("launch 🎉 x.org") == (33, False)
print("ok")
"""


def test_urls_and_tlds_load_only_the_library_parts_they_need() -> None:
    """In a fresh interpreter: URL counting does not load the emoji table for texts without
    emoji, leaves no half-loaded package behind, and the full package still imports."""
    done = subprocess.run([sys.executable, "-W", "error", "-c", _LOADING], capture_output=True, text=True,
                          check=False, timeout=60)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "ok", "")
