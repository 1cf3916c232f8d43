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

from collections.abc import Iterable, Iterator
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
            return text.replace("I", "ı").replace("İ", "i").casefold()
        return text.casefold()

    def lower(self, text: str) -> str:
        """Lower case with every offset kept (İ becomes i; ß stays ß): for searching."""
        if self.family == "tr":
            return text.replace("I", "ı").replace("İ", "i").lower()
        return text.replace("İ", "i").lower()

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

    def tokens(self, tokens: Iterable[str], ignorecase: bool = True) -> Tokens:
        """A matcher for any of `tokens` as a whole word."""
        return Tokens(self, list(tokens), ignorecase)


class Tokens:
    """Whole-word matching of several tokens at once, compiled once.

    With `ignorecase`, a match is a whole-word stretch of text whose case folding in the
    language equals the token's. The folded text is searched for every word of a token
    before the regex runs at all, which keeps lint fast on texts with no match."""

    def __init__(self, lang: Lang, tokens: list[str], ignorecase: bool) -> None:
        self.lang = lang
        self.ignorecase = ignorecase
        self.tokens = [" ".join(t.split()) for t in tokens if t.strip()]
        self._folded = [lang.fold(t) for t in self.tokens]
        # a match, case-folded, holds each word of its token case-folded (no character
        # folds to a space), so a text lacking one of them cannot match that token
        self._needles = tuple({tuple((lang.fold(t) if ignorecase else t).split()) for t in self.tokens})
        order = sorted(range(len(self.tokens)), key=lambda i: (-len(self.tokens[i]), self.tokens[i]))
        source = "|".join(f"(?P<t{i}>{lang.literal(self.tokens[i], ignorecase)})" for i in order)
        self._pattern = regex.compile(rf"(?<!\w)(?:{source})(?!\w)", lang.flags(ignorecase)) if order else None
        self._numbers: dict[str | None, int] = {f"t{i}": i for i in order}  # group name -> token
        self._same: dict[tuple[str, int], bool] = {}  # (a match's text, its token) -> whether it folds to it

    def may_match(self, haystack: str) -> bool:
        """False when no token can match: `haystack` is the text case-folded in the
        language (`lang.fold(text)`) with `ignorecase`, else the text itself."""
        for words in self._needles:
            for word in words:
                if word not in haystack:
                    break
            else:
                return True
        return False

    def matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, token index) of each match (run it when `may_match` is True)."""
        if self._pattern is None:
            return
        numbers, same = self._numbers, self._same
        for m in self._pattern.finditer(text):
            index = numbers[m.lastgroup]
            if self.ignorecase:
                key = (m.group(), index)
                equal = same.get(key)  # a finding's words repeat from post to post
                if equal is None:
                    if len(same) > 4096:
                        same.clear()
                    equal = same[key] = self.lang.fold(" ".join(key[0].split())) == self._folded[index]
                if not equal:
                    continue
            yield m.start(), m.end(), index


@cache
def _lang(family: str) -> Lang:
    return Lang(family)


DEFAULT = Lang.of(None)
