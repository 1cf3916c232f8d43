"""Running the style guide over a post: every text its audience sees, each checked by
the rules whose scope covers it. Findings are reported in the post file's own lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import regex

from socialops.model import Config, Post, mask_comments
from socialops.rules.base import ALT, BODY, REGEX_TIMEOUT, VARIANT, Match, Segment
from socialops.rules.guide import Rule, StyleGuide
from socialops.rules.lang import Lang

SEPARATOR = regex.compile(r"^---[ \t]*$", regex.MULTILINE)
_PLACEHOLDER = regex.compile(r"\{(\w+)\}")
FIXABLE = (BODY, VARIANT)  # the texts `lint --fix` edits in place (socialops.rules.fix)


class Target:
    """A segment, who receives it (channel -> platform), and where its text sits in the file."""

    __slots__ = ("_audience", "_index", "_post", "segment")

    def __init__(self, segment: Segment, post: Post, audience: Audience, index: int = 0) -> None:
        self.segment = segment
        self._post = post
        self._audience = audience
        self._index = index  # an alt text's media item

    @property
    def receivers(self) -> dict[str, str]:
        kind = self.segment.kind
        if kind == BODY:
            return self._audience.of_body()
        if kind == VARIANT:
            return self._audience.of_variant(self.segment.source)
        return self._audience.channels()

    def position(self, offset: int | None) -> tuple[int, int]:
        """(line, column) in the post file of an offset in the text; None: the text as a whole."""
        segment, post = self.segment, self._post
        text = segment.text
        if segment.kind == BODY:
            if offset is None:  # the body as a whole: its first line of text
                offset = len(text) - len(text.lstrip())
            return post.body_line + text.count("\n", 0, offset), offset - text.rfind("\n", 0, offset)
        path: list[str | int] = ["variants", segment.source]
        whole = path
        if segment.kind == ALT:
            path, whole = ["media", self._index, "alt"], ["media", self._index]
        if offset is None:
            return post.meta_position(whole)
        return post.meta_text_position(path, offset, text)


class Audience:
    """Who receives each text of a post (channel -> platform), worked out when a rule
    scoped to channels or platforms first asks."""

    __slots__ = ("_body", "_by_variant", "_channels", "_config", "_post")

    def __init__(self, post: Post, config: Config) -> None:
        self._post = post
        self._config = config
        self._channels: dict[str, str] | None = None
        self._by_variant: dict[str, dict[str, str]] | None = None
        self._body: dict[str, str] | None = None

    def channels(self) -> dict[str, str]:
        if self._channels is None:
            config = self._config
            self._channels = {name: _platform(config, name)
                              for name in config.channels_for(self._post)}
        return self._channels

    def of_variant(self, key: str) -> dict[str, str]:
        if self._by_variant is None:
            self._by_variant = _variant_receivers(self.channels(), self._post.variants)
        return self._by_variant[key]

    def of_body(self) -> dict[str, str]:
        if self._body is None:
            variants = self._post.variants
            covered = {name for key in variants for name in self.of_variant(key)}
            self._body = {n: p for n, p in self.channels().items() if n not in covered}
        return self._body


STOPPED = ("this rule's regular expression took longer than {limit} s on this text and was "
           "stopped, so the text is not checked; simplify the pattern in styleguide.yaml")


def message(rule: Rule, match: Match) -> str:
    """The rule's message (else the kind's) with each `{name}` replaced by the match's value
    (spaces collapsed); a name without a value stays as written."""
    values = match.values
    if values.get("stopped"):
        return STOPPED.format(limit=REGEX_TIMEOUT)
    template = rule.message or match.message
    # the same words break the same rule in post after post: kept when each value is a str or
    # an int (whose text its value fixes; True == 1, but a bool is neither)
    key = (template, *values.items()) if all(type(v) is str or type(v) is int for v in values.values()) else None
    done = _MESSAGES.get(key) if key is not None else None
    if done is not None:
        return done
    parts = _TEMPLATES.get(template)
    if parts is None:  # [text, name, text, name, ..., text], split once per template
        parts = _TEMPLATES[template] = [str(part) for part in _PLACEHOLDER.split(template)]
    if len(parts) == 1:
        return template
    out = [parts[0]]
    for k in range(1, len(parts), 2):
        found = values.get(parts[k])
        out.append(f"{{{parts[k]}}}" if found is None else " ".join(str(found).split()))
        out.append(parts[k + 1])
    text = "".join(out)
    if key is not None:
        if len(_MESSAGES) > 8192:
            _MESSAGES.clear()
        _MESSAGES[key] = text
    return text


_TEMPLATES: dict[str, list[str]] = {}
_MESSAGES: dict[tuple[Any, ...], str] = {}


# ---- the run --------------------------------------------------------------------------------

def matches(post: Post, guide: StyleGuide, config: Config) -> Iterator[tuple[Rule, Target, Match]]:
    """Every (rule, target, match) for the post, disabled rules left out."""
    if not guide.rules:
        return
    lang, by_kind = _runnable(guide, post.lang or _default_lang(config), post.campaign)
    if "<!--" in post.body and post.disabled_rules:  # only a comment can disable a rule
        disabled = post.disabled_rules
        by_kind = {kind: [r for r in runs if r[0].id not in disabled] for kind, runs in by_kind.items()}
    if not any(by_kind.values()):
        return
    for target in targets(post, config, lang):
        segment = target.segment
        for rule, check, compiled, everywhere in by_kind[segment.kind]:
            if everywhere or rule.scope.covers_channels(target.receivers):
                try:
                    found = list(check(segment, compiled))
                except TimeoutError:  # a style guide's own pattern ran out of time
                    found = [Match(None, 0, STOPPED, {"stopped": True})]
                for match in found:
                    yield rule, target, match


Runnable = tuple[Rule, Callable[[Segment, Any], Iterable[Match]], Any, bool]


def _runnable(guide: StyleGuide, lang_tag: str | None,
              campaign: str | None) -> tuple[Lang, dict[str, list[Runnable]]]:
    """The post's language and, for each kind of text, the rules that read it and apply to
    posts of this language and campaign, compiled; made once per style guide for each
    (language, campaign)."""
    key = (lang_tag, campaign)
    found: tuple[Lang, dict[str, list[Runnable]]] | None = guide.runnable.get(key)
    if found is None:
        lang = Lang.of(lang_tag)
        rules = [rule for rule in guide.rules if rule.scope.covers_post(lang_tag, campaign)]
        found = (lang, {
            kind: [(rule, rule.kind.check, rule.compiled(lang), rule.scope.every_channel)
                   for rule in rules if kind in rule.kind.READS]
            for kind in (BODY, VARIANT, ALT)
        })
        guide.runnable[key] = found
    return found


def targets(post: Post, config: Config, lang: Lang) -> Iterator[Target]:
    audience = Audience(post, config)
    body = _masked(post.body)
    yield Target(Segment(BODY, body, _parts(body), lang), post, audience)
    meta = post.meta  # (a post without the key has no variants or media: skip building them)
    if meta.get("variants"):
        for key, text in post.variants.items():
            masked = _masked(text)
            yield Target(Segment(VARIANT, masked, _parts(masked), lang, key), post, audience)
    if meta.get("media"):
        for media in post.media:
            alt = media.alt or ""
            yield Target(Segment(ALT, alt, ((0, len(alt)),), lang, media.path, media.alt is None), post, audience,
                         media.index)


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
