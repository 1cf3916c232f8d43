"""Running the style guide over a post: every text its audience sees, each checked by
the rules whose scope covers it. Findings are reported in the post file's own lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from socialops.model import Config, Post, mask_comments
from socialops.problems import Problem
from socialops.rules.base import ALT, BODY, VARIANT, Match, Segment
from socialops.rules.guide import Rule, StyleGuide
from socialops.rules.lang import Lang

if TYPE_CHECKING:
    from socialops.lint import LintContext

SEPARATOR = regex.compile(r"^---[ \t]*$", regex.MULTILINE)
_PLACEHOLDER = regex.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Target:
    """A segment, who receives it (channel -> platform), and where its text sits in the file."""

    segment: Segment
    receivers: dict[str, str]
    position: Callable[[int | None], tuple[int, int]]


# ---- lint checks ----------------------------------------------------------------------------

def guide_for(ctx: LintContext) -> StyleGuide:
    """The style guide, loaded once per lint run."""
    guide = ctx.cache.get("styleguide")
    if not isinstance(guide, StyleGuide):
        from socialops.rules import load_styleguide

        guide = ctx.cache["styleguide"] = load_styleguide(ctx.project.root)
    return guide


def styleguide_problems(ctx: LintContext) -> list[Problem]:
    return guide_for(ctx).problems


def post_problems(post: Post, ctx: LintContext) -> Iterator[Problem]:
    guide = guide_for(ctx)
    for rule, target, match in matches(post, guide, ctx.project.config):
        line, column = target.position(match.start)
        yield Problem(post.path, line, column, rule.id, rule.level, message(rule, match))


def message(rule: Rule, match: Match) -> str:
    template = rule.message or match.message

    def value(m: regex.Match[str]) -> str:
        found = match.values.get(m.group(1))
        return str(m.group()) if found is None else " ".join(str(found).split())

    return str(_PLACEHOLDER.sub(value, template))


# ---- the run --------------------------------------------------------------------------------

def matches(post: Post, guide: StyleGuide, config: Config) -> Iterator[tuple[Rule, Target, Match]]:
    """Every (rule, target, match) for the post, disabled rules left out."""
    if not guide.rules:
        return
    lang_tag = post.lang or _default_lang(config)
    disabled = post.disabled_rules
    runs = [r for r in _runnable(guide, lang_tag, post.campaign) if r[0].id not in disabled]
    if not runs:
        return
    for target in targets(post, config, Lang.of(lang_tag)):
        segment = target.segment
        for rule, check, compiled, reads, everywhere in runs:
            if segment.kind in reads and (everywhere or rule.scope.covers_channels(target.receivers)):
                for match in check(segment, compiled):
                    yield rule, target, match


Runnable = tuple[Rule, Callable[[Segment, Any], Iterator[Match]], Any, frozenset[str], bool]


def _runnable(guide: StyleGuide, lang_tag: str | None, campaign: str | None) -> list[Runnable]:
    """The rules that apply to posts of this language and campaign, compiled; made once
    per style guide for each (language, campaign)."""
    key = (lang_tag, campaign)
    runs = guide.runnable.get(key)
    if runs is None:
        lang = Lang.of(lang_tag)
        runs = guide.runnable[key] = [
            (rule, rule.kind.check, rule.compiled(lang), rule.kind.READS, rule.scope.every_channel)
            for rule in guide.rules if rule.scope.covers_post(lang_tag, campaign)
        ]
    return runs


def targets(post: Post, config: Config, lang: Lang) -> Iterator[Target]:
    channels = {name: _platform(config, name) for name in post.channels or config.default_channels}
    variants = post.variants
    by_variant = _variant_receivers(channels, variants)
    covered = {name for receivers in by_variant.values() for name in receivers}
    body = _masked(post.body)
    yield Target(Segment(BODY, body, _parts(body), lang),
                 {n: p for n, p in channels.items() if n not in covered}, _body_position(post, body))
    for key, text in variants.items():
        masked = _masked(text)
        yield Target(Segment(VARIANT, masked, _parts(masked), lang, key), by_variant[key],
                     _meta_position(post, ["variants", key], masked))
    for media in post.media:
        alt = media.alt or ""
        yield Target(Segment(ALT, alt, ((0, len(alt)),), lang, media.path, media.alt is None), channels,
                     _meta_position(post, ["media", media.index, "alt"], alt, ["media", media.index]))


def _variant_receivers(channels: dict[str, str], variants: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each variant's channels: the channel it names, or the post's channels of the
    platform it names that have no variant of their own."""
    out: dict[str, dict[str, str]] = {}
    for key in variants:
        if key in channels:
            out[key] = {key: channels[key]}
        else:
            out[key] = {n: p for n, p in channels.items() if p == key and n not in variants}
    return out


def _platform(config: Config, name: str) -> str:
    channel = config.channels.get(name)
    return channel.platform if channel else ""


def _default_lang(config: Config) -> str | None:
    defaults = config.data.get("defaults")
    value = defaults.get("lang") if isinstance(defaults, dict) else None
    return str(value) if value else None


def _masked(text: str) -> str:
    return mask_comments(text) if "<!--" in text else text


def _parts(text: str) -> tuple[tuple[int, int], ...]:
    if "---" not in text:
        return ((0, len(text)),)
    bounds = [0]
    for m in SEPARATOR.finditer(text):
        bounds.extend((m.start(), m.end()))
    bounds.append(len(text))
    return tuple((bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2))


def _body_position(post: Post, body: str) -> Callable[[int | None], tuple[int, int]]:
    def position(offset: int | None) -> tuple[int, int]:
        if offset is None:  # the body as a whole: its first line of text
            offset = len(body) - len(body.lstrip())
        line = post.body_line + body.count("\n", 0, offset)
        return line, offset - body.rfind("\n", 0, offset)

    return position


def _meta_position(post: Post, path: list[str | int], text: str,
                   whole: list[str | int] | None = None) -> Callable[[int | None], tuple[int, int]]:
    def position(offset: int | None) -> tuple[int, int]:
        if offset is None:
            return post.meta_position(whole or path)
        return post.meta_text_position(path, offset, text)

    return position
