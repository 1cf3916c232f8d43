"""One module per platform, each declaring its limit, counting, escaping and media rules
with the sources they come from; registered here by platform name.

A platform's module is imported the first time its platform is asked for (PLATFORMS[name]):
a run renders only its channels' platforms, and some of these modules load counting
libraries or compile large expressions (bench/README.md, issue 17)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialops.platforms.base import Platform

#: every platform socialops knows, each the name of its module here, in the order shown
NAMES = ("feed", "mastodon", "bluesky", "x", "linkedin", "threads", "discord", "slack", "telegram", "webhook")


class _Platforms(Mapping[str, "Platform"]):
    """Platform name -> Platform (the module's PLATFORM), imported on first use."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._loaded: dict[str, Platform] = {}

    def __getitem__(self, name: str) -> Platform:
        try:
            return self._loaded[name]
        except KeyError:
            if name not in self._names:
                raise
        platform: Platform = importlib.import_module(f"{__name__}.{name}").PLATFORM
        self._loaded[name] = platform
        return platform

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


PLATFORMS: Mapping[str, Platform] = _Platforms(NAMES)

__all__ = ["NAMES", "PLATFORMS"]
