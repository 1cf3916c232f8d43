"""A fake receiver of socialops's generic webhook: it checks the signature exactly as
a receiver should (HMAC-SHA256 over `<timestamp>.<body>` with the shared secret, the
timestamp no older than 5 minutes), keeps deliveries by Idempotency-Key (a repeat gets
the first answer), answers `{"id", "url"}`, and handles `post.deleted` events."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, ClassVar

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost

TOLERANCE = 300


class FakeWebhook(FakeServer):
    name = "webhook"
    CREATE = r"^POST /hook$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("POST", r"/hook", "receive"),
        ("HEAD", r"/hook", "probe"),
        ("GET", r"/hook", "probe"),
    ]

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret
        self.deliveries: dict[str, str] = {}  # Idempotency-Key -> post id

    @property
    def hook_url(self) -> str:
        return f"{self.url}/hook"

    def authorize(self, request: Recorded) -> None:
        if request.method != "POST":
            return
        stamp = request.headers.get("x-socialops-timestamp", "")
        given = request.headers.get("x-socialops-signature", "")
        expected = "sha256=" + hmac.new(self.secret.encode(), stamp.encode() + b"." + request.body,
                                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            raise FakeError(401, {"error": "bad signature"})
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > TOLERANCE:
            raise FakeError(401, {"error": "stale timestamp"})

    def probe(self, request: Recorded) -> Reply:
        return Reply(200, None if request.method == "HEAD" else {"ok": True})

    def receive(self, request: Recorded) -> Reply:
        event = request.json()
        if event.get("event") == "post.deleted":
            post_id = str(event.get("id"))
            if post_id not in self.posts:
                raise FakeError(404, {"error": "unknown post"})
            del self.posts[post_id]
            self.deleted.append(post_id)
            return Reply(200, {"ok": True})
        if event.get("event") != "post.published":
            raise FakeError(422, {"error": f"unknown event {event.get('event')!r}"})
        key = request.headers.get("idempotency-key", "")
        if key in self.deliveries and self.deliveries[key] in self.posts:
            return Reply(200, self._answer_for(self.deliveries[key]))
        post_id = f"entry-{self.new_id()}"
        media: list[dict[str, Any]] = [{"alt": m.get("alt"), "filename": m.get("path"), "size": m.get("size"),
                                        "type": m.get("mime")} for m in event.get("media", [])]
        self.posts[post_id] = StoredPost(post_id, str(event.get("text", "")), event.get("reply_to"), media, event)
        self.deliveries[key] = post_id
        return Reply(200, self._answer_for(post_id))

    def _answer_for(self, post_id: str) -> dict[str, Any]:
        return {"id": post_id, "url": f"https://partner.example/entries/{post_id}"}
