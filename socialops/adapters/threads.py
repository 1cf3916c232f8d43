"""Threads (Meta): a media container, then `threads_publish`, then the permalink.

Channel: `api` (default https://graph.threads.net), `user_id` (default `me`), `token_env`
(a long-lived token with threads_basic, threads_content_publish, threads_delete; it
lasts 60 days: set `expires: YYYY-MM-DD` so doctor can warn), `media_base_url` (needed
for media: the public URL prefix where the repository's files are served, because Meta
fetches media from a URL, e.g. https://raw.githubusercontent.com/acme/social/main/).
Post options (`threads:`): `topic_tag`, `link_attachment`.

- publish: `POST /v1.0/{user}/threads` makes a container (TEXT; IMAGE or VIDEO with
  `alt_text`; a CAROUSEL of item containers for several media; `reply_to_id` = the part
  before). Meta advises waiting before publishing any container, text ones included
  (Threads API, "Publishing": "wait on average 30 seconds before publishing"; the
  container's `status` says when it is ready): every container is polled until FINISHED
  rather than slept on, then
  `POST /v1.0/{user}/threads_publish creation_id=...` publishes it and
  `GET /v1.0/{id}?fields=permalink` gives the URL. An unpublished container is harmless.
- lookup: the account's threads (or replies, for later parts) since the part was due,
  compared by text and parent. Reading replies (`/me/replies`) needs the
  `threads_read_replies` permission: without it a later part that timed out stays unknown
  (the error names the permission), and doctor says it is missing.
- delete: `DELETE /v1.0/{id}`; a post already gone counts as deleted.
- verify: `GET /v1.0/me?fields=id,username`, then one reply read to see whether
  `threads_read_replies` is granted.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

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
from socialops.adapters.calls import Http, checked, expires_option, lookup_since, parse_time

VERSION = "v1.0"
CONTAINER_WAIT = 300.0
RECENT = 100
RATE_LIMIT_CODES = {4, 17, 32, 613}
PERMISSION_CODES = {10, 200}  # Graph API: "(#10) Application does not have permission ..."
#: the post insights socialops reads; Meta's names are ours (Threads Insights API)
THREADS_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")


def _insight_values(data: Any) -> dict[str, Any]:
    """Meta's insight list as name -> number: `values[0].value` (a post's lifetime metrics)
    or `total_value.value` (an account's totals)."""
    found: dict[str, Any] = {}
    for item in data.get("data") or [] if isinstance(data, dict) else []:
        if not isinstance(item, dict):
            continue
        values = item.get("values")
        if isinstance(values, list) and values and isinstance(values[0], dict):
            found[str(item.get("name"))] = values[0].get("value")
        elif isinstance(item.get("total_value"), dict):
            found[str(item.get("name"))] = item["total_value"].get("value")
    return found


def describe(body: Any, response: httpx.Response) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        text = str(error.get("error_user_msg") or error.get("message") or response.reason_phrase)
        return text + (f" (code {error['code']})" if error.get("code") is not None else "")
    return str(body).strip()[:300] or response.reason_phrase


def rate_limited(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and error.get("code") in RATE_LIMIT_CODES


class ThreadsAdapter:
    platform: ClassVar[str] = "threads"
    secret_options: ClassVar[tuple[str, ...]] = ("token_env",)

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        self.channel = channel
        self.root = root
        self.base = base_url(channel, "api", "https://graph.threads.net") + f"/{VERSION}"
        self.user = str(channel.options.get("user_id") or "me")
        self.media_base = str(channel.options.get("media_base_url") or "")
        self.expires = expires_option(channel)
        self._token = secrets.get("token", "")
        self.http = Http(client, "Threads", secrets.values(), describe, rate_limited,
                         lookup_creates=True)

    def _call(self, method: str, path: str, what: str, *, sends: bool = False, **kwargs: Any) -> Any:
        response = self.http.call(method, f"{self.base}{path}", what, sends=sends,
                                  headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
        return self.http.json(response, what, sends=sends)

    # ---- publish --------------------------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        container = self._container(part)
        data = self._call("POST", f"/{self.user}/threads_publish", "publish the post", sends=True,
                          data={"creation_id": container})
        media_id = str(data["id"])
        return PublishedRef(media_id, self._permalink(media_id))

    def _container(self, part: OutgoingPart) -> str:
        fields: dict[str, str] = {"text": part.text}
        if part.reply_to:
            fields["reply_to_id"] = part.reply_to.id
        for option in ("topic_tag", "link_attachment"):
            if part.options.get(option):
                fields[option] = str(part.options[option])
        if not part.media:
            return self._create({"media_type": "TEXT", **fields}, wait=True)
        if len(part.media) == 1:
            return self._create({**self._media_fields(part.media[0]), **fields}, wait=True)
        children = [self._create({**self._media_fields(m), "is_carousel_item": "true"}, wait=True)
                    for m in part.media]
        return self._create({"media_type": "CAROUSEL", "children": ",".join(children), **fields},
                            wait=True)

    def _media_fields(self, item: OutgoingMedia) -> dict[str, str]:
        if not self.media_base:
            raise self.http.error(
                f"cannot send {item.path.name}: Threads fetches media from a public URL; set "
                f"`media_base_url:` on channel '{self.channel.name}' to where this repository's "
                "files are served (e.g. https://raw.githubusercontent.com/ORG/REPO/main/)")
        try:
            rel = item.path.relative_to(self.root).as_posix()
        except ValueError:
            rel = item.path.name
        url = self.media_base.rstrip("/") + "/" + quote(rel)
        kind = "VIDEO" if item.mime.startswith("video/") else "IMAGE"
        fields = {"media_type": kind, f"{kind.lower()}_url": url}
        if item.alt:
            fields["alt_text"] = item.alt
        return fields

    def _create(self, fields: dict[str, str], *, wait: bool) -> str:
        data = self._call("POST", f"/{self.user}/threads", "create the post's container", data=fields)
        container = str(data["id"])
        if wait:
            self._wait_for(container)
        return container

    def _wait_for(self, container: str) -> None:
        deadline = time.monotonic() + CONTAINER_WAIT
        pause = 0.2
        while True:
            data = self._call("GET", f"/{container}", "check the container",
                              params={"fields": "status,error_message"})
            status = str(data.get("status") or "")
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status in ("ERROR", "EXPIRED"):
                raise self.http.error(f"Meta could not use the media ({status}: "
                                      f"{data.get('error_message') or 'no reason given'}); check "
                                      "that media_base_url serves the file publicly")
            if time.monotonic() > deadline:
                raise self.http.error(f"the media was still processing after {CONTAINER_WAIT:.0f} s",
                                      retryable=True)
            wait(self, pause)
            pause = min(pause * 2, 5.0)

    def _permalink(self, media_id: str) -> str | None:
        try:
            data = self._call("GET", f"/{media_id}", "read the permalink", params={"fields": "permalink"})
        except PlatformError:
            return None  # the post exists; only its URL is unknown
        return str(data["permalink"]) if data.get("permalink") else None

    # ---- delete, verify, lookup -----------------------------------------------------------
    def delete(self, ref: PublishedRef) -> None:
        try:
            self._call("DELETE", f"/{ref.id}", f"delete post {ref.id}")
        except PlatformError as exc:
            if "does not exist" not in exc.message:
                raise

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        data = self._call("GET", "/me", "check the access token", params={"fields": "id,username"})
        note = ("Threads tokens last 60 days; refresh them with th_refresh_token" if self.expires else
                "Threads tokens last 60 days; set `expires: YYYY-MM-DD` on the channel so doctor "
                "can warn before it runs out")
        try:
            self._call("GET", f"/{self.user}/replies", "read the account's replies",
                       params={"fields": "id", "limit": "1"})
        except PlatformError as exc:
            if not _refused(exc):
                raise
            note += ("; the token lacks `threads_read_replies`: a thread's later part whose answer "
                     "was lost cannot be looked up and stays unknown until `socialops resolve`")
        return Verification(True, f"@{data.get('username')}", self.expires, note)

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        edge = "replies" if part.reply_to else "threads"
        params = {"fields": "id,text,permalink,timestamp,replied_to", "limit": str(RECENT)}
        since = lookup_since(part)
        if since:
            params["since"] = str(int(since.timestamp()))
        try:
            data = self._call("GET", f"/{self.user}/{edge}", "read the account's recent posts",
                              params=params)
        except PlatformError as exc:
            if edge == "replies" and _refused(exc):
                raise self.http.error(
                    "cannot check whether a reply arrived: reading replies needs the "
                    f"`threads_read_replies` permission ({exc.message.removeprefix('Threads: ')}); "
                    "add it to the token, or look at the thread and run `socialops resolve`",
                    maybe_sent=True, status=exc.status) from None
            raise
        for thread in data.get("data") or []:
            created = parse_time(thread.get("timestamp"))
            if since and created and created < since:
                continue
            parent = (thread.get("replied_to") or {}).get("id")
            if part.reply_to and parent and parent != part.reply_to.id:
                continue
            if str(thread.get("id")) in part.exclude:
                continue
            if str(thread.get("text") or "").strip() == part.text.strip():
                return PublishedRef(str(thread["id"]), thread.get("permalink"))
        return None

    # ---- metrics --------------------------------------------------------------------------
    metric_names: ClassVar[tuple[str, ...]] = ("likes", "reposts", "replies", "quotes", "shares", "views")
    metrics_batch: ClassVar[int] = 1

    def metrics(self, refs: Sequence[PublishedRef], *, followers: bool) -> MetricsAnswer:
        """One call per post, `GET /{media-id}/insights?metric=views,likes,replies,reposts,quotes,shares`
        (the token needs threads_manage_insights); a post that no longer exists is answered
        with Meta's "does not exist" error (code 100): recorded as deleted. Followers:
        `GET /{user-id}/threads_insights?metric=followers_count`. An expired token (Meta's
        code 190, 60 days after it was last refreshed) fails the channel as a 401."""
        answer = MetricsAnswer()
        for ref in refs:
            try:
                data = self._insights(f"/{ref.id}/insights", ",".join(THREADS_METRICS))
            except PlatformError as exc:
                if "does not exist" in exc.message:
                    answer.deleted.add(ref.id)
                    continue
                raise
            values = _insight_values(data)
            answer.posts[ref.id] = counts(values, {m: m for m in THREADS_METRICS})
        if followers:
            values = _insight_values(self._insights(f"/{self.user}/threads_insights", "followers_count"))
            answer.followers = counts(values, {"followers": "followers_count"})["followers"]
        return answer

    def _insights(self, path: str, metric: str) -> Any:
        try:
            return self._call("GET", path, "read the insights", params={"metric": metric})
        except PlatformError as exc:
            if "(code 190)" in exc.message:  # Meta's OAuthException: the token expired or was revoked
                raise PlatformError(exc.message, status=401) from None
            raise


def _refused(exc: PlatformError) -> bool:
    """A Graph API permission error (code 10 or 200; HTTP 400 or 403)."""
    return exc.status in (400, 403) and any(f"(code {code})" in exc.message for code in PERMISSION_CODES)


ADAPTER = ThreadsAdapter
