"""Hashtags: how many, which are required, which are banned, and how they are written.

- `max`: at most this many hashtags in each thread part (the first one over is reported);
- `require_any`: the post must carry at least one of these (anywhere in the body, or in
  a variant, for that variant);
- `banned`: hashtags that must not be used (compared regardless of case);
- `case`: `camel` asks for CamelCase (#WinterLaunch), so screen readers read the words
  apart: a hashtag must start with a capital letter and may not be all capitals when it
  has more than three letters (#EU is fine, #LAUNCH is not); `lower` asks for lower case;
  `any` (the default) does not look at case. Hashtags listed in `require_any` or `allow`
  are always fine as written there.

Reads the body and every variant (not alt text).

    - {id: hashtags, kind: hashtags, level: warning, max: 3, require_any: ["#acme"],
       banned: ["#followback"], case: camel}

Message variables: {match} (the hashtag), {count}, {max}, {expected} (the required
hashtags, or the hashtag in lower case).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from socialops.rules.base import (
    POST_TEXT,
    Match,
    Segment,
    found,
    in_spans,
    on_first_use,
    option_list,
    over_limit,
)
from socialops.rules.lang import Lang

KIND = "hashtags"
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ()
READS = POST_TEXT
TOO_MANY = "Too many hashtags ({count}, at most {max}): '{match}'."
MISSING = "Add one of these hashtags: {expected}."
BANNED = "Do not use the hashtag '{match}'."
NOT_CAMEL = "Write the hashtag '{match}' in CamelCase (#LikeThis), so screen readers read its words apart."
NOT_LOWER = "Write the hashtag '{match}' in lower case: '{expected}'."
OPTIONS: dict[str, dict[str, Any]] = {
    "max": {"description": "At most this many hashtags in each thread part.", "type": "integer", "minimum": 0},
    "require_any": {
        "description": "The post must carry at least one of these hashtags.",
        "type": "array", "items": {"type": "string", "pattern": "^#?\\w+$"}, "minItems": 1,
    },
    "banned": {
        "description": "Hashtags that must not be used.",
        "type": "array", "items": {"type": "string", "pattern": "^#?\\w+$"},
    },
    "case": {
        "description": "camel (#WinterLaunch), lower (#winterlaunch) or any.",
        "enum": ["camel", "lower", "any"], "default": "any",
    },
    "allow": {
        "description": "Hashtags that are fine exactly as written here, whatever `case` says (#NASA).",
        "type": "array", "items": {"type": "string", "pattern": "^#?\\w+$"},
    },
}

HASHTAG = on_first_use(r"#(?=\w*\p{L})\w+")
NOT_BEFORE = on_first_use(r"[\w#&/]")  # a '#' after one of these starts no hashtag


@dataclass(frozen=True)
class Hashtags:
    max: int | None
    required: tuple[str, ...]
    banned: frozenset[str]
    case: str
    allowed: frozenset[str]
    lang: Lang


def _tag(name: str) -> str:
    return name if name.startswith("#") else "#" + name


def compile(options: Mapping[str, Any], lang: Lang) -> Hashtags:
    required = tuple(_tag(t) for t in option_list(options, "require_any"))
    maximum = options.get("max")
    return Hashtags(
        maximum if isinstance(maximum, int) else None,
        required,
        frozenset(lang.fold(_tag(t)) for t in option_list(options, "banned")),
        str(options.get("case", "any")),
        frozenset(required) | {_tag(t) for t in option_list(options, "allow")},
        lang,
    )


def check(segment: Segment, compiled: Hashtags) -> Iterable[Match]:
    if "#" not in segment.text:  # no hashtag at all: only a required one can be missing
        return (found(None, 0, MISSING, expected=", ".join(compiled.required)),) if compiled.required else ()
    return _check(segment, compiled)


def _check(segment: Segment, compiled: Hashtags) -> list[Match]:
    text = segment.text
    links = segment.urls
    not_before = NOT_BEFORE()
    tags = [m for m in HASHTAG().finditer(text)
            if not (m.start() and not_before.match(text, m.start() - 1)) and not in_spans(m.start(), links)]
    out = []
    for m in tags:
        problem = _check_one(m.group(), m.start(), compiled)
        if problem is not None:
            out.append(problem)
    if compiled.max is not None and len(tags) > compiled.max:
        out.extend(over_limit(tags, segment.parts, compiled.max, TOO_MANY))
    if compiled.required:
        wanted = {compiled.lang.fold(t) for t in compiled.required}
        if not any(compiled.lang.fold(m.group()) in wanted for m in tags):
            out.append(found(None, 0, MISSING, expected=", ".join(compiled.required)))
    return out


def _check_one(tag: str, start: int, compiled: Hashtags) -> Match | None:
    end = start + len(tag)
    if compiled.banned and compiled.lang.fold(tag) in compiled.banned:
        return found(start, end, BANNED, match=tag)
    if tag in compiled.allowed:
        return None
    if compiled.case == "lower" and tag != tag.lower():
        return found(start, end, NOT_LOWER, match=tag, expected=tag.lower())
    if compiled.case == "camel" and not _camel(tag[1:]):
        return found(start, end, NOT_CAMEL, match=tag)
    return None


def _camel(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    if not letters or not letters[0].isupper():
        return False
    return len(letters) <= 3 or not all(c.isupper() for c in letters)
