"""LinkedIn (versioned Posts API).

Channel: `api` (default https://api.linkedin.com), `token_env` (an access token with
`w_member_social` or `w_organization_social`; add `r_organization_social` so socialops can
look a page's posts up after a timeout), `author` (`urn:li:organization:123` or
`urn:li:person:...`; without it, the token's own member from /v2/userinfo, which needs the
`openid` and `profile` scopes), `version` (the LinkedIn-Version, YYYYMM; LinkedIn retires
each version after about a year), `expires` (YYYY-MM-DD: LinkedIn tokens last 60 days and
the API does not say when).
Post options (`linkedin:`): `visibility` (PUBLIC, CONNECTIONS, LOGGED_IN).

Permissions (learn.microsoft.com, LinkedIn Posts API, "Permissions"): w_organization_social
posts for a page, r_organization_social reads its posts, w_member_social posts for the
member, r_member_social (restricted, private) reads the member's posts.

- publish: images go through `POST /rest/images?action=initializeUpload` and a PUT to the
  upload URL, then `POST /rest/posts` with `content.media` (one image) or
  `content.multiImage` (several), each with `altText`. The post's urn comes back in the
  `x-restli-id` header. The text is sent as rendered (already escaped for LinkedIn's
  little text format). LinkedIn has no threads and no video upload here.
- lookup: the author's posts, newest first (`GET /rest/posts?author=...&q=author`, the
  "Find Posts by Authors" finder, `X-RestLi-Method: FINDER`), created since the part was
  due, compared by commentary. A token without the read permission cannot look: the part
  stays unknown until `socialops resolve`, and the error names the missing scope.
- delete: `DELETE /rest/posts/{urn}` (204); a post already gone counts as deleted.
- verify: for a channel with `author:`, a call the posting permission allows
  (`initializeUpload` with the author as owner: it only reserves an upload URL that
  expires unused), then the finder (is the read permission there for lookups?); without
  `author:`, `GET /v2/userinfo`. A refusal names the scope that is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import httpx

from socialops.adapters.base import (
    MetricsAnswer,
    OutgoingMedia,
    OutgoingPart,
    PlatformError,
    PublishedRef,
    Verification,
    base_url,
    check_url,
    counts,
)
from socialops.adapters.calls import Http, checked, expires_option, lookup_since

VERSION = "202610"
#: our metric -> totalShareStatistics field (Community Management API, share statistics)
LINKEDIN_COUNTS = {"likes": "likeCount", "reposts": "shareCount", "replies": "commentCount",
                   "views": "impressionCount", "clicks": "clickCount"}
RECENT = 50


def _is_organization(urn: str) -> bool:
    return urn.startswith("urn:li:organization:")


def write_scope(author: str) -> str:
    return "w_organization_social" if _is_organization(author) else "w_member_social"


def read_scope(author: str) -> str:
    return "r_organization_social" if _is_organization(author) else "r_member_social (restricted)"


class LinkedInAdapter:
    platform: ClassVar[str] = "linkedin"
    secret_options: ClassVar[tuple[str, ...]] = ("token_env",)

    def __init__(self, channel: Any, client: httpx.Client, secrets: Mapping[str, str], root: Path) -> None:
        self.channel = channel
        self.base = base_url(channel, "api", "https://api.linkedin.com")
        self.version = str(channel.options.get("version") or VERSION)
        self.expires = expires_option(channel)
        self._token = secrets.get("token", "")
        self.http = Http(client, "LinkedIn", secrets.values(), lookup_creates=True)
        self._author = str(channel.options["author"]) if channel.options.get("author") else None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", "LinkedIn-Version": self.version,
                "X-Restli-Protocol-Version": "2.0.0"}

    def _call(self, method: str, path: str, what: str, *, sends: bool = False,
              headers_extra: Mapping[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.call(method, f"{self.base}{path}", what, sends=sends,
                                  headers={**self._headers(), **(headers_extra or {})}, **kwargs)
        except PlatformError as exc:
            if exc.status == 426:
                raise self.http.error(
                    f"could not {what}: LinkedIn no longer serves API version {self.version}; set "
                    f"`version:` on channel '{self.channel.name}' to a recent month (YYYYMM)",
                    status=426) from None
            raise

    def author(self) -> str:
        if self._author is None:
            sub = self._userinfo("read the token's member")["sub"]
            self._author = f"urn:li:person:{sub}"
        return self._author

    def _userinfo(self, what: str) -> dict[str, Any]:
        """The token's member (`GET /v2/userinfo`, which needs `openid` and `profile`)."""
        try:
            response = self.http.call("GET", f"{self.base}/v2/userinfo", what,
                                      headers={"Authorization": f"Bearer {self._token}"})
        except PlatformError as exc:
            if exc.status == 403:
                raise self.http.error(
                    f"{exc.message.removeprefix('LinkedIn: ')}; /v2/userinfo needs the `openid` and "
                    f"`profile` scopes: set `author:` on channel '{self.channel.name}' "
                    "(urn:li:organization:ID for a page, urn:li:person:ID for a member) or add "
                    "those scopes to the token", status=exc.status) from None
            raise
        info = self.http.json(response, what)
        if not isinstance(info, dict) or not info.get("sub"):
            raise self.http.error(f"could not {what}: /v2/userinfo gave no `sub`")
        return info

    def _refused(self, exc: PlatformError, scope: str) -> PlatformError:
        """A 403 said the way LinkedIn means it: the token lacks `scope` (or, for a page, its
        member lacks a page role that allows the call)."""
        said = exc.message.removeprefix("LinkedIn: ").removesuffix(" (check the channel's credentials)")
        role = (", or its member lacks a page role allowing it (ADMINISTRATOR, CONTENT_ADMIN or "
                "DIRECT_SPONSORED_CONTENT_POSTER)") if "organization" in scope else ""
        return self.http.error(f"{said}: the token lacks the `{scope}` scope{role}", status=exc.status)

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
        try:
            response = self._call("POST", "/rest/posts", "create the post", sends=True, json=body)
        except PlatformError as exc:
            if exc.status == 403:
                raise self._refused(exc, write_scope(body["author"])) from None
            raise
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
        try:
            response = self._call("POST", "/rest/images", what, params={"action": "initializeUpload"},
                                  json={"initializeUploadRequest": {"owner": self.author()}})
        except PlatformError as exc:
            if exc.status == 403:
                raise self._refused(exc, write_scope(self.author())) from None
            raise
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
        note = ("LinkedIn tokens last 60 days" if self.expires else
                "LinkedIn tokens last 60 days; set `expires: YYYY-MM-DD` on the channel so "
                "doctor can warn before it runs out")
        if self._author is None:  # the member behind the token: /v2/userinfo
            info = self._userinfo("check the access token")
            self._author = f"urn:li:person:{info['sub']}"
            who = str(info.get("name") or info["sub"])
        else:
            who = self._author
            try:  # what publishing needs: the author may post (only reserves an upload URL)
                self._call("POST", "/rest/images", "check the access token",
                           params={"action": "initializeUpload"},
                           json={"initializeUploadRequest": {"owner": self._author}})
            except PlatformError as exc:
                if exc.status == 403:
                    raise self._refused(exc, write_scope(self._author)) from None
                raise
        try:
            self._recent(self.author(), 1)
        except PlatformError as exc:
            if exc.status != 403:
                raise
            note += (f"; lookups are off: the token lacks `{read_scope(self.author())}`, so a post "
                     "whose answer was lost stays unknown until `socialops resolve`")
        return Verification(True, who, self.expires, note)

    def _recent(self, author: str, count: int) -> list[Any]:
        """The author's posts, newest first (the Posts API's "Find Posts by Authors")."""
        query = f"author={quote(author, safe='')}&q=author&count={count}&sortBy=LAST_MODIFIED"
        response = self._call("GET", f"/rest/posts?{query}", "read the author's recent posts",
                              headers_extra={"X-RestLi-Method": "FINDER"})
        elements = self.http.json(response, "read the author's recent posts").get("elements")
        return list(elements) if isinstance(elements, list) else []

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        author = self.author()
        try:
            posts = self._recent(author, RECENT)
        except PlatformError as exc:
            if exc.status == 403:
                raise self.http.error(
                    f"cannot check whether a post arrived: the token lacks `{read_scope(author)}` "
                    f"({exc.message.removeprefix('LinkedIn: ')}); add it to the token, or look at "
                    "the page and run `socialops resolve`", maybe_sent=True, status=403) from None
            raise
        since = lookup_since(part)
        wanted = " ".join(part.text.split())
        for post in posts:
            if not isinstance(post, dict) or post.get("lifecycleState") not in (None, "PUBLISHED"):
                continue
            created = post.get("createdAt") or post.get("publishedAt")
            if since and isinstance(created, int | float) and created / 1000 < since.timestamp():
                continue
            if " ".join(str(post.get("commentary") or "").split()) == wanted and post.get("id"):
                urn = str(post["id"])
                return PublishedRef(urn, f"https://www.linkedin.com/feed/update/{urn}/")
        return None

    # ---- metrics --------------------------------------------------------------------------
    metric_names: ClassVar[tuple[str, ...]] = ("likes", "reposts", "replies", "views", "clicks")
    metrics_batch: ClassVar[int] = 20

    def metrics(self, refs: Sequence[PublishedRef], *, followers: bool) -> MetricsAnswer:
        """Company pages (`author: urn:li:organization:...`, a token of a page ADMINISTRATOR
        with rw_organization_admin): lifetime totals from
        `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&...&shares=List(...)`
        (`ugcPosts=List(...)` for ugcPost urns): likes, reposts (shareCount), replies
        (commentCount), views (impressionCount), clicks (clickCount); LinkedIn keeps them
        for 12 months. Followers: `GET /rest/networkSizes/{org}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`.
        A post missing from the statistics is looked up with `GET /rest/posts/{urn}`: 404
        means deleted. A member's own posts (`urn:li:person:...`) have no counts here: the
        member analytics API is open to approved partners only, so they are recorded as
        missing (deleted posts are still found)."""
        answer = MetricsAnswer()
        urns = [ref.id for ref in refs]
        author = self.author()
        stats: dict[str, dict[str, int | None]] = {}
        if urns and author.startswith("urn:li:organization:"):
            stats = self._share_statistics(author, urns)
        for urn in urns:
            if urn in stats:
                answer.posts[urn] = stats[urn]
            elif self._post_exists(urn):
                answer.posts[urn] = dict.fromkeys(self.metric_names)
            else:
                answer.deleted.add(urn)
        if followers and author.startswith("urn:li:organization:"):
            response = self._call("GET", f"/rest/networkSizes/{quote(author, safe='')}",
                                  "read the page's followers",
                                  params={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"})
            size = self.http.json(response, "read the page's followers")
            answer.followers = counts(size, {"followers": "firstDegreeSize"})["followers"]
        return answer

    def metrics_note(self) -> str | None:
        """What `metrics collect` says about this channel: a member's own posts get no counts."""
        if self.author().startswith("urn:li:organization:"):
            return None
        return (f"LinkedIn gives analytics of a member's own (personal) posts to approved partners only "
                f"(memberCreatorPostAnalytics, r_member_postAnalytics; followers: r_member_profileAnalytics): "
                f"channel '{self.channel.name}' posts as {self.author()}, so its posts' counts are recorded "
                f"as missing (never 0) and it has no follower count; deleted posts are still found. "
                f"A company page (author: urn:li:organization:...) has counts")

    def _share_statistics(self, org: str, urns: list[str]) -> dict[str, dict[str, int | None]]:
        def listed(kind: str) -> str:
            chosen = [quote(u, safe="") for u in urns if u.startswith(f"urn:li:{kind}:")]
            return f"&{kind}s=List({','.join(chosen)})" if chosen else ""

        query = (f"q=organizationalEntity&organizationalEntity={quote(org, safe='')}"
                 f"{listed('share')}{listed('ugcPost')}")
        response = self._call("GET", f"/rest/organizationalEntityShareStatistics?{query}",
                              "read the posts' statistics")
        found: dict[str, dict[str, int | None]] = {}
        for element in self.http.json(response, "read the posts' statistics").get("elements") or []:
            urn = element.get("share") or element.get("ugcPost")
            if urn:
                found[str(urn)] = counts(element.get("totalShareStatistics"), LINKEDIN_COUNTS)
        return found

    def _post_exists(self, urn: str) -> bool:
        try:
            self._call("GET", f"/rest/posts/{quote(urn, safe='')}", f"read post {urn}")
        except PlatformError as exc:
            if exc.status == 404:
                return False
            raise
        return True


ADAPTER = LinkedInAdapter
