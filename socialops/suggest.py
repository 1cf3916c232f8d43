"""'Did you mean' for a name that is not one of the known ones (a typo in a channel name, an
option or a front-matter key)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    options = sorted({str(k) for k in known})
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if not found:
        lowered = {o.lower(): o for o in options}
        return lowered.get(name.lower())
    return found[0]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a known name is close to `name`, else nothing."""
    found = closest(name, known)
    return f" (did you mean '{found}'?)" if found and found != name else ""
