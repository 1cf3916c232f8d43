"""Telegram through a bot.

Channel: `token_env` (the bot token from @BotFather: it is part of every request URL, so
no URL is ever shown), `chat_id` (`@channelname` or a numeric id; the bot must be allowed
to post there), `api` (default https://api.telegram.org).
Post options (`telegram:`): `disable_link_preview`, `silent`. The text is sent as
rendered, with `parse_mode: HTML`.

- publish: `sendMessage`; with one file `sendPhoto`/`sendVideo`/`sendAnimation`/
  `sendDocument` with the text as caption; with several, `sendMediaGroup`. A text too
  long for a caption (1024 after entity parsing, counted as lint counts it) goes first as
  a message, the media reply to it. Thread
  parts reply to the part before (`reply_parameters`).
- lookup: impossible (a bot cannot read a channel's history); raises `maybe_sent`.
- delete: `deleteMessage` for each message of the part (Telegram allows it for 48 h);
  a message already gone counts as deleted.
- verify: `getMe`, and `getChat` to check the bot can see the chat.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import httpx

from socialops.adapters.base import (
    MetricsAnswer,
    OutgoingMedia,
    OutgoingPart,
    PlatformError,
    PublishedRef,
    Verification,
    base_url,
)
from socialops.adapters.calls import Http, checked

CAPTION_LIMIT = 1024


def describe(body: Any, response: httpx.Response) -> str:
    if isinstance(body, dict) and body.get("description"):
        return str(body["description"])
    return response.reason_phrase or "error"


def _kind(item: OutgoingMedia) -> str:
    if item.mime == "image/gif":
        return "animation"
    if item.mime.startswith("image/"):
        return "photo"
    return "video" if item.mime.startswith("video/") else "document"


class TelegramAdapter:
    platform: ClassVar[str] = "telegram"
    secret_options: ClassVar[tuple[str, ...]] = ("token_env",)

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        from socialops.adapters import ChannelSetupError

        self.channel = channel
        self.base = base_url(channel, "api", "https://api.telegram.org")
        self.chat_id = str(channel.options.get("chat_id") or "")
        if not self.chat_id:
            raise ChannelSetupError(f"channel '{channel.name}' needs `chat_id:` (@channelname or "
                                    "the chat's numeric id)")
        self._token = secrets.get("token", "")
        self.http = Http(client, "Telegram", secrets.values(), describe)
        self._chat: dict[str, Any] | None = None

    def _call(self, method: str, what: str, *, sends: bool = False, **kwargs: Any) -> Any:
        response = self.http.call("POST", f"{self.base}/bot{self._token}/{method}", what, sends=sends, **kwargs)
        data = self.http.json(response, what, sends=sends)
        return data.get("result")

    # ---- publish --------------------------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        common = self._common(part)
        if not part.media:
            messages = [self._call("sendMessage", "send the message", sends=True,
                                   json={**common, "text": part.text, **self._previews(part)})]
        elif _caption_length(part.text) <= CAPTION_LIMIT:
            messages = self._send_media(part.media, common, part.text)
        else:
            first = self._call("sendMessage", "send the message", sends=True,
                               json={**common, "text": part.text, **self._previews(part)})
            reply = {"reply_parameters": {"message_id": first["message_id"]}}
            messages = [first, *self._send_media(part.media, {**common, **reply}, "")]
        ids = [int(m["message_id"]) for m in messages]
        chat = messages[0].get("chat") or {}
        return PublishedRef(str(ids[0]), _link(chat, ids[0]),
                            {"chat_id": chat.get("id", self.chat_id), "message_ids": ids})

    def _common(self, part: OutgoingPart) -> dict[str, Any]:
        common: dict[str, Any] = {"chat_id": self.chat_id, "parse_mode": "HTML"}
        if part.reply_to:
            common["reply_parameters"] = {"message_id": int(part.reply_to.id)}
        if part.options.get("silent"):
            common["disable_notification"] = True
        return common

    def _previews(self, part: OutgoingPart) -> dict[str, Any]:
        return {"link_preview_options": {"is_disabled": bool(part.options.get("disable_link_preview"))}}

    def _send_media(self, media: tuple[OutgoingMedia, ...], common: dict[str, Any], caption: str) -> list[Any]:
        fields = {k: json.dumps(v) if isinstance(v, dict) else str(v) for k, v in common.items()}
        if len(media) == 1:
            kind = _kind(media[0])
            if caption:
                fields["caption"] = caption
            files = {kind: (media[0].path.name, media[0].path.read_bytes(), media[0].mime)}
            method = "send" + kind.capitalize()
            return [self._call(method, f"send {media[0].path.name}", sends=True, data=fields, files=files)]
        group = []
        for n, item in enumerate(media):
            entry: dict[str, Any] = {"type": "photo" if _kind(item) == "animation" else _kind(item),
                                     "media": f"attach://file{n}"}
            if n == 0 and caption:
                entry.update(caption=caption, parse_mode="HTML")
            group.append(entry)
        fields.pop("parse_mode", None)
        fields["media"] = json.dumps(group)
        files = {f"file{n}": (m.path.name, m.path.read_bytes(), m.mime) for n, m in enumerate(media)}
        return list(self._call("sendMediaGroup", "send the media group", sends=True, data=fields, files=files))

    # ---- delete, verify, lookup -----------------------------------------------------------
    def delete(self, ref: PublishedRef) -> None:
        chat = ref.extra.get("chat_id", self.chat_id)
        for message_id in ref.extra.get("message_ids") or [int(ref.id)]:
            try:
                self._call("deleteMessage", f"delete message {message_id}",
                           json={"chat_id": chat, "message_id": int(message_id)})
            except PlatformError as exc:
                if "not found" not in exc.message:
                    raise

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        bot = self._call("getMe", "check the bot token")
        chat = self._call("getChat", f"find the chat {self.chat_id}", json={"chat_id": self.chat_id})
        where = f"@{chat['username']}" if chat.get("username") else str(chat.get("title") or self.chat_id)
        return Verification(True, f"@{bot.get('username')} in {where}", None,
                            "Telegram bot tokens do not expire (until revoked)")

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        raise self.http.error("cannot check whether a message arrived: a bot cannot read the "
                              "chat's history; look at the chat and run `socialops resolve`",
                              maybe_sent=True)


    # ---- metrics --------------------------------------------------------------------------
    metric_names: ClassVar[tuple[str, ...]] = ()
    metrics_batch: ClassVar[int] = 100

    def metrics(self, refs: Sequence[PublishedRef], *, followers: bool) -> MetricsAnswer:
        """A bot sees no counts of a channel's messages: views exist only for user sessions
        (MTProto's messages.getMessagesViews, not the Bot API), and reactions arrive only as
        updates that a bot must be listening for when they happen. Nor can a bot tell
        whether a message was deleted. So Telegram records the chat's members only:
        `getChatMemberCount`."""
        answer = MetricsAnswer()
        if followers:
            members = self._call("getChatMemberCount", "count the chat's members",
                                 json={"chat_id": self.chat_id})
            answer.followers = int(members) if isinstance(members, int) else None
        return answer


def _caption_length(text: str) -> int:
    """The caption's length as Telegram counts it: after entity parsing (`&amp;` is one
    character), as lint counts it (socialops.platforms.telegram)."""
    from socialops.platforms.telegram import count

    return count(text, {}).length


def _link(chat: Mapping[str, Any], message_id: int) -> str | None:
    if chat.get("username"):
        return f"https://t.me/{chat['username']}/{message_id}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):
        return f"https://t.me/c/{chat_id[4:]}/{message_id}"
    return None


ADAPTER = TelegramAdapter
