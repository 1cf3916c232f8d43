"""A fake Mastodon server: statuses (form or JSON), v2 media with processing and 206
polls, Idempotency-Key kept for an hour, account statuses, deletes, rate-limit headers
with an ISO-8601 reset, and Mastodon's error bodies (`{"error": ...}`).

The instance's limit is `max_characters` (default 500), served by `GET /api/v2/instance`
as `configuration.statuses.max_characters` and enforced on create (mastodon/documentation
entities/Instance.md; app/validators/status_length_validator.rb). `language` is kept as
Mastodon keeps it: a code in LanguagesHelper::SUPPORTED_LOCALES (ISO 639-1, ISO 639-3
and the regional zh-CN, zh-HK, zh-TW, zh-YUE) or nothing (PostStatusService's
`language_from_option` drops an unknown code; `en-GB` is unknown).

Idempotency-Key: Mastodon keeps the key of `POST /api/v1/statuses` for an hour and answers a
repeat with the status it made (docs.joinmastodon.org/methods/statuses/#create: "Prevent
duplicate submissions of the same status. Idempotency keys are stored for up to 1 hour";
app/controllers/api/v1/statuses_controller.rb). The header is Mastodon's own: other servers
of the Mastodon API need not keep it. With `honours_idempotency_key = False` the fake is
such a server: every create makes a new status, whatever key it carries."""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

import regex

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost

_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'}]")
_MENTION = re.compile(r"(?<![\w/])@(\w+)(?:@[\w.-]+\w)?")
_TAG = re.compile(r"(?<![\w/&#])#(\w+)")
MAX_CHARACTERS = 500
REGIONAL = {"zh-CN", "zh-HK", "zh-TW", "zh-YUE"}


def kept_language(code: Any) -> str | None:
    """Mastodon's `valid_locale_or_nil` (approximated: any two- or three-letter code)."""
    text = str(code or "")
    return text if text in REGIONAL or re.fullmatch(r"[a-z]{2,3}", text) else None


def status_length(text: str, spoiler: str = "") -> int:
    """Mastodon's count: graphemes of CW + text, URLs as 23, remote mentions local."""
    text = _URL.sub("x" * 23, text)
    text = _MENTION.sub(lambda m: "@" + m.group(1), text)
    return len(regex.findall(r"\X", spoiler + text))


def to_html(text: str, base: str) -> str:
    """The status text as Mastodon renders it into `content`."""
    out = []
    for paragraph in re.split(r"\n{2,}", text.strip()):
        pieces, last = [], 0
        for match in _URL.finditer(paragraph):
            pieces.append(html.escape(paragraph[last:match.start()], quote=False))
            url = match.group(0)
            scheme, _, rest = url.partition("://")
            pieces.append(f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener">'
                          f'<span class="invisible">{scheme}://</span><span class="">{html.escape(rest[:30])}</span>'
                          f'<span class="invisible">{html.escape(rest[30:])}</span></a>')
            last = match.end()
        pieces.append(html.escape(paragraph[last:], quote=False))
        body = "".join(pieces)
        body = _MENTION.sub(lambda m: f'<span class="h-card"><a href="{base}/@{m.group(1)}" '
                            f'class="u-url mention">@<span>{m.group(1)}</span></a></span>', body)
        body = _TAG.sub(lambda m: f'<a href="{base}/tags/{m.group(1)}" class="mention hashtag" '
                        f'rel="tag">#<span>{m.group(1)}</span></a>', body)
        out.append("<p>" + body.replace("\n", "<br />") + "</p>")
    return "".join(out)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class FakeMastodon(FakeServer):
    name = "mastodon"
    CREATE = r"^POST /api/v1/statuses$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"/api/v1/accounts/verify_credentials", "verify_credentials"),
        ("GET", r"/api/v2/instance", "instance"),
        ("POST", r"/api/v2/media", "upload_media"),
        ("GET", r"/api/v1/media/(\w+)", "get_media"),
        ("POST", r"/api/v1/statuses", "create_status"),
        ("GET", r"/api/v1/statuses/(\w+)", "get_status"),
        ("DELETE", r"/api/v1/statuses/(\w+)", "delete_status"),
        ("GET", r"/api/v1/accounts/(\w+)/statuses", "account_statuses"),
    ]
    ACCOUNT_ID = "109000000000000001"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.media_processing_polls = 1  # GET /api/v1/media/:id answers 206 this many times
        self.idempotency_ttl = 3600.0
        self.honours_idempotency_key = True  # False: a Mastodon-API server that ignores the header
        self.media: dict[str, dict[str, Any]] = {}
        self._polls: dict[str, int] = {}
        self._keys: dict[str, tuple[str, float]] = {}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.max_characters = MAX_CHARACTERS

    # ---- platform shape -------------------------------------------------------------------
    def error_body(self, status: int, message: str) -> Any:
        return {"error": message}

    def rate_limit_reply(self, retry_after: float) -> Reply:
        return Reply(429, {"error": "Too many requests"},
                     {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                      "X-RateLimit-Reset": _iso(time.time() + retry_after)})

    def headers_for(self, request: Recorded) -> dict[str, str]:
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299",
                "X-RateLimit-Reset": _iso(time.time() + 300)}

    def authorize(self, request: Recorded) -> None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            raise FakeError(401, {"error": "The access token is invalid"})

    def account(self) -> dict[str, Any]:
        return {"id": self.ACCOUNT_ID, "username": "acme", "acct": "acme",
                "display_name": "Acme", "url": f"{self.url}/@acme", "locked": False,
                "bot": False, "created_at": "2024-01-01T00:00:00.000Z"}

    def forget_idempotency_keys(self) -> None:
        """As if the hour had passed."""
        with self.lock:
            self._keys.clear()

    # ---- routes ---------------------------------------------------------------------------
    def verify_credentials(self, request: Recorded) -> Reply:
        return Reply(200, {**self.account(), "source": {"privacy": "public", "language": None}})

    def instance(self, request: Recorded) -> Reply:
        return Reply(200, {"domain": "127.0.0.1", "title": "Fake Mastodon", "version": "4.4.0",
                           "configuration": {
                               "statuses": {"max_characters": self.max_characters, "max_media_attachments": 4,
                                            "characters_reserved_per_url": 23},
                               "media_attachments": {"description_limit": 1500,
                                                     "image_size_limit": 16777216}}})

    def upload_media(self, request: Recorded) -> Reply:
        parts = {p.name: p for p in request.multipart()}
        if "file" not in parts or not parts["file"].data:
            raise FakeError(422, {"error": "Validation failed: File can't be blank"})
        description = parts["description"].text if "description" in parts else None
        if description and len(description) > 1500:
            raise FakeError(422, {"error": "Validation failed: Description is too long (maximum is 1500 characters)"})
        media_id = self.new_id(110000000000000000)
        ctype = parts["file"].content_type or ""
        kind = "image" if ctype.startswith("image/") else "video" if ctype.startswith("video/") else "unknown"
        self.media[media_id] = {"id": media_id, "type": kind, "url": f"{self.url}/system/media/{media_id}",
                                "preview_url": f"{self.url}/system/media/{media_id}/small",
                                "remote_url": None, "description": description, "blurhash": None,
                                "meta": {}, "filename": parts["file"].filename,
                                "size": len(parts["file"].data)}
        self._polls[media_id] = self.media_processing_polls
        if self.media_processing_polls:
            return Reply(202, {**self._public_media(media_id), "url": None})
        return Reply(200, self._public_media(media_id))

    def _public_media(self, media_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.media[media_id].items() if k not in ("filename", "size")}

    def get_media(self, request: Recorded, media_id: str) -> Reply:
        if media_id not in self.media:
            raise FakeError(404, {"error": "Record not found"})
        if self._polls[media_id] > 0:
            self._polls[media_id] -= 1
            return Reply(206, {**self._public_media(media_id), "url": None})
        return Reply(200, self._public_media(media_id))

    def create_status(self, request: Recorded) -> Reply:
        key = request.headers.get("idempotency-key") if self.honours_idempotency_key else None
        if key and key in self._keys:
            status_id, at = self._keys[key]
            if time.time() - at < self.idempotency_ttl and status_id in self.statuses:
                return Reply(200, self.statuses[status_id])
        fields = request.fields()
        status = self._validated(fields)
        self.statuses[status["id"]] = status
        media = [{"alt": self.media[m]["description"], "filename": self.media[m]["filename"],
                  "size": self.media[m]["size"], "type": self.media[m]["type"]}
                 for m in _media_ids(fields)]
        self.posts[status["id"]] = StoredPost(status["id"], str(fields.get("status") or ""),
                                              status["in_reply_to_id"], media, fields, self.now())
        if key:
            self._keys[key] = (status["id"], time.time())
        return Reply(200, status)

    def _validated(self, fields: dict[str, Any]) -> dict[str, Any]:
        text = str(fields.get("status") or "")
        spoiler = str(fields.get("spoiler_text") or "")
        media_ids = _media_ids(fields)
        if not text.strip() and not media_ids:
            raise FakeError(422, {"error": "Validation failed: Text can't be blank"})
        if status_length(text, spoiler) > self.max_characters:
            raise FakeError(422, {"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"})
        if len(media_ids) > 4:
            raise FakeError(422, {"error": "Validation failed: Media attachments exceed the limit of 4"})
        for media_id in media_ids:
            if media_id not in self.media:
                raise FakeError(422, {"error": "Validation failed: Media not found"})
            if self._polls[media_id] > 0:
                raise FakeError(422, {"error": "Cannot attach files that have not finished processing. Try again in a moment!"})
        visibility = str(fields.get("visibility") or "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            raise FakeError(422, {"error": "Validation failed: Visibility is not included in the list"})
        reply_to = fields.get("in_reply_to_id") or None
        if reply_to and reply_to not in self.statuses:
            raise FakeError(404, {"error": "Record not found"})
        status_id = self.new_id(111000000000000000)
        return {"id": status_id, "created_at": _iso(self.now()), "in_reply_to_id": reply_to,
                "in_reply_to_account_id": self.ACCOUNT_ID if reply_to else None,
                "sensitive": bool(spoiler), "spoiler_text": spoiler, "visibility": visibility,
                "language": kept_language(fields.get("language")),
                "uri": f"{self.url}/users/acme/statuses/{status_id}",
                "url": f"{self.url}/@acme/{status_id}", "replies_count": 0, "reblogs_count": 0,
                "favourites_count": 0, "content": to_html(text, self.url), "reblog": None,
                "account": self.account(),
                "media_attachments": [self._public_media(m) for m in media_ids],
                "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None}

    def get_status(self, request: Recorded, status_id: str) -> Reply:
        if status_id not in self.statuses:
            raise FakeError(404, {"error": "Record not found"})
        return Reply(200, self.statuses[status_id])

    def delete_status(self, request: Recorded, status_id: str) -> Reply:
        if status_id not in self.statuses:
            raise FakeError(404, {"error": "Record not found"})
        status = self.statuses.pop(status_id)
        post = self.posts.pop(status_id)
        self.deleted.append(status_id)
        return Reply(200, {**status, "text": post.text})

    def account_statuses(self, request: Recorded, account_id: str) -> Reply:
        if account_id != self.ACCOUNT_ID:
            raise FakeError(404, {"error": "Record not found"})
        limit = min(int(request.query.get("limit", ["20"])[0]), 40)
        newest = list(reversed(self.statuses.values()))
        if "max_id" in request.query:
            below = int(request.query["max_id"][0])
            newest = [s for s in newest if int(s["id"]) < below]
        if request.query.get("exclude_replies", ["false"])[0] == "true":
            newest = [s for s in newest if not s["in_reply_to_id"]]
        return Reply(200, newest[:limit])


def _media_ids(fields: dict[str, Any]) -> list[str]:
    value = fields.get("media_ids[]", fields.get("media_ids")) or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]




