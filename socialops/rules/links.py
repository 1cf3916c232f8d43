"""Links: https only, allowed or banned domains, and required tracking parameters.

Finds the links in the text (http://, https:// and www. addresses; trailing punctuation
is not part of a link).
- `https: true`: every link must start with https://;
- `allow_domains`: links may only go to these domains (subdomains included:
  `acme.example` allows `blog.acme.example`);
- `ban_domains`: links must not go to these domains (subdomains included);
- `require_params`: query parameters each link must carry, e.g. `{utm_source: social}`;
  the value `"*"` accepts any value. `params_domains` limits this to links to those
  domains (default: every link).

Reads the body and every variant (not alt text).

    - {id: links, kind: links, level: error, https: true, allow_domains: [acme.example],
       require_params: {utm_source: social}}

Message variables: {match} (the link), {domain}, {expected} (the missing parameter).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from socialops.rules.base import POST_TEXT, Match, Segment, found, option_list
from socialops.rules.lang import Lang

KIND = "links"
REQUIRED: tuple[str, ...] = ()
PATTERNS: tuple[str, ...] = ()
READS = POST_TEXT
NOT_HTTPS = "Use an https:// link: '{match}'."
NOT_ALLOWED = "Links may not go to '{domain}': '{match}'."
BANNED = "Do not link to '{domain}': '{match}'."
NO_PARAM = "Add {expected} to the link '{match}'."
_DOMAIN = {"type": "string", "pattern": "^[A-Za-z0-9.-]+$"}
OPTIONS: dict[str, dict[str, Any]] = {
    "https": {"description": "Every link must use https://.", "type": "boolean", "default": False},
    "allow_domains": {"description": "The only domains links may go to (subdomains included).",
                      "type": "array", "items": _DOMAIN},
    "ban_domains": {"description": "Domains links must not go to (subdomains included).",
                    "type": "array", "items": _DOMAIN},
    "require_params": {
        "description": "Query parameters every link must carry: name -> value ('*' for any value).",
        "type": "object", "additionalProperties": {"type": "string"},
    },
    "params_domains": {"description": "Only links to these domains need `require_params` (default: every link).",
                       "type": "array", "items": _DOMAIN},
}


@dataclass(frozen=True)
class Links:
    https: bool
    allow: tuple[str, ...]
    ban: tuple[str, ...]
    params: tuple[tuple[str, str], ...]
    params_domains: tuple[str, ...]


def compile(options: Mapping[str, Any], lang: Lang) -> Links:
    params = options.get("require_params")

    def domains(name: str) -> tuple[str, ...]:
        return tuple(d.lower().strip(".") for d in option_list(options, name))

    return Links(
        bool(options.get("https", False)),
        domains("allow_domains"),
        domains("ban_domains"),
        tuple((str(k), str(v)) for k, v in params.items()) if isinstance(params, dict) else (),
        domains("params_domains"),
    )


def check(segment: Segment, compiled: Links) -> Iterable[Match]:
    urls = segment.urls
    return _check(segment.text, urls, compiled) if urls else ()


def _check(text: str, urls: list[tuple[int, int]], compiled: Links) -> list[Match]:
    domains = bool(compiled.allow or compiled.ban or compiled.params)
    out = []
    for start, end in urls:
        url = text[start:end]
        if compiled.https and not url.lower().startswith("https://"):
            out.append(found(start, end, NOT_HTTPS, match=url))
        if domains:
            out.extend(_check_domain(url, start, end, compiled))
    return out


def _check_domain(url: str, start: int, end: int, compiled: Links) -> Iterator[Match]:
    has_scheme = "://" in url[:8]
    try:
        parts = urlsplit(url if has_scheme else "http://" + url)
    except ValueError:  # e.g. an unclosed '[' (IPv6 host): it goes to no domain
        return
    host = (parts.hostname or "").lower()
    if compiled.allow and not _under(host, compiled.allow):
        yield found(start, end, NOT_ALLOWED, match=url, domain=host)
    if compiled.ban and _under(host, compiled.ban):
        yield found(start, end, BANNED, match=url, domain=host)
    if compiled.params and (not compiled.params_domains or _under(host, compiled.params_domains)):
        query = parse_qs(parts.query, keep_blank_values=True)
        for name, value in compiled.params:
            if name not in query or (value != "*" and value not in query[name]):
                expected = f"{name}={value}" if value != "*" else name
                yield found(start, end, NO_PARAM, match=url, domain=host, expected=expected)


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)
