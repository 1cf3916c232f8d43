"""A generic webhook: each part is a signed JSON POST the receiver can trust.

Channel: `url` (where to POST; https://, or http:// to this machine), or `url_env` (the
variable holding that URL, for a URL that carries its own token), `secret_env` (the
shared secret), optional `verify: head|get` (doctor probes the URL with that method).
Post options (`webhook:`): extra fields added to the JSON as they are.

The request (one per thread part):

    POST <url>
    Content-Type: application/json
    Idempotency-Key: <the part's key: the same on every re-send of this part>
    X-Socialops-Timestamp: <unix seconds>
    X-Socialops-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>

    {"event": "post.published", "post_id", "channel", "part" (0-based), "text", "lang",
     "title", "published_at", "idempotency_key", "reply_to" (id of the part before, or
     null), "root", "media": [{"path", "alt", "mime", "size"}], ...extra fields}

To check it, a receiver recomputes the HMAC over the timestamp header, a dot and the raw
body exactly as received, compares in constant time, refuses a timestamp more than 5
minutes away from its clock (so a captured request cannot be replayed later), and treats
a repeated Idempotency-Key as the same delivery. It may answer `{"id": ..., "url": ...}`;
otherwise the part is known by its idempotency key. Retract sends
`{"event": "post.deleted", "id", "channel", "post_id"}`, signed the same way.
Lookup is impossible (raises `maybe_sent`); a receiver that honours the Idempotency-Key
makes any re-send harmless.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx

from socialops.adapters.base import (
    OutgoingPart,
    PlatformError,
    PublishedRef,
    Verification,
    base_url,
    check_url,
)
from socialops.adapters.calls import Http, checked, dumps

CORE_FIELDS = {"event", "post_id", "channel", "part", "text", "lang", "title", "published_at",
               "idempotency_key", "reply_to", "root", "media"}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Socialops-Signature value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class WebhookAdapter:
    platform: ClassVar[str] = "webhook"
    secret_options: ClassVar[tuple[str, ...]] = ("secret_env",)

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        self.channel = channel
        self.root = root
        self.url = _url(channel, secrets)
        self._secret = secrets.get("secret", "")
        self.http = Http(client, "Webhook", secrets.values())

    def _send(self, payload: Mapping[str, Any], key: str, what: str, *, sends: bool) -> httpx.Response:
        body = dumps(payload)
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "Idempotency-Key": key,
                   "X-Socialops-Timestamp": stamp,
                   "X-Socialops-Signature": signature(self._secret, stamp, body)}
        return self.http.call("POST", self.url, what, sends=sends, content=body, headers=headers)

    def publish(self, part: OutgoingPart) -> PublishedRef:
        key = _key(part)
        payload: dict[str, Any] = {k: v for k, v in part.options.items() if k not in CORE_FIELDS}
        payload.update({
            "event": "post.published", "post_id": part.post_id, "channel": part.channel,
            "part": part.index, "text": part.text, "lang": part.lang, "title": part.title,
            "published_at": part.published_at.isoformat() if part.published_at else None,
            "idempotency_key": key,
            "reply_to": part.reply_to.id if part.reply_to else None,
            "root": part.root.id if part.root else None,
            "media": [{"path": self._rel(m.path), "alt": m.alt, "mime": m.mime,
                       "size": m.path.stat().st_size} for m in part.media]})
        response = self._send(payload, key, "deliver the post", sends=True)
        answer = _json_object(response)
        url = answer.get("url")
        return PublishedRef(str(answer.get("id") or key), str(url) if url else None)

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def delete(self, ref: PublishedRef) -> None:
        payload = {"event": "post.deleted", "id": ref.id, "channel": self.channel.name}
        try:
            self._send(payload, f"delete-{ref.id}", f"retract {ref.id}", sends=False)
        except PlatformError as exc:
            if exc.status not in (404, 410):
                raise

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        method = str(self.channel.options.get("verify") or "").upper()
        if method not in ("HEAD", "GET"):
            return Verification(True, None, None,
                                "not verifiable: a generic webhook cannot be checked without "
                                "sending to it (set `verify: head` to probe the URL)")
        try:
            response = self.http.call(method, self.url, "reach the webhook")
        except PlatformError as exc:
            if exc.status != 405:
                raise
            return Verification(True, None, None, f"the URL answers (405 to {method})")
        return Verification(True, None, None, f"the URL answers {response.status_code} to {method}")

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        raise self.http.error("cannot check whether the receiver got the post: a webhook has no "
                              "way to ask; check with the receiver and run `socialops resolve` "
                              "(a re-send carries the same Idempotency-Key)", maybe_sent=True)


def _key(part: OutgoingPart) -> str:
    if part.idempotency_key:
        return part.idempotency_key
    seed = "\x1f".join([part.post_id, part.channel, str(part.index), part.text])
    return hashlib.sha256(seed.encode()).hexdigest()


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


ADAPTER = WebhookAdapter


def _url(channel: Any, secrets: Mapping[str, str]) -> str:
    """Where to POST: `url_env`'s variable when the channel names one, else `url:`."""
    from socialops.adapters import ChannelSetupError

    if "url" not in secrets:
        return base_url(channel, "url", None)
    url = secrets["url"].strip().rstrip("/")
    check_url(url, f"channel '{channel.name}': the URL in ${channel.options['url_env']}", ChannelSetupError)
    return url
