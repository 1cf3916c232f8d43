"""Bluesky: 300 graphemes and 3000 UTF-8 bytes; facets at UTF-8 byte offsets, detected as
the official client library detects them."""

from __future__ import annotations

import pytest

from socialops.model import Channel
from socialops.platforms import bluesky
from tests.platforms.helpers import render

CHANNEL = Channel("bluesky-main", "bluesky", {})


@pytest.mark.parametrize(("text", "graphemes", "size"), [
    ("a" * 300, 300, 300),
    ("नमस्ते", 3, 18),
    ("👨‍👩‍👧‍👦", 1, 25),
    ("👋🏾", 1, 8),
    ("🇺🇦", 1, 8),
    ("e\u0301", 1, 3),
    ("漢字かな", 4, 12),
    ("مرحبا", 5, 10),
])
def test_graphemes_and_bytes(text: str, graphemes: int, size: int) -> None:
    counted = bluesky.count(text, {})
    assert (counted.length, counted.bytes) == (graphemes, size)


def test_exactly_at_the_limit_and_one_over(tmp_path) -> None:
    assert render(tmp_path, "é" * 300, CHANNEL).ok  # 300 graphemes, 600 bytes
    over = render(tmp_path, "é" * 301, CHANNEL)
    assert [p.message for p in over.problems] == ["too long for bluesky-main: 301/300 (1 over)"]


def test_the_byte_limit_binds_for_long_clusters(tmp_path) -> None:
    family = "👨‍👩‍👧‍👦"  # 1 grapheme, 25 bytes
    fits = render(tmp_path, family * 120, CHANNEL)  # 3000 bytes
    assert (fits.parts[0].length, fits.parts[0].bytes, fits.ok) == (120, 3000, True)
    over = render(tmp_path, family * 121, CHANNEL)
    assert [p.message for p in over.problems] == ["too long for bluesky-main: 3025/3000 bytes (25 over)"]


def _facets(text: str) -> list[tuple[str, str, int, int]]:
    out = []
    for facet in bluesky.facets(text):
        feature = facet["features"][0]
        kind = feature["$type"].rsplit("#", 1)[1]
        value = feature.get("uri") or feature.get("handle") or feature.get("tag")
        out.append((kind, value, facet["index"]["byteStart"], facet["index"]["byteEnd"]))
    return out


def test_facet_offsets_are_utf8_bytes_on_multibyte_text() -> None:
    text = "Grüße 🎉 @alice.test https://ex.com/ü. #Käse"
    # "Grüße " is 8 bytes, "🎉 " 5: the mention starts at byte 13
    assert _facets(text) == [
        ("mention", "alice.test", 13, 24),
        ("link", "https://ex.com/ü", 25, 42),
        ("tag", "Käse", 44, 50),
    ]
    raw = text.encode()
    assert raw[13:24].decode() == "@alice.test" and raw[25:42].decode() == "https://ex.com/ü"


@pytest.mark.parametrize(("text", "expected"), [
    ("see example.com/launch.", [("link", "https://example.com/launch", 4, 22)]),
    ("(https://example.com/a)", [("link", "https://example.com/a", 1, 22)]),
    ("https://en.wikipedia.org/wiki/Primer_(film)", [
        ("link", "https://en.wikipedia.org/wiki/Primer_(film)", 0, 43)]),
    ("punctuation https://foo.com, https://bar.com/x; done", [
        ("link", "https://foo.com", 12, 27), ("link", "https://bar.com/x", 29, 46)]),
    ("only one is trimmed: https://foo.com/x!!", [("link", "https://foo.com/x!", 21, 39)]),
    ("a trailing bsky.app: colon", [("link", "https://bsky.app", 11, 19)]),
    ("e.g. this", []),  # 'g' is no top-level domain
    ("website.com.jpg", []),
    ("NOT.COM in capitals", []),  # the client's TLD check is case-sensitive
    ("HTTPS://EXAMPLE.COM", []),  # and so is its 'http' test
])
def test_links(text: str, expected: list[tuple[str, str, int, int]]) -> None:
    assert _facets(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("hi @alice.bsky.social!", [("mention", "alice.bsky.social", 3, 21)]),
    ("(@bob.example.com)", [("mention", "bob.example.com", 1, 17)]),
    ("@dev.test works", [("mention", "dev.test", 0, 9)]),
    ("not@right", []),
    ("@nodomain", []),
])
def test_mentions_carry_the_handle(text: str, expected: list[tuple[str, str, int, int]]) -> None:
    assert _facets(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("#launch day", [("tag", "launch", 0, 7)]),
    ("strips #trailing, #punct!", [("tag", "trailing", 7, 16), ("tag", "punct", 18, 24)]),
    ("#1 is no tag, #1a is", [("tag", "1a", 14, 17)]),
    ("full width ＃タグ", [("tag", "タグ", 11, 20)]),
    ("#" + "a" * 64, [("tag", "a" * 64, 0, 65)]),
    ("#" + "a" * 65, []),
    ("cash $AAPL.", [("tag", "$AAPL", 5, 10)]),
])
def test_tags(text: str, expected: list[tuple[str, str, int, int]]) -> None:
    assert _facets(text) == expected


def test_rendered_parts_carry_their_facets(tmp_path) -> None:
    rendered = render(tmp_path, "One #a\n\n---\nTwo https://example.com\n", CHANNEL)
    assert [p.facets[0]["features"][0]["$type"] for p in rendered.parts] == [
        "app.bsky.richtext.facet#tag", "app.bsky.richtext.facet#link"]
    assert rendered.parts[1].facets[0]["index"] == {"byteStart": 4, "byteEnd": 23}
