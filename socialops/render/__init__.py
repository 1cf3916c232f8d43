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

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialops import digests
from socialops.model import Channel, Media, Post, Project
from socialops.problems import Problem
from socialops.render.parts import (
    ChosenText,
    RenderedChannel,
    RenderedPart,
    choose_text,
    split_parts,
)

if TYPE_CHECKING:
    from socialops.platforms.base import Count, Platform
    from socialops.render.limits import PostMedia

# The platforms (socialops.platforms) and the limit checks are imported by the functions
# that use them: lint's X duplicate check needs only choose_text (render.parts) of this
# package, and a run needs only the platforms of the channels it renders.

__all__ = ["ChosenText", "RenderedChannel", "RenderedPart", "choose_text", "render_channel", "render_post", "split_parts"]

LIMIT_RULES = ("length", "media", "thread")


def content_hash(text: str, media: Iterable[Media]) -> str:
    """sha256 of the text and the media (paths and alt text): what the ledger compares.
    Hashed: the text's UTF-8 length in decimal, ':', the text, then the JSON of
    `[[path, alt], ...]` (UTF-8, no spaces after separators)."""
    data = text.encode()
    items = [[m.path, m.alt] for m in media]
    listed = json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode() if items else b"[]"
    return digests.sha256(b"%d:%b%b" % (len(data), data, listed)).hexdigest()


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
    from socialops.platforms import PLATFORMS
    from socialops.render.limits import PostMedia, check_channel

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
                names: Iterable[str] | None = None, details: bool = True) -> list[RenderedChannel]:
    """Every channel the post goes to (`names`: `Config.channels_for(post)`; without it the
    ones the post names) that the project defines (unknown ones are lint's `channel`
    findings), in the post's order."""
    from socialops.render.limits import PostMedia

    names = post.own_channels if names is None else names
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
    rendered = render_post(post, config.channels, project.root, names=config.channels_for(post),
                           details=False)
    return [p for r in rendered for p in r.problems if p.rule in LIMIT_RULES]
