"""LinkedIn (versioned Posts API).

Channel: `api` (default https://api.linkedin.com), `token_env` (an access token with
`w_member_social` or `w_organization_social`), `author` (`urn:li:organization:123` or
`urn:li:person:...`; without it, the token's own member from /v2/userinfo), `version`
(the LinkedIn-Version, YYYYMM; LinkedIn retires each version after about a year),
`expires` (YYYY-MM-DD: LinkedIn tokens last 60 days and the API does not say when).
Post options (`linkedin:`): `visibility` (PUBLIC, CONNECTIONS, LOGGED_IN).

- publish: images go through `POST /rest/images?action=initializeUpload` and a PUT to the
  upload URL, then `POST /rest/posts` with `content.media` (one image) or
  `content.multiImage` (several), each with `altText`. The post's urn comes back in the
  `x-restli-id` header. The text is sent as rendered (already escaped for LinkedIn's
  little text format). LinkedIn has no threads and no video upload here.
- lookup: impossible (no search of one's own posts); raises `maybe_sent`.
- delete: `DELETE /rest/posts/{urn}` (204); a post already gone counts as deleted.
- verify: `GET /v2/userinfo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import httpx

from socialops.adapters.base import (
    OutgoingMedia,
    OutgoingPart,
    PlatformError,
    PublishedRef,
    Verification,
    base_url,
    check_url,
)
from socialops.adapters.calls import Http, checked, expires_option

VERSION = "202610"


class LinkedInAdapter:
    platform: ClassVar[str] = "linkedin"
    secret_options: ClassVar[tuple[str, ...]] = ("token_env",)

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        self.channel = channel
        self.base = base_url(channel, "api", "https://api.linkedin.com")
        self.version = str(channel.options.get("version") or VERSION)
        self.expires = expires_option(channel)
        self._token = secrets.get("token", "")
        self.http = Http(client, "LinkedIn", secrets.values())
        self._author = str(channel.options["author"]) if channel.options.get("author") else None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", "LinkedIn-Version": self.version,
                "X-Restli-Protocol-Version": "2.0.0"}

    def _call(self, method: str, path: str, what: str, *, sends: bool = False, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.call(method, f"{self.base}{path}", what, sends=sends,
                                  headers=self._headers(), **kwargs)
        except PlatformError as exc:
            if exc.status == 426:
                raise self.http.error(
                    f"could not {what}: LinkedIn no longer serves API version {self.version}; set "
                    f"`version:` on channel '{self.channel.name}' to a recent month (YYYYMM)",
                    status=426) from None
            raise

    def author(self) -> str:
        if self._author is None:
            response = self.http.call("GET", f"{self.base}/v2/userinfo", "read the token's member",
                                      headers={"Authorization": f"Bearer {self._token}"})
            self._author = f"urn:li:person:{self.http.json(response, 'read the token member')['sub']}"
        return self._author

    # ---- publish --------------------------------------------------------------------------
    def publish(self, part: OutgoingPart) -> PublishedRef:
        if part.index > 0 or part.reply_to:
            raise self.http.error(f"LinkedIn has no threads: post '{part.post_id}' has "
                                  f"{part.index + 1} parts; give channel '{part.channel}' a variant "
                                  "without `---` separators")
        body: dict[str, Any] = {
            "author": self.author(), "commentary": part.text,
            "visibility": str(part.options.get("visibility") or "PUBLIC"),
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
        images = [{"id": self._upload(item), "altText": item.alt or ""} for item in part.media]
        if len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        response = self._call("POST", "/rest/posts", "create the post", sends=True, json=body)
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
        if not urn:
            raise self.http.error("created the post but LinkedIn sent no x-restli-id; "
                                  "the post exists, find it on the page", maybe_sent=True)
        return PublishedRef(urn, f"https://www.linkedin.com/feed/update/{urn}/")

    def _upload(self, item: OutgoingMedia) -> str:
        what = f"upload {item.path.name}"
        if not item.mime.startswith("image/"):
            raise self.http.error(f"could not {what}: socialops sends only images to LinkedIn "
                                  f"(not {item.mime})")
        response = self._call("POST", "/rest/images", what, params={"action": "initializeUpload"},
                              json={"initializeUploadRequest": {"owner": self.author()}})
        value = self.http.json(response, what)["value"]
        upload_url = str(value["uploadUrl"])
        check_url(upload_url, "LinkedIn's upload URL", PlatformError)
        headers = {"Content-Type": item.mime}
        if self._same_service(upload_url):
            headers["Authorization"] = f"Bearer {self._token}"
        self.http.call("PUT", upload_url, what, content=item.path.read_bytes(), headers=headers)
        return str(value["image"])

    def _same_service(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return host == urlsplit(self.base).hostname or host.endswith(".linkedin.com")

    # ---- delete, verify, lookup -----------------------------------------------------------
    def delete(self, ref: PublishedRef) -> None:
        try:
            self._call("DELETE", f"/rest/posts/{quote(ref.id, safe='')}", f"delete post {ref.id}")
        except PlatformError as exc:
            if exc.status != 404:
                raise

    def verify(self) -> Verification:
        return checked(self._verify)

    def _verify(self) -> Verification:
        response = self.http.call("GET", f"{self.base}/v2/userinfo", "check the access token",
                                  headers={"Authorization": f"Bearer {self._token}"})
        info = self.http.json(response, "check the access token")
        who = str(info.get("name") or info.get("sub"))
        note = ("LinkedIn tokens last 60 days" if self.expires else
                "LinkedIn tokens last 60 days; set `expires: YYYY-MM-DD` on the channel so "
                "doctor can warn before it runs out")
        return Verification(True, who, self.expires, note)

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        raise self.http.error("cannot check whether a post arrived: LinkedIn offers no search "
                              "of an author's recent posts; look at the page and run "
                              "`socialops resolve`", maybe_sent=True)


ADAPTER = LinkedInAdapter
