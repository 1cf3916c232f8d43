"""A fake LinkedIn: the versioned Posts API (201, empty body, the urn in `x-restli-id`),
images initializeUpload + PUT, /v2/userinfo, deletes (204), the "Find Posts by Authors"
finder (`GET /rest/posts?author=...&q=author`, `elements` newest first, each with
`commentary` as sent and `createdAt` in epoch milliseconds), required LinkedIn-Version and
X-Restli-Protocol-Version headers (426 NONEXISTENT_VERSION for a sunset version), the
duplicate-content 422 and LinkedIn's error bodies `{status, code, message}`.

Sources: learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api
("Permissions", "Find Posts by Authors"), .../images-api, .../little-text-format;
Sign In with LinkedIn using OpenID Connect (/v2/userinfo needs `openid` and `profile`).

Scopes: `scopes` holds the token's permissions (default: a page's token with
`w_organization_social` and `r_organization_social`). A call outside them is refused with
403 ACCESS_DENIED "Not enough permissions to access: <resource>.<METHOD>.<version>", the
shape developers report from the live API. A page's post needs the `_organization_`
permissions, a member's the `_member_` ones; /v2/userinfo needs `openid` and `profile`.

Little text format: `commentary` is kept as sent (what the finder returns), and the post's
visible `text` is the commentary read as LinkedIn reads it: backslash escapes removed, and
cut at the first reserved character left unescaped outside a mention template ("text that
is not escaped can be silently truncated", PLATFORMS.md 4, crossposter v1.1.5)."""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import unquote

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost

SUNSET_BEFORE = "202501"
_MENTION = re.compile(r"@\[[^\]\n]+\]\(urn:li:(?:person|organization):[A-Za-z0-9_-]+\)")
_CUTS = set("()[]{}<>|*_~")


def as_shown(commentary: str) -> str:
    """What a reader sees of a little-text commentary (see the module docstring)."""
    out, i = [], 0
    while i < len(commentary):
        mention = _MENTION.match(commentary, i)
        if mention:
            out.append(mention.group(0))
            i = mention.end()
            continue
        char = commentary[i]
        if char == "\\" and i + 1 < len(commentary):
            out.append(commentary[i + 1])
            i += 2
            continue
        if char in _CUTS:
            break
        out.append(char)
        i += 1
    return "".join(out)


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
        ("GET", r"/rest/posts", "find_posts"),
        ("DELETE", r"/rest/posts/(.+)", "delete_post"),
    ]
    PERSON_SUB = "782bbtaQ"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.images: dict[str, dict[str, Any]] = {}
        self.scopes = {"w_organization_social", "r_organization_social"}
        self.duplicate_window = 600.0  # "Content is a duplicate" for about 10 min (PLATFORMS.md 4, [2nd])

    def _allow(self, request: Recorded, scope: str, resource: str) -> None:
        if scope not in self.scopes:
            version = request.headers.get("linkedin-version") or "NO_VERSION"
            raise FakeError(403, error(403, f"Not enough permissions to access: {resource}.{version}",
                                       "ACCESS_DENIED") | {"serviceErrorCode": 100})

    def _may_write(self, request: Recorded, author: str, resource: str) -> None:
        kind = "organization" if author.startswith("urn:li:organization:") else "member"
        self._allow(request, f"w_{kind}_social", resource)

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
        self._allow(request, "openid", "userinfo.GET")
        self._allow(request, "profile", "userinfo.GET")
        return Reply(200, {"sub": self.PERSON_SUB, "name": "Acme Social", "given_name": "Acme",
                           "family_name": "Social", "email_verified": True, "locale": {"country": "US", "language": "en"}})

    def images_action(self, request: Recorded) -> Reply:
        if request.query.get("action") != ["initializeUpload"]:
            raise FakeError(400, error(400, "Unsupported action"))
        owner = request.json().get("initializeUploadRequest", {}).get("owner")
        if not owner:
            raise FakeError(422, error(422, "/initializeUploadRequest/owner :: field is required but not found", "UNPROCESSABLE_ENTITY"))
        self._may_write(request, str(owner), "images.ACTION-initializeUpload")
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
        self._may_write(request, str(body["author"]), "partnerApiPostsExternal.CREATE")
        text = str(body["commentary"])
        if len(text) > 3000:
            raise FakeError(422, error(422, f"ShareCommentary text length ({len(text)} characters) exceeded the maximum allowed (3000 characters)", "UNPROCESSABLE_ENTITY"))
        for post in self.posts.values():
            if post.fields.get("commentary") == text and post.created > self.now() - self.duplicate_window:
                raise FakeError(422, error(422, f"Content is a duplicate of {post.id}", "DUPLICATE_POST"))
        content = body.get("content") or {}
        items = [content["media"]] if "media" in content else content.get("multiImage", {}).get("images", [])
        media = []
        for item in items:
            image = self._image(str(item.get("id")))
            media.append({"alt": item.get("altText"), "filename": None, "size": len(image["data"]), "type": "image"})
        urn = f"urn:li:share:{self.new_id(7300000000000000000)}"
        self.posts[urn] = StoredPost(urn, as_shown(text), None, media, body, self.now())
        return Reply(201, None, {"x-restli-id": urn, "x-linkedin-id": urn})

    def find_posts(self, request: Recorded) -> Reply:
        if request.query.get("q") != ["author"]:
            raise FakeError(400, error(400, "Invalid query parameters passed to request", "ILLEGAL_ARGUMENT"))
        author = request.query.get("author", [""])[0]
        kind = "organization" if author.startswith("urn:li:organization:") else "member"
        self._allow(request, f"r_{kind}_social", "partnerApiPostsExternal.FINDER-author")
        count = min(int(request.query.get("count", ["10"])[0]), 100)
        mine = [p for p in reversed(self.posts.values()) if p.fields.get("author") == author][:count]
        elements = []
        for post in mine:
            millis = int(post.created * 1000)
            elements.append({
                "id": post.id, "author": author, "commentary": post.fields.get("commentary"),
                "visibility": post.fields.get("visibility"), "distribution": post.fields.get("distribution"),
                "lifecycleState": post.fields.get("lifecycleState"), "isReshareDisabledByAuthor": False,
                "createdAt": millis, "publishedAt": millis, "lastModifiedAt": millis,
                "lifecycleStateInfo": {"isEditedByAuthor": False},
                **({"content": post.fields["content"]} if post.fields.get("content") else {})})
        return Reply(200, {"paging": {"start": 0, "count": count, "links": []}, "elements": elements})

    def delete_post(self, request: Recorded, quoted: str) -> Reply:
        urn = unquote(quoted)
        if urn not in self.posts:
            raise FakeError(404, error(404, f"Not Found: {urn}", "NOT_FOUND"))
        del self.posts[urn]
        self.deleted.append(urn)
        return Reply(204, None)
