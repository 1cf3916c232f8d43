"""Untrusted text (from a post or a pull request) made inert for the place it is shown: a
GitHub comment (no mentions, no links, no markup it did not write), a Slack message (no
`<!channel>`, `<@U...>` or `<url|text>`), a terminal (no escape codes)."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def github_code(text: str) -> str:
    """`text` as a Markdown code span on one line: GitHub renders it as it is (no @mention,
    no #reference, no link, no HTML), whatever backticks it holds."""
    flat = " ".join(terminal(text).splitlines()) or " "
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def slack(text: str) -> str:
    """`text` for a Slack message: the three characters Slack's formatting uses escaped as its
    documentation asks (&amp; &lt; &gt;), so `<!channel>` or `<@U123>` stay text, and in
    inline code, so a URL is not turned into a link."""
    flat = " ".join(terminal(text).splitlines())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
    return f"`{flat}`" if flat else ""


def terminal(text: str) -> str:
    """`text` without terminal control sequences (colours, cursor moves, title changes,
    hyperlinks) or other control characters; new lines and tabs stay."""
    return _CONTROL.sub("", text)
