"""Discord through a channel webhook.

Channel: `webhook_env` (the webhook URL, https://discord.com/api/webhooks/ID/TOKEN: it is
the secret and is never shown), optional `username`, `avatar_url`, `thread_id` (post
into a thread of the channel). Post options (`discord:`): `username`, `suppress_embeds`,
`thread_name` (forum channels: the first part starts a thread, later parts go into it).
Mentions are not pinged (`allowed_mentions: {parse: []}`).

- publish: `POST {webhook}?wait=true` (JSON, or multipart with `payload_json` and
  `files[n]` with each alt text as the attachment's `description`); the message comes
  back with its id. Parts of a thread are posted in order as separate messages.
- lookup: impossible (a webhook cannot search messages); raises `maybe_sent`.
- delete: `DELETE {webhook}/messages/{id}` (204); a message already gone counts as deleted.
- verify: `GET {webhook}` (the webhook's name and channel).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx

from socialops.adapters.base import (
    OutgoingPart,
    PlatformError,
    PublishedRef,
    Verification,
    check_url,
)
from socialops.adapters.calls import Http, checked

SUPPRESS_EMBEDS = 1 << 2


def describe(body: Any, response: httpx.Response) -> str:
    """Discord's `{code, message, errors}`: the message and the first field error."""
    if not isinstance(body, dict):
        return str(body).strip()[:300] or response.reason_phrase
    text = str(body.get("message") or response.reason_phrase)
    problem = _first_error(body.get("errors"), "")
    return f"{text} ({problem})" if problem else text


def _first_error(errors: Any, path: str) -> str:
    if not isinstance(errors, dict):
        return ""
    if isinstance(errors.get("_errors"), list) and errors["_errors"]:
        return f"{path or 'body'}: {errors['_errors'][0].get('message')}"
    for key, value in errors.items():
        found = _first_error(value, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return ""


class DiscordAdapter:
    platform: ClassVar[str] = "discord"
    secret_options: ClassVar[tuple[str, ...]] = ("webhook_env",)

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        from socialops.adapters import ChannelSetupError

        self.channel = channel
        self.webhook = secrets.get("webhook", "").rstrip("/")
        check_url(self.webhook, f"channel '{channel.name}': the Discord webhook URL", ChannelSetupError)
        self.http = Http(client, "Discord", secrets.values(), describe)
        self._info: dict[str, Any] | None = None

    # ---- publish --------------------------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        payload, params = self._payload(part)
        if part.media:
            payload["attachments"] = [{"id": n, "filename": m.path.name, "description": m.alt or ""}
                                      for n, m in enumerate(part.media)]
            files = [(f"files[{n}]", (m.path.name, m.path.read_bytes(), m.mime))
                     for n, m in enumerate(part.media)]
            response = self.http.call("POST", self.webhook, "send the message", sends=True, params=params,
                                      data={"payload_json": json.dumps(payload)}, files=files)
        else:
            response = self.http.call("POST", self.webhook, "send the message", sends=True,
                                      params=params, json=payload)
        message = self.http.json(response, "send the message", sends=True)
        channel_id = str(message.get("channel_id") or "")
        extra = {"thread_id": channel_id} if params.get("thread_id") or "thread_name" in payload else {}
        return PublishedRef(str(message["id"]), self._url(channel_id, str(message["id"])), extra)

    def _payload(self, part: OutgoingPart) -> tuple[dict[str, Any], dict[str, str]]:
        options = part.options
        payload: dict[str, Any] = {"content": part.text, "allowed_mentions": {"parse": []}}
        username = options.get("username") or self.channel.options.get("username")
        if username:
            payload["username"] = str(username)
        if self.channel.options.get("avatar_url"):
            payload["avatar_url"] = str(self.channel.options["avatar_url"])
        if options.get("suppress_embeds"):
            payload["flags"] = SUPPRESS_EMBEDS
        params = {"wait": "true"}
        thread = (part.root.extra.get("thread_id") if part.root else None) or self.channel.options.get("thread_id")
        if thread:
            params["thread_id"] = str(thread)
        elif options.get("thread_name") and part.index == 0:
            payload["thread_name"] = str(options["thread_name"])
        return payload, params

    def _url(self, channel_id: str, message_id: str) -> str | None:
        try:
            guild = self._webhook_info().get("guild_id")
        except PlatformError:
            return None
        return f"https://discord.com/channels/{guild}/{channel_id}/{message_id}" if guild else None

    # ---- delete, verify, lookup -----------------------------------------------------------
    def delete(self, ref: PublishedRef) -> None:
        thread = ref.extra.get("thread_id")
        try:
            self.http.call("DELETE", f"{self.webhook}/messages/{ref.id}", f"delete message {ref.id}",
                           params={"thread_id": str(thread)} if thread else None)
        except PlatformError as exc:
            if exc.status != 404:
                raise

    def _webhook_info(self) -> dict[str, Any]:
        if self._info is None:
            response = self.http.call("GET", self.webhook, "read the webhook")
            info = self.http.json(response, "read the webhook")
            self._info = {k: info.get(k) for k in ("id", "name", "channel_id", "guild_id")}
        return self._info

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        info = self._webhook_info()
        return Verification(True, f"webhook '{info.get('name')}' in channel {info.get('channel_id')}",
                            None, "Discord webhooks do not expire (until deleted)")

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        raise self.http.error("cannot check whether a message arrived: a Discord webhook cannot "
                              "search messages; look at the channel and run `socialops resolve`",
                              maybe_sent=True)


ADAPTER = DiscordAdapter
