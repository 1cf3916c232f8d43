"""Checks of socialops.yaml beyond its schema: every channel name the policy uses is a
channel (a typo would make a stricter rule silently not apply), and each channel's options
are ones its platform reads (a misspelled `instnce:` would silently fall back to a default),
and no option holds a URL that carries its own credential (a webhook token written into
the repository, where everyone who can read it can post, and git keeps it)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from socialops import escape, yamlio
from socialops.lint.context import LintContext
from socialops.model import CONFIG_FILE
from socialops.problems import Level, Problem
from socialops.suggest import did_you_mean

#: options every channel takes
COMMON_OPTIONS = frozenset({"platform", "max_length", "expires"})

#: the options each platform's channel takes (what its adapter, renderer and doctor read)
CHANNEL_OPTIONS: dict[str, frozenset[str]] = {
    "feed": frozenset({"path", "title", "link", "permalink", "feed_url", "media_base", "author"}),
    "mastodon": frozenset({"instance", "token_env", "visibility"}),
    "bluesky": frozenset({"pds", "appview", "handle", "password_env", "facets", "langs"}),
    "x": frozenset({"api", "api_key_env", "api_secret_env", "access_token_env", "access_secret_env",
                    "reply_settings"}),
    "linkedin": frozenset({"api", "author", "token_env", "version", "visibility"}),
    "threads": frozenset({"api", "user_id", "token_env", "media_base_url"}),
    "discord": frozenset({"api", "webhook_env", "username", "avatar_url", "thread_id"}),
    "slack": frozenset({"api", "webhook_env", "token_env", "channel_id", "unfurl_links"}),
    "telegram": frozenset({"api", "chat_id", "token_env", "disable_link_preview", "silent"}),
    "webhook": frozenset({"url", "url_env", "secret_env", "verify"}),
}


def check_policy_channels(ctx: LintContext) -> Iterable[Problem]:
    """Channel names in approval.channels, roles.reviewers and defaults.channels."""
    config = ctx.project.config
    known = set(config.channels)
    where = yamlio.Locator(config.text)
    data = config.data
    approval, roles, defaults = (_section(data, name) for name in ("approval", "roles", "defaults"))
    places: list[tuple[list[str | int], Any, str]] = []
    if isinstance(approval.get("channels"), dict):
        places += [(["approval", "channels", str(k)], k, "approval.channels") for k in approval["channels"]]
    if isinstance(roles.get("reviewers"), dict):
        places += [(["roles", "reviewers", str(k)], k, "roles.reviewers") for k in roles["reviewers"]
                   if str(k) != "*"]
    if isinstance(defaults.get("channels"), list):
        places += [(["defaults", "channels", i], v, "defaults.channels")
                   for i, v in enumerate(defaults["channels"])]
    for path, name, section in places:
        if str(name) in known:
            continue
        key = section != "defaults.channels"
        pos = where.key(path) if key else where.value(path)
        hint = did_you_mean(str(name), known)
        # close to a channel: a typo (an error); else perhaps a channel still to come (a warning)
        yield Problem(CONFIG_FILE, pos.line, pos.column, "channel", Level.ERROR if hint else Level.WARNING,
                      f"{section} names '{name}', which is not a channel{hint}; "
                      f"the rule for it applies to nothing (channels: {', '.join(sorted(known)) or 'none yet'})")


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def check_channel_options(ctx: LintContext) -> Iterable[Problem]:
    config = ctx.project.config
    raw = config.data.get("channels")
    if not isinstance(raw, dict):
        return
    where = yamlio.Locator(config.text)
    for name, options in raw.items():
        if not isinstance(options, dict):
            continue
        yield from _options(str(name), options, where)
        yield from _credentials(str(name), options, where)


def _options(name: str, options: dict[str, Any], where: yamlio.Locator) -> Iterator[Problem]:
    platform = options.get("platform")
    allowed = CHANNEL_OPTIONS.get(str(platform))
    if allowed is None:
        return  # no platform, or one the schema refuses: its check says so
    allowed = allowed | COMMON_OPTIONS
    for key in options:
        if str(key) in allowed:
            continue
        pos = where.key(["channels", name, str(key)])
        yield Problem(CONFIG_FILE, pos.line, pos.column, "channel", Level.ERROR,
                      f"channel '{name}' ({platform}): unknown option '{key}'"
                      f"{did_you_mean(str(key), allowed)}; a {platform} channel takes: "
                      f"{', '.join(sorted(allowed))}")


#: query parameters that carry a credential by name
_SECRET_QUERY = re.compile(r"(?i)(?:^|[_-])(?:token|secret|signature|sig|password|passwd|pwd|pass|"
                           r"auth|apikey|api_key|key|credential|credentials)$")


def url_credential(value: str) -> str | None:
    """What in `value`, a URL, is a credential (None when nothing is)."""
    from urllib.parse import parse_qsl, urlsplit

    try:
        parts = urlsplit(value.strip())
        password = parts.password
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    if password:
        return "a password (user:password@)"
    names = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=False)
                    if _SECRET_QUERY.search(k)})
    if names:
        return "the query's " + ", ".join(f"`{n}`" for n in names)
    if escape.SECRET_PATH.match(parts.path[1:]):
        return "its path (this webhook's token)"
    return None


def _credentials(name: str, options: dict[str, Any], where: yamlio.Locator) -> Iterator[Problem]:
    for key, value in options.items():
        if not isinstance(value, str) or "://" not in value:
            continue
        what = url_credential(value)
        if what is None:
            continue
        pos = where.value(["channels", name, str(key)])
        variable = f"{name.upper().replace('-', '_')}_{str(key).upper()}"
        fix = (f"put the whole URL in a secret and name its variable here instead: "
               f"`{key}_env: {variable}`" if key == "url" else
               "keep the credential in a secret (an `*_env` option) instead")
        yield Problem(CONFIG_FILE, pos.line, pos.column, "channel", Level.ERROR,
                      f"channel '{name}': `{key}:` carries a credential ({what}); everyone who "
                      f"can read this repository can use it, and git keeps it: {fix}, then revoke "
                      "the old one (README: \"Channels\")")
