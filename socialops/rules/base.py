"""What every rule kind shares: the texts it reads (segments), what it reports (matches),
and the interface a kind module has (see RuleKind)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import regex

from socialops.rules.lang import Lang

BODY, VARIANT, ALT = "body", "variant", "alt"
POST_TEXT = frozenset({BODY, VARIANT})  # what a post's readers see in the timeline
ALL_TEXT = frozenset({BODY, VARIANT, ALT})  # ... and the media descriptions
ALT_TEXT = frozenset({ALT})


@dataclass(slots=True)
class Segment:
    """One text the audience sees: the body, a variant, or one media item's alt text.
    HTML comments are masked by spaces, so offsets are offsets in the file's text."""

    kind: str  # body | variant | alt
    text: str
    parts: tuple[tuple[int, int], ...]  # thread parts as (start, end) offsets in `text`
    lang: Lang
    source: str = ""  # the variant's key, or the media item's path
    missing: bool = False  # an alt segment of a media item that has no alt text
    _folded: str | None = field(default=None, repr=False, compare=False)
    _urls: list[tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def folded(self) -> str:
        """The text case-folded in its language (for quick "can it match at all" tests;
        its offsets match the text's only when both have the same length)."""
        if self._folded is None:
            self._folded = self.lang.fold(self.text)
        return self._folded

    @property
    def urls(self) -> list[tuple[int, int]]:
        """(start, end) of each link in the text (find_urls), found once for every kind."""
        if self._urls is None:
            self._urls = list(find_urls(self.text))
        return self._urls


#: seconds a style guide's own regular expression may take on one text; longer is stopped
#: and reported (a pattern like (a|aa)+$ can take years on a line of a's)
REGEX_TIMEOUT = 0.5
#: how lint finds a pattern that backtracks catastrophically: each literal character of
#: the pattern, repeated, must be searched within PROBE_TIMEOUT seconds
PROBE_LENGTH, PROBE_TIMEOUT = 2000, 0.1


def expensive(pattern: regex.Pattern[str]) -> bool:
    """Whether `pattern` takes too long on a long run of one of its own characters (the
    classic catastrophic backtracking of nested or overlapping repetition)."""
    chars = {c for c in pattern.pattern if c.isalnum() or c in " !?.,;:-_#@'\""} or {"a"}
    for char in sorted(chars)[:40]:
        for tail in ("\x00", "!", ""):
            try:
                pattern.search(char * PROBE_LENGTH + tail, timeout=PROBE_TIMEOUT)
            except TimeoutError:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Match:
    """One finding of a kind in a segment. `start` None means the segment as a whole."""

    start: int | None
    end: int
    message: str  # the kind's default message template
    values: Mapping[str, object] = field(default_factory=dict)  # {match}, {expected}, ...
    fix: str | None = None  # a certain replacement for text[start:end]


def found(start: int | None, end: int, message: str, fix: str | None = None, **values: object) -> Match:
    return Match(start, end, message, values, fix)


class RuleKind(Protocol):
    """A rule kind module: its docstring is its user documentation."""

    __doc__: str | None
    KIND: str
    OPTIONS: dict[str, dict[str, Any]]  # JSON Schema of each option, with a description
    REQUIRED: tuple[str, ...]  # options a rule of this kind must set
    PATTERNS: tuple[str, ...]  # options holding regular expressions (checked at load)
    READS: frozenset[str]  # segment kinds it reads

    def compile(self, options: Mapping[str, Any], lang: Lang) -> Any: ...

    def check(self, segment: Segment, compiled: Any) -> Iterable[Match]: ...


# ---- helpers shared by several kinds -----------------------------------------------------

def on_first_use(pattern: str, flags: int = 0) -> Callable[[], regex.Pattern[str]]:
    """A kind's own expression, compiled the first time it is asked for (`NAME()`): every
    lint loads the kinds (the style guide's rules are compiled to find its problems, also
    when every post comes from the cache), and most texts never reach most of them; the
    `regex` module takes 0.1-1.5 ms to compile each one."""
    return cache(lambda: regex.compile(pattern, flags))


URL = on_first_use(r"(?:https?://|www\.)[^\s<>\"'`]+", regex.IGNORECASE)
_NOT_BEFORE_URL = on_first_use(r"[\w@/.]")
_TRAILING = ".,;:!?…'\"’”"


def find_urls(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each link in the text, without trailing punctuation or an
    unbalanced closing bracket."""
    if "://" not in text and (("w." not in text and "W." not in text) or "www." not in text.lower()):
        return
    for m in URL().finditer(text):
        start, end = m.span()
        if start and _NOT_BEFORE_URL().match(text, start - 1):
            continue
        while end > start:
            last = text[end - 1]
            if last in _TRAILING or (last in ")]" and _unbalanced(text[start:end], last)):
                end -= 1
            else:
                break
        yield start, end


def _unbalanced(url: str, closing: str) -> bool:
    opening = "(" if closing == ")" else "["
    return url.count(closing) > url.count(opening)


def over_limit(matches: list[regex.Match[str]], parts: tuple[tuple[int, int], ...], limit: int,
               message: str) -> Iterator[Match]:
    """In each thread part holding more than `limit` of the matches, the first one over."""
    for start, end in parts:
        in_part = [m for m in matches if start <= m.start() < end]
        if len(in_part) > limit:
            over = in_part[limit]
            yield found(over.start(), over.end(), message, match=over.group(), count=len(in_part), max=limit)


def in_spans(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def option_list(options: Mapping[str, Any], name: str) -> list[str]:
    value = options.get(name)
    return [str(v) for v in value] if isinstance(value, list) else []
