"""A fake Discord webhook: GET the webhook, execute it (JSON, or multipart with
`payload_json` and `files[n]`; `?wait=true` returns the message, otherwise 204), delete
its messages, 50035 "Invalid Form Body" validation errors, Discord's 429 body with
`retry_after` and its X-RateLimit-* headers."""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost

GUILD_ID = "613425648685547541"
CHANNEL_ID = "697138785317814292"


def form_error(field: str, code: str, message: str) -> dict[str, Any]:
    return {"code": 50035, "message": "Invalid Form Body",
            "errors": {field: {"_errors": [{"code": code, "message": message}]}}}


class FakeDiscord(FakeServer):
    name = "discord"
    CREATE = r"^POST /api/webhooks/\d+/[\w-]+$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"/api/webhooks/(\d+)/([\w-]+)", "get_webhook"),
        ("POST", r"/api/webhooks/(\d+)/([\w-]+)", "execute"),
        ("DELETE", r"/api/webhooks/(\d+)/([\w-]+)/messages/(\d+)", "delete_message"),
    ]
    WEBHOOK_ID = "1234567890123456789"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/webhooks/{self.WEBHOOK_ID}/{self.token}"

    def error_body(self, status: int, message: str) -> Any:
        return {"message": message, "code": 0}

    def rate_limit_reply(self, retry_after: float) -> Reply:
        return Reply(429, {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                     {"Retry-After": str(max(1, int(retry_after + 0.999))), "X-RateLimit-Limit": "5",
                      "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                      "X-RateLimit-Reset-After": f"{retry_after:.3f}", "X-RateLimit-Bucket": "abcd1234",
                      "X-RateLimit-Scope": "user"})

    def headers_for(self, request: Recorded) -> dict[str, str]:
        return {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
                "X-RateLimit-Reset": f"{time.time() + 2:.3f}", "X-RateLimit-Reset-After": "2.000",
                "X-RateLimit-Bucket": "abcd1234"}

    def _webhook(self, webhook_id: str, token: str) -> None:
        if webhook_id != self.WEBHOOK_ID:
            raise FakeError(404, {"message": "Unknown Webhook", "code": 10015})
        if token != self.token:
            raise FakeError(401, {"message": "Invalid Webhook Token", "code": 50027})

    # ---- routes ---------------------------------------------------------------------------
    def get_webhook(self, request: Recorded, webhook_id: str, token: str) -> Reply:
        self._webhook(webhook_id, token)
        return Reply(200, {"application_id": None, "avatar": None, "channel_id": CHANNEL_ID,
                           "guild_id": GUILD_ID, "id": webhook_id, "name": "Acme news", "type": 1,
                           "token": token})

    def _payload(self, request: Recorded) -> tuple[dict[str, Any], dict[int, Any]]:
        if "multipart/form-data" in request.headers.get("content-type", ""):
            parts = request.multipart()
            payload = next((json.loads(p.text) for p in parts if p.name == "payload_json"), {})
            files = {int(p.name[6:-1]): p for p in parts if p.name.startswith("files[")}
            return payload, files
        return request.json(), {}

    def execute(self, request: Recorded, webhook_id: str, token: str) -> Reply:
        self._webhook(webhook_id, token)
        payload, files = self._payload(request)
        content = str(payload.get("content") or "")
        if len(content) > 2000:
            raise FakeError(400, form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."))
        if not content and not files and not payload.get("embeds"):
            raise FakeError(400, {"message": "Cannot send an empty message", "code": 50006})
        described = {int(a["id"]): a for a in payload.get("attachments", [])}
        for number, info in described.items():
            if len(info.get("description") or "") > 1024:
                raise FakeError(400, form_error(f"attachments.{number}.description", "BASE_TYPE_MAX_LENGTH",
                                                "Must be 1024 or fewer in length."))
        message_id = self.new_id(1300000000000000000)
        attachments = [{"id": self.new_id(1310000000000000000), "filename": part.filename,
                        "description": described.get(n, {}).get("description"), "size": len(part.data),
                        "content_type": part.content_type,
                        "url": f"{self.url}/attachments/{CHANNEL_ID}/{message_id}/{part.filename}"}
                       for n, part in sorted(files.items())]
        message = {"id": message_id, "type": 0, "content": content, "channel_id": CHANNEL_ID,
                   "author": {"id": webhook_id, "username": payload.get("username") or "Acme news", "bot": True},
                   "attachments": attachments, "embeds": payload.get("embeds", []), "mentions": [],
                   "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime()),
                   "flags": payload.get("flags", 0), "webhook_id": webhook_id}
        media = [{"alt": a["description"], "filename": a["filename"], "size": a["size"], "type": a["content_type"]}
                 for a in attachments]
        self.posts[message_id] = StoredPost(message_id, content, None, media, payload)
        if request.query.get("wait", ["false"])[0].lower() != "true":
            return Reply(204, None)
        return Reply(200, message)

    def delete_message(self, request: Recorded, webhook_id: str, token: str, message_id: str) -> Reply:
        self._webhook(webhook_id, token)
        if message_id not in self.posts:
            raise FakeError(404, {"message": "Unknown Message", "code": 10008})
        del self.posts[message_id]
        self.deleted.append(message_id)
        return Reply(204, None)
