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


#: a URL in running text: a scheme, then everything up to a space, a quote or a bracket
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{0,20}://[^\s'\"`<>()\[\]{}]+")
REDACTED = "***"


def url(value: str) -> str:
    """A URL as it may be shown, logged or stored: its userinfo (`user:token@`) and the value
    of every query parameter replaced by ***, since webhook URLs carry their tokens there.
    Scheme, host, path and the query's names stay, so a person still sees which URL it is."""
    head, sep, rest = value.partition("://")
    if not sep:
        return value
    authority, slash, tail = _split_authority(rest)
    if "@" in authority:
        authority = f"{REDACTED}@{authority.rpartition('@')[2]}"
    path, question, query = tail.partition("?")
    if slash and SECRET_PATH.match(path):
        path = SECRET_PATH.sub(lambda m: m.group(1) + REDACTED, path)
    if question:
        query, hash_, fragment = query.partition("#")
        fields = [f"{name.partition('=')[0]}={REDACTED}" if "=" in name else REDACTED
                  for name in query.split("&") if name]
        query = "&".join(fields) + (hash_ + fragment if hash_ else "")
    return f"{head}://{authority}{slash}{path}{question}{query}"


#: webhook paths that are themselves the token (after the first slash): Slack's incoming
#: webhooks (services/T/B/<token>) and Discord's (api/webhooks/<id>/<token>)
SECRET_PATH = re.compile(r"(?i)^(services/[^/?#]+/[^/?#]+/|api/webhooks/\d+/)([^/?#]+)")


def _split_authority(rest: str) -> tuple[str, str, str]:
    """`host[:port]` (with any userinfo), the separator after it, and the rest."""
    ends = [i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0]
    if not ends:
        return rest, "", ""
    end = min(ends)
    if rest[end] == "/":
        return rest[:end], "/", rest[end + 1:]
    return rest[:end], "", rest[end:]


def urls(text: str) -> str:
    """`text` with every URL in it shown as `url()` shows it."""
    return _URL.sub(lambda m: url(m.group(0)), text) if "://" in text else text
