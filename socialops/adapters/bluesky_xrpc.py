"""The XRPC connection to one Bluesky account on its PDS: calls, errors, sessions.

Logging in is limited (30 per 5 minutes, 300 a day per account), so a session is made
only on the first call that needs one and then kept for as long as the run's HTTP client
lives, shared by every adapter of that account; an expired access token is refreshed.
Error answers become PlatformError (BlueskyError, with the XRPC error name); the app
password and the tokens never appear in a message.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any

import httpx

from socialops.adapters.base import PlatformError
from socialops.adapters.calls import retry_after


class BlueskyError(PlatformError):
    """An error answer from the server, with its XRPC error name (e.g. RecordNotFound)."""

    def __init__(self, message: str, code: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.code = code


class Session:
    """A logged-in session: the account's DID and its tokens (secrets)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.did = field(data, "did")
        self.handle = str(data.get("handle") or "")
        self.access = field(data, "accessJwt")
        self.refresh = field(data, "refreshJwt")


# Sessions live as long as the HTTP client of the run: (pds, handle) -> session.
_SESSIONS: weakref.WeakKeyDictionary[httpx.Client, dict[tuple[str, str], Session]] = (
    weakref.WeakKeyDictionary())
_SESSIONS_LOCK = threading.RLock()


class Xrpc:
    """Calls to one PDS as one account."""

    def __init__(self, client: httpx.Client, pds: str, *, channel_name: str, handle: str,
                 password: str, password_env: str) -> None:
        self.client = client
        self.pds = pds
        self.channel_name = channel_name
        self.handle = handle
        self.password_env = password_env
        self._password = password

    def session(self) -> Session:
        key = (self.pds, self.handle)
        with _SESSIONS_LOCK:
            sessions = _SESSIONS.setdefault(self.client, {})
            if key not in sessions:
                sessions[key] = self.login()
            return sessions[key]

    def login(self) -> Session:
        if not self.handle:
            raise PlatformError(f"channel '{self.channel_name}' needs `handle:` (the account's "
                                "handle, e.g. acme.bsky.social) in socialops.yaml")
        if not self._password:
            raise PlatformError(f"channel '{self.channel_name}': no app password; set the "
                                f"environment variable {self.password_env}")
        try:
            data = self.call("POST", "com.atproto.server.createSession",
                             f"log in as @{self.handle}",
                              json={"identifier": self.handle, "password": self._password})
        except BlueskyError as exc:
            if exc.status != 401:
                raise
            hint = ("the account has email two-factor sign-in on; use an app password"
                    if exc.code == "AuthFactorTokenRequired" else
                    f"check the handle and the app password in {self.password_env}")
            raise BlueskyError(f"{exc.message} ({hint})", exc.code, status=exc.status) from None
        return Session(data)

    def _refresh(self, stale: Session) -> Session:
        key = (self.pds, self.handle)
        with _SESSIONS_LOCK:
            sessions = _SESSIONS.setdefault(self.client, {})
            current = sessions.get(key)
            if current is not None and current is not stale:
                return current  # another thread refreshed it already
            try:
                fresh = Session(self.call("POST", "com.atproto.server.refreshSession",
                                          "refresh the session", token=stale.refresh))
            except BlueskyError:
                fresh = self.login()
            sessions[key] = fresh
            return fresh

    def authed(self, method: str, nsid: str, what: str, **kwargs: Any) -> dict[str, Any]:
        session = self.session()
        try:
            return self.call(method, nsid, what, token=session.access, **kwargs)
        except BlueskyError as exc:
            if exc.code != "ExpiredToken":
                raise
        return self.call(method, nsid, what, token=self._refresh(session).access, **kwargs)

    def call(self, method: str, nsid: str, what: str, *, token: str | None = None,
             params: Mapping[str, str | list[str]] | None = None, json: Any = None,
             content: bytes | None = None, content_type: str | None = None,
             sends: bool = False) -> dict[str, Any]:
        """One XRPC call. `sends` marks a call that changes something if it arrives."""
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = self.client.request(method, f"{self.pds}/xrpc/{nsid}", params=params,
                                           json=json, content=content, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise PlatformError(f"Bluesky: could not {what}: cannot reach {self.pds} "
                                f"({type(exc).__name__})", retryable=True) from None
        except httpx.TransportError as exc:
            raise PlatformError(f"Bluesky: could not {what}: the connection to {self.pds} failed "
                                f"after the request was sent ({type(exc).__name__})",
                                maybe_sent=sends, retryable=not sends) from None
        if response.is_success:
            try:
                data = response.json()
            except ValueError:
                data = None
            if not isinstance(data, dict):
                raise PlatformError(f"Bluesky: could not {what}: {self.pds} answered "
                                    f"{response.status_code} without a JSON object",
                                    maybe_sent=sends, status=response.status_code)
            return data
        raise self._error(response, what, sends)

    def _error(self, response: httpx.Response, what: str, sends: bool) -> BlueskyError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        code = str(body.get("error") or response.reason_phrase or "Error")
        detail = self._scrub(str(body.get("message") or "").strip())
        status = response.status_code
        message = f"Bluesky: could not {what}: {status} {code}" + (f": {detail}" if detail else "")
        if status == 429:
            wait = retry_after(response)
            after = f"; try again in {wait:.0f} s" if wait is not None else ""
            return BlueskyError(message + after, code, retryable=True, retry_after=wait,
                                status=status)
        if status >= 500:
            return BlueskyError(message, code, retryable=not sends, maybe_sent=sends,
                                status=status)
        if "alt" in detail and "embed" in detail:
            message += " (every image needs alt text: give it `alt:` in the post's media list)"
        return BlueskyError(message, code, status=status)

    def _scrub(self, text: str) -> str:
        secrets = [self._password] + [
            token for session in list(_SESSIONS.get(self.client, {}).values())
            for token in (session.access, session.refresh)]
        for secret in secrets:
            if secret:
                text = text.replace(secret, "[secret]")
        return text


def field(data: Mapping[str, Any], name: str) -> str:
    """A string field the answer must have."""
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise PlatformError(f"Bluesky: the server's answer has no `{name}`")
    return value
