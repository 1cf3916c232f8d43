"""The rendered types (what a channel receives, part by part) and the one thread splitter.
Kept apart from render/__init__.py so the limit checks (render/limits.py) can name them
without importing the renderer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from socialops.model import COMMENT, SEPARATOR, Channel, Media, Post, mask_comments
from socialops.problems import Problem


@dataclass
class RenderedPart:
    index: int  # 0-based thread part
    text: str  # exactly what is sent (lint, without details: maybe before escaping)
    # 1-based line in the post file where this part's text starts (lint, without details:
    # 0 for a variant's part, which check_channel finds from `offset` if it reports the part,
    # so the front matter is parsed for positions only for posts with findings)
    source_line: int
    length: int  # as the platform counts it (lint, without details: at most this, when within the limit)
    limit: int | None  # None: the platform sets no limit
    bytes: int | None = None  # where the platform counts bytes too (Bluesky)
    byte_limit: int | None = None
    ok: bool = True
    facets: list[dict[str, Any]] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    content_hash: str = ""
    overflow_at: int | None = None  # where in `text` the part stops fitting (for previews)
    invalid: str | None = None  # why the platform refuses this text whatever its length
    issues: list[str] = field(default_factory=list)  # other text rules broken (Threads links)
    offset: int = 0  # where the part starts in the text chosen for the channel (body or variant)

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "text": self.text, "line": self.source_line,
            "length": self.length, "limit": self.limit, "bytes": self.bytes,
            "byte_limit": self.byte_limit, "ok": self.ok, "overflow_at": self.overflow_at,
            "facets": self.facets,
            "media": [{"path": m.path, "alt": m.alt} for m in self.media],
            "content_hash": self.content_hash,
        }


@dataclass
class RenderedChannel:
    channel: str
    platform: str
    parts: list[RenderedPart]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.parts) and not self.problems


@dataclass(frozen=True)
class ChosenText:
    """The text chosen for a channel and how to find its lines in the post file."""

    text: str
    key: str | None  # the variant key, None for the body

    def line_of(self, post: Post, offset: int) -> int:
        if self.key is None:
            return post.body_line + self.text.count("\n", 0, offset)
        return post.meta_text_position(["variants", self.key], offset, self.text)[0]


def choose_text(post: Post, channel: Channel) -> ChosenText:
    variants = post.meta.get("variants")
    if isinstance(variants, dict):
        for key in (channel.name, channel.platform):
            if isinstance(variants.get(key), str):
                return ChosenText(variants[key], key)
    return ChosenText(post.body, None)


@lru_cache(maxsize=64)
def split_parts(text: str) -> tuple[tuple[str, int], ...]:
    """(text, offset of its first line) per thread part: comments removed, trailing white
    space trimmed, blank lines at either end dropped. A line holding only a comment goes."""
    originals = text.split("\n")
    masked = stripped = originals  # without comments: nothing to mask or drop
    if "<!--" in text:
        masked = mask_comments(text).split("\n")  # same offsets as the text; finds separators and comment lines
        stripped = COMMENT.sub(_drop_comment, text).split("\n")  # the same lines, comments gone
    parts: list[list[tuple[str, int]]] = [[]]
    starts = [0]
    offset = 0
    for original, line, content in zip(originals, masked, stripped, strict=True):
        if line.startswith("---") and SEPARATOR.match(line):
            parts.append([])
            starts.append(offset + len(line) + 1)
        elif line.strip() or not original.strip():
            parts[-1].append((content.rstrip(), offset))
        offset += len(line) + 1
    out = []
    for lines, start in zip(parts, starts, strict=True):
        while lines and not lines[0][0]:
            lines.pop(0)
        while lines and not lines[-1][0]:
            lines.pop()
        out.append(("\n".join(t for t, _ in lines), lines[0][1] if lines else start))
    if len(out) > 1:
        out = [p for p in out if p[0]] or out[:1]
    return tuple(out)


def _drop_comment(match: re.Match[str]) -> str:
    """A comment goes, keeping its line breaks; the spaces around it become one."""
    if "\n" in match.group():
        return "\n" * match.group().count("\n")
    return " " if match.group(1) and match.group(2) else match.group(1) + match.group(2)


