"""styleguide.yaml as data: the rules, each validated against the schema and compiled
once per run and language. Problems with the file are findings in styleguide.yaml."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from socialops import yamlio
from socialops.errors import SocialopsError
from socialops.model import STYLEGUIDE_FILE, has_file, read_project_file
from socialops.problems import Level, Problem
from socialops.rules.base import RuleKind, expensive
from socialops.rules.lang import DEFAULT, Lang
from socialops.rules.schema import COMMON

COMMON_KEYS = tuple(COMMON)



@dataclass(frozen=True)
class Scope:
    """Where a rule applies; a missing key means everywhere."""

    channels: frozenset[str] | None = None
    platforms: frozenset[str] | None = None
    langs: tuple[str, ...] | None = None
    campaigns: frozenset[str] | None = None

    @classmethod
    def of(cls, data: Any) -> Scope:
        if not isinstance(data, dict):
            return cls()

        def names(key: str) -> list[str] | None:
            value = data.get(key)
            return [str(v) for v in value] if isinstance(value, list) else None

        channels, platforms, langs, campaigns = (names(k) for k in ("channels", "platforms", "langs", "campaigns"))
        return cls(
            frozenset(channels) if channels is not None else None,
            frozenset(platforms) if platforms is not None else None,
            tuple(lang.lower() for lang in langs) if langs is not None else None,
            frozenset(campaigns) if campaigns is not None else None,
        )

    @property
    def every_channel(self) -> bool:
        return self.channels is None and self.platforms is None

    def covers_post(self, lang: str | None, campaign: str | None) -> bool:
        if self.campaigns is not None and campaign not in self.campaigns:
            return False
        if self.langs is None:
            return True
        tag = (lang or "").lower()
        return any(tag == want or tag.startswith(want + "-") for want in self.langs)

    def covers_channels(self, receivers: Mapping[str, str]) -> bool:
        """`receivers` maps each channel receiving the text to its platform."""
        if self.every_channel:
            return True
        return any((self.channels is not None and name in self.channels)
                   or (self.platforms is not None and platform in self.platforms)
                   for name, platform in receivers.items())


@dataclass
class Rule:
    id: str
    kind: RuleKind
    level: Level
    message: str | None
    scope: Scope
    options: dict[str, Any]
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False)

    def compiled(self, lang: Lang) -> Any:
        """The kind's compiled form for a language family, made once per run."""
        try:
            return self._compiled[lang.family]
        except KeyError:
            value = self._compiled[lang.family] = self.kind.compile(self.options, lang)
            return value


@dataclass
class StyleGuide:
    rules: list[Rule] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    runnable: dict[tuple[str | None, str | None], Any] = field(default_factory=dict, repr=False)


def load(root: Path, registry: Mapping[str, RuleKind]) -> StyleGuide:
    """The project's style guide. A missing file means no rules."""
    path = root / STYLEGUIDE_FILE
    if not has_file(path):
        return StyleGuide()
    try:
        text = read_project_file(root, STYLEGUIDE_FILE)
    except FileNotFoundError:
        return StyleGuide()
    except SocialopsError as exc:
        return StyleGuide(problems=[_problem(exc.message, "syntax")])
    try:
        data = yamlio.load(text)
    except yamlio.YamlError as exc:
        return StyleGuide(problems=[_problem(exc.message, "syntax", exc.line, exc.column)])
    return parse(data, yamlio.Locator(text), registry)


def parse(data: Any, locator: yamlio.Locator, registry: Mapping[str, RuleKind]) -> StyleGuide:
    from socialops.rules.validate import schema_problems

    if data is None:
        return StyleGuide()
    problems, broken = schema_problems(data, locator, registry)
    guide = StyleGuide(problems=problems)
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return guide
    first_index: dict[str, int] = {}  # positions are looked up only for a finding
    for index, item in enumerate(items):
        if index in broken or not isinstance(item, dict):
            continue
        rule = Rule(str(item["id"]), registry[item["kind"]], Level(item.get("level", "warning")),
                    item.get("message"), Scope.of(item.get("scope")),
                    {k: v for k, v in item.items() if k not in COMMON_KEYS})
        found = list(_compile_problems(rule, index, locator))
        if rule.id in first_index:
            first, _ = _pos(locator, ["rules", first_index[rule.id], "id"], key=False)
            found.append(_problem(f"the rule id '{rule.id}' is used twice (first on line {first}); "
                                  "give each rule its own id", "schema",
                                  *_pos(locator, ["rules", index, "id"], key=False)))
        first_index.setdefault(rule.id, index)
        guide.problems.extend(found)
        if not found:
            guide.rules.append(rule)
    return guide


def _compile_problems(rule: Rule, index: int, locator: yamlio.Locator) -> Iterator[Problem]:
    """An invalid regular expression, at its own line."""
    for name in rule.kind.PATTERNS:
        value = rule.options.get(name)
        items = value if isinstance(value, list) else [value]
        for i, pattern in enumerate(items):
            path: list[str | int] = ["rules", index, name]
            if isinstance(value, list):
                path.append(i)
            try:
                compiled = regex.compile(str(pattern))
            except regex.error as exc:
                line, column = _pos(locator, path, key=False)
                yield _problem(f"invalid regular expression {pattern!r} in rule '{rule.id}': {exc}",
                               "schema", line, column)
                return
            if expensive(compiled):
                line, column = _pos(locator, path, key=False)
                yield _problem(f"the regular expression {pattern!r} in rule '{rule.id}' backtracks "
                               "catastrophically (it takes seconds, or years, on a long run of one "
                               "character); avoid nested or overlapping repetition such as (a|aa)+ "
                               "or (a+)+", "schema", line, column)
    try:
        rule.compiled(DEFAULT)
    except regex.error as exc:
        line, column = _pos(locator, ["rules", index], key=False)
        yield _problem(f"rule '{rule.id}' does not compile: {exc}", "schema", line, column)


def _pos(locator: yamlio.Locator, path: list[str | int], key: bool = True) -> tuple[int, int]:
    pos = locator.key(path) if key else locator.value(path)
    return pos.line, pos.column


def _problem(message: str, rule: str, line: int = 1, column: int = 1) -> Problem:
    return Problem(STYLEGUIDE_FILE, line, column, rule, Level.ERROR, message)
