"""X (API v2) with OAuth 1.0a user context, signed by authlib.

Channel: `api` (default https://api.x.com), `api_key_env`, `api_secret_env`,
`access_token_env`, `access_secret_env` (the app's consumer key and secret, and the
account's access token and secret; OAuth 1.0a user tokens do not expire).
Post options (`x:`): `reply_settings`.

- publish: images go to `POST /2/media/upload` (multipart, `media_category=tweet_image`),
  GIFs and videos through the chunked initialize/append/finalize flow (polling the
  status while X processes them); alt text with `POST /2/media/metadata` (images and
  GIFs). Then `POST /2/tweets` (201) with `reply.in_reply_to_tweet_id` = the part before.
  X has no idempotency key: a repeat of the same text is refused as duplicate content.
- lookup: the account's posts since the part was due (`GET /2/users/:id/tweets` with
  `start_time`), compared by text and by parent. X shows every link as a t.co link and
  appends one more t.co link for the media of a post (its `entities.urls` entry carries a
  `media_key`; X's data dictionary, the example with `attachments.media_keys`): that link
  is dropped and the others become placeholders. Field names: the hand-written docs and
  the changelog say `tweet.fields` / `referenced_tweets`, the regenerated OpenAPI spec
  (2026-08) and the official SDK say `post.fields` / `referenced_posts`. socialops sends
  `tweet.fields`, reads either field, and on a 400 naming the parameter asks again with the
  other name (and keeps using the one that worked).
- delete: `DELETE /2/tweets/:id`; a tweet already gone counts as deleted.
- verify: `GET /2/users/me`.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import httpx
from authlib.oauth1 import ClientAuth

from socialops.adapters.base import (
    MetricsAnswer,
    OutgoingMedia,
    OutgoingPart,
    PlatformError,
    PublishedRef,
    Verification,
    base_url,
    counts,
    wait,
)
from socialops.adapters.calls import Http, checked, lookup_since, parse_time

CHUNK = 4 * 1024 * 1024
PROCESSING_WAIT = 300.0
RECENT = 100
FIELDS = "created_at,{referenced},entities,attachments"
FIELD_NAMES = (("tweet.fields", "referenced_tweets"), ("post.fields", "referenced_posts"))
_TCO = re.compile(r"https?://t\.co/\w+")
_TRAILING_TCO = re.compile(r"\s*https?://t\.co/\w+\s*$")
_SPACE = re.compile(r"\s+")
#: our metric -> public_metrics field (docs.x.com, fundamentals/metrics)
X_COUNTS = {"likes": "like_count", "reposts": "retweet_count", "replies": "reply_count",
            "quotes": "quote_count", "bookmarks": "bookmark_count", "views": "impression_count"}
#: our metric -> non_public_metrics field (user context, own posts, 30 days; same doc)
X_CLICKS = {"clicks": "url_link_clicks"}
#: X gives non-public metrics for posts created within the last 30 days; an hour kept
#: in hand for the time between the run's clock and X's
CLICKS_FOR = 30 * 86400 - 3600


class OAuth1(httpx.Auth):
    """httpx glue for authlib's OAuth 1.0a signer: form bodies are signed with their
    parameters, JSON and multipart bodies are not (as OAuth 1.0a specifies)."""

    requires_request_body = True

    def __init__(self, signer: ClientAuth) -> None:
        self.signer = signer

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        ctype = request.headers.get("Content-Type", "")
        form = "application/x-www-form-urlencoded" in ctype
        _, headers, _ = self.signer.prepare(request.method, str(request.url),
                                            {"Content-Type": ctype} if ctype else {},
                                            request.content if form else b"")
        request.headers["Authorization"] = headers["Authorization"]
        yield request


def describe(body: Any, response: httpx.Response) -> str:
    """X's problem JSON: `detail` (or `title`), and the first of `errors`."""
    if not isinstance(body, dict):
        return str(body).strip()[:300] or response.reason_phrase
    text = str(body.get("detail") or body.get("title") or response.reason_phrase)
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        extra = errors[0].get("message") or errors[0].get("detail")
        if extra and extra not in text:
            text += f" ({extra})"
    return text


def shown_text(post: Mapping[str, Any], has_media: bool) -> str:
    """A post's text as X returns it, without the t.co link X appends for its media: the
    `entities.urls` entries with a `media_key` name that link; without entities, a post
    with media loses its last t.co link."""
    text = str(post.get("text") or "")
    urls = (post.get("entities") or {}).get("urls")
    media_links = [str(u.get("url")) for u in urls or [] if isinstance(u, dict) and u.get("media_key")]
    for link in media_links:
        text = text.replace(link, "")
    if not media_links and urls is None and (has_media or (post.get("attachments") or {}).get("media_keys")):
        text = _TRAILING_TCO.sub("", text)
    return text


def comparable(text: str, *, shown: bool = False) -> str:
    """Text with links as placeholders and white space collapsed; `shown`: as X returns
    it (t.co links, `& < >` escaped)."""
    if shown:
        text = _TCO.sub("\x00", html.unescape(text))
    else:
        from socialops.platforms.x import urls  # twitter-text's URLs, loaded only for a lookup

        for start, end, _ in reversed(urls(text)):
            text = text[:start] + "\x00" + text[end:]
    return _SPACE.sub(" ", text).strip()


class XAdapter:
    platform: ClassVar[str] = "x"
    secret_options: ClassVar[tuple[str, ...]] = (
        "api_key_env", "api_secret_env", "access_token_env", "access_secret_env")

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        self.channel = channel
        self.base = base_url(channel, "api", "https://api.x.com")
        self.http = Http(client, "X", secrets.values(), describe, lookup_creates=True)
        self.auth = OAuth1(ClientAuth(secrets.get("api_key", ""), secrets.get("api_secret", ""),
                                      secrets.get("access_token", ""), secrets.get("access_secret", "")))
        self._me: dict[str, Any] | None = None
        self._names = FIELD_NAMES  # the field-parameter naming to try first comes first

    def _call(self, method: str, path: str, what: str, *, sends: bool = False, **kwargs: Any) -> Any:
        response = self.http.call(method, f"{self.base}{path}", what, sends=sends, auth=self.auth, **kwargs)
        return self.http.json(response, what, sends=sends)

    # ---- publish --------------------------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        body: dict[str, Any] = {"text": part.text}
        if part.media:
            body["media"] = {"media_ids": [self._upload(item) for item in part.media]}
        if part.reply_to:
            body["reply"] = {"in_reply_to_tweet_id": part.reply_to.id}
        if part.options.get("reply_settings"):
            body["reply_settings"] = str(part.options["reply_settings"])
        data = self._call("POST", "/2/tweets", "create the post", sends=True, json=body)
        tweet_id = str(data["data"]["id"])
        return PublishedRef(tweet_id, f"https://x.com/i/web/status/{tweet_id}")

    def _upload(self, item: OutgoingMedia) -> str:
        what = f"upload {item.path.name}"
        content = item.path.read_bytes()
        if item.mime.startswith("image/") and item.mime != "image/gif":
            data = self._call("POST", "/2/media/upload", what,
                              files={"media": (item.path.name, content, item.mime)},
                              data={"media_category": "tweet_image"})
            media_id = str(data["data"]["id"])
        else:
            media_id = self._upload_chunked(item, content, what)
        if item.alt and item.mime.startswith("image/"):
            self._call("POST", "/2/media/metadata", f"set the alt text of {item.path.name}",
                       json={"id": media_id, "metadata": {"alt_text": {"text": item.alt}}})
        return media_id

    def _upload_chunked(self, item: OutgoingMedia, content: bytes, what: str) -> str:
        category = "tweet_gif" if item.mime == "image/gif" else "tweet_video"
        data = self._call("POST", "/2/media/upload/initialize", what,
                          json={"media_type": item.mime, "total_bytes": len(content),
                                "media_category": category})
        media_id = str(data["data"]["id"])
        for index, start in enumerate(range(0, len(content), CHUNK)):
            self._call("POST", f"/2/media/upload/{media_id}/append", what,
                       files={"media": (item.path.name, content[start:start + CHUNK], item.mime)},
                       data={"segment_index": str(index)})
        data = self._call("POST", f"/2/media/upload/{media_id}/finalize", what)
        self._wait_for(media_id, data["data"].get("processing_info"), what)
        return media_id

    def _wait_for(self, media_id: str, info: Mapping[str, Any] | None, what: str) -> None:
        deadline = time.monotonic() + PROCESSING_WAIT
        while info and info.get("state") in ("pending", "in_progress"):
            if time.monotonic() > deadline:
                raise self.http.error(f"could not {what}: X was still processing it after "
                                      f"{PROCESSING_WAIT:.0f} s", retryable=True)
            after = info.get("check_after_secs")
            wait(self, min(float(1 if after is None else after), 10.0))
            data = self._call("GET", "/2/media/upload", what,
                              params={"command": "STATUS", "media_id": media_id})
            info = data["data"].get("processing_info")
        if info and info.get("state") == "failed":
            error = info.get("error") or {}
            raise self.http.error(f"could not {what}: X could not process it "
                                  f"({error.get('message') or 'no reason given'})")

    # ---- delete, verify, lookup -----------------------------------------------------------
    def delete(self, ref: PublishedRef) -> None:
        try:
            self._call("DELETE", f"/2/tweets/{ref.id}", f"delete post {ref.id}")
        except PlatformError as exc:
            if exc.status != 404:
                raise

    def _user(self) -> dict[str, Any]:
        if self._me is None:
            self._me = dict(self._call("GET", "/2/users/me", "check the credentials")["data"])
        return self._me

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        user = self._user()
        return Verification(True, f"@{user.get('username')}", None,
                            "OAuth 1.0a user tokens do not expire")

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        user_id = self._user()["id"]
        params = {"max_results": str(RECENT), "exclude": "retweets"}
        since = lookup_since(part)
        if since:
            params["start_time"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        data = self._recent_posts(user_id, params)
        wanted = comparable(part.text)
        for post in data.get("data") or []:
            created = parse_time(post.get("created_at"))
            if since and created and created < since:
                continue
            references = post.get("referenced_tweets") or post.get("referenced_posts") or []
            replied = [r.get("id") for r in references if r.get("type") == "replied_to"]
            if (part.reply_to.id not in replied) if part.reply_to else replied:
                continue
            if str(post.get("id")) in part.exclude:
                continue
            if comparable(shown_text(post, bool(part.media)), shown=True) == wanted:
                return PublishedRef(str(post["id"]), f"https://x.com/i/web/status/{post['id']}")
        return None

    def _recent_posts(self, user_id: str, params: dict[str, str], tried: int = 0) -> Any:
        """The account's recent posts, asked for with the field parameter named as this X
        accepts it; a 400 naming the parameter turns to the other name (kept for later)."""
        param, referenced = self._names[0]
        try:
            return self._call("GET", f"/2/users/{user_id}/tweets", "read the account's recent posts",
                              params={**params, param: FIELDS.format(referenced=referenced)})
        except PlatformError as exc:
            if exc.status != 400 or param not in exc.message or tried + 1 >= len(FIELD_NAMES):
                raise
        self._names = (*self._names[1:], self._names[0])
        return self._recent_posts(user_id, params, tried + 1)

    # ---- metrics --------------------------------------------------------------------------
    metric_names: ClassVar[tuple[str, ...]] = ("likes", "reposts", "replies", "quotes", "bookmarks", "views", "clicks")
    metrics_batch: ClassVar[int] = 100

    def metrics(self, refs: Sequence[PublishedRef], *, followers: bool) -> MetricsAnswer:
        """`GET /2/tweets?ids=...&tweet.fields=public_metrics` (100 ids a call): likes,
        reposts, replies, quotes, bookmarks and impressions (as views). Link clicks
        (`non_public_metrics.url_link_clicks`) need user context, which socialops signs
        with (OAuth 1.0a), and X gives them only for the account's own posts created
        within the last 30 days (docs.x.com, x-api/fundamentals/metrics): they are asked
        for (`tweet.fields=public_metrics,non_public_metrics`) for the parts younger than
        CLICKS_FOR (the ref's `age`, in seconds, from collect) and are missing (never 0)
        for older ones; a part X still refuses the field for (problem type
        not-authorized-for-field) is asked again without it. A post that is gone comes
        back in `errors` as resource-not-found: recorded as deleted. Followers:
        `GET /2/users/me?user.fields=public_metrics`."""
        answer = MetricsAnswer()
        recent = [ref.id for ref in refs if _age(ref) is not None and _age(ref) < CLICKS_FOR]  # type: ignore[operator]
        older = [ref.id for ref in refs if ref.id not in set(recent)]
        if recent:
            refused = self._read_counts(answer, recent, clicks=True)
            older += refused
        if older:
            self._read_counts(answer, older, clicks=False)
        if followers:
            data = self._call("GET", "/2/users/me", "read the account's followers",
                              params={"user.fields": "public_metrics"})
            user = data.get("data") or {}
            answer.followers = counts(user.get("public_metrics"), {"followers": "followers_count"})["followers"]
        return answer

    def _read_counts(self, answer: MetricsAnswer, ids: list[str], *, clicks: bool) -> list[str]:
        """Reads the posts' counts into `answer`; returns the ids X refused the clicks of."""
        fields = "public_metrics,non_public_metrics" if clicks else "public_metrics"
        data = self._call("GET", "/2/tweets", "read the posts' counts", params={"ids": ",".join(ids), "tweet.fields": fields})
        for tweet in data.get("data") or []:
            found = counts(tweet.get("public_metrics"), X_COUNTS)
            found["clicks"] = counts(tweet.get("non_public_metrics"), X_CLICKS)["clicks"] if clicks else None
            answer.posts[str(tweet.get("id"))] = found
        refused = []
        for error in data.get("errors") or []:
            kind = str(error.get("type") or "")
            resource = str(error.get("resource_id") or error.get("value"))
            if kind.endswith("/resource-not-found"):
                answer.deleted.add(resource)
            elif kind.endswith("/not-authorized-for-field") and clicks and resource not in answer.posts:
                refused.append(resource)
        return [i for i in dict.fromkeys(refused) if i in ids]


def _age(ref: PublishedRef) -> float | None:
    age = ref.extra.get("age")
    return float(age) if isinstance(age, int | float) else None


ADAPTER = XAdapter
