"""Mastodon: grapheme clusters of the content warning plus the text, after rewriting.

Source: mastodon/mastodon app/validators/status_length_validator.rb. The server counts
`[spoiler_text, countable_text(text)].join.each_grapheme_cluster.size` and refuses more than
the instance's `max_characters` (500 on mastodon.social; forks and instances differ, so the
channel's `max_length` overrides it). `countable_text` is '' for blank text, otherwise the
text with:
- every URL found by twitter-text's `extract_urls_with_indices(text,
  extract_url_without_protocol: false)` replaced by 23 'x' (so only URLs with a protocol);
- every mention `@user@domain` (Account::MENTION_RE, app/lib/extractor.rb) replaced by
  `@user`; overlapping entities removed as twitter-text's `remove_overlapping_entities` does.

The URL expression is twitter-text's (rb/lib/twitter-text/regex.rb) with Mastodon's own
overrides from config/initializers/twitter_regex.rb: more protocols (dat, dweb, ipfs, ipns,
ssb, gopher, gemini, besides http and https), any non-space character in paths, and
non-ASCII characters in queries. So `https://example.com/日本語` counts 23, where plain
twitter-text would stop the URL at the slash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

import regex

from socialops.platforms.base import Count, MediaKind, MediaRules, MiB, Platform, graphemes

LIMIT = 500
URL_PLACEHOLDER = "x" * 23
MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
MAX_DOMAIN_LENGTH = 253

_DIRECTIONAL = r"\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069"
_INVALID = r"\uFFFE\uFEFF\uFFFF"
_UNICODE_SPACES = r"\u0009-\u000D\u0020\u0085\u00A0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_PUNCTUATION = r"""!"\#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~"""
_CTRL = r"\x00-\x1F\x7F"
_LATIN_ACCENTS = (r"\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF\u0100-\u024F\u0253\u0254\u0256\u0257"
                  r"\u0259\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF")
_UCHARS = (r"\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF\U00010000-\U0001FFFD\U00020000-\U0002FFFD"
           r"\U00030000-\U0003FFFD\U00040000-\U0004FFFD\U00050000-\U0005FFFD\U00060000-\U0006FFFD"
           r"\U00070000-\U0007FFFD\U00080000-\U0008FFFD\U00090000-\U0009FFFD\U000A0000-\U000AFFFD"
           r"\U000B0000-\U000BFFFD\U000C0000-\U000CFFFD\U000D0000-\U000DFFFD\U000E1000-\U000EFFFD"
           r"\uE000-\uF8FF\U000F0000-\U000FFFFD\U00100000-\U0010FFFD")
_BLANK = regex.compile(r"[\p{White_Space}]*")
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"  # Onigmo's [[:word:]]
# ASCII blanks and NEL are in no URL or mention (a URL's query may hold U+00A0 and other
# Unicode spaces): words of other characters that hold "://" or "@".
_WORDS_WITH = {needle: re.compile(rf"[^\t-\r \x85]*{re.escape(needle)}[^\t-\r \x85]*") for needle in ("://", "@")}


@cache
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    """(URL, t.co URL, mention, end of mention) expressions, built once."""
    from socialops.platforms.x import tld_alternatives

    gtld, cctld = tld_alternatives()
    domain_char = f"[^{_DIRECTIONAL}{_PUNCTUATION}{_CTRL}{_INVALID}{_UNICODE_SPACES}]"
    subdomain = f"(?:(?:{domain_char}(?:[_-]|{domain_char})*)?{domain_char}\\.)"
    domain_name = f"(?:(?:{domain_char}(?:[-]|{domain_char})*)?{domain_char}\\.)"
    tld_end = "(?=[^0-9a-z@+-]|$)"
    domain = f"(?:{subdomain}*{domain_name}(?:(?:{gtld}){tld_end}|(?:{cctld}){tld_end}|(?:xn--[0-9a-z]+)))"
    # twitter-text's own path characters and parentheses (interpolated into Mastodon's
    # ending characters before Mastodon redefines the parentheses).
    tt_path_char = rf"[a-z\p{{Cyrillic}}0-9!\*';:=\+,\.\$/%#\[\]\p{{Pd}}_~&\|@{_LATIN_ACCENTS}]"
    tt_parens = rf"\((?:{tt_path_char}+|(?:{tt_path_char}*\({tt_path_char}+\){tt_path_char}*))\)"
    path_char = r"[^\p{White_Space}<>()?]"
    ending = rf"""(?:[^\p{{White_Space}}()?!*"'「」<>;:=,.$%\[\]~&|@]|(?:{tt_parens}))"""
    parens = rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{ending})|(?:{path_char}+/))"
    query_char = rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@\^{_UCHARS}]"
    query_end = rf"[a-z0-9_&=#/\-{_UCHARS}]"
    preceding = f"(?:[^A-Z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}]|^)"
    url = (f"(({preceding})(((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?({domain})"
           rf"(?::([0-9]+))?(/{path}*)?(\?{query_char}*{query_end})?))")
    flags = regex.IGNORECASE | regex.MULTILINE | regex.V0
    username = r"[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?"
    mention = rf"(?<![=/{_WORD}])@(({username})(?:@[{_WORD}.-]+[{_WORD}]+)?)"
    return (
        regex.compile(url, flags),
        regex.compile(r"^https?://t\.co/([a-z0-9]+)", flags),
        regex.compile(mention, flags),
        regex.compile(rf"\A(?:[@＠]|[{_LATIN_ACCENTS}]+|://)", flags),
    )


def _valid_domain(url_length: int, domain: str) -> bool:
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return url_length + max(0, len(encoded) - len(domain)) <= MAX_URL_LENGTH


def _words(text: str, needle: str) -> list[tuple[int, str]]:
    """(offset, word) of the runs of non-blank characters holding `needle`, each with the
    blank before it. Neither a URL nor a mention contains these blanks, so the expressions
    find the same matches in such a word as in the whole text (where a search reaching the
    blank starts afresh; at the end `$` and look-aheads see a blank or nothing, which they
    treat alike), and the expensive expressions only see these words."""
    out = []
    for m in _WORDS_WITH[needle].finditer(text):
        begin = max(m.start() - 1, 0)
        out.append((begin, text[begin:m.end()]))
    return out


def urls(text: str) -> list[tuple[int, int]]:
    """(start, end) of the URLs Mastodon finds, protocol required."""
    if "://" not in text:
        return []
    return [(offset + s, offset + e) for offset, word in _words(text, "://") for s, e in _urls_in(word)]


@lru_cache(maxsize=4096)
def _urls_in(word: str) -> tuple[tuple[int, int], ...]:
    url_re, tco_re, _, _ = _patterns()
    found = []
    for match in url_re.finditer(word):
        if match.group(4) is None:
            continue
        start, end = match.span(3)
        tco = tco_re.match(match.group(3))
        if tco:
            if len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                continue
            end = start + len(tco.group(0))
        if _valid_domain(end - start, match.group(5)):
            found.append((start, end))
    return tuple(found)


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of the mentions Mastodon rewrites to their local part."""
    if "@" not in text:
        return []
    return [(offset + s, offset + e, r) for offset, word in _words(text, "@") for s, e, r in _mentions_in(word)]


@lru_cache(maxsize=4096)
def _mentions_in(word: str) -> tuple[tuple[int, int, str], ...]:
    _, _, mention_re, end_re = _patterns()
    found = []
    for match in mention_re.finditer(word):
        if end_re.match(word, match.end()):
            continue
        _, _, domain = match.group(1).partition("@")
        if domain and len(domain) > MAX_DOMAIN_LENGTH:
            continue
        found.append((match.start(), match.end(), "@" + match.group(2)))
    return tuple(found)


def countable_text(text: str) -> str:
    if not text.strip() and _BLANK.fullmatch(text):  # Ruby's blank?: only white space
        return ""
    entities = [(s, e, URL_PLACEHOLDER) for s, e in urls(text)] + mentions(text)
    if not entities:
        return text
    kept: list[tuple[int, int, str]] = []
    for entity in sorted(entities):
        if not kept or kept[-1][1] <= entity[0]:
            kept.append(entity)
    out, last = [], 0
    for start, end, replacement in kept:
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


def _spoiler(options: Mapping[str, Any]) -> str:
    spoiler = options.get("spoiler_text")
    return spoiler if isinstance(spoiler, str) else ""


def count(text: str, options: Mapping[str, Any]) -> Count:
    return Count(graphemes(_spoiler(options) + countable_text(text)))


def length_bound(text: str, options: Mapping[str, Any]) -> int:
    """At least the count, without the URL expression: a cluster holds at least one code
    point, a mention only gets shorter, and each URL (which holds its own '://', as Mastodon
    takes only URLs with a protocol, and overlaps no other) becomes 23 characters."""
    return len(_spoiler(options)) + len(text) + len(URL_PLACEHOLDER) * text.count("://")


PLATFORM = Platform(
    name="mastodon",
    label="Mastodon",
    limit=LIMIT,
    unit="characters",
    count=count,
    length_bound=length_bound,
    threads=True,  # in_reply_to_id = the previous status
    # app/services/post_status_service.rb validate_media!: at most 4 attachments, and a video
    # or audio only on its own. Sizes and alt text: GET /api/v2/instance defaults
    # (image_size_limit 16 MiB, video_size_limit 99 MiB, description_limit 1500).
    media=MediaRules(
        max_items=4,
        kinds=(
            MediaKind("image", ("jpg", "jpeg", "png", "webp", "heic", "heif", "avif"), 16 * MiB),
            MediaKind("gif", ("gif",), 16 * MiB),
            MediaKind("video", ("mp4", "m4v", "mov", "webm"), 99 * MiB, alone=True),
            MediaKind("audio", ("mp3", "ogg", "oga", "opus", "wav", "flac", "m4a"), 99 * MiB, alone=True),
        ),
        alt_max=1500,
    ),
)
