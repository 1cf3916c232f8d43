"""Language-aware matching: case folding and whole-word patterns by the post's `lang`.

Three families, chosen by the primary language subtag:
- `tr` and `az`: Turkish casing. `İ` pairs with `i` and `I` with dotless `ı`, so
  "İstanbul" matches "istanbul" and "ISLAK" matches "ıslak", but never "islak".
- `de`: German. Full Unicode case folding, so "ß" matches "ss", "SS" and "ẞ".
- everything else: full Unicode case folding (the `regex` module's FULLCASE).

Word boundaries are Unicode-aware: a token matches where it is not preceded or followed
by a letter, mark, digit or underscore of any script.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import regex

_TR_DOTTED = "(?-i:[iİ])"
_TR_DOTLESS = "(?-i:[ıI])"


class Lang:
    """The matching rules of one language family."""

    def __init__(self, family: str) -> None:
        self.family = family

    def __repr__(self) -> str:
        return f"Lang({self.family!r})"

    @staticmethod
    def of(tag: str | None) -> Lang:
        """The family of a BCP 47 tag (`de-AT` -> German); None means the default."""
        primary = (tag or "").replace("_", "-").split("-")[0].lower()
        return _lang({"tr": "tr", "az": "tr", "de": "de"}.get(primary, ""))

    def flags(self, ignorecase: bool = True) -> int:
        return regex.IGNORECASE | regex.FULLCASE if ignorecase else 0

    def fold(self, text: str) -> str:
        """A caseless key for comparing two strings in this language."""
        if self.family == "tr":
            return text.replace("I", "ı").replace("İ", "i").lower()
        return text.casefold()

    def upper(self, text: str) -> str:
        if self.family == "tr":
            text = text.replace("i", "İ")
        return text.upper()

    def literal(self, token: str, ignorecase: bool = True) -> str:
        """Regex source matching `token` literally; a space matches any run of whitespace."""
        out: list[str] = []
        for char in token.strip():
            if char.isspace():
                if not out or out[-1] != r"\s+":
                    out.append(r"\s+")
            elif self.family == "tr" and ignorecase and char in "iİ":
                out.append(_TR_DOTTED)
            elif self.family == "tr" and ignorecase and char in "ıI":
                out.append(_TR_DOTLESS)
            else:
                out.append(regex.escape(char))
        return "".join(out)

    def word(self, token: str, ignorecase: bool = True) -> str:
        """Regex source matching `token` as a whole word."""
        return r"(?<!\w)" + self.literal(token, ignorecase) + r"(?!\w)"

    def words(self, tokens: Iterable[str], ignorecase: bool = True) -> regex.Pattern[str]:
        """One compiled pattern matching any of `tokens` as a whole word, longest first."""
        ordered = sorted({t.strip() for t in tokens if t.strip()}, key=lambda t: (-len(t), t))
        source = r"(?<!\w)(?:" + "|".join(self.literal(t, ignorecase) for t in ordered) + r")(?!\w)"
        return regex.compile(source, self.flags(ignorecase))


@cache
def _lang(family: str) -> Lang:
    return Lang(family)


DEFAULT = Lang.of(None)
