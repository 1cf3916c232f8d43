"""A fake Slack: an incoming webhook (`POST /services/T/B/X` -> 200 `ok`, plain-text
errors such as 400 `invalid_payload`, 404 `no_service`) and the Web API calls a bot token
uses (`/api/auth.test`, `chat.postMessage` with `thread_ts`, `chat.delete`,
`chat.getPermalink`; HTTP 200 with `{"ok": false, "error": ...}` on failure)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost

CHANNEL = "C0123456789"


class FakeSlack(FakeServer):
    name = "slack"
    CREATE = r"^POST /(services/\w+/\w+/\w+|api/chat\.postMessage)$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("POST", r"/services/(\w+/\w+/\w+)", "incoming_webhook"),
        ("POST", r"/api/auth\.test", "auth_test"),
        ("POST", r"/api/chat\.postMessage", "post_message"),
        ("POST", r"/api/chat\.delete", "delete_message"),
        ("GET", r"/api/chat\.getPermalink", "permalink"),
    ]
    HOOK = "T0001/B0001"

    def __init__(self, hook_secret: str, bot_token: str) -> None:
        super().__init__()
        self.hook_secret = hook_secret
        self.bot_token = bot_token
        self._ts = 1_767_000_000

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/services/{self.HOOK}/{self.hook_secret}"

    def error_body(self, status: int, message: str) -> Any:
        return message

    def rate_limit_reply(self, retry_after: float) -> Reply:
        return Reply(429, "rate_limited", {"Retry-After": str(int(retry_after))})

    def authorize(self, request: Recorded) -> None:
        if request.path.startswith("/api/") and request.headers.get("authorization") != f"Bearer {self.bot_token}":
            raise FakeError(200, {"ok": False, "error": "invalid_auth"})

    def _fields(self, request: Recorded) -> dict[str, Any]:
        try:
            return request.fields() if request.body else {k: v[0] for k, v in request.query.items()}
        except ValueError:
            return {}

    # ---- incoming webhook -----------------------------------------------------------------
    def incoming_webhook(self, request: Recorded, path: str) -> Reply:
        if path != f"{self.HOOK}/{self.hook_secret}":
            raise FakeError(404, "no_service")
        try:
            payload = json.loads(request.body)
        except ValueError:
            raise FakeError(400, "invalid_payload") from None
        if not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks")):
            raise FakeError(400, "no_text")
        ts = self._next_ts()
        self.posts[ts] = StoredPost(ts, str(payload.get("text") or ""), None, [], payload)
        return Reply(200, "ok")

    def _next_ts(self) -> str:
        self._ts += 1
        return f"{self._ts}.{int(self.new_id()):06d}"

    # ---- Web API --------------------------------------------------------------------------
    def auth_test(self, request: Recorded) -> Reply:
        return Reply(200, {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "socialops",
                           "team_id": "T0001", "user_id": "U0001", "bot_id": "B0002"})

    def post_message(self, request: Recorded) -> Reply:
        fields = self._fields(request)
        if fields.get("channel") != CHANNEL:
            return Reply(200, {"ok": False, "error": "channel_not_found"})
        text = str(fields.get("text") or "")
        if not text:
            return Reply(200, {"ok": False, "error": "no_text"})
        if len(text) > 40000:
            return Reply(200, {"ok": False, "error": "msg_too_long"})
        thread_ts = fields.get("thread_ts")
        if thread_ts and thread_ts not in self.posts:
            return Reply(200, {"ok": False, "error": "thread_not_found"})
        ts = self._next_ts()
        self.posts[ts] = StoredPost(ts, text, thread_ts, [], fields)
        message = {"type": "message", "text": text, "user": "U0001", "bot_id": "B0002", "ts": ts}
        if thread_ts:
            message["thread_ts"] = thread_ts
        return Reply(200, {"ok": True, "channel": CHANNEL, "ts": ts, "message": message})

    def delete_message(self, request: Recorded) -> Reply:
        fields = self._fields(request)
        ts = str(fields.get("ts"))
        if fields.get("channel") != CHANNEL or ts not in self.posts:
            return Reply(200, {"ok": False, "error": "message_not_found"})
        del self.posts[ts]
        self.deleted.append(ts)
        return Reply(200, {"ok": True, "channel": CHANNEL, "ts": ts})

    def permalink(self, request: Recorded) -> Reply:
        ts = request.query.get("message_ts", [""])[0]
        if ts not in self.posts:
            return Reply(200, {"ok": False, "error": "message_not_found"})
        return Reply(200, {"ok": True, "channel": CHANNEL,
                           "permalink": f"https://acme.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}"})
