"""Alt text: every image or video has a description of useful length.

- `required` (default true): a media item without alt text is reported at its line;
- `min_length`: an alt text shorter than this many characters is reported;
- `max_length`: an alt text longer than this is reported (Mastodon takes 1,500
  characters, X 1,000).

Reads the alt text of every media item (each one applies to all the post's channels).

    - {id: alt-text, kind: alt-text, level: error, min_length: 15}

Message variables: {match} (the media path, or the alt text), {count}, {min}, {max}.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from socialops.rules.base import ALT_TEXT, Match, Segment, found
from socialops.rules.lang import Lang

KIND = "alt-text"
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ()
READS = ALT_TEXT
MISSING = "Add alt text to '{match}': describe it for people who cannot see it."
TOO_SHORT = "This alt text has {count} characters; describe the image in at least {min}."
TOO_LONG = "This alt text has {count} characters; keep it to {max}."
OPTIONS: dict[str, dict[str, Any]] = {
    "required": {"description": "Every media item must have alt text.", "type": "boolean", "default": True},
    "min_length": {"description": "The fewest characters an alt text may have.", "type": "integer", "minimum": 1},
    "max_length": {"description": "The most characters an alt text may have.", "type": "integer", "minimum": 1},
}


@dataclass(frozen=True)
class AltText:
    required: bool
    min_length: int | None
    max_length: int | None


def compile(options: Mapping[str, Any], lang: Lang) -> AltText:
    def number(name: str) -> int | None:
        value = options.get(name)
        return value if isinstance(value, int) else None

    return AltText(bool(options.get("required", True)), number("min_length"), number("max_length"))


def check(segment: Segment, compiled: AltText) -> Iterator[Match]:
    text = segment.text.strip()
    if segment.missing or not text:
        if compiled.required:
            yield found(None, 0, MISSING, match=segment.source)
        return
    start = segment.text.index(text[0])
    end = start + len(text)
    values = {"match": text, "count": len(text), "min": compiled.min_length, "max": compiled.max_length}
    if compiled.min_length is not None and len(text) < compiled.min_length:
        yield Match(start, end, TOO_SHORT, values)
    if compiled.max_length is not None and len(text) > compiled.max_length:
        yield Match(start, end, TOO_LONG, values)
