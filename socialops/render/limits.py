"""The platform limits as findings: `length`, `media` and `thread`, each at the line of the
part or media item concerned, each saying what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from socialops.model import Channel, Media, Post
from socialops.platforms.base import Platform, human_size, media_type
from socialops.problems import Problem

if TYPE_CHECKING:
    from socialops.render.parts import ChosenText, RenderedChannel, RenderedPart


@dataclass
class PostMedia:
    """A post's media items and the sizes of their files, looked up once for all the post's
    channels."""

    items: list[Media]
    sizes: dict[str, int | None] = field(default_factory=dict)

    def size(self, root: Path, rel: str) -> int | None:
        if rel not in self.sizes:
            self.sizes[rel] = _size(root, rel)
        return self.sizes[rel]


def check_channel(post: Post, channel: Channel, platform: Platform, rendered: RenderedChannel,
                  root: Path, source: ChosenText, media: PostMedia | None = None) -> list[Problem]:
    """`media`: the post's, when the caller has them already."""
    problems = _thread(post, channel, platform, rendered, source)
    for part in rendered.parts:
        if not part.ok or not part.text or part.text.isspace():  # else: nothing to say
            problems.extend(_length(post, channel, platform, rendered, part, source))
    if media is None:
        media = PostMedia(post.media)
    if media.items:
        problems.extend(_media(post, channel, platform, rendered, root, media))
    return problems


def _prefix(rendered: RenderedChannel, part: RenderedPart) -> str:
    return f"part {part.index + 1} of {len(rendered.parts)}: " if len(rendered.parts) > 1 else ""


def _thread(post: Post, channel: Channel, platform: Platform, rendered: RenderedChannel,
            source: ChosenText) -> list[Problem]:
    if len(rendered.parts) < 2 or platform.threads:
        return []
    if platform.channel_threads is not None and platform.channel_threads(channel.options):
        return []
    where = "its variant" if source.key else "the body"
    return [post.problem(
        "thread", f"{platform.thread_hint}, but {where} for {channel.name} has "
        f"{len(rendered.parts)} parts; write a `variants: {{{channel.name}: ...}}` without '---' "
        "or remove the channel", _line(post, source, rendered.parts[1]))]


def _line(post: Post, source: ChosenText, part: RenderedPart) -> int:
    """The part's line in the post file (lint leaves it 0 for variants until needed)."""
    return part.source_line or source.line_of(post, part.offset)


def _length(post: Post, channel: Channel, platform: Platform, rendered: RenderedChannel,
            part: RenderedPart, source: ChosenText) -> list[Problem]:
    prefix, line, out = _prefix(rendered, part), _line(post, source, part), []
    if not part.text.strip() and not part.media:
        out.append(post.problem("length", f"{prefix}nothing to send to {channel.name}: the text is "
                                "empty and there is no media", line))
        return out
    if part.invalid:
        out.append(post.problem("length", f"{prefix}{channel.name} cannot take this text: "
                                f"{part.invalid}; remove it", line))
    if part.limit is not None and part.length > part.limit:
        note = "; with media the text is a caption" if part.limit == platform.caption_limit else ""
        out.append(post.problem("length", f"{prefix}too long for {channel.name}: {part.length}/"
                                f"{part.limit} ({part.length - part.limit} over{note})", line))
    if part.byte_limit is not None and part.bytes is not None and part.bytes > part.byte_limit:
        out.append(post.problem("length", f"{prefix}too long for {channel.name}: {part.bytes}/"
                                f"{part.byte_limit} bytes ({part.bytes - part.byte_limit} over)", line))
    out.extend(post.problem("length", f"{prefix}too many links for {channel.name}: {issue}", line)
               for issue in part.issues)
    return out


def _media_line(post: Post, item: Media, key: str = "path") -> int:
    return post.meta_position(["media", item.index, key], key=False)[0]


def _media(post: Post, channel: Channel, platform: Platform, rendered: RenderedChannel,
           root: Path, media: PostMedia) -> list[Problem]:
    rules, items = platform.media, media.items
    if rules.max_items == 0:
        return [post.problem("media", f"{platform.label} ({channel.name}) cannot post media; remove "
                             "the media or the channel", _media_line(post, items[0]))]
    out = _misplaced(post, channel, rendered, items)
    for part in rendered.parts:
        out.extend(_part_media(post, channel, platform, part, root, media))
    return out


def _misplaced(post: Post, channel: Channel, rendered: RenderedChannel, items: list[Media]) -> list[Problem]:
    placed = {m.index for part in rendered.parts for m in part.media}
    return [post.problem(
        "media", f"media item {item.index + 1} goes with part "
        f"{post.meta['media'][item.index].get('part')}, but the text for {channel.name} has "
        f"{len(rendered.parts)} part{'s' if len(rendered.parts) != 1 else ''}; fix its `part:`",
        _media_line(post, item, "part"))
        for item in items if item.index not in placed]


def _part_media(post: Post, channel: Channel, platform: Platform, part: RenderedPart,
                root: Path, media: PostMedia) -> list[Problem]:
    rules, out = platform.media, []
    where = f"part {part.index + 1}" if part.index else "the post"
    if len(part.media) > rules.max_items:
        extra = part.media[rules.max_items]
        out.append(post.problem("media", f"{platform.label} takes at most {rules.max_items} media "
                                f"items per post, {where} has {len(part.media)} for {channel.name}; "
                                "move some to another part with `part: N` or remove them",
                                _media_line(post, extra)))
    for item in part.media:
        kind = rules.kind_for(item.path)
        if kind is None:
            _, found = media_type(item.path)
            out.append(post.problem("media", f"{platform.label} ({channel.name}) cannot post "
                                    f"{item.path} ({found}); it takes {rules.describe()}",
                                    _media_line(post, item)))
            continue
        if kind.alone and len(part.media) > 1:
            out.append(post.problem("media", f"{platform.label} posts {_a(kind.kind)} only on its own, "
                                    f"but {where} has {len(part.media)} media items for "
                                    f"{channel.name}; move the others to another part with `part: N`",
                                    _media_line(post, item)))
        size = media.size(root, item.path)
        if kind.max_bytes is not None and size is not None and size > kind.max_bytes:
            out.append(post.problem("media", f"{item.path} is {human_size(size)}; {platform.label} "
                                    f"({channel.name}) takes {_a(kind.kind)} of at most "
                                    f"{human_size(kind.max_bytes)}", _media_line(post, item)))
        if rules.alt_max is not None and item.alt and len(item.alt) > rules.alt_max:
            out.append(post.problem("media", f"the alt text of {item.path} has {len(item.alt)} "
                                    f"characters; {platform.label} ({channel.name}) takes at most "
                                    f"{rules.alt_max}", _media_line(post, item, "alt")))
    return out


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _size(root: Path, rel: str) -> int | None:
    """The file's size, for paths written inside the repository (lint's `path` and
    `media-missing` findings cover the others)."""
    if not rel or rel.startswith(("/", "\\", "~")) or ".." in rel.replace("\\", "/").split("/"):
        return None
    try:
        return (root / rel).stat().st_size
    except OSError:
        return None
