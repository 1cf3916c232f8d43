"""A fake X API v2: checks every OAuth 1.0a signature (HMAC-SHA1, with authlib's own
base-string code), POST /2/tweets (201), simple and chunked media upload, alt text
metadata, deletes, the user's recent tweets, duplicate-content 403s and X's problem JSON
errors.

How it shows a post, as X's documentation does (xdevplatform/docs @2871328,
x-api/fundamentals/data-dictionary.mdx, the sample response with `attachments.media_keys`):
every URL in `text` is a t.co link, `& < >` are escaped, and a post with media ends with
one more t.co link (" https://t.co/..."), listed in `entities.urls` with the media's
`media_key` and a `pic.x.com` display URL.

Field names: `field_names = "tweet"` (the hand-written docs and the changelog:
`tweet.fields`, `referenced_tweets`) or `"post"` (the regenerated openapi.json, 2026-08:
`post.fields`, `referenced_posts`). The parameter of the other naming is refused with X's
400 for an unknown query parameter: `errors[0].parameters` names it and the message says
"The query parameter [...] is not one of [...]" (shape as quoted in redouane59/twittered#118
and tweepy issues).

Metrics (docs.x.com, x-api/fundamentals/metrics.mdx @0bfed9f; posts/lookup GET /2/tweets;
posts/timelines/integrate): `GET /2/tweets?ids=` (up to 100) answers `public_metrics`
(retweet, reply, like, quote, bookmark and impression counts) for anyone, and
`non_public_metrics` (impression_count, url_link_clicks, user_profile_clicks, engagements)
only in user context, for the account's own posts created within the last 30 days ("If
these noted fields are requested, only Posts that are authored by the authenticated user
will be returned, all other Posts will receive an error message"): the others are left out
of `data` and named in `errors` with the problem type not-authorized-for-field (the shape
X gives for a field the caller may not see, as quoted in plhery/node-twitter-api-v2#432). A
post that is gone is a resource-not-found error. `GET /2/users/me?user.fields=public_metrics`
gives the followers. Counts are set by the test in `counts` / `clicks` / `followers`."""

from __future__ import annotations

import hashlib
import html
import time
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

from authlib.oauth1.rfc5849.signature import generate_signature_base_string, hmac_sha1_signature
from authlib.oauth1.rfc5849.wrapper import OAuth1Request
from twitter_text import extract_urls_with_indices, parse_tweet

from tests.fakes.core import FakeError, FakeServer, Recorded, Reply, StoredPost


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": kind, "status": status}


def as_shown(text: str) -> str:
    """The tweet text as X returns it: URLs replaced by t.co links, & < > escaped."""
    out, last = [], 0
    for found in extract_urls_with_indices(text):
        start, end = found["indices"]
        out.append(html.escape(text[last:start], quote=False))
        out.append("https://t.co/" + hashlib.sha1(found["url"].encode()).hexdigest()[:10])
        last = end
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


class FakeX(FakeServer):
    name = "x"
    CREATE = r"^POST /2/tweets$"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("GET", r"/2/users/me", "users_me"),
        ("POST", r"/2/media/upload", "upload_simple"),
        ("POST", r"/2/media/upload/initialize", "upload_initialize"),
        ("POST", r"/2/media/upload/(\d+)/append", "upload_append"),
        ("POST", r"/2/media/upload/(\d+)/finalize", "upload_finalize"),
        ("GET", r"/2/media/upload", "upload_status"),
        ("POST", r"/2/media/metadata", "media_metadata"),
        ("POST", r"/2/tweets", "create_tweet"),
        ("DELETE", r"/2/tweets/(\d+)", "delete_tweet"),
        ("GET", r"/2/users/(\d+)/tweets", "user_tweets"),
        ("GET", r"/2/tweets", "tweets_by_ids"),
    ]
    #: non-public metrics are given for posts created within this many seconds
    NON_PUBLIC_FOR = 30 * 86400
    USER_ID = "2244994945"

    def __init__(self, api_key: str, api_secret: str, access_token: str, access_secret: str) -> None:
        super().__init__()
        self.keys = (api_key, api_secret, access_token, access_secret)
        self.media: dict[str, dict[str, Any]] = {}
        self.video_processing_polls = 1
        self.field_names = "tweet"  # or "post": see the module docstring
        # X refuses a repeat of a recent post's text (403 "duplicate content", iembot#163);
        # how far back it looks is not documented (UNVERIFIED): a day here
        self.duplicate_window = 86400.0
        self.counts: dict[str, dict[str, int]] = {}  # tweet id -> public_metrics
        self.clicks: dict[str, int] = {}  # tweet id -> url_link_clicks
        self.followers = 0

    def error_body(self, status: int, message: str) -> Any:
        return problem(status, {500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "Error"), message)

    def rate_limit_reply(self, retry_after: float) -> Reply:
        return Reply(429, problem(429, "Too Many Requests", "Too Many Requests"),
                     {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
                      "x-rate-limit-reset": str(int(time.time() + retry_after))})

    def headers_for(self, request: Recorded) -> dict[str, str]:
        return {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "99",
                "x-rate-limit-reset": str(int(time.time() + 900))}

    def authorize(self, request: Recorded) -> None:
        """Recompute the OAuth 1.0a signature exactly as X does and compare."""
        api_key, api_secret, token, token_secret = self.keys
        query = urlencode([(k, v) for k, vs in request.query.items() for v in vs])
        uri = f"{self.url}{request.path}" + (f"?{query}" if query else "")
        form = "application/x-www-form-urlencoded" in request.headers.get("content-type", "")
        body = request.body.decode() if form else None
        try:
            oauth = OAuth1Request(request.method, uri, body, {"Authorization": request.headers.get("authorization", "")})
        except Exception as exc:  # authlib raises its own errors for malformed headers
            raise FakeError(401, problem(401, "Unauthorized", f"Unauthorized: {exc}")) from None
        if oauth.client_id != api_key or oauth.token != token or oauth.signature_method != "HMAC-SHA1":
            raise FakeError(401, problem(401, "Unauthorized", "Unauthorized"))
        expected = hmac_sha1_signature(generate_signature_base_string(oauth), api_secret, token_secret)
        if expected != oauth.signature:
            raise FakeError(401, problem(401, "Unauthorized", "Unauthorized"))

    # ---- routes ---------------------------------------------------------------------------
    def users_me(self, request: Recorded) -> Reply:
        user: dict[str, Any] = {"id": self.USER_ID, "name": "Acme", "username": "acme"}
        if "public_metrics" in ",".join(request.query.get("user.fields", [])).split(","):
            user["public_metrics"] = {"followers_count": self.followers, "following_count": 3,
                                      "tweet_count": len(self.posts), "listed_count": 0}
        return Reply(200, {"data": user})

    def tweets_by_ids(self, request: Recorded) -> Reply:
        ids = ",".join(request.query.get("ids", [])).split(",")
        if not ids or len(ids) > 100:
            raise FakeError(400, problem(400, "Invalid Request", "The `ids` query parameter value [] is not valid",
                                         "https://api.x.com/2/problems/invalid-request"))
        fields = ",".join(request.query.get("tweet.fields", [])).split(",")
        data, errors = [], []
        for tweet_id in ids:
            post = self.posts.get(tweet_id)
            if post is None:
                errors.append({"value": tweet_id, "detail": f"Could not find tweet with ids: [{tweet_id}].",
                               "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                               "resource_id": tweet_id, "type": "https://api.twitter.com/2/problems/resource-not-found"})
                continue
            public = {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0,
                      "bookmark_count": 0, "impression_count": 0, **self.counts.get(tweet_id, {})}
            tweet: dict[str, Any] = {"id": tweet_id, "text": self._shown(post)[0], "edit_history_tweet_ids": [tweet_id]}
            if "public_metrics" in fields:
                tweet["public_metrics"] = public
            if "non_public_metrics" in fields:
                if post.created < self.now() - self.NON_PUBLIC_FOR:
                    errors.append({"value": tweet_id, "resource_id": tweet_id, "resource_type": "tweet",
                                   "field": "non_public_metrics.url_link_clicks", "parameter": "ids", "section": "data",
                                   "title": "Field Authorization Error",
                                   "detail": f"Sorry, you are not authorized to access 'non_public_metrics.url_link_clicks' "
                                             f"on the Tweet with ids : [{tweet_id}].",
                                   "type": "https://api.twitter.com/2/problems/not-authorized-for-field"})
                    continue
                tweet["non_public_metrics"] = {"impression_count": public["impression_count"],
                                               "url_link_clicks": self.clicks.get(tweet_id, 0),
                                               "user_profile_clicks": 0, "engagements": 0}
            data.append(tweet)
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        return Reply(200, body)

    def _new_media(self, kind: str, size: int, filename: str | None, ready: bool) -> dict[str, Any]:
        media_id = self.new_id(1880000000000000000)
        self.media[media_id] = {"id": media_id, "media_key": f"3_{media_id}", "size": size,
                                "kind": kind, "alt": None, "filename": filename,
                                "polls": 0 if ready else self.video_processing_polls, "data": b""}
        return self.media[media_id]

    def upload_simple(self, request: Recorded) -> Reply:
        parts = {p.name: p for p in request.multipart()}
        if "media" not in parts or not parts["media"].data:
            raise FakeError(400, problem(400, "Invalid Request", "media is required",
                                         "https://api.x.com/2/problems/invalid-request"))
        category = parts["media_category"].text if "media_category" in parts else "tweet_image"
        media = self._new_media(category, len(parts["media"].data), parts["media"].filename, True)
        return Reply(200, {"data": {"id": media["id"], "media_key": media["media_key"],
                                    "size": media["size"], "expires_after_secs": 86400,
                                    "image": {"image_type": parts["media"].content_type}}})

    def upload_initialize(self, request: Recorded) -> Reply:
        fields = request.json()
        media = self._new_media(fields.get("media_category", "tweet_video"),
                                int(fields.get("total_bytes", 0)), None, False)
        return Reply(200, {"data": {"id": media["id"], "media_key": media["media_key"],
                                    "expires_after_secs": 86400}})

    def _media(self, media_id: str) -> dict[str, Any]:
        if media_id not in self.media:
            raise FakeError(400, problem(400, "Invalid Request", f"Unknown media id {media_id}",
                                         "https://api.x.com/2/problems/invalid-request"))
        return self.media[media_id]

    def upload_append(self, request: Recorded, media_id: str) -> Reply:
        parts = {p.name: p for p in request.multipart()}
        self._media(media_id)["data"] += parts["media"].data
        return Reply(200, {"data": {"expires_at": int(time.time()) + 86400}})

    def upload_finalize(self, request: Recorded, media_id: str) -> Reply:
        media = self._media(media_id)
        if len(media["data"]) != media["size"]:
            raise FakeError(400, problem(400, "Invalid Request", "File size does not match total_bytes"))
        info = {"state": "pending", "check_after_secs": 1} if media["polls"] else None
        data = {"id": media_id, "media_key": media["media_key"], "size": media["size"]}
        return Reply(200, {"data": {**data, **({"processing_info": info} if info else {})}})

    def upload_status(self, request: Recorded) -> Reply:
        media = self._media(request.query.get("media_id", [""])[0])
        if media["polls"] > 0:
            media["polls"] -= 1
            info = {"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
        else:
            info = {"state": "succeeded", "progress_percent": 100}
        return Reply(200, {"data": {"id": media["id"], "media_key": media["media_key"], "processing_info": info}})

    def media_metadata(self, request: Recorded) -> Reply:
        fields = request.json()
        media = self._media(str(fields.get("id")))
        alt = fields["metadata"]["alt_text"]["text"]
        if len(alt) > 1000:
            raise FakeError(400, problem(400, "Invalid Request", "alt_text.text must be at most 1000 characters",
                                         "https://api.x.com/2/problems/invalid-request"))
        media["alt"] = alt
        return Reply(200, {"data": {"id": media["id"], "associated_metadata": {"alt_text": {"text": alt}}}})

    def create_tweet(self, request: Recorded) -> Reply:
        fields = request.json()
        text = str(fields.get("text") or "")
        media_ids = [str(m) for m in (fields.get("media") or {}).get("media_ids", [])]
        reply_to = (fields.get("reply") or {}).get("in_reply_to_tweet_id")
        self._validate(text, media_ids, reply_to)
        tweet_id = self.new_id(1990000000000000000)
        media = [{"alt": self.media[m]["alt"], "filename": self.media[m]["filename"],
                  "size": self.media[m]["size"], "type": self.media[m]["kind"]} for m in media_ids]
        keys = [self.media[m]["media_key"] for m in media_ids]
        self.posts[tweet_id] = StoredPost(tweet_id, text, reply_to, media,
                                          {**fields, "media_keys": keys}, self.now())
        return Reply(201, {"data": {"id": tweet_id, "text": self._shown(self.posts[tweet_id])[0],
                                    "edit_history_tweet_ids": [tweet_id]}})

    def _validate(self, text: str, media_ids: list[str], reply_to: str | None) -> None:
        invalid = "https://api.x.com/2/problems/invalid-request"
        if not text and not media_ids:
            raise FakeError(400, problem(400, "Invalid Request", "One or more parameters to your request was invalid.", invalid))
        if parse_tweet(text).weightedLength > 280:
            raise FakeError(400, problem(400, "Invalid Request", "Your Tweet text is too long.", invalid))
        if any(p.text == text and p.created > self.now() - self.duplicate_window for p in self.posts.values()):
            raise FakeError(403, problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."))
        for media_id in media_ids:
            if self._media(media_id)["polls"] > 0:
                raise FakeError(400, problem(400, "Invalid Request", "Your media IDs are invalid.", invalid))
        if reply_to and reply_to not in self.posts:
            raise FakeError(400, problem(400, "Invalid Request", "The Tweet you are replying to is not visible or was deleted.", invalid))

    def delete_tweet(self, request: Recorded, tweet_id: str) -> Reply:
        if tweet_id not in self.posts:
            raise FakeError(404, problem(404, "Not Found Error", f"Could not find tweet with id: [{tweet_id}].",
                                         "https://api.x.com/2/problems/resource-not-found"))
        del self.posts[tweet_id]
        self.deleted.append(tweet_id)
        return Reply(200, {"data": {"deleted": True}})

    def _shown(self, post: StoredPost) -> tuple[str, list[dict[str, Any]]]:
        """The post's text as X shows it and its `entities.urls` (with the media link)."""
        text, urls = as_shown(post.text), []
        for found in extract_urls_with_indices(post.text):
            link = "https://t.co/" + hashlib.sha1(found["url"].encode()).hexdigest()[:10]
            start = text.index(link)
            urls.append({"start": start, "end": start + len(link), "url": link,
                         "expanded_url": found["url"], "display_url": found["url"].split("://")[-1]})
        keys = post.fields.get("media_keys") or []
        if keys:
            code = hashlib.sha1(post.id.encode()).hexdigest()[:10]
            link = f"https://t.co/{code}"
            text = f"{text} {link}" if text else link
            urls.append({"start": len(text) - len(link), "end": len(text), "url": link,
                         "expanded_url": f"https://x.com/acme/status/{post.id}/photo/1",
                         "display_url": f"pic.x.com/{code}", "media_key": keys[0]})
        return text, urls

    def user_tweets(self, request: Recorded, user_id: str) -> Reply:
        param = f"{self.field_names}.fields"
        other = "post.fields" if self.field_names == "tweet" else "tweet.fields"
        if other in request.query:
            allowed = ("id,max_results,pagination_token,start_time,end_time,since_id,until_id,exclude,"
                       f"expansions,{param},user.fields,media.fields,poll.fields,place.fields")
            raise FakeError(400, {"errors": [{"parameters": {other: request.query[other]},
                                              "message": f"The query parameter [{other}] is not one of [{allowed}]"}],
                                  "title": "Invalid Request",
                                  "detail": "One or more parameters to your request was invalid.",
                                  "type": "https://api.twitter.com/2/problems/invalid-request"})
        referenced = "referenced_tweets" if self.field_names == "tweet" else "referenced_posts"
        limit = max(5, min(int(request.query.get("max_results", ["10"])[0]), 100))
        fields = ",".join(request.query.get(param, [])).split(",")
        start = request.query.get("start_time", [""])[0]
        since = datetime.fromisoformat(start.replace("Z", "+00:00")).timestamp() if start else 0.0
        tweets = []
        for post in [p for p in reversed(self.posts.values()) if p.created >= since][:limit]:
            text, urls = self._shown(post)
            tweet: dict[str, Any] = {"id": post.id, "text": text, "edit_history_tweet_ids": [post.id]}
            if "created_at" in fields:
                tweet["created_at"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(post.created))
            if referenced in fields and post.reply_to:
                tweet[referenced] = [{"type": "replied_to", "id": post.reply_to}]
            if "entities" in fields and urls:
                tweet["entities"] = {"urls": urls}
            if "attachments" in fields and post.fields.get("media_keys"):
                tweet["attachments"] = {"media_keys": list(post.fields["media_keys"])}
            tweets.append(tweet)
        if not tweets:
            return Reply(200, {"meta": {"result_count": 0}})
        return Reply(200, {"data": tweets, "meta": {"result_count": len(tweets),
                                                    "newest_id": tweets[0]["id"], "oldest_id": tweets[-1]["id"]}})
