"""A fake LinkedIn: the versioned Posts API (201, empty body, the urn in `x-restli-id`),
images initializeUpload + PUT, /v2/userinfo, deletes (204), required LinkedIn-Version and
X-Restli-Protocol-Version headers (426 NONEXISTENT_VERSION for a sunset version), the
duplicate-content 422 and LinkedIn's error bodies `{status, code, message}`."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import unquote

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost

SUNSET_BEFORE = "202501"


def error(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "message": message}
    if code:
        body["code"] = code
    return body


class FakeLinkedIn(FakeServer):
    name = "linkedin"
    CREATE = r"^POST /rest/posts$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"/v2/userinfo", "userinfo"),
        ("POST", r"/rest/images", "images_action"),
        ("PUT", r"/upload/images/(\d+)", "upload_image"),
        ("POST", r"/rest/posts", "create_post"),
        ("DELETE", r"/rest/posts/(.+)", "delete_post"),
    ]
    PERSON_SUB = "782bbtaQ"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.images: dict[str, dict[str, Any]] = {}

    def error_body(self, status: int, message: str) -> Any:
        return error(status, message)

    def rate_limit_reply(self, retry_after: float) -> Reply:
        """LinkedIn's quotas reset at midnight UTC and it sends no rate-limit headers."""
        return Reply(429, error(429, "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."))

    def authorize(self, request: Recorded) -> None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            raise FakeError(401, error(401, "Invalid access token", "INVALID_ACCESS_TOKEN")
                            | {"serviceErrorCode": 65600})
        if request.path.startswith("/rest/"):
            version = request.headers.get("linkedin-version", "")
            if not version:
                raise FakeError(400, error(400, "A version must be present. Please specify a version by adding the LinkedIn-Version header.", "VERSION_MISSING"))
            if version < SUNSET_BEFORE:
                raise FakeError(426, error(426, f"Requested version {version} is not active", "NONEXISTENT_VERSION"))
            if request.headers.get("x-restli-protocol-version") != "2.0.0":
                raise FakeError(400, error(400, "X-Restli-Protocol-Version 2.0.0 is required", "INVALID_PROTOCOL_VERSION"))

    # ---- routes ---------------------------------------------------------------------------
    def userinfo(self, request: Recorded) -> Reply:
        return Reply(200, {"sub": self.PERSON_SUB, "name": "Acme Social", "given_name": "Acme",
                           "family_name": "Social", "email_verified": True, "locale": {"country": "US", "language": "en"}})

    def images_action(self, request: Recorded) -> Reply:
        if request.query.get("action") != ["initializeUpload"]:
            raise FakeError(400, error(400, "Unsupported action"))
        owner = request.json().get("initializeUploadRequest", {}).get("owner")
        if not owner:
            raise FakeError(422, error(422, "/initializeUploadRequest/owner :: field is required but not found", "UNPROCESSABLE_ENTITY"))
        number = self.new_id()
        urn = f"urn:li:image:C4E10AQ{number}"
        self.images[number] = {"urn": urn, "owner": owner, "data": None}
        return Reply(200, {"value": {"uploadUrlExpiresAt": 1_900_000_000_000,
                                     "uploadUrl": f"{self.url}/upload/images/{number}?token=upload-{number}",
                                     "image": urn}})

    def upload_image(self, request: Recorded, number: str) -> Reply:
        if number not in self.images or request.query.get("token") != [f"upload-{number}"]:
            raise FakeError(404, error(404, "Upload not found"))
        self.images[number]["data"] = request.body
        return Reply(201, None)

    def _image(self, urn: str) -> dict[str, Any]:
        for image in self.images.values():
            if image["urn"] == urn and image["data"]:
                return image
        raise FakeError(422, error(422, f"/content/media/id :: {urn} is not AVAILABLE", "UNPROCESSABLE_ENTITY"))

    def create_post(self, request: Recorded) -> Reply:
        body = request.json()
        for required in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
            if required not in body:
                raise FakeError(422, error(422, f"/{required} :: field is required but not found", "UNPROCESSABLE_ENTITY"))
        text = str(body["commentary"])
        if len(text) > 3000:
            raise FakeError(422, error(422, f"ShareCommentary text length ({len(text)} characters) exceeded the maximum allowed (3000 characters)", "UNPROCESSABLE_ENTITY"))
        for post in self.posts.values():
            if post.text == text:
                raise FakeError(422, error(422, f"Content is a duplicate of {post.id}", "DUPLICATE_POST"))
        content = body.get("content") or {}
        items = [content["media"]] if "media" in content else content.get("multiImage", {}).get("images", [])
        media = []
        for item in items:
            image = self._image(str(item.get("id")))
            media.append({"alt": item.get("altText"), "filename": None, "size": len(image["data"]), "type": "image"})
        urn = f"urn:li:share:{self.new_id(7300000000000000000)}"
        self.posts[urn] = StoredPost(urn, text, None, media, body)
        return Reply(201, None, {"x-restli-id": urn, "x-linkedin-id": urn})

    def delete_post(self, request: Recorded, quoted: str) -> Reply:
        urn = unquote(quoted)
        if urn not in self.posts:
            raise FakeError(404, error(404, f"Not Found: {urn}", "NOT_FOUND"))
        del self.posts[urn]
        self.deleted.append(urn)
        return Reply(204, None)
