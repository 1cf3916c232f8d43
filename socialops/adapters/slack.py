"""Slack, through an incoming webhook or a bot token.

Channel, one of:
- `webhook_env`: an incoming webhook URL (https://hooks.slack.com/services/...: it is
  the secret and is never shown). It can only post: Slack sends back no message id, so
  there are no threads (parts go out in order as separate messages), no media, no
  delete, and nothing to verify without posting.
- `token_env` + `channel_id`: a bot token with `chat:write` (and `api`, default
  https://slack.com/api). Parts are threaded (`thread_ts` = the first part), messages
  can be deleted (retract), and `auth.test` verifies the token.
Post options (`slack:`): `unfurl_links`. The text is sent as rendered (`& < >` escaped).

- lookup: impossible (no search without extra scopes); raises `maybe_sent`.
"""

from __future__ import annotations

import hashlib
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
from socialops.adapters.calls import Http, checked

AUTH_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}


class SlackAdapter:
    platform: ClassVar[str] = "slack"
    secret_options: ClassVar[tuple[str, ...]] = ()  # webhook_env or token_env: checked here

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        from socialops.adapters import ChannelSetupError

        self.channel = channel
        self.http = Http(client, "Slack", secrets.values())
        self._token = secrets.get("token", "")
        self.webhook = secrets.get("webhook", "")
        if self._token:
            self.api = base_url(channel, "api", "https://slack.com/api")
            self.channel_id = str(channel.options.get("channel_id") or "")
            if not self.channel_id:
                raise ChannelSetupError(f"channel '{channel.name}' needs `channel_id:` (the Slack "
                                        "channel's id, e.g. C0123456789) to post with a bot token")
        elif self.webhook:
            check_url(self.webhook, f"channel '{channel.name}': the Slack webhook URL", ChannelSetupError)
        else:
            raise ChannelSetupError(f"channel '{channel.name}' needs `webhook_env:` (an incoming "
                                    "webhook URL) or `token_env:` with `channel_id:` (a bot token)")

    # ---- publish --------------------------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        if part.media:
            raise self.http.error(f"cannot send media to Slack (post '{part.post_id}'): socialops "
                                  "posts text only there; give channel "
                                  f"'{part.channel}' a post without media or a variant")
        body: dict[str, Any] = {"text": part.text}
        if "unfurl_links" in part.options:
            body["unfurl_links"] = bool(part.options["unfurl_links"])
        if not self._token:
            self.http.call("POST", self.webhook, "send the message", sends=True, json=body)
            return PublishedRef(_webhook_id(part))
        body["channel"] = self.channel_id
        if part.root:
            body["thread_ts"] = part.root.id
        data = self._api("chat.postMessage", "send the message", sends=True, json=body)
        ts = str(data["ts"])
        return PublishedRef(ts, self._permalink(ts), {"channel": str(data.get("channel") or self.channel_id)})

    def _api(self, method: str, what: str, *, sends: bool = False, **kwargs: Any) -> dict[str, Any]:
        response = self.http.call("GET" if "params" in kwargs else "POST", f"{self.api}/{method}", what,
                                  sends=sends, headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
        data = self.http.json(response, what, sends=sends)
        if not isinstance(data, dict) or not data.get("ok"):
            error = str(data.get("error") if isinstance(data, dict) else "no answer")
            hint = " (check the bot token)" if error in AUTH_ERRORS else ""
            if error == "ratelimited":
                raise self.http.error(f"could not {what}: {error}", retryable=True)
            raise self.http.error(f"could not {what}: {error}{hint}")
        return data

    def _permalink(self, ts: str) -> str | None:
        try:
            data = self._api("chat.getPermalink", "read the permalink",
                             params={"channel": self.channel_id, "message_ts": ts})
        except PlatformError:
            return None  # the message exists; only its URL is unknown
        return str(data["permalink"]) if data.get("permalink") else None

    # ---- delete, verify, lookup -----------------------------------------------------------
    def delete(self, ref: PublishedRef) -> None:
        if not self._token:
            raise self.http.error("cannot delete: an incoming webhook cannot delete messages; "
                                  f"give channel '{self.channel.name}' a bot token (`token_env:`, "
                                  "`channel_id:`) to retract, or delete it in Slack")
        try:
            self._api("chat.delete", f"delete message {ref.id}",
                      json={"channel": ref.extra.get("channel") or self.channel_id, "ts": ref.id})
        except PlatformError as exc:
            if "message_not_found" not in exc.message:
                raise

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        if not self._token:
            return Verification(True, None, None,
                                "the webhook URL is set, but Slack cannot check an incoming webhook "
                                "without posting to it; it was not checked")
        data = self._api("auth.test", "check the bot token")
        return Verification(True, f"{data.get('user')} in {data.get('team')}", None,
                            "Slack bot tokens do not expire unless token rotation is on")

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        raise self.http.error("cannot check whether a message arrived: socialops cannot search "
                              "Slack; look at the channel and run `socialops resolve`", maybe_sent=True)


def _webhook_id(part: OutgoingPart) -> str:
    """A webhook returns no id: name the message after the part's idempotency key."""
    seed = part.idempotency_key or f"{part.post_id}\x1f{part.channel}\x1f{part.index}\x1f{part.text}"
    return "webhook-" + hashlib.sha256(seed.encode()).hexdigest()[:16]


ADAPTER = SlackAdapter
