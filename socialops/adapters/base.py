"""The one small interface every platform adapter implements.

An adapter talks HTTP to one platform for one channel, through the `httpx.Client` it is
given (tests pass an `httpx.MockTransport` or point the channel at a local server). It
never reads the environment itself: credentials are handed in as `secrets`, looked up by
the engine from the channel's `*_env` names. It never logs or returns a secret.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from ipaddress import ip_address
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import quote, urlsplit

from socialops import escape


@dataclass(frozen=True)
class OutgoingMedia:
    path: Path  # absolute path of the file in the repository
    alt: str | None
    mime: str  # e.g. image/png, video/mp4


@dataclass(frozen=True)
class PublishedRef:
    """What a platform gave back for one published part."""

    id: str  # the platform's id (status id, at:// uri, tweet id, urn, message id, entry id)
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. Bluesky cid, Telegram chat


@dataclass(frozen=True)
class OutgoingPart:
    """One thread part exactly as it is sent (the text comes from socialops.render)."""

    post_id: str
    channel: str
    index: int  # 0-based thread part
    text: str
    media: tuple[OutgoingMedia, ...] = ()
    reply_to: PublishedRef | None = None  # the part before, for threads
    root: PublishedRef | None = None  # the first part of the thread
    idempotency_key: str = ""  # derived from post id, channel, part and content
    options: Mapping[str, Any] = field(default_factory=dict)  # the post's block for this platform
    lang: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    #: platform ids the ledger gives to other parts of this channel: a lookup never answers
    #: with one of them (two posts with the same text are told apart this way)
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verification:
    ok: bool
    account: str | None = None  # who the credentials belong to (never the secret)
    expires: datetime | None = None
    message: str = ""
    # channel options the platform says this channel should have (Mastodon: the instance's
    # `max_length`), for doctor to compare with socialops.yaml and record on --write
    settings: dict[str, Any] = field(default_factory=dict)


class PlatformError(Exception):
    """A call that did not publish. `maybe_sent` is True when the request may have reached
    the platform (a timeout after sending, a dropped connection, a 5xx after the body was
    sent): such a call is never retried blindly. `retryable` errors are safe to try again
    (429, 5xx answered before anything was created, connect errors)."""

    def __init__(self, message: str, *, retryable: bool = False, maybe_sent: bool = False,
                 retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.maybe_sent = maybe_sent
        self.retry_after = retry_after
        self.status = status


class Halted(PlatformError):
    """A wait inside a call (media the platform is still processing) broken off because the
    run must not go on: it was stopped, publishing was paused, or the ledger cannot be
    written. Raised before the call that posts, so nothing was posted."""


def wait(adapter: Any, seconds: float) -> None:
    """Sleep `seconds` inside a call (polling for processed media). A publish run hands each
    adapter a `waiter` that looks at the stop and the pause switch while it waits and raises
    Halted; without one (doctor, retract, a test) this is time.sleep."""
    import time

    waiter = getattr(adapter, "waiter", None)
    (waiter or time.sleep)(seconds)


def base_url(channel: Any, option: str, default: str | None) -> str:
    """The channel's base URL for `option` (or the platform's public `default`), without a
    trailing slash. Only https:// is accepted, and plain http:// for a server on this
    machine (127.0.0.0/8, localhost, ::1), so credentials never cross a network in clear."""
    from socialops.adapters import ChannelSetupError

    value = channel.options.get(option, default)
    if not value:
        raise ChannelSetupError(f"channel '{channel.name}' needs `{option}:` in socialops.yaml "
                                f"(the {channel.platform} server's base URL, https://...)")
    url = str(value).rstrip("/")
    check_url(url, f"channel '{channel.name}': `{option}: {escape.url(url)}`", ChannelSetupError)
    return url


def check_url(url: str, what: str, error: type[Exception] = ValueError) -> None:
    """Raise `error` unless `url` is https://, or http:// to a loopback address. `what`
    names the URL in the message (never pass a secret URL itself there)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and _is_loopback(host):
        return
    raise error(f"{what} must be an https:// URL (plain http:// only for a server on this "
                "machine: 127.0.0.1, localhost or ::1)")


def secret_fragments(secrets: Iterable[str]) -> set[str]:
    """Each secret, its URL-encoded form, and for URL secrets their longer path parts."""
    found: set[str] = set()
    for secret in secrets:
        if not secret or len(secret) < 4:
            continue
        found.update({secret, quote(secret, safe="")})
        if secret.startswith(("http://", "https://")):
            found.update(p for p in urlsplit(secret).path.split("/") if len(p) >= 8)
    return found


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class Adapter(Protocol):
    platform: ClassVar[str]
    #: names of the channel options holding env var names this adapter needs
    secret_options: ClassVar[tuple[str, ...]]

    def __init__(self, channel: Any, client: Any, secrets: Mapping[str, str], root: Path) -> None: ...

    def publish(self, part: OutgoingPart) -> PublishedRef: ...

    def delete(self, ref: PublishedRef) -> None: ...

    def verify(self) -> Verification: ...

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        """Whether a part that may have been sent exists; None when it does not, raises
        PlatformError when the platform cannot say. A lookup that compares texts skips the
        ids in `part.exclude`; an adapter whose lookup finds the part by a key derived from
        it (not by its text) sets the class attribute `exact_lookup = True`."""
        ...


# ---- metrics (DESIGN.md 10) ----------------------------------------------------------------------

#: the metric names socialops records, the same on every platform (each platform's own names
#: are mapped to these in its adapter); a platform records only those it has
METRIC_NAMES = ("likes", "reposts", "replies", "quotes", "bookmarks", "shares", "views", "clicks")


@dataclass
class MetricsAnswer:
    """What a platform said about some published parts of one channel, and its account.

    `posts`: platform id -> metric -> value, for every metric the platform has (None: the
    platform has the metric but did not give it for this post; never turned into 0);
    `deleted`: ids the platform says no longer exist; `followers`: the account's count,
    None when not asked or not given."""

    posts: dict[str, dict[str, int | None]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    followers: int | None = None


def counts(source: Any, names: Mapping[str, str]) -> dict[str, int | None]:
    """Our metric -> the platform's number under its own field name (`names`: ours ->
    theirs); a field that is absent or not a number reads as None (missing), never 0."""
    found: dict[str, int | None] = {}
    for ours, theirs in names.items():
        value = source.get(theirs) if isinstance(source, Mapping) else None
        found[ours] = int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return found


class MetricsSource(Protocol):
    """An adapter that can read its posts' counts back (`socialops metrics collect`).
    `metric_names`: the metrics the platform has (of METRIC_NAMES); `metrics_batch`: how
    many parts one call may ask for. `metrics` raises PlatformError like every call (a
    429 with `retry_after`; 401 for a token that expired or was revoked)."""

    metric_names: ClassVar[tuple[str, ...]]
    metrics_batch: ClassVar[int]

    def metrics(self, refs: Sequence[PublishedRef], *, followers: bool) -> MetricsAnswer: ...
