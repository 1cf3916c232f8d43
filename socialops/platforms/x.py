"""X (Twitter): twitter-text's weighted length, config v3.

Rules (twitter/twitter-text config/v3.json and docs.x.com fundamentals/counting-characters;
the reference implementation is twitter-text-parser's `parse_tweet`, which passes
twitter-text's own conformance suite):
- the text is NFC-normalised and CR LF / CR become LF first;
- code points in 0-4351, 8192-8205, 8208-8223 and 8242-8247 weigh 1, all others 2;
- every URL weighs 23, bare domains such as example.com included;
- every emoji sequence weighs 2;
- U+FFFE, U+FEFF and U+FFFF make the post invalid;
- the limit is 280, or the channel's `max_length` for accounts allowed longer posts
  (Premium's 25,000 is UNVERIFIED, so socialops never assumes it).

`parse_tweet` costs about 0.5 ms a text, almost all of it in its emoji and URL regular
expressions scanned over the whole text. `weighted_length` gives exactly the same result
for a fraction of the cost: it runs those same expressions only on the stretches of text
where a match is possible (a URL needs a dot followed by a character a top-level domain can
start with, and lies inside one run of non-space characters; an emoji match consists only of
characters that occur in emoji sequences and contains at least one non-ASCII one) and sums
the plain characters with one regular-expression count. What the library finds in one
word or one emoji run is cached (a pure function of that string). tests/platforms/test_x.py
proves the equality on the conformance suite and on seeded random texts.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import re
import sys
import types
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from socialops.platforms.base import MB, Count, MediaKind, MediaRules, Platform

LIMIT = 280
URL_WEIGHT = 23
EMOJI_WEIGHT = 2
# Weight 1: these ranges (config v3 "ranges"); everything else weighs 2.
_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
_INVALID = re.compile("[\ufffe\ufeff\uffff]")
_LINE_ENDING = re.compile(r"\r\n|\r")
# twitter-text's spaces group: no URL contains one of these.
_SPACES = "\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WORD = re.compile(f"[^{_SPACES}]+")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def twitter_text() -> Any:
    """The twitter-text-parser package, imported on first use (for its parse_tweet).

    It reads its emoji table with `pkg_resources.resource_string`, and pkg_resources is
    deprecated by setuptools (newer releases warn on import, or lack it) and costs ~0.1 s
    to import. Unless something imported the real one already, the import gets a stand-in
    module with just that function, reading the file next to the calling module."""
    if "twitter_text" in sys.modules:
        import twitter_text as loaded

        return loaded
    with _pkg_resources_stand_in():
        import twitter_text as module
    return module


@contextmanager
def _pkg_resources_stand_in() -> Iterator[None]:
    if "pkg_resources" in sys.modules:
        yield
        return
    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_string = _resource_string  # type: ignore[attr-defined]
    sys.modules["pkg_resources"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("pkg_resources") is stand_in:
            del sys.modules["pkg_resources"]


def _resource_string(module_name: str, resource: str) -> bytes:
    return (Path(sys.modules[module_name].__file__ or "").parent / resource).read_bytes()


def _part(name: str) -> Any:
    """One module of twitter-text-parser, e.g. "extract_urls", without running the package's
    __init__, which imports parse_tweet and with it the emoji expression (~60 ms to build)
    and everything else. The package is registered only while its modules load, and then
    removed with them, so a later `import twitter_text` anywhere gets the whole package as
    usual. If the package is loaded already, or its layout is not what this expects, the
    module comes from the normal import."""
    if "twitter_text" not in sys.modules:
        spec = importlib.util.find_spec("twitter_text")
        if spec is not None and spec.submodule_search_locations is not None:
            with _pkg_resources_stand_in(), _bare_package(spec):
                try:
                    return importlib.import_module(f"twitter_text.{name}")
                except ImportError:
                    pass
    twitter_text()
    return importlib.import_module(f"twitter_text.{name}")


@contextmanager
def _bare_package(spec: importlib.machinery.ModuleSpec) -> Iterator[None]:
    sys.modules["twitter_text"] = importlib.util.module_from_spec(spec)
    try:
        yield
    finally:
        for loaded in [m for m in sys.modules if m == "twitter_text" or m.startswith("twitter_text.")]:
            del sys.modules[loaded]


@cache
def tld_alternatives() -> tuple[str, str]:
    """twitter-text's generic and country TLD alternations (the lists its Ruby gem ships),
    as the bodies of its `valid_gtld` and `valid_cctld` expressions."""

    def body(pattern: str) -> str:
        return pattern[pattern.index("(?:(?:") + 6: pattern.index(")(?=")]

    return (body(_part("regexp.valid_gtld").valid_gtld.pattern),
            body(_part("regexp.valid_cctld").valid_cctld.pattern))


@cache
def _url_tables() -> tuple[Any, re.Pattern[str]]:
    """(extract_urls_with_indices, URL-candidate finder), built once from the library."""
    # Characters a TLD alternative can start with ('x' covers punycode 'xn--').
    starts = {"x"}
    for body in tld_alternatives():
        starts.update(alt[0] for alt in body.split("|") if alt)
    tld_start = "".join(sorted(re.escape(c) for c in starts))
    # IGNORECASE as in the URL regex that embeds the TLD lists.
    candidate = re.compile(rf"\.[{tld_start}]", re.IGNORECASE)
    return _part("extract_urls").extract_urls_with_indices, candidate


# Every non-ASCII character that occurs in an emoji sequence of twitter-text's table lies
# in this class (tests/platforms/test_x.py checks it against the table): a text with none
# of these has no emoji, and the table (~60 ms to load) is not needed for it.
_MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u200d\u203c\u2049\u20e3\u2100-\u2bff\u3030\u303d\u3297\u3299"
                          "\ufe0f\U0001f000-\U0001faff\U000e0000-\U000e007f]")


@cache
def _emoji_tables() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    """(emoji regex, characters of emoji sequences, the non-ASCII ones among them), built
    once from the library's own tables."""
    emoji_module = _part("regexp.emoji")
    members: set[int] = set()
    for lo, hi in emoji_module.single_codepoint_emoji_ranges:
        members.update(range(lo, hi + 1))
    for entry in emoji_module.emoji_list:
        members.update(int(cp, 16) for cp in entry.codepoint.split())
    chars = frozenset(chr(c) for c in members)
    return emoji_module.emoji, chars, frozenset(c for c in chars if not c.isascii())


@lru_cache(maxsize=4096)
def _urls_in_word(word: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, url) of the URLs twitter-text finds in one run of non-space characters
    (with the blank before it, if any)."""
    return tuple((f["indices"][0], f["indices"][1], f["url"]) for f in _url_tables()[0](word))


def urls(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of every URL twitter-text's `extract_urls_with_indices` finds in
    `text` (bare domains included), found word by word: a URL lies inside one run of
    non-space characters, and the search that reaches the blank before it starts afresh,
    so each word with the blank before it gives the same URLs as the whole text."""
    candidate = _url_tables()[1]
    found: list[tuple[int, int, str]] = []
    if not candidate.search(text):
        return found
    for word in _WORD.finditer(text):
        if candidate.search(word.group()):
            # With the blank before it: the URL expression's first alternative for the
            # character before a URL would otherwise take the word's first letter.
            begin = max(word.start() - 1, 0)
            found.extend((begin + s, begin + e, u) for s, e, u in _urls_in_word(text[begin:word.end()]))
    return found


@lru_cache(maxsize=4096)
def _emojis_in(stretch: str) -> tuple[tuple[int, int], ...]:
    """(start, length) of the emoji matches in one maximal run of emoji-sequence characters."""
    return tuple((m.start(), len(m.group())) for m in _emoji_tables()[0].finditer(stretch))


def _emoji_stretches(text: str) -> list[tuple[int, int]]:
    """Maximal runs of emoji-sequence characters that hold at least one non-ASCII one: the
    only places an emoji match can be."""
    _, members, non_ascii = _emoji_tables()
    out: list[tuple[int, int]] = []
    end = 0
    for m in _NON_ASCII.finditer(text):
        p = m.start()
        if p < end or text[p] not in non_ascii:
            continue
        start = p
        while start > 0 and text[start - 1] in members:
            start -= 1
        end = p + 1
        while end < len(text) and text[end] in members:
            end += 1
        out.append((start, end))
    return out


def normalize(text: str) -> str:
    """NFC, then CR LF and CR to LF, as parse_tweet does before counting."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _LINE_ENDING.sub("\n", text) if "\r" in text else text


def entities(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """URL and emoji entities of normalised text: {start: length}, as parse_tweet finds them."""
    url_entities = {start: len(url) for start, _, url in urls(text)}
    emojis: dict[int, int] = {}
    if not text.isascii() and _MAYBE_EMOJI.search(text):
        for begin, end in _emoji_stretches(text):
            for start, length in _emojis_in(text[begin:end]):
                emojis[begin + start] = length
    return url_entities, emojis


def weighted_length(text: str) -> tuple[int, bool]:
    """(weighted length, has invalid characters): parse_tweet's weightedLength and the
    invalid-character half of its `valid`, computed on the fast path."""
    text = normalize(text)
    if text.isascii() and "." not in text:
        return len(text), False
    urls, emojis = entities(text)
    if not urls and not emojis:
        return len(text) + len(_HEAVY.findall(text)), _INVALID.search(text) is not None
    starts = sorted(set(urls) | set(emojis))
    total, invalid, i, k = 0, False, 0, 0
    while True:
        while k < len(starts) and starts[k] < i:
            k += 1  # an entity that starts inside the one just counted is not visited
        end = starts[k] if k < len(starts) else len(text)
        plain = text[i:end]
        total += len(plain) + len(_HEAVY.findall(plain))
        invalid = invalid or _INVALID.search(plain) is not None
        if k == len(starts):
            return total, invalid
        invalid = invalid or _INVALID.match(text, end) is not None
        if end in urls:
            total, i = total + URL_WEIGHT, end + urls[end]
        else:
            total, i = total + EMOJI_WEIGHT, end + emojis[end]


def reference_length(text: str) -> tuple[int, bool]:
    """The same through twitter-text-parser's parse_tweet (slow; for tests and benchmarks)."""
    from twitter_text.config import config

    # With an unreachable limit, `valid` is False only for invalid characters (or no text).
    options = {**config["defaults"], "max_weighted_tweet_length": 10**9}
    result = twitter_text().parse_tweet(text, options)
    length = int(result.weightedLength)
    return length, not result.valid and length > 0


# The characters of emoji sequences that weigh 1 and are not ASCII (tests/platforms/
# test_lint_rendering.py checks it against the table). An emoji match holds a non-ASCII
# character; without one of these it holds one that weighs 2 on its own, so weighing its
# characters one by one gives at least the 2 the emoji weighs.
_LIGHT_EMOJI = re.compile("[\u00a9\u00ae\u200d]")


def length_bound(text: str, options: Mapping[str, Any]) -> int | None:
    """At least the weighted length, without twitter-text: every character at its weight
    and 23 more for each '.', since each URL holds one and URLs do not overlap. None for
    texts that may hold an emoji weighing more than its characters (see _LIGHT_EMOJI) or
    invalid characters: only the exact count judges those."""
    text = normalize(text)
    if _LIGHT_EMOJI.search(text) or _INVALID.search(text):
        return None
    return len(text) + len(_HEAVY.findall(text)) + URL_WEIGHT * text.count(".")


def count(text: str, options: Mapping[str, Any]) -> Count:
    length, invalid = weighted_length(text)
    bad = None
    if invalid:
        chars = ", ".join(sorted({f"U+{ord(c):04X}" for c in _INVALID.findall(normalize(text))}))
        bad = f"it contains {chars}, which X does not accept"
    return Count(length, invalid=bad)


PLATFORM = Platform(
    name="x",
    label="X",
    limit=LIMIT,
    unit="weighted characters",
    count=count,
    length_bound=length_bound,
    # Self-threads are replies to one's own post (reply.in_reply_to_tweet_id). Whether the
    # 2026-02-23 reply restriction on self-serve tiers covers them is UNVERIFIED.
    threads=True,
    # docs.x.com media/upload: 4 images, or 1 GIF, or 1 video per post; image <= 5 MB,
    # GIF <= 15 MB, video <= 512 MB; alt text (media/metadata) <= 1000 characters.
    media=MediaRules(
        max_items=4,
        kinds=(
            MediaKind("image", ("jpg", "jpeg", "png", "webp"), 5 * MB),
            MediaKind("gif", ("gif",), 15 * MB, alone=True),
            MediaKind("video", ("mp4", "mov"), 512 * MB, alone=True),
        ),
        alt_max=1000,
    ),
)
