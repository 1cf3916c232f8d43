"""A fake Telegram Bot API (`/bot<TOKEN>/<method>`): getMe, getChat, sendMessage (HTML
parse_mode checked, reply_parameters, link_preview_options), sendPhoto/sendVideo/
sendDocument with a caption, sendMediaGroup with `attach://` files, deleteMessage, and
Telegram's `{"ok": false, "error_code", "description", "parameters"}` errors."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from typing import Any, ClassVar

from tests.fakes.core import FakeError, FakeServer, FormPart, Recorded, Reply, StoredPost

CHAT = {"id": -1001234567890, "title": "Acme news", "username": "acme_news", "type": "channel"}
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
         "blockquote", "tg-spoiler", "span", "tg-emoji"}


def error(code: int, description: str, **parameters: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


class _Entities(HTMLParser):
    """Checks the HTML Telegram accepts and returns the text without tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise FakeError(400, error(400, f"Bad Request: can't parse entities: Unsupported start tag \"{tag}\""))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise FakeError(400, error(400, f"Bad Request: can't parse entities: Unexpected end tag \"{tag}\""))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def plain(text: str, parse_mode: str | None) -> str:
    if (parse_mode or "").upper() != "HTML":
        return text
    parser = _Entities()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise FakeError(400, error(400, f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{parser.stack[-1]}\""))
    return "".join(parser.text)


class FakeTelegram(FakeServer):
    name = "telegram"
    CREATE = r"^POST /bot[^/]+/send(Message|Photo|Video|Animation|Document|MediaGroup)$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("POST", r"/bot([^/]+)/(\w+)", "call"),
        ("GET", r"/bot([^/]+)/(\w+)", "call"),
    ]

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def error_body(self, status: int, message: str) -> Any:
        return error(status, message)

    def rate_limit_reply(self, retry_after: float) -> Reply:
        seconds = max(1, int(retry_after))
        return Reply(429, error(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds))

    # ---- dispatch -------------------------------------------------------------------------
    def call(self, request: Recorded, token: str, method: str) -> Reply:
        if token != self.token:
            raise FakeError(401, error(401, "Unauthorized"))
        handler = getattr(self, f"m_{method}", None)
        if handler is None:
            raise FakeError(404, error(404, "Not Found"))
        fields = request.fields() if request.body else {k: v[0] for k, v in request.query.items()}
        files = [p for p in request.multipart() if p.filename] if "multipart" in request.headers.get("content-type", "") else []
        return Reply(200, {"ok": True, "result": handler(fields, files)})

    def _chat(self, fields: dict[str, Any]) -> None:
        if str(fields.get("chat_id")) not in (f"@{CHAT['username']}", str(CHAT["id"])):
            raise FakeError(400, error(400, "Bad Request: chat not found"))

    def _reply_to(self, fields: dict[str, Any]) -> str | None:
        params = fields.get("reply_parameters")
        params = json.loads(params) if isinstance(params, str) else params
        if not params:
            return None
        reply_to = str(params.get("message_id"))
        if reply_to not in self.posts:
            raise FakeError(400, error(400, "Bad Request: message to be replied not found"))
        return reply_to

    def _message(self, text: str, reply_to: str | None, fields: dict[str, Any], media: list[dict[str, Any]],
                 caption: bool = False) -> dict[str, Any]:
        message_id = self.new_id()
        self.posts[message_id] = StoredPost(message_id, text, reply_to, media, fields)
        message: dict[str, Any] = {"message_id": int(message_id), "date": int(time.time()),
                                   "chat": CHAT, "sender_chat": CHAT}
        if text:
            message["caption" if caption else "text"] = plain(text, fields.get("parse_mode"))
        if reply_to:
            message["reply_to_message"] = {"message_id": int(reply_to), "chat": CHAT}
        if media:
            message["photo"] = [{"file_id": f"AgAC{message_id}", "file_unique_id": f"u{message_id}",
                                 "width": 800, "height": 600, "file_size": media[0]["size"]}]
        return message

    # ---- methods --------------------------------------------------------------------------
    def m_getMe(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        return {"id": 7000000001, "is_bot": True, "first_name": "Acme bot", "username": "acme_bot",
                "can_join_groups": True, "can_read_all_group_messages": False}

    def m_getChat(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        self._chat(fields)
        return CHAT

    def m_sendMessage(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        self._chat(fields)
        text = str(fields.get("text") or "")
        if not text.strip():
            raise FakeError(400, error(400, "Bad Request: message text is empty"))
        if len(plain(text, fields.get("parse_mode")).encode("utf-16-le")) // 2 > 4096:
            raise FakeError(400, error(400, "Bad Request: message is too long"))
        return self._message(text, self._reply_to(fields), fields, [])

    def _send_file(self, kind: str, fields: dict[str, Any], files: list[FormPart]) -> Any:
        self._chat(fields)
        caption = str(fields.get("caption") or "")
        if len(plain(caption, fields.get("parse_mode"))) > 1024:
            raise FakeError(400, error(400, "Bad Request: message caption is too long"))
        upload = next((f for f in files if f.name == kind), None)
        if upload is None:
            raise FakeError(400, error(400, f"Bad Request: there is no {kind} in the request"))
        media = [{"alt": None, "filename": upload.filename, "size": len(upload.data), "type": kind}]
        return self._message(caption, self._reply_to(fields), fields, media, caption=True)

    def m_sendPhoto(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        return self._send_file("photo", fields, files)

    def m_sendVideo(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        return self._send_file("video", fields, files)

    def m_sendAnimation(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        return self._send_file("animation", fields, files)

    def m_sendDocument(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        return self._send_file("document", fields, files)

    def m_sendMediaGroup(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        self._chat(fields)
        items = json.loads(str(fields.get("media") or "[]"))
        if not 2 <= len(items) <= 10:
            raise FakeError(400, error(400, "Bad Request: wrong number of media in the group"))
        by_name = {f.name: f for f in files}
        reply_to = self._reply_to(fields)
        messages = []
        for item in items:
            name = str(item.get("media", "")).removeprefix("attach://")
            if name not in by_name:
                raise FakeError(400, error(400, f"Bad Request: file {name} not found in the request"))
            media = [{"alt": None, "filename": by_name[name].filename, "size": len(by_name[name].data),
                      "type": item.get("type")}]
            caption = str(item.get("caption") or "")
            messages.append(self._message(caption, reply_to, {**fields, **item}, media, caption=True))
        return messages

    def m_deleteMessage(self, fields: dict[str, Any], files: list[FormPart]) -> Any:
        self._chat(fields)
        message_id = str(fields.get("message_id"))
        if message_id not in self.posts:
            raise FakeError(400, error(400, "Bad Request: message to delete not found"))
        del self.posts[message_id]
        self.deleted.append(message_id)
        return True
