"""The shortcuts that keep counting fast give exactly what the plain way gives: seeded
random texts built from the characters that matter (combining marks, ZWJ, flags, CR LF,
Indic conjuncts, URLs, mentions)."""

from __future__ import annotations

import random

import regex

from socialops.platforms import base, mastodon, threads

POOL = [*"ab .:/@#\r\n\t()", "\u0301", "\u200d", "\ufe0f", "\U0001F468", "\U0001F469", "\U0001F1E9",
        "\U0001F1EA", "\U0001F3FD", "न", "म", "स", "्", "त", "े", "\u0600", "क", "ष", "한", "\u1100",
        "\u1161", "\u11a8", "é", "\u20e3", "\U000E0067", "\U0001F3F4", "\u0d4e", "\u00a0", "\u3000",
        "1", "#", "😀", "日", "https://", "example.com", "/日本", "?q=ü", "@alice", "@ex.social", "\x85"]


def _texts(seed: int, count: int, longest: int = 14) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def test_graphemes_equal_the_segmenter_on_the_whole_text() -> None:
    segmenter = regex.compile(r"\X")
    for text in _texts(1, 20000):
        assert base.graphemes(text) == len(segmenter.findall(text)), repr(text)


def test_threads_count_equals_counting_every_cluster() -> None:
    emoji = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")
    for text in _texts(2, 20000):
        expected = sum(len(c.encode()) if emoji.search(c) else len(c) for c in regex.findall(r"\X", text))
        assert threads.count(text, {}).length == expected, repr(text)


def _whole_text_urls(text: str) -> list[tuple[int, int]]:
    url_re, tco_re, _, _ = mastodon._patterns()
    found = []
    for match in url_re.finditer(text):
        if match.group(4) is None:
            continue
        start, end = match.span(3)
        tco = tco_re.match(match.group(3))
        if tco:
            end = start + len(tco.group(0))
        if mastodon._valid_domain(end - start, match.group(5)):
            found.append((start, end))
    return found


def _whole_text_mentions(text: str) -> list[tuple[int, int, str]]:
    _, _, mention_re, end_re = mastodon._patterns()
    return [(m.start(), m.end(), "@" + m.group(2)) for m in mention_re.finditer(text)
            if not end_re.match(text, m.end())]


def test_mastodon_word_by_word_equals_the_whole_text() -> None:
    for text in _texts(3, 6000, longest=10):
        assert mastodon.urls(text) == _whole_text_urls(text), repr(text)
        assert mastodon.mentions(text) == _whole_text_mentions(text), repr(text)
