"""Bluesky: posts are `app.bsky.feed.post` records written to the account's PDS.

Channel options: `pds` (default https://bsky.social; plain http only on loopback),
`handle`, `password_env` (an app password). Post options (the post's `bluesky:` block):
`langs`, `link_card` (a URL or {uri, title, description, thumb}); `facets` when given,
else the facets socialops.platforms.bluesky finds in the text, as render shows them. The adapter logs in only when it has
something to publish, delete or look up (Bluesky allows 30 logins in 5 minutes, 300 a
day) and keeps the session for the rest of the process, refreshing it when it expires.

Exactly once: each part gets a deterministic record key (see bluesky_records), so a
repeated create is refused by the server. After any create that failed or may have
reached the server, the adapter reads the record back by that key: if it is there, the
part is published; if not, nothing was created and trying again is safe.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx

from socialops.adapters import bluesky_records as records
from socialops.adapters.base import (
    MetricsAnswer,
    OutgoingPart,
    PlatformError,
    PublishedRef,
    Verification,
    base_url,
    counts,
)
from socialops.adapters.bluesky_xrpc import BlueskyError, Xrpc, field
from socialops.model import Channel

DEFAULT_PDS = "https://bsky.social"
DEFAULT_APPVIEW = "https://public.api.bsky.app"
#: our metric -> the AppView's PostView field (lexicon app.bsky.feed.defs#postView)
BLUESKY_COUNTS = {"likes": "likeCount", "reposts": "repostCount", "replies": "replyCount",
                  "quotes": "quoteCount", "bookmarks": "bookmarkCount"}


class BlueskyAdapter:
    platform: ClassVar[str] = "bluesky"
    secret_options: ClassVar[tuple[str, ...]] = ("password_env",)
    looks_up: ClassVar[bool] = True  # by the record key: a part left unknown is asked again
    exact_lookup: ClassVar[bool] = True  # found by a key derived from the part, not by text

    def __init__(self, channel: Channel, client: httpx.Client, secrets: Mapping[str, str],
                 root: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.channel = channel
        self.root = root
        self._clock = clock or (lambda: datetime.now(UTC))
        self._handles: dict[str, str | None] = {}
        self.pds = base_url(channel, "pds", DEFAULT_PDS)  # https, or http on loopback
        self.handle = str(channel.options.get("handle") or "").removeprefix("@")
        self.appview = Xrpc(client, base_url(channel, "appview", DEFAULT_APPVIEW),
                            channel_name=channel.name, handle="", password="",
                            password_env="password_env")
        self.xrpc = Xrpc(client, self.pds, channel_name=channel.name,
                         handle=str(channel.options.get("handle") or "").removeprefix("@"),
                         password=secrets.get("password", ""),
                         password_env=str(channel.options.get("password_env") or "password_env"))

    # ---- the interface --------------------------------------------------------------

    def publish(self, part: OutgoingPart) -> PublishedRef:
        rkey = records.record_key(part)
        card = records.link_card(part.options) if part.index == 0 else None
        images = records.check_media(part, self.root, with_card=card is not None)
        session = self.xrpc.session()
        record = records.post_record(
            part, self._clock(), facets=self._facets(part),
            reply=self._reply(part), embed=self._embed(images, card))
        body = {"repo": session.did, "collection": records.POST, "rkey": rkey, "record": record}
        try:
            answer = self.xrpc.authed("POST", "com.atproto.repo.createRecord",
                                      "create the post", json=body, sends=True)
        except PlatformError as failed:
            return self._settle(part, session.did, rkey, failed)
        return self._ref(session.did, rkey, field(answer, "cid"))

    def lookup(self, part: OutgoingPart) -> PublishedRef | None:
        rkey = records.record_key(part)
        did = self.xrpc.session().did
        found = self._get_record(did, records.POST, rkey)
        if found is None:
            return None
        self._check_same(part, found, rkey)
        return self._ref(did, rkey, field(found, "cid"))

    def delete(self, ref: PublishedRef) -> None:
        did, collection, rkey = records.parse_at_uri(ref.id)
        self.xrpc.authed("POST", "com.atproto.repo.deleteRecord", "delete the post",
                         json={"repo": did, "collection": collection, "rkey": rkey})

    def verify(self) -> Verification:
        try:
            session = self.xrpc.session()
            data = self.xrpc.authed("GET", "com.atproto.server.getSession", "check the session")
        except PlatformError as exc:
            return Verification(ok=False, message=exc.message)
        handle = str(data.get("handle") or session.handle)
        return Verification(ok=True, account=f"@{handle} ({session.did})",
                            message=f"logged in to {self.pds}")

    # ---- publishing -----------------------------------------------------------------

    def _settle(self, part: OutgoingPart, did: str, rkey: str,
                failed: PlatformError) -> PublishedRef:
        """After a create that failed: the record is there (published) or it is not."""
        uncertain = failed.maybe_sent or (failed.status or 0) >= 500
        try:
            found = self._get_record(did, records.POST, rkey)
        except PlatformError as check:
            if not uncertain:
                raise failed from None
            raise PlatformError(
                f"{failed.message}; the post may have been created, and checking for it failed: "
                f"{check.message}", maybe_sent=True, status=failed.status) from None
        if found is not None:
            self._check_same(part, found, rkey)
            return self._ref(did, rkey, field(found, "cid"))
        if uncertain:
            raise PlatformError(f"{failed.message}; no post was created (checked by its record "
                                f"key {rkey}), so it is safe to try again", retryable=True,
                                status=failed.status)
        raise failed

    def _check_same(self, part: OutgoingPart, found: Mapping[str, Any], rkey: str) -> None:
        value = found.get("value")
        stored = value.get("text") if isinstance(value, Mapping) else None
        if stored != part.text:
            raise PlatformError(f"record key {rkey} of post '{part.post_id}' part "
                                f"{part.index + 1} already holds a different post on {self.pds}; "
                                "check the account and settle it with `socialops resolve`")

    def _ref(self, did: str, rkey: str, cid: str) -> PublishedRef:
        return PublishedRef(id=f"at://{did}/{records.POST}/{rkey}",
                            url=f"https://bsky.app/profile/{did}/post/{rkey}",
                            extra={"cid": cid, "rkey": rkey, "did": did})

    def _facets(self, part: OutgoingPart) -> list[dict[str, Any]]:
        """The part's facets (as rendered, or found in its text the same way) with mentions
        resolved to DIDs; a mention that does not resolve loses its facet (the text stays)."""
        facets = part.options.get("facets")
        if facets is None:
            from socialops.platforms import bluesky

            facets = bluesky.facets(part.text)
        kept = []
        for facet in facets:
            features = []
            for feature in facet.get("features") or []:
                if feature.get("$type") == records.MENTION and not feature.get("did"):
                    did = self._resolve(str(feature.get("handle") or ""))
                    if did is None:
                        continue
                    feature = {"$type": records.MENTION, "did": did}
                features.append(dict(feature))
            if features:
                kept.append({"index": dict(facet["index"]), "features": features})
        return kept

    def _resolve(self, handle: str) -> str | None:
        handle = handle.removeprefix("@").lower()
        if handle not in self._handles:
            try:
                data = self.xrpc.call("GET", "com.atproto.identity.resolveHandle",
                                      f"resolve the handle @{handle}", params={"handle": handle})
                self._handles[handle] = field(data, "did")
            except BlueskyError as exc:
                if exc.status != 400:
                    raise
                self._handles[handle] = None
        return self._handles[handle]

    def _reply(self, part: OutgoingPart) -> dict[str, Any] | None:
        if part.reply_to is None:
            return None
        parent = self._strong_ref(part.reply_to)
        root = self._strong_ref(part.root) if part.root is not None else parent
        return {"root": root, "parent": parent}

    def _strong_ref(self, ref: PublishedRef) -> dict[str, str]:
        cid = ref.extra.get("cid")
        if not cid:
            did, collection, rkey = records.parse_at_uri(ref.id)
            found = self._get_record(did, collection, rkey)
            if found is None:
                raise PlatformError(f"the post to reply to, {ref.id}, no longer exists")
            cid = field(found, "cid")
        return {"uri": ref.id, "cid": str(cid)}

    def _embed(self, images: list[tuple[Any, bytes]],
               card: dict[str, Any] | None) -> dict[str, Any] | None:
        if images:
            shown = []
            for media, data in images:
                entry: dict[str, Any] = {"image": self._upload(data, media.mime)}
                if media.alt is not None:  # without alt, the server says it is required
                    entry["alt"] = media.alt
                shown.append(entry)
            return {"$type": "app.bsky.embed.images", "images": shown}
        if card is None:
            return None
        external = {key: card[key] for key in ("uri", "title", "description")}
        if card.get("thumb"):
            thumb = str(card["thumb"])
            mime = mimetypes.guess_type(thumb)[0] or "image/jpeg"
            external["thumb"] = self._upload(records.read_thumb(thumb, self.root), mime)
        return {"$type": "app.bsky.embed.external", "external": external}

    def _upload(self, data: bytes, mime: str) -> Any:
        answer = self.xrpc.authed("POST", "com.atproto.repo.uploadBlob", "upload an image",
                                  content=data, content_type=mime)
        blob = answer.get("blob")
        if not isinstance(blob, dict):
            raise PlatformError(f"Bluesky: {self.pds} answered the upload without a blob")
        return blob

    def _get_record(self, did: str, collection: str, rkey: str) -> dict[str, Any] | None:
        try:
            return self.xrpc.call("GET", "com.atproto.repo.getRecord", "read the post back",
                                  params={"repo": did, "collection": collection, "rkey": rkey})
        except BlueskyError as exc:
            if exc.code == "RecordNotFound":
                return None
            raise


    # ---- metrics --------------------------------------------------------------------

    metric_names: ClassVar[tuple[str, ...]] = ("likes", "reposts", "replies", "quotes", "bookmarks")
    metrics_batch: ClassVar[int] = 25

    def metrics(self, refs: Sequence[PublishedRef], *, followers: bool) -> MetricsAnswer:
        """The counts come from an AppView (`appview:`, default https://public.api.bsky.app,
        which needs no login): `app.bsky.feed.getPosts` with up to 25 at:// URIs. A post
        missing from its answer is looked for on the PDS (`com.atproto.repo.getRecord`): not
        there, it was deleted; there, the AppView has not indexed it yet and its counts are
        missing this time. Followers: `followersCount` of `app.bsky.actor.getProfile`.
        Bluesky has no views, impressions or clicks."""
        answer = MetricsAnswer()
        uris = [ref.id for ref in refs]
        if uris:
            data = self.appview.call("GET", "app.bsky.feed.getPosts", "read the posts' counts",
                                     params={"uris": uris})
            shown = {str(p.get("uri")): p for p in data.get("posts") or [] if isinstance(p, dict)}
            for uri in uris:
                if uri in shown:
                    answer.posts[uri] = counts(shown[uri], BLUESKY_COUNTS)
                    continue
                did, collection, rkey = records.parse_at_uri(uri)
                if self._get_record(did, collection, rkey) is None:
                    answer.deleted.add(uri)
                else:
                    answer.posts[uri] = dict.fromkeys(self.metric_names)
        actor = records.parse_at_uri(uris[0])[0] if uris else self.handle
        if followers and actor:
            profile = self.appview.call("GET", "app.bsky.actor.getProfile",
                                        "read the account's followers", params={"actor": actor})
            answer.followers = counts(profile, {"followers": "followersCount"})["followers"]
        return answer


ADAPTER = BlueskyAdapter
