"""What every lint check sees: the project, the clock, the posts being linted, and the data
the checks share, each loaded at most once per run (the style guide, the other posts, the
calendar's findings, the ledger's ids and hashes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialops.model import Channel, Post, Project

if TYPE_CHECKING:
    from socialops.calendar.checks import Findings
    from socialops.lint.cache import LintCache
    from socialops.lint.quickread import Others
    from socialops.problems import Problem
    from socialops.rules.guide import StyleGuide

#: (hashes of a channel's published parts) -> [(post id, channel)]: how a renamed post is recognised
PublishedHashes = dict[tuple[str, ...], list[tuple[str, str]]]


@dataclass
class LintContext:
    project: Project
    now: datetime | None
    posts: list[Post]  # the posts being linted
    everything: bool = True  # every post of the project is being linted
    lint_cache: LintCache | None = None  # findings kept between runs (socialops.lint.cache)
    in_ci: bool = False  # running in CI: what only breaks CI is an error there, a warning elsewhere
    _styleguide: StyleGuide | None = field(default=None, repr=False)
    _others: Others | None = field(default=None, repr=False)
    _calendar: Findings | None = field(default=None, repr=False)
    _ledger_ids: set[str] | None = field(default=None, repr=False)
    _published: PublishedHashes | None = field(default=None, repr=False)
    _lateness: timedelta | None = field(default=None, repr=False)

    @property
    def channels(self) -> dict[str, Channel]:
        return self.project.config.channels

    def styleguide(self) -> StyleGuide:
        if self._styleguide is None:
            from socialops.rules import load_styleguide

            self._styleguide = load_styleguide(self.project.root)
        return self._styleguide

    def styleguide_problems(self) -> list[Problem]:
        """The style guide's own findings: kept in lint's cache (LintCache.guide_findings),
        else found by loading it."""
        cache = self.lint_cache
        if self._styleguide is None and cache is not None:
            found = cache.guide_findings()
            if found is not None:
                return found
        problems = self.styleguide().problems
        if cache is not None:
            cache.keep_guide(problems)
        return problems

    def others(self) -> Others | None:
        """The posts not being linted, read quickly (socialops.lint.quickread); None when
        every post is being linted."""
        if self.everything:
            return None
        if self._others is None:
            from socialops.lint.quickread import Others

            self._others = Others(self.project, {p.path for p in self.posts}, self.lint_cache)
        return self._others

    def calendar(self) -> Findings:
        """Spacing, daily maximum, blackouts, campaigns, the queue and calendar.yaml's own
        findings, worked out once for every post being linted (against all the others)."""
        if self._calendar is None:
            from socialops.calendar.checks import findings

            if self.everything:
                self._calendar = findings(self.project, self.posts, self.now)
            else:
                from socialops.calendar.config import load

                linted = {p.path for p in self.posts}
                others = self.others()
                near = others.near(self.posts, load(self.project)) if others is not None else []
                self._calendar = findings(self.project, [*self.posts, *near], self.now, linted)
        return self._calendar

    def lateness(self) -> timedelta:
        """How late a due post may still go out (socialops.calendar.lateness), read once."""
        if self._lateness is None:
            from socialops.calendar import lateness

            self._lateness = lateness(self.project)
        return self._lateness

    def ledger_ids(self) -> set[str]:
        """The id of every post the ledger has a file for."""
        if self._ledger_ids is None:
            from socialops import ledger

            self._ledger_ids = ledger.ids(self.project.root)
        return self._ledger_ids

    def published_hashes(self) -> PublishedHashes:
        if self._published is None:
            from socialops import ledger

            self._published = ledger.published_by_hash(ledger.read_all(self.project.root),
                                                        self.project.root)
        return self._published
