"""LinkedIn (Posts API): `commentary` of at most 3000 characters in "little text format".

Escaping (learn.microsoft.com, LinkedIn "little text format"): the characters
``| { } @ [ ] ( ) < > # \\ * _ ~`` must be backslash-escaped "even if they are not used in
one of the supported elements"; text that is not escaped can be cut off silently. That
holds inside URLs too: a link such as https://en.wikipedia.org/wiki/Mercury_(planet) sent
as written cuts the post at its `(`, so the characters of a URL are escaped like the rest
(LinkedIn unescapes them before it finds and links the URL). Kept as written: `#hashtags`
outside URLs (LinkedIn links them) and mentions in LinkedIn's own syntax
`@[Name](urn:li:organization:123)`.

Counting: the API answers "ShareCommentary text length (N characters) exceeded the maximum
allowed (3000 characters)" (n8n-io/n8n#22899). Which unit, and whether the escapes count,
is not documented (UNVERIFIED). The field is validated as sent by a Java (Rest.li) service,
so socialops counts the escaped text in UTF-16 code units: the stricter reading, so a post
that lint passes is never refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from socialops.platforms.base import Count, MediaKind, MediaRules, Platform, utf16_units

LIMIT = 3000
_SPECIAL = re.compile(r"[|{}@\[\]()<>#\\*_~]")
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_MENTION = re.compile(r"@\[[^\]\n]+\]\(urn:li:(?:person|organization):[A-Za-z0-9_-]+\)")


def _kept(text: str) -> list[tuple[int, int]]:
    """Spans left as written: mentions, and hashtags that are not part of a URL (a URL's
    `#fragment` is escaped with the rest of the URL)."""
    spans = [m.span() for m in _MENTION.finditer(text)]
    hashtags = [m.span() for m in _HASHTAG.finditer(text)]
    if hashtags:
        from socialops.platforms.x import urls

        links = [(start, end) for start, end, _ in urls(text)]
        spans += [(a, b) for a, b in hashtags if not any(s <= a < e for s, e in links)]
    return sorted(spans)


def escape(text: str) -> str:
    """Backslash-escape the little-format characters outside hashtags and mentions (URLs
    included)."""
    if not _SPECIAL.search(text):
        return text
    out, last = [], 0
    for start, end in _kept(text):
        if start < last:
            continue
        out.append(_SPECIAL.sub(r"\\\g<0>", text[last:start]))
        out.append(text[start:end])
        last = end
    out.append(_SPECIAL.sub(r"\\\g<0>", text[last:]))
    return "".join(out)


def count(text: str, options: Mapping[str, Any]) -> Count:
    return Count(utf16_units(text))


def length_bound(text: str, options: Mapping[str, Any]) -> int:
    """At least the count of the escaped text, without finding its URLs: escaping adds at
    most one backslash (one UTF-16 unit) for each little-format character."""
    return utf16_units(text) + len(_SPECIAL.findall(text))


PLATFORM = Platform(
    name="linkedin",
    label="LinkedIn",
    limit=LIMIT,
    unit="characters",
    count=count,
    length_bound=length_bound,
    escape=escape,
    threads=False,
    thread_hint="LinkedIn cannot post threads",
    # Images API (/rest/images) and multi-image posts: 1 image, or 2-20 as a multi-image
    # post; altText up to 4086.
    media=MediaRules(
        max_items=20,
        # Video is not offered: socialops does not build the /rest/videos upload, so lint
        # refuses it as publish would (rather than passing a post that must fail).
        kinds=(
            MediaKind("image", ("jpg", "jpeg", "png"), None),
            MediaKind("gif", ("gif",), None),
        ),
        alt_max=4086,
    ),
)
