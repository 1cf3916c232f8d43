"""Mastodon: graphemes of content warning plus text, URLs with a protocol as 23, remote
mentions as their local part, Mastodon's own URL rules."""

from __future__ import annotations

import pytest

from socialops.platforms import mastodon


def length(text: str, spoiler: str | None = None) -> int:
    return mastodon.count(text, {"spoiler_text": spoiler} if spoiler is not None else {}).length


@pytest.mark.parametrize(("text", "expected"), [
    ("a" * 500, 500),
    ("a" * 501, 501),
    ("👨‍👩‍👧‍👦", 1),  # ZWJ family: one grapheme cluster
    ("👍🏽👍🏿", 2),  # skin tones join their emoji
    ("🇩🇪🇫🇷🇯🇵", 3),  # flags: pairs of regional indicators
    ("e\u0301", 1),  # combining acute accent
    ("Z\u0351\u036b\u0343\u036a", 1),  # stacked combining marks
    ("日本語のテキスト", 8),  # CJK
    ("नमस्ते", 3),  # Hindi: 3 clusters (Unicode 15.1 conjunct rule)
    ("مرحبا بالعالم", 13),  # right-to-left: Arabic letters one each
    ("שלום \u200fעולם", 10),  # Hebrew with a right-to-left mark (its own cluster)
    ("   \n ", 0),  # blank text counts nothing
])
def test_grapheme_clusters(text: str, expected: int) -> None:
    assert length(text) == expected


def test_content_warning_counts() -> None:
    assert length("Hello", spoiler="Food 🍕") == len("Food ") + 1 + len("Hello")
    assert length("", spoiler="CW") == 2


def test_urls_with_a_protocol_count_23() -> None:
    long_url = "https://example.com/" + "a" * 200
    assert length(f"See {long_url} now") == 4 + 23 + 4
    assert length("http://example.org") == 23
    assert length("gemini://example.org/capsule") == 23  # Mastodon's extra protocols
    assert length("ftp://example.com") == 17  # not one of them


def test_bare_domains_count_as_written() -> None:
    assert length("visit example.com") == 17


def test_trailing_punctuation_and_parentheses_stay_out_of_urls() -> None:
    assert mastodon.urls("(https://example.com/a).") == [(1, 22)]
    assert length("(https://example.com/a).") == 1 + 23 + 2
    assert length("https://example.com/path, and more!") == 23 + len(", and more!")
    wiki = "https://en.wikipedia.org/wiki/Primer_(film)"
    assert mastodon.urls(f"({wiki})") == [(1, 1 + len(wiki))]
    assert length(f"Read {wiki}.") == 5 + 23 + 1


def test_mastodon_paths_take_any_character() -> None:
    # twitter-text alone would stop at the slash; Mastodon's override takes the CJK path
    assert mastodon.urls("https://example.com/日本語 ok") == [(0, 23)]
    assert length("https://example.com/日本語 ok") == 23 + 3


def test_remote_mentions_count_as_the_local_part() -> None:
    assert mastodon.countable_text("hi @alice@mastodon.social!") == "hi @alice!"
    assert length("hi @alice@mastodon.social!") == len("hi @alice!")
    assert length("@bob") == 4
    # an e-mail address is no mention, and a mention inside a URL is part of the URL
    assert mastodon.countable_text("mail me@example.com") == "mail me@example.com"
    assert mastodon.countable_text("https://mastodon.social/@alice") == "x" * 23


def test_at_the_limit_and_one_over_through_render(tmp_path) -> None:
    from socialops.model import Channel
    from tests.platforms.helpers import render

    channel = Channel("mastodon-main", "mastodon", {})
    fits = render(tmp_path, "a" * 476 + " https://example.com/x", channel)
    assert (fits.parts[0].length, fits.parts[0].limit, fits.ok, fits.problems) == (500, 500, True, [])
    over = render(tmp_path, "a" * 477 + " https://example.com/x", channel)
    assert (over.parts[0].length, over.ok) == (501, False)
    assert [p.message for p in over.problems] == ["too long for mastodon-main: 501/500 (1 over)"]


def test_channel_max_length_overrides_the_default(tmp_path) -> None:
    from socialops.model import Channel
    from tests.platforms.helpers import render

    rendered = render(tmp_path, "a" * 600, Channel("big", "mastodon", {"max_length": 5000}))
    assert rendered.parts[0].limit == 5000 and rendered.ok
