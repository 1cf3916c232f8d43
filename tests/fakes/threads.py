"""A fake Threads (Meta Graph) API under /v1.0: media containers (TEXT, IMAGE, VIDEO,
CAROUSEL) then threads_publish, container status polling, permalinks, the user's threads
and replies, deletes, /me, and Meta's `{"error": {message, type, code, fbtrace_id}}`
errors. Media URLs are recorded, not fetched (Meta fetches them from the public web).

Sources: developers.facebook.com/docs/threads (Posts: "wait on average 30 seconds before
publishing a Threads media container", the container `status` field IN_PROGRESS /
FINISHED / PUBLISHED / ERROR / EXPIRED; Retrieve Posts and Replies: `/{user}/replies`
needs `threads_read_replies`). A container, a text one included, is IN_PROGRESS for
`media_processing_polls` (media) or `text_processing_polls` (text) status reads, and
publishing it before then is refused with Meta's "not ready" error (code 9007, subcode
2207027). `scopes` holds the token's permissions; a read of replies without
`threads_read_replies` is refused with the Graph API's permission error, code 10
"(#10) Application does not have permission for this action"."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost


def error(message: str, code: int = 100, kind: str = "THApiException", subcode: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        body["error_subcode"] = subcode
    return {"error": body}


class FakeThreads(FakeServer):
    name = "threads"
    CREATE = r"^POST /v1\.0/\w+/threads_publish$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"/v1\.0/me", "me"),
        ("POST", r"/v1\.0/(\w+)/threads", "create_container"),
        ("POST", r"/v1\.0/(\w+)/threads_publish", "publish"),
        ("GET", r"/v1\.0/(\w+)/threads", "user_threads"),
        ("GET", r"/v1\.0/(\w+)/replies", "user_replies"),
        ("GET", r"/v1\.0/(\d+)", "get_object"),
        ("DELETE", r"/v1\.0/(\d+)", "delete_media"),
    ]
    USER_ID = "17841400000000001"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.containers: dict[str, dict[str, Any]] = {}
        self.media_processing_polls = 1  # an IMAGE/VIDEO container is IN_PROGRESS this often
        self.text_processing_polls = 1  # a TEXT container too (Meta: wait before publishing)
        self.scopes = {"threads_basic", "threads_content_publish", "threads_delete", "threads_read_replies"}

    def error_body(self, status: int, message: str) -> Any:
        return error(message, 2 if status >= 500 else 100)

    def rate_limit_reply(self, retry_after: float) -> Reply:
        return Reply(429, error("Application request limit reached", 4, "OAuthException"),
                     {"Retry-After": str(int(retry_after))})

    def authorize(self, request: Recorded) -> None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        token = request.query.get("access_token", [token])[0]
        if token != self.token:
            raise FakeError(401, error("Error validating access token: Session has expired or is invalid.", 190, "OAuthException"))

    def _user(self, user_id: str) -> None:
        if user_id not in ("me", self.USER_ID):
            raise FakeError(400, error(f"Unsupported request - Object with ID '{user_id}' does not exist", 100, subcode=33))

    # ---- routes ---------------------------------------------------------------------------
    def me(self, request: Recorded) -> Reply:
        return Reply(200, {"id": self.USER_ID, "username": "acme"})

    def create_container(self, request: Recorded, user_id: str) -> Reply:
        self._user(user_id)
        fields = {**{k: v[0] for k, v in request.query.items() if k != "access_token"}, **request.fields()}
        kind = str(fields.get("media_type", "")).upper()
        if kind not in ("TEXT", "IMAGE", "VIDEO", "CAROUSEL"):
            raise FakeError(400, error("Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}"))
        text = str(fields.get("text") or "")
        if len(text) > 500:
            raise FakeError(400, error("Param text must be at most 500 characters long.", 100, subcode=2207006))
        if kind == "TEXT" and not text:
            raise FakeError(400, error("Param text is required for TEXT posts", 100))
        if kind in ("IMAGE", "VIDEO") and not str(fields.get(f"{kind.lower()}_url", "")).startswith(("http://", "https://")):
            raise FakeError(400, error(f"Param {kind.lower()}_url must be a URL", 100))
        children = [c for c in str(fields.get("children") or "").split(",") if c]
        if kind == "CAROUSEL" and not 2 <= len(children) <= 20:
            raise FakeError(400, error("A carousel needs 2 to 20 children", 100, subcode=4279004))
        reply_to = fields.get("reply_to_id")
        if reply_to and reply_to not in self.posts:
            raise FakeError(400, error("The reply_to_id does not exist or is not visible", 100, subcode=4279009))
        container_id = self.new_id(18000000000000000)
        polls = (self.media_processing_polls if kind in ("IMAGE", "VIDEO") else
                 self.text_processing_polls if kind == "TEXT" else 0)
        self.containers[container_id] = {"id": container_id, "fields": fields, "kind": kind,
                                         "children": children, "polls": polls, "published": None}
        return Reply(200, {"id": container_id})

    def publish(self, request: Recorded, user_id: str) -> Reply:
        self._user(user_id)
        fields = {**{k: v[0] for k, v in request.query.items()}, **request.fields()}
        container = self.containers.get(str(fields.get("creation_id")))
        if container is None:
            raise FakeError(400, error("Param creation_id is not a valid media container id", 100, subcode=4279009))
        if container["polls"] > 0:
            raise FakeError(400, error("The media is not ready to be published. Please wait a moment.", 9007, subcode=2207027))
        if container["published"]:
            raise FakeError(400, error("This container has already been published", 10, subcode=4279004))
        media_id = self.new_id(18100000000000000)
        container["published"] = media_id
        items = [self.containers[c]["fields"] for c in container["children"]] or (
            [container["fields"]] if container["kind"] in ("IMAGE", "VIDEO") else [])
        media = [{"alt": f.get("alt_text"), "filename": f.get("image_url") or f.get("video_url"),
                  "size": None, "type": str(f.get("media_type", "")).lower()} for f in items]
        fields = container["fields"]
        self.posts[media_id] = StoredPost(media_id, str(fields.get("text") or ""), fields.get("reply_to_id"),
                                          media, {**fields, "permalink": f"https://www.threads.net/@acme/post/F{media_id}"}, self.now())
        return Reply(200, {"id": media_id})

    def _thread(self, post: StoredPost) -> dict[str, Any]:
        return {"id": post.id, "text": post.text, "permalink": post.fields["permalink"],
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(post.created)),
                "media_type": "TEXT_POST" if not post.media else "IMAGE", "username": "acme",
                "is_reply": bool(post.reply_to),
                **({"replied_to": {"id": post.reply_to}} if post.reply_to else {})}

    def _listing(self, request: Recorded, replies: bool) -> Reply:
        limit = int(request.query.get("limit", ["25"])[0])
        wanted = (request.query.get("fields", ["id"])[0]).split(",")
        since = float(request.query.get("since", ["0"])[0])
        posts = [p for p in reversed(self.posts.values())
                 if bool(p.reply_to) == replies and p.created >= since][:limit]
        data = [{k: v for k, v in self._thread(p).items() if k in wanted or k == "id"} for p in posts]
        return Reply(200, {"data": data, "paging": {"cursors": {"before": "b", "after": "a"}}})

    def user_threads(self, request: Recorded, user_id: str) -> Reply:
        self._user(user_id)
        return self._listing(request, replies=False)

    def user_replies(self, request: Recorded, user_id: str) -> Reply:
        self._user(user_id)
        if "threads_read_replies" not in self.scopes:
            raise FakeError(403, error("(#10) Application does not have permission for this action", 10))
        return self._listing(request, replies=True)

    def get_object(self, request: Recorded, object_id: str) -> Reply:
        wanted = request.query.get("fields", ["id"])[0].split(",")
        if object_id in self.containers:
            container = self.containers[object_id]
            if container["polls"] > 0:
                container["polls"] -= 1
                status = {"id": object_id, "status": "IN_PROGRESS"}
            else:
                status = {"id": object_id, "status": "PUBLISHED" if container["published"] else "FINISHED"}
            return Reply(200, {k: v for k, v in status.items() if k in wanted or k == "id"})
        if object_id in self.posts:
            data = self._thread(self.posts[object_id])
            return Reply(200, {k: v for k, v in data.items() if k in wanted or k == "id"})
        raise FakeError(400, error(f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, subcode=33))

    def delete_media(self, request: Recorded, media_id: str) -> Reply:
        if media_id not in self.posts:
            raise FakeError(400, error(f"Object with ID '{media_id}' does not exist", 100, subcode=33))
        del self.posts[media_id]
        self.deleted.append(media_id)
        return Reply(200, {"success": True, "deleted_id": media_id})
