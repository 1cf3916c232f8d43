"""Mastodon (and compatible servers): statuses with v2 media, threads, idempotency.

Channel: `instance` (the server's base URL, required), `token_env` (an access token with
`write:statuses write:media read:accounts read:statuses`), optional `visibility`.
Post options (`mastodon:`): `spoiler_text`, `visibility`, `sensitive`; `lang` becomes
`language`: an ISO 639 code, or one of the regional codes Mastodon keeps (zh-CN, zh-HK,
zh-TW, zh-YUE: LanguagesHelper::ISO_639_1_REGIONAL); for any other region the language
alone (`en-GB` -> `en`), since Mastodon drops a code it does not know.

- publish: each image/video goes to `POST /api/v2/media` with its alt text as
  `description`; a 202 (still processing) is polled with `GET /api/v1/media/:id` while it
  answers 206. Then `POST /api/v1/statuses` with `in_reply_to_id` = the part before and
  the header `Idempotency-Key` = the part's key (derived from post, channel, part and
  content): Mastodon answers a repeat within an hour with the status it already made.
- lookup: the account's statuses since the part was due (up to 200), compared by text,
  parent and number of attachments, skipping the statuses the ledger gives to other
  posts (`part.exclude`); None when the part is not among them (a re-send then carries the same
  Idempotency-Key, so even a miss within the hour cannot double-post, on a server that keeps
  the key); when 200 statuses do not reach back to the part's time it cannot say (an error).
  A part left unknown (a lookup failed) is looked up again by later runs (`looks_up`).
- delete: `DELETE /api/v1/statuses/:id?delete_media=true`; a status already gone counts
  as deleted.
- verify: `GET /api/v1/accounts/verify_credentials`. Mastodon tokens do not expire. Then
  `GET /api/v2/instance`: the instance's own limit (`configuration.statuses.max_characters`,
  500 on mastodon.social, 5,000 or more on some forks) comes back as the channel setting
  `max_length`, which `socialops doctor --write` records in socialops.yaml so lint counts
  against it offline; an instance that reserves other than 23 characters per URL is named.
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

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
from socialops.adapters.calls import Http, checked, lookup_since, parse_time

REGIONAL_LANGUAGES = {"zh-CN", "zh-HK", "zh-TW", "zh-YUE"}  # Mastodon's ISO_639_1_REGIONAL
MEDIA_WAIT = 120.0  # seconds to wait for the server to process an upload
PAGE, PAGES = 40, 5  # lookup reads at most 200 recent statuses

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_PARAGRAPH = re.compile(r"</p>\s*<p>", re.I)
_REMOTE_MENTION = re.compile(r"(?<![\w/])@(\w+)@[\w.-]+\w")
_SPACE = re.compile(r"\s+")
#: our metric -> the Status entity's field (docs: entities/Status.md)
MASTODON_COUNTS = {"likes": "favourites_count", "reposts": "reblogs_count",
                   "replies": "replies_count", "quotes": "quotes_count"}


def content_text(content: str) -> str:
    """The plain text of a status's HTML `content`, as far as it can be recovered."""
    text = _PARAGRAPH.sub("\n\n", content)
    text = _BREAK.sub("\n", text)
    return html.unescape(_TAG.sub("", text))


def comparable(text: str) -> str:
    """Text reduced to what survives Mastodon's rendering: remote mentions show only the
    local part, white space is collapsed."""
    return _SPACE.sub(" ", _REMOTE_MENTION.sub(r"@\1", text)).strip()


class MastodonAdapter:
    platform: ClassVar[str] = "mastodon"
    secret_options: ClassVar[tuple[str, ...]] = ("token_env",)
    looks_up: ClassVar[bool] = True  # a part left unknown is asked about again (selection)

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        self.channel = channel
        self.base = base_url(channel, "instance", None)
        self._token = secrets.get("token", "")
        self.http = Http(client, "Mastodon", secrets.values())
        self._account: dict[str, Any] | None = None

    def _auth(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", **extra}

    # ---- publish --------------------------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        media_ids = [self._upload(item) for item in part.media]
        response = self.http.call(
            "POST", f"{self.base}/api/v1/statuses", "create the status", sends=True,
            json=self._status(part, media_ids),
            headers=self._auth(**{"Idempotency-Key": idempotency_key(part)}))
        return self._ref(self.http.json(response, "create the status", sends=True))

    def _status(self, part: OutgoingPart, media_ids: list[str]) -> dict[str, Any]:
        options = part.options
        body: dict[str, Any] = {"status": part.text}
        if media_ids:
            body["media_ids"] = media_ids
        if part.reply_to:
            body["in_reply_to_id"] = part.reply_to.id
        visibility = options.get("visibility") or self.channel.options.get("visibility")
        if visibility:
            body["visibility"] = str(visibility)
        if options.get("spoiler_text"):
            body["spoiler_text"] = str(options["spoiler_text"])
        if "sensitive" in options:
            body["sensitive"] = bool(options["sensitive"])
        if part.lang:
            body["language"] = language(part.lang)
        return body

    def _upload(self, item: OutgoingMedia) -> str:
        what = f"upload {item.path.name}"
        data = {"description": item.alt} if item.alt else {}
        response = self.http.call("POST", f"{self.base}/api/v2/media", what,
                                  files={"file": (item.path.name, item.path.read_bytes(), item.mime)},
                                  data=data, headers=self._auth())
        media = self.http.json(response, what)
        media_id = str(media["id"])
        if response.status_code == 202 or media.get("url") is None:
            self._wait_for(media_id, what)
        return media_id

    def _wait_for(self, media_id: str, what: str) -> None:
        deadline = time.monotonic() + MEDIA_WAIT
        pause = 0.1
        while time.monotonic() < deadline:
            wait(self, pause)
            response = self.http.call("GET", f"{self.base}/api/v1/media/{media_id}", what,
                                      headers=self._auth())
            if response.status_code != 206:
                return
            pause = min(pause * 2, 2.0)
        raise self.http.error(f"could not {what}: the server was still processing it after "
                              f"{MEDIA_WAIT:.0f} s", retryable=True)

    def _ref(self, status: Mapping[str, Any]) -> PublishedRef:
        url = status.get("url") or status.get("uri")
        return PublishedRef(str(status["id"]), str(url) if url else None)

    # ---- delete, verify, lookup -----------------------------------------------------------
    def delete(self, ref: PublishedRef) -> None:
        try:
            self.http.call("DELETE", f"{self.base}/api/v1/statuses/{ref.id}", f"delete status {ref.id}",
                           params={"delete_media": "true"}, headers=self._auth())
        except PlatformError as exc:
            if exc.status != 404:
                raise

    def _me(self) -> dict[str, Any]:
        if self._account is None:
            response = self.http.call("GET", f"{self.base}/api/v1/accounts/verify_credentials",
                                      "check the access token", headers=self._auth())
            self._account = dict(self.http.json(response, "check the access token"))
        return self._account

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        account = self._me()
        host = self.base.split("://", 1)[1]
        note, settings = "Mastodon access tokens do not expire", {}
        limits = self._instance_limits()
        if limits.get("max_characters"):
            settings["max_length"] = limits["max_characters"]
            note += f"; the instance allows {limits['max_characters']} characters per post"
        per_url = limits.get("characters_reserved_per_url")
        if per_url is not None and per_url != 23:
            note += (f"; it counts each URL as {per_url} characters where lint counts 23: keep "
                     "posts with links below the limit by the difference")
        return Verification(True, f"@{account.get('acct') or account.get('username')}@{host}",
                            None, note, settings)

    def _instance_limits(self) -> dict[str, int]:
        """`configuration.statuses` of `GET /api/v2/instance` (public; {} when unreadable)."""
        try:
            response = self.http.call("GET", f"{self.base}/api/v2/instance", "read the instance's limits",
                                      headers=self._auth())
            data = self.http.json(response, "read the instance's limits")
        except PlatformError:
            return {}
        configuration = data.get("configuration") if isinstance(data, dict) else None
        statuses = configuration.get("statuses") if isinstance(configuration, dict) else None
        if not isinstance(statuses, dict):
            return {}
        return {k: v for k, v in statuses.items() if isinstance(v, int) and not isinstance(v, bool)
                and k in ("max_characters", "characters_reserved_per_url")}

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        """Reads the account's statuses newest first, back to the part's due time."""
        account_id = self._me()["id"]
        since = lookup_since(part)
        wanted = comparable(part.text)
        reply_to = str(part.reply_to.id) if part.reply_to else ""
        params = {"limit": str(PAGE)}
        for _ in range(PAGES):
            response = self.http.call("GET", f"{self.base}/api/v1/accounts/{account_id}/statuses",
                                      "read the account's recent statuses", params=params,
                                      headers=self._auth())
            page = self.http.json(response, "read the account's recent statuses")
            for status in page:
                created = parse_time(status.get("created_at"))
                if since and created and created < since:
                    return None  # older than the part: it was not sent
                if str(status.get("in_reply_to_id") or "") != reply_to or str(status.get("id")) in part.exclude:
                    continue
                if len(status.get("media_attachments") or []) != len(part.media):
                    continue
                if comparable(content_text(str(status.get("content") or ""))) == wanted:
                    return self._ref(status)
            if len(page) < PAGE:
                return None
            params = {"limit": str(PAGE), "max_id": str(page[-1]["id"])}
        raise self.http.error(f"cannot say whether the status was made: the account's last "
                              f"{PAGE * PAGES} statuses do not reach back to the part's time",
                              maybe_sent=True)


    # ---- metrics --------------------------------------------------------------------------
    metric_names: ClassVar[tuple[str, ...]] = ("likes", "reposts", "replies", "quotes")
    metrics_batch: ClassVar[int] = 20

    def metrics(self, refs: Sequence[PublishedRef], *, followers: bool) -> MetricsAnswer:
        """`GET /api/v1/statuses?id[]=...` (Mastodon 4.3+, 20 ids a call): a status that no
        longer exists (or is no longer visible to this token) is left out of the answer and
        recorded as deleted. A server older than 4.3 answers 404 there: then
        `GET /api/v1/statuses/:id` one by one (404: deleted). `quotes_count` exists from 4.5
        on; before, quotes are missing. Followers: `followers_count` of verify_credentials.
        Mastodon has no views, impressions or clicks."""
        answer = MetricsAnswer()
        ids = [ref.id for ref in refs]
        if ids:
            try:
                response = self.http.call("GET", f"{self.base}/api/v1/statuses", "read the posts' counts",
                                          params=[("id[]", i) for i in ids], headers=self._auth())
                found = {str(s.get("id")): s for s in self.http.json(response, "read the posts' counts")
                         if isinstance(s, dict)}
            except PlatformError as exc:
                if exc.status not in (404, 405):
                    raise
                found = self._statuses_one_by_one(ids)
            for status_id in ids:
                if status_id in found:
                    answer.posts[status_id] = counts(found[status_id], MASTODON_COUNTS)
                else:
                    answer.deleted.add(status_id)
        if followers:
            self._account = None  # a fresh count, not the one read when publishing
            answer.followers = counts(self._me(), {"followers": "followers_count"})["followers"]
        return answer

    def _statuses_one_by_one(self, ids: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for status_id in ids:
            try:
                response = self.http.call("GET", f"{self.base}/api/v1/statuses/{status_id}",
                                          f"read the counts of status {status_id}", headers=self._auth())
            except PlatformError as exc:
                if exc.status == 404:
                    continue
                raise
            found[status_id] = self.http.json(response, f"read the counts of status {status_id}")
        return found


def language(code: str) -> str:
    """The `language` Mastodon keeps for a BCP 47 tag (see the module docstring)."""
    primary, _, region = code.replace("_", "-").partition("-")
    regional = f"{primary.lower()}-{region.upper()}"
    return regional if regional in REGIONAL_LANGUAGES else primary.lower()


def idempotency_key(part: OutgoingPart) -> str:
    """The part's key from the engine, or one derived from the same things."""
    if part.idempotency_key:
        return part.idempotency_key
    seed = "\x1f".join([part.post_id, part.channel, str(part.index), part.text])
    return hashlib.sha256(seed.encode()).hexdigest()


ADAPTER = MastodonAdapter
