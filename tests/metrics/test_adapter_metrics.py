"""Each platform's metrics call: the exact requests the platform's documentation gives,
answered with the response shapes that documentation shows (sources in each test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops.adapters.base import PlatformError, PublishedRef
from tests.adapters.platform_kit import Mock, adapter, oauth_signature_ok

X_KEYS = {"api_key": "ck-1", "api_secret": "cs-1", "access_token": "at-1", "access_secret": "as-1"}


def test_mastodon_reads_twenty_statuses_a_call_and_a_missing_one_is_deleted(tmp_path: Path) -> None:
    """docs: methods/statuses.md (GET /api/v1/statuses?id[]=, "fewer records than requested if
    the requested statuses do not exist"), entities/Status.md (the *_count fields; quotes_count
    from 4.5), methods/accounts.md (verify_credentials -> followers_count)."""
    statuses = [{"id": "101", "favourites_count": 12, "reblogs_count": 3, "replies_count": 1,
                 "quotes_count": 0, "url": "https://m.example/@acme/101"},
                {"id": "102", "favourites_count": 7, "reblogs_count": 0, "replies_count": 2}]  # a 4.4 server: no quotes
    with Mock({"GET /api/v1/statuses": (200, statuses),
               "GET /api/v1/accounts/verify_credentials": (200, {"id": "9", "acct": "acme", "followers_count": 1234})}) as mock:
        masto = adapter("mastodon", {"instance": "https://m.example"}, {"token": "tok-m"}, mock.client, tmp_path)
        answer = masto.metrics([PublishedRef("101"), PublishedRef("102"), PublishedRef("103")], followers=True)
    assert mock.lines() == ["GET https://m.example/api/v1/statuses?id%5B%5D=101&id%5B%5D=102&id%5B%5D=103",
                            "GET https://m.example/api/v1/accounts/verify_credentials"]
    assert all(r.headers["Authorization"] == "Bearer tok-m" for r in mock.requests)
    assert answer.posts == {"101": {"likes": 12, "reposts": 3, "replies": 1, "quotes": 0},
                            "102": {"likes": 7, "reposts": 0, "replies": 2, "quotes": None}}
    assert answer.deleted == {"103"} and answer.followers == 1234
    assert masto.metrics_batch == 20


def test_mastodon_before_4_3_is_read_one_status_at_a_time(tmp_path: Path) -> None:
    with Mock({"GET /api/v1/statuses": (404, {"error": "Record not found"}),
               "GET /api/v1/statuses/101": (200, {"id": "101", "favourites_count": 1, "reblogs_count": 2, "replies_count": 3}),
               "GET /api/v1/statuses/102": (404, {"error": "Record not found"})}) as mock:
        masto = adapter("mastodon", {"instance": "https://m.example"}, {"token": "tok-m"}, mock.client, tmp_path)
        answer = masto.metrics([PublishedRef("101"), PublishedRef("102")], followers=False)
    assert [line.split("?")[0] for line in mock.lines()] == [
        "GET https://m.example/api/v1/statuses", "GET https://m.example/api/v1/statuses/101",
        "GET https://m.example/api/v1/statuses/102"]
    assert answer.posts == {"101": {"likes": 1, "reposts": 2, "replies": 3, "quotes": None}}
    assert answer.deleted == {"102"} and answer.followers is None


def test_mastodon_rate_limit_says_when_to_come_back(tmp_path: Path) -> None:
    """docs: api/rate-limits.md (429 with X-RateLimit-Reset, an ISO 8601 time)."""
    with Mock({"GET /api/v1/statuses": (429, {"error": "Too many requests"},
                                        {"X-RateLimit-Reset": "2026-06-01T06:12:00.000Z", "Date": "Mon, 01 Jun 2026 06:07:00 GMT"})}) as mock:
        masto = adapter("mastodon", {"instance": "https://m.example"}, {"token": "tok-m"}, mock.client, tmp_path)
        with pytest.raises(PlatformError) as caught:
            masto.metrics([PublishedRef("101")], followers=True)
    assert caught.value.status == 429 and caught.value.retry_after == 300


DID = "did:plc:abc123"


def _uri(rkey: str) -> str:
    return f"at://{DID}/app.bsky.feed.post/{rkey}"


def test_bluesky_reads_the_appview_and_asks_the_pds_about_posts_it_does_not_show(tmp_path: Path) -> None:
    """lexicons app.bsky.feed.getPosts (uris, at most 25; PostView likeCount, repostCount,
    replyCount, quoteCount, bookmarkCount), app.bsky.actor.getProfile (followersCount),
    com.atproto.repo.getRecord (error RecordNotFound)."""
    post_view = {"uri": _uri("3kaaa"), "cid": "bafy1", "author": {"did": DID, "handle": "acme.test"},
                 "record": {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2026-06-01T09:00:00Z"},
                 "likeCount": 40, "repostCount": 5, "replyCount": 2, "quoteCount": 1, "bookmarkCount": 3,
                 "indexedAt": "2026-06-01T09:00:01Z"}
    with Mock({"GET /xrpc/app.bsky.feed.getPosts": (200, {"posts": [post_view]}),
               "GET /xrpc/com.atproto.repo.getRecord": [
                   (400, {"error": "RecordNotFound", "message": "Could not locate record"}),
                   (200, {"uri": _uri("3kccc"), "cid": "bafy3", "value": {"text": "new"}})],
               "GET /xrpc/app.bsky.actor.getProfile": (200, {"did": DID, "handle": "acme.test", "followersCount": 812,
                                                             "followsCount": 10, "postsCount": 99})}) as mock:
        sky = adapter("bluesky", {"pds": "https://pds.example", "handle": "acme.test",
                                  "appview": "https://appview.example"}, {"password": "pw"}, mock.client, tmp_path)
        answer = sky.metrics([PublishedRef(_uri("3kaaa")), PublishedRef(_uri("3kbbb")), PublishedRef(_uri("3kccc"))],
                             followers=True)
    assert mock.lines() == [
        "GET https://appview.example/xrpc/app.bsky.feed.getPosts?uris=at%3A%2F%2Fdid%3Aplc%3Aabc123%2Fapp.bsky.feed.post%2F3kaaa"
        "&uris=at%3A%2F%2Fdid%3Aplc%3Aabc123%2Fapp.bsky.feed.post%2F3kbbb&uris=at%3A%2F%2Fdid%3Aplc%3Aabc123%2Fapp.bsky.feed.post%2F3kccc",
        "GET https://pds.example/xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Aabc123&collection=app.bsky.feed.post&rkey=3kbbb",
        "GET https://pds.example/xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Aabc123&collection=app.bsky.feed.post&rkey=3kccc",
        "GET https://appview.example/xrpc/app.bsky.actor.getProfile?actor=did%3Aplc%3Aabc123"]
    assert not any("Authorization" in r.headers for r in mock.requests)  # public reads: no login at all
    assert answer.posts == {_uri("3kaaa"): {"likes": 40, "reposts": 5, "replies": 2, "quotes": 1, "bookmarks": 3},
                            _uri("3kccc"): dict.fromkeys(("likes", "reposts", "replies", "quotes", "bookmarks"))}
    assert answer.deleted == {_uri("3kbbb")} and answer.followers == 812


def test_bluesky_defaults_to_the_public_appview(tmp_path: Path) -> None:
    with Mock({"GET /xrpc/app.bsky.actor.getProfile": (200, {"did": DID, "followersCount": 5})}) as mock:
        sky = adapter("bluesky", {"handle": "acme.test"}, {"password": "pw"}, mock.client, tmp_path)
        assert sky.metrics([], followers=True).followers == 5
    assert mock.lines() == ["GET https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=acme.test"]


def test_x_reads_public_metrics_of_a_hundred_posts_signed_and_finds_deleted_ones_in_errors(tmp_path: Path) -> None:
    """docs.x.com: GET /2/tweets (ids, up to 100; tweet.fields=public_metrics), fundamentals/metrics
    (impression_count, like_count, ...), response-codes-and-errors (partial errors[] with type
    .../resource-not-found), GET /2/users/me (user.fields=public_metrics)."""
    tweets = {"data": [{"id": "1", "text": "hi", "edit_history_tweet_ids": ["1"],
                        "public_metrics": {"retweet_count": 4, "reply_count": 1, "like_count": 30, "quote_count": 2,
                                           "bookmark_count": 5, "impression_count": 2100}}],
              "errors": [{"value": "2", "detail": "Could not find tweet with ids: [2].", "title": "Not Found Error",
                          "resource_type": "tweet", "parameter": "ids", "resource_id": "2",
                          "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
    me = {"data": {"id": "77", "name": "Acme", "username": "acme",
                   "public_metrics": {"followers_count": 5000, "following_count": 10, "tweet_count": 300, "listed_count": 4}}}
    with Mock({"GET /2/tweets": (200, tweets), "GET /2/users/me": (200, me)}) as mock:
        x = adapter("x", {"api": "https://x.example"}, X_KEYS, mock.client, tmp_path)
        answer = x.metrics([PublishedRef("1"), PublishedRef("2")], followers=True)
    assert mock.lines() == ["GET https://x.example/2/tweets?ids=1%2C2&tweet.fields=public_metrics",
                            "GET https://x.example/2/users/me?user.fields=public_metrics"]
    assert all(oauth_signature_ok(r, X_KEYS) for r in mock.requests)
    assert answer.posts == {"1": {"likes": 30, "reposts": 4, "replies": 1, "quotes": 2, "bookmarks": 5, "views": 2100,
                                  "clicks": None}}  # no age given: not asked for, missing
    assert answer.deleted == {"2"} and answer.followers == 5000 and x.metrics_batch == 100


def test_x_expired_credentials_are_a_401(tmp_path: Path) -> None:
    with Mock({"GET /2/tweets": (401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})}) as mock:
        x = adapter("x", {"api": "https://x.example"}, X_KEYS, mock.client, tmp_path)
        with pytest.raises(PlatformError) as caught:
            x.metrics([PublishedRef("1")], followers=True)
    assert caught.value.status == 401 and "credentials" in caught.value.message


ORG = "urn:li:organization:2414183"


def test_linkedin_reads_the_page_share_statistics_and_followers(tmp_path: Path) -> None:
    """learn.microsoft.com, Community Management API: organizationalEntityShareStatistics
    (q=organizationalEntity, shares=List(...), ugcPosts=List(...); totalShareStatistics),
    networkSizes (edgeType=COMPANY_FOLLOWED_BY_MEMBER -> firstDegreeSize), posts API (404)."""
    stats = {"paging": {"count": 10, "start": 0, "links": []}, "elements": [
        {"totalShareStatistics": {"uniqueImpressionsCount": 900, "shareCount": 3, "engagement": 0.05,
                                  "clickCount": 41, "likeCount": 25, "impressionCount": 1500, "commentCount": 4},
         "organizationalEntity": ORG, "share": "urn:li:share:1"},
        {"totalShareStatistics": {"uniqueImpressionsCount": 10, "shareCount": 0, "engagement": 0.1,
                                  "clickCount": 1, "likeCount": 2, "impressionCount": 20, "commentCount": 0},
         "organizationalEntity": ORG, "ugcPost": "urn:li:ugcPost:9"}]}
    with Mock({"GET /rest/organizationalEntityShareStatistics": (200, stats),
               "GET /rest/posts/urn:li:share:2": (404, {"status": 404, "message": "Not Found"}),
               "GET /rest/networkSizes/urn:li:organization:2414183": (200, {"firstDegreeSize": 4321})}) as mock:
        li = adapter("linkedin", {"author": ORG}, {"token": "tok-li"}, mock.client, tmp_path)
        answer = li.metrics([PublishedRef("urn:li:share:1"), PublishedRef("urn:li:share:2"),
                             PublishedRef("urn:li:ugcPost:9")], followers=True)
    assert [str(r.url) for r in mock.requests] == [
        "https://api.linkedin.com/rest/organizationalEntityShareStatistics?q=organizationalEntity"
        "&organizationalEntity=urn%3Ali%3Aorganization%3A2414183&shares=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)"
        "&ugcPosts=List(urn%3Ali%3AugcPost%3A9)",
        "https://api.linkedin.com/rest/posts/urn%3Ali%3Ashare%3A2",
        "https://api.linkedin.com/rest/networkSizes/urn%3Ali%3Aorganization%3A2414183?edgeType=COMPANY_FOLLOWED_BY_MEMBER"]
    assert all(r.headers["Authorization"] == "Bearer tok-li" and r.headers["LinkedIn-Version"] for r in mock.requests)
    assert answer.posts == {"urn:li:share:1": {"likes": 25, "reposts": 3, "replies": 4, "views": 1500, "clicks": 41},
                            "urn:li:ugcPost:9": {"likes": 2, "reposts": 0, "replies": 0, "views": 20, "clicks": 1}}
    assert answer.deleted == {"urn:li:share:2"} and answer.followers == 4321


def test_linkedin_member_posts_have_no_counts_but_deleted_ones_are_found(tmp_path: Path) -> None:
    with Mock({"GET /rest/posts/.*1": (200, {"id": "urn:li:share:1"}),
               "GET /rest/posts/.*2": (404, {"status": 404, "message": "Not Found"})}) as mock:
        li = adapter("linkedin", {"author": "urn:li:person:abc"}, {"token": "tok-li"}, mock.client, tmp_path)
        answer = li.metrics([PublishedRef("urn:li:share:1"), PublishedRef("urn:li:share:2")], followers=True)
    assert len(mock.requests) == 2
    assert answer.posts == {"urn:li:share:1": dict.fromkeys(("likes", "reposts", "replies", "views", "clicks"))}
    assert answer.deleted == {"urn:li:share:2"} and answer.followers is None


def test_threads_reads_each_posts_insights_and_the_followers(tmp_path: Path) -> None:
    """developers.facebook.com/documentation/threads/insights: GET /{media-id}/insights
    (metric=views,likes,replies,reposts,quotes,shares; data[].values[0].value), GET
    /{user-id}/threads_insights?metric=followers_count (total_value.value); a deleted post:
    code 100 'does not exist'."""
    def insight(name: str, value: int) -> dict[str, object]:
        return {"name": name, "period": "lifetime", "values": [{"value": value}], "title": name.title(),
                "description": "", "id": f"51/insights/{name}/lifetime"}

    data = {"data": [insight("views", 900), insight("likes", 40), insight("replies", 3), insight("reposts", 2),
                     insight("quotes", 1), insight("shares", 5)]}
    gone = {"error": {"message": "Unsupported get request. Object with ID '52' does not exist, cannot be loaded due "
                                 "to missing permissions, or does not support this operation",
                      "type": "GraphMethodException", "code": 100, "error_subcode": 33}}
    followers = {"data": [{"name": "followers_count", "period": "day", "title": "followers_count",
                           "description": "", "total_value": {"value": 321}, "id": "1234/insights/followers_count/day"}]}
    with Mock({"GET /v1.0/51/insights": (200, data), "GET /v1.0/52/insights": (400, gone),
               "GET /v1.0/1234/threads_insights": (200, followers)}) as mock:
        th = adapter("threads", {"user_id": "1234"}, {"token": "tok-th"}, mock.client, tmp_path)
        answer = th.metrics([PublishedRef("51"), PublishedRef("52")], followers=True)
    assert mock.lines() == [
        "GET https://graph.threads.net/v1.0/51/insights?metric=views%2Clikes%2Creplies%2Creposts%2Cquotes%2Cshares",
        "GET https://graph.threads.net/v1.0/52/insights?metric=views%2Clikes%2Creplies%2Creposts%2Cquotes%2Cshares",
        "GET https://graph.threads.net/v1.0/1234/threads_insights?metric=followers_count"]
    assert answer.posts == {"51": {"views": 900, "likes": 40, "replies": 3, "reposts": 2, "quotes": 1, "shares": 5}}
    assert answer.deleted == {"52"} and answer.followers == 321


def test_threads_expired_token_is_a_401(tmp_path: Path) -> None:
    expired = {"error": {"message": "Error validating access token: Session has expired on Monday, 01-Jun-26.",
                         "type": "OAuthException", "code": 190, "error_subcode": 463}}
    with Mock({"GET /v1.0/51/insights": (400, expired)}) as mock:
        th = adapter("threads", {"user_id": "1234"}, {"token": "tok-th"}, mock.client, tmp_path)
        with pytest.raises(PlatformError) as caught:
            th.metrics([PublishedRef("51")], followers=True)
    assert caught.value.status == 401 and "expired" in caught.value.message


def test_telegram_gives_a_bot_the_member_count_only(tmp_path: Path) -> None:
    """core.telegram.org/bots/api#getchatmembercount ({"ok": true, "result": 1520})."""
    with Mock({"POST /bottok-tg/getChatMemberCount": (200, {"ok": True, "result": 1520})}) as mock:
        tg = adapter("telegram", {"chat_id": "@acme"}, {"token": "tok-tg"}, mock.client, tmp_path)
        answer = tg.metrics([PublishedRef("7")], followers=True)
    assert mock.lines() == ["POST https://api.telegram.org/bottok-tg/getChatMemberCount"]
    assert mock.requests[0].content == b'{"chat_id":"@acme"}'
    assert answer.posts == {} and answer.deleted == set() and answer.followers == 1520
    assert tg.metric_names == ()


@pytest.mark.parametrize("platform", ["feed", "discord", "slack", "webhook"])
def test_platforms_without_metrics_have_no_method(platform: str) -> None:
    from socialops.adapters import adapter_class

    assert not hasattr(adapter_class(platform), "metrics")
