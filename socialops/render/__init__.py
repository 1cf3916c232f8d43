"""What each channel of a post receives: the one place that turns a post into the parts
sent, so lint, preview and publish can never disagree.

For a channel: the variant named after the channel, else the one named after its
platform, else the body; HTML comments removed (a line holding only a comment goes
entirely); thread parts split at lines holding only `---`; trailing white space trimmed;
the platform's escaping applied; then each part is counted the platform's way, and its
facets (Bluesky) and media attached. Problems (rule ids `length`, `media`, `thread`) point
at the line of the part or media item they concern.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from socialops.model import Channel, Media, Post, Project, mask_comments
from socialops.platforms import PLATFORMS
from socialops.platforms.base import Count, Platform
from socialops.problems import Problem
from socialops.render.limits import PostMedia, check_channel

_SEPARATOR = re.compile(r"^---[ \t]*$")
_COMMENT = re.compile(r"( ?)<!--.*?-->( ?)", re.S)  # as model.mask_comments finds them
LIMIT_RULES = ("length", "media", "thread")


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
class Source:
    """The text chosen for a channel and how to find its lines in the post file."""

    text: str
    key: str | None  # the variant key, None for the body

    def line_of(self, post: Post, offset: int) -> int:
        if self.key is None:
            return post.body_line + self.text.count("\n", 0, offset)
        return post.meta_text_position(["variants", self.key], offset, self.text)[0]


def choose_text(post: Post, channel: Channel) -> Source:
    variants = post.meta.get("variants")
    if isinstance(variants, dict):
        for key in (channel.name, channel.platform):
            if isinstance(variants.get(key), str):
                return Source(variants[key], key)
    return Source(post.body, None)


@lru_cache(maxsize=64)
def split_parts(text: str) -> tuple[tuple[str, int], ...]:
    """(text, offset of its first line) per thread part: comments removed, trailing white
    space trimmed, blank lines at either end dropped. A line holding only a comment goes."""
    originals = text.split("\n")
    masked = stripped = originals  # without comments: nothing to mask or drop
    if "<!--" in text:
        masked = mask_comments(text).split("\n")  # same offsets as the text; finds separators and comment lines
        stripped = _COMMENT.sub(_drop_comment, text).split("\n")  # the same lines, comments gone
    parts: list[list[tuple[str, int]]] = [[]]
    starts = [0]
    offset = 0
    for original, line, content in zip(originals, masked, stripped, strict=True):
        if line.startswith("---") and _SEPARATOR.match(line):
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


def content_hash(text: str, media: Iterable[Media]) -> str:
    """sha256 of the text and the media (paths and alt text): what the ledger compares.
    Hashed: the text's UTF-8 length in decimal, ':', the text, then the JSON of
    `[[path, alt], ...]` (UTF-8, no spaces after separators)."""
    data = text.encode()
    items = [[m.path, m.alt] for m in media]
    listed = json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode() if items else b"[]"
    return hashlib.sha256(b"%d:%b%b" % (len(data), data, listed)).hexdigest()


def media_by_part(post: Post, parts: int, media: list[Media] | None = None) -> list[list[Media]]:
    """Each media item goes with part 1 unless it says `part: N` (1-based). `media`:
    post.media, when the caller has it already."""
    out: list[list[Media]] = [[] for _ in range(parts)]
    items = post.media if media is None else media
    if not items:
        return out
    raw = post.meta.get("media")
    for item in items:
        wanted = raw[item.index].get("part") if isinstance(raw, list) and isinstance(raw[item.index], dict) else None
        index = wanted - 1 if isinstance(wanted, int) and not isinstance(wanted, bool) and wanted >= 1 else 0
        if index < parts:
            out[index].append(item)
    return out


def render_channel(post: Post, channel: Channel, root: Path, *, details: bool = True,
                   media: PostMedia | None = None) -> RenderedChannel:
    """The parts `channel` receives for `post`, counted, with their problems. Without
    `details` (lint needs only the problems) facets, hashes and overflow are left out.
    `media`: the post's, when the caller has them already (render_post, for all channels)."""
    platform = PLATFORMS.get(channel.platform)
    if platform is None:
        return RenderedChannel(channel.name, channel.platform, [], [post.problem(
            "channel", f"channel '{channel.name}' names the platform '{channel.platform}', which "
            f"socialops does not know; use one of: {', '.join(PLATFORMS)}")])
    if media is None:
        media = PostMedia(post.media)
    source = choose_text(post, channel)
    pieces = split_parts(source.text)
    by_part = media_by_part(post, len(pieces), media.items)
    options = post.platform_options(platform.name)
    max_length = channel.max_length
    lines = details or source.key is None  # a variant's lines need the front matter parsed again
    parts = [_part(i, text, offset, source.line_of(post, offset) if lines else 0, by_part[i], platform,
                   max_length, options, details)
             for i, (text, offset) in enumerate(pieces)]
    rendered = RenderedChannel(channel.name, platform.name, parts, [])
    rendered.problems = check_channel(post, channel, platform, rendered, root, source, media)
    return rendered


def render_post(post: Post, channels: dict[str, Channel], root: Path, *,
                default_channels: Iterable[str] = (), details: bool = True) -> list[RenderedChannel]:
    """Every channel of the post that the project defines (unknown ones are lint's
    `channel` findings), in the post's order."""
    names = post.channels if "channels" in post.meta else list(default_channels)
    media = PostMedia(post.media)
    return [render_channel(post, channels[name], root, details=details, media=media)
            for name in dict.fromkeys(names) if name in channels]


def limit_for(platform: Platform, max_length: int | None, has_media: bool) -> int | None:
    """A part's limit on a channel with this `max_length` (Channel.max_length)."""
    if has_media and platform.caption_limit is not None:
        return min(platform.caption_limit, max_length or platform.caption_limit)
    return max_length or platform.limit


def _part(index: int, source_text: str, offset: int, line: int, media: list[Media], platform: Platform,
          max_length: int | None, options: dict[str, Any], details: bool = True) -> RenderedPart:
    limit = limit_for(platform, max_length, bool(media))
    if not details:
        bound = _fitting_bound(source_text, platform, limit, options)
        if bound is not None:
            issues = platform.text_checks(source_text, options)
            return RenderedPart(index=index, text=source_text, source_line=line, length=bound, limit=limit,
                                byte_limit=platform.byte_limit, ok=not issues, media=media, issues=issues,
                                offset=offset)
    text = platform.escape(source_text)
    counted = platform.count(text, options)
    issues = platform.text_checks(text, options)
    ok = counted.invalid is None and not issues and _fits(counted, platform, limit)
    part = RenderedPart(
        index=index, text=text, source_line=line, length=counted.length, limit=limit,
        bytes=counted.bytes, byte_limit=platform.byte_limit, ok=ok,
        facets=platform.facets(text) if platform.facets and details else [],
        media=media, content_hash=content_hash(text, media) if details else "", invalid=counted.invalid,
        issues=issues, offset=offset,
    )
    if details and not ok and counted.invalid is None:
        part.overflow_at = overflow_at(text, platform, limit, options)
    return part


def _fitting_bound(source_text: str, platform: Platform, limit: int | None, options: dict[str, Any]) -> int | None:
    """The platform's quick upper bound of the part's length when it shows that the part
    fits, else None. Lint only asks whether parts fit, so then it needs neither the exact
    count nor the escaped text (escaping never makes a text blank or not), and the counting
    libraries (twitter-text, Mastodon's URL expression: ~0.1 s to load) stay unloaded."""
    if platform.length_bound is None or limit is None:
        return None
    bound = platform.length_bound(source_text, options)
    return bound if bound is not None and bound <= limit else None


def _fits(counted: Count, platform: Platform, limit: int | None) -> bool:
    """Within the length limit and, where the platform has one, the byte limit."""
    return ((limit is None or counted.length <= limit)
            and (platform.byte_limit is None or (counted.bytes or 0) <= platform.byte_limit))


def overflow_at(text: str, platform: Platform, limit: int | None, options: dict[str, Any]) -> int | None:
    """The offset of the first character that no longer fits (a binary search over
    prefixes; counts grow with the prefix except around URLs, so this is for display)."""

    def fits(end: int) -> bool:
        return _fits(platform.count(text[:end], options), platform, limit)

    if fits(len(text)):
        return None
    lo, hi = 0, len(text)  # fits(lo) is assumed, fits(hi) is False
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo


def limit_problems(post: Post, project: Project) -> list[Problem]:
    """lint's platform findings (`length`, `media`, `thread`) for every channel of a post."""
    config = project.config
    rendered = render_post(post, config.channels, project.root, default_channels=config.default_channels,
                           details=False)
    return [p for r in rendered for p in r.problems if p.rule in LIMIT_RULES]
