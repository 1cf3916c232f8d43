"""HTTP calls for the platform adapters, with every failure turned into PlatformError once.

What a failure means for the engine:
- the request never left (connect error, connect or pool timeout): `retryable`;
- it may have arrived (read/write timeout, connection dropped, protocol error after
  sending): `maybe_sent` for a call that creates something (`sends=True`), otherwise
  `retryable` (reading again is harmless);
- 429: `retryable`, with `retry_after` from Retry-After, the X-RateLimit-Reset family
  (epoch seconds, ISO-8601 or seconds from now), Discord's Reset-After, or the body;
- 500/503: `retryable` (the server says it failed), except on a create of a platform that
  can look its posts up (`lookup_creates=True`): a server that failed while answering may
  have stored the post, so it is `maybe_sent` and the engine looks before sending again
  (only an idempotency key, as Mastodon's, makes a blind retry safe); 502/504 on a create:
  `maybe_sent` (a gateway gave up, the platform behind it may have finished);
- other 4xx: final, with the platform's own error text.
Secrets (tokens, webhook URLs and their path parts) are scrubbed from every message, and
the httpx exception (which holds the URL) is never chained. httpx logs each request's URL
at INFO (a Telegram bot URL holds the token, a webhook URL is the secret): a filter on
its loggers scrubs the secrets of every channel set up here from those records too.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

from socialops import escape
from socialops.adapters.base import PlatformError, Verification, secret_fragments

Describe = Callable[[Any, httpx.Response], str]


def _default_describe(body: Any, response: httpx.Response) -> str:
    if isinstance(body, dict):
        for key in ("error_description", "detail", "message", "description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])
    if isinstance(body, str) and body.strip():
        return body.strip()[:300]
    return response.reason_phrase or "error"


class Http:
    """The HTTP calls of one channel: `call()` returns a successful response or raises
    PlatformError with a message free of secrets."""

    def __init__(self, client: httpx.Client, platform: str, secrets: Iterable[str],
                 describe: Describe = _default_describe,
                 rate_limited: Callable[[Any], bool] | None = None,
                 lookup_creates: bool = False) -> None:
        self.client = client
        self.lookup_creates = lookup_creates  # a 5xx on a create is settled by a lookup
        self.platform = platform
        self.describe = describe
        self.rate_limited = rate_limited  # an error body that means "slow down" (not a 429)
        self._secrets = sorted(secret_fragments(secrets), key=len, reverse=True)
        _guard_logs(self._secrets)

    def scrub(self, text: str) -> str:
        return _scrub(text, self._secrets)

    def error(self, message: str, **kwargs: Any) -> PlatformError:
        return PlatformError(self.scrub(f"{self.platform}: {message}"), **kwargs)

    def call(self, method: str, url: str, what: str, *, sends: bool = False,
             **kwargs: Any) -> httpx.Response:
        """One request. `sends`: the call creates something if it arrives."""
        try:
            response = self.client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise self.error(f"could not {what}: the server cannot be reached "
                             f"({type(exc).__name__})", retryable=True) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError) as exc:
            raise self.error(f"could not {what}: the request could not be made "
                             f"({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            if sends:
                raise self.error(f"could not {what}: the connection failed after the request "
                                 f"was sent ({type(exc).__name__}); the post may exist",
                                 maybe_sent=True) from None
            raise self.error(f"could not {what}: the connection failed ({type(exc).__name__})",
                             retryable=True) from None
        if response.is_success:
            return response
        raise self.status_error(response, what, sends=sends)

    def status_error(self, response: httpx.Response, what: str, *, sends: bool = False,
                     detail: str | None = None) -> PlatformError:
        status = response.status_code
        body = body_of(response)
        text = detail or self.describe(body, response)
        message = f"could not {what}: {status} {text}"
        if status == 429 or (self.rate_limited is not None and self.rate_limited(body)):
            wait = retry_after(response, body)
            later = f"; try again in {wait:.0f} s" if wait is not None else ""
            return self.error(f"{message} (rate limited{later})", retryable=True,
                              retry_after=wait, status=status)
        if sends and status in (502, 504):
            return self.error(f"{message} (a gateway gave up; the post may exist)",
                              maybe_sent=True, status=status)
        if sends and status >= 500 and self.lookup_creates:
            return self.error(f"{message} (the server failed while answering; the post may exist)",
                              maybe_sent=True, retry_after=retry_after(response, body), status=status)
        if status >= 500:
            return self.error(message, retryable=True, retry_after=retry_after(response, body),
                              status=status)
        if status in (401, 403) and not text.lower().startswith(("you are not allowed", "duplicate")):
            message += " (check the channel's credentials)"
        return self.error(message, status=status)

    def json(self, response: httpx.Response, what: str, *, sends: bool = False) -> Any:
        """The response's JSON; an answer that is not JSON is an error (after a create:
        the post may exist)."""
        try:
            return response.json()
        except ValueError:
            raise self.error(f"could not {what}: the answer ({response.status_code}) is not "
                             "JSON", maybe_sent=sends) from None


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "[secret]")
    return escape.urls(text)  # a URL's userinfo and query values (a webhook's ?token=)


class _ScrubLogs(logging.Filter):
    """Removes the registered secrets from the log records of the HTTP libraries."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        cleaned = _scrub(text, self.secrets)
        if cleaned != text:
            record.msg, record.args = cleaned, None
        return True


_LOG_FILTER = _ScrubLogs()
_LOG_LOCK = threading.Lock()
_HTTP_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy")


def _guard_logs(secrets: Iterable[str]) -> None:
    with _LOG_LOCK:
        known = set(_LOG_FILTER.secrets)
        _LOG_FILTER.secrets = sorted(known | set(secrets), key=len, reverse=True)
        for name in _HTTP_LOGGERS:
            logger = logging.getLogger(name)
            if _LOG_FILTER not in logger.filters:
                logger.addFilter(_LOG_FILTER)


def checked(check: Callable[[], Verification]) -> Verification:
    """A credentials check whose failure is an answer (ok=False, with the reason)."""
    try:
        return check()
    except PlatformError as exc:
        return Verification(False, None, None, exc.message)


def body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return response.text


def retry_after(response: httpx.Response, body: Any = None) -> float | None:
    """Seconds to wait, from whatever the platform says (None when it says nothing)."""
    headers = response.headers
    now = _server_now(response)
    value = headers.get("retry-after")
    if value:
        seconds = _seconds_or_date(value, now)
        if seconds is not None:
            return seconds
    value = headers.get("x-ratelimit-reset-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    for name in ("x-ratelimit-reset", "x-rate-limit-reset", "ratelimit-reset"):
        value = headers.get(name)
        if value:
            seconds = _reset(value, now)
            if seconds is not None:
                return seconds
    if isinstance(body, dict):
        nested = body.get("parameters")
        for source in (body, nested if isinstance(nested, dict) else {}):
            if isinstance(source.get("retry_after"), int | float):
                return max(0.0, float(source["retry_after"]))
    return None


def _server_now(response: httpx.Response) -> float:
    date = response.headers.get("date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            pass
    return time.time()


def _seconds_or_date(value: str, now: float) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _reset(value: str, now: float) -> float | None:
    """A reset header: epoch seconds, ISO-8601 (Mastodon), or seconds from now."""
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, moment.timestamp() - now)
    return max(0.0, number - now) if number > 1_000_000_000 else max(0.0, number)


def dumps(value: Any) -> bytes:
    """Compact JSON, as sent (for bodies that are signed)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


LOOKUP_MARGIN = 120.0  # seconds: clocks differ; a part is never sent before it is due


def lookup_since(part: Any) -> datetime | None:
    """The earliest a platform could have created this part: its due time (less a margin
    for clock differences). An older post with the same text is not this part (a
    recurring post repeats its text)."""
    due = getattr(part, "published_at", None)
    if due is None:
        return None
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    if due.timestamp() > time.time():
        return None  # a run told to act at a later time (--now): the clocks cannot be compared
    return datetime.fromtimestamp(due.timestamp() - LOOKUP_MARGIN, UTC)


def parse_time(value: Any) -> datetime | None:
    """A platform's timestamp (ISO-8601, `Z` or `+0000` offsets) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def expires_option(channel: Any) -> datetime | None:
    """The channel's `expires:` (YYYY-MM-DD or an ISO time), when the token runs out."""
    value = channel.options.get("expires")
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        from socialops.adapters import ChannelSetupError

        raise ChannelSetupError(f"channel '{channel.name}': `expires: {value}` is not a date; "
                                "write it as YYYY-MM-DD") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
