"""The LinkedIn adapter sends the versioned Posts API's documented requests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialops.adapters.base import PlatformError, PublishedRef
from tests.adapters.platform_kit import PNG, Mock, adapter, media_files, part, recorded

OPTIONS = {"author": "urn:li:organization:123", "token_env": "LINKEDIN_TOKEN"}
SECRETS = {"token": "li-token-123"}
POST = "urn:li:share:7001"


def test_publish_uploads_images_and_posts_with_alt_text(tmp_path: Path) -> None:
    shot, photo = media_files(tmp_path)
    init = [(200, {"value": {"uploadUrl": "https://www.linkedin.com/dms-uploads/one", "image": "urn:li:image:1"}}),
            (200, {"value": {"uploadUrl": "https://www.linkedin.com/dms-uploads/two", "image": "urn:li:image:2"}})]
    with Mock({"POST /rest/images": init, "PUT /dms-uploads/.*": (201, None),
               "POST /rest/posts": (201, None, {"x-restli-id": POST})}) as mock:
        ref = adapter("linkedin", OPTIONS, SECRETS, mock.client, tmp_path).publish(
            part("Launch \\(today\\)", media=(shot, photo), options={"visibility": "CONNECTIONS"}))
    assert ref == PublishedRef(POST, f"https://www.linkedin.com/feed/update/{POST}/")
    assert mock.lines() == [
        "POST https://api.linkedin.com/rest/images?action=initializeUpload",
        "PUT https://www.linkedin.com/dms-uploads/one",
        "POST https://api.linkedin.com/rest/images?action=initializeUpload",
        "PUT https://www.linkedin.com/dms-uploads/two",
        "POST https://api.linkedin.com/rest/posts"]
    assert recorded(mock.requests[0]).json() == {"initializeUploadRequest": {"owner": "urn:li:organization:123"}}
    assert mock.requests[1].content == PNG and mock.requests[1].headers["Content-Type"] == "image/png"
    for request in (mock.requests[0], mock.requests[4]):
        assert request.headers["LinkedIn-Version"] == "202610"
        assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert all(r.headers["Authorization"] == "Bearer li-token-123" for r in mock.requests)
    assert recorded(mock.requests[4]).json() == {
        "author": "urn:li:organization:123", "commentary": "Launch \\(today\\)", "visibility": "CONNECTIONS",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        "content": {"multiImage": {"images": [
            {"id": "urn:li:image:1", "altText": "A screenshot of the calendar"},
            {"id": "urn:li:image:2", "altText": "The team at the launch"}]}}}


def test_without_author_the_tokens_member_posts_and_the_version_is_the_channels(tmp_path: Path) -> None:
    with Mock({"GET /v2/userinfo": (200, {"sub": "abc", "name": "Ada"}),
               "POST /rest/posts": (201, None, {"x-restli-id": POST})}) as mock:
        adapter("linkedin", {"token_env": "T", "version": "202611"}, SECRETS, mock.client, tmp_path).publish(part("Hi"))
    body = recorded(mock.requests[1]).json()
    assert body["author"] == "urn:li:person:abc" and "content" not in body
    assert mock.requests[1].headers["LinkedIn-Version"] == "202611"


def test_a_retired_version_says_what_to_change(tmp_path: Path) -> None:
    answer = (426, {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 202301 is not active"})
    with Mock({"POST /rest/posts": answer}) as mock, pytest.raises(PlatformError) as failed:
        adapter("linkedin", {**OPTIONS, "version": "202301"}, SECRETS, mock.client, tmp_path).publish(part())
    assert failed.value.message == ("LinkedIn: could not create the post: LinkedIn no longer serves API "
                                    "version 202301; set `version:` on channel 'chan' to a recent month (YYYYMM)")


def test_duplicate_and_too_long_are_final_errors_with_linkedins_words(tmp_path: Path) -> None:
    answer = (422, {"status": 422, "message": "Content is a duplicate of urn:li:share:6999"})
    with Mock({"POST /rest/posts": answer}) as mock, pytest.raises(PlatformError) as failed:
        adapter("linkedin", OPTIONS, SECRETS, mock.client, tmp_path).publish(part())
    assert failed.value.message == "LinkedIn: could not create the post: 422 Content is a duplicate of urn:li:share:6999"
    assert not failed.value.retryable and not failed.value.maybe_sent


def test_threads_are_refused_before_any_call(tmp_path: Path) -> None:
    with Mock({}) as mock, pytest.raises(PlatformError, match="LinkedIn has no threads"):
        adapter("linkedin", OPTIONS, SECRETS, mock.client, tmp_path).publish(part("two", 1, reply_to=PublishedRef(POST)))
    assert mock.requests == []


def test_delete_verify_and_lookup(tmp_path: Path) -> None:
    found = {"paging": {"start": 0, "count": 50, "links": []}, "elements": [
        {"id": "urn:li:share:7002", "author": "urn:li:organization:123", "commentary": "Other",
         "lifecycleState": "PUBLISHED", "createdAt": 1_900_000_000_000},
        {"id": POST, "author": "urn:li:organization:123", "commentary": "Hello world",
         "lifecycleState": "PUBLISHED", "createdAt": 1_900_000_000_000}]}
    with Mock({"DELETE /rest/posts/.*": [(204, None), (404, {"status": 404, "message": "Not Found"})],
               "POST /rest/images": (200, {"value": {"uploadUrl": "https://www.linkedin.com/u/1",
                                                     "image": "urn:li:image:1"}}),
               "GET /rest/posts": (200, found)}) as mock:
        linkedin = adapter("linkedin", {**OPTIONS, "expires": "2027-01-20"}, SECRETS, mock.client, tmp_path)
        linkedin.delete(PublishedRef(POST))
        linkedin.delete(PublishedRef(POST))
        verified = linkedin.verify()
        assert linkedin.lookup(part()) == PublishedRef(POST, f"https://www.linkedin.com/feed/update/{POST}/")
        assert linkedin.lookup(part("Never sent")) is None
    assert mock.lines()[0] == "DELETE https://api.linkedin.com/rest/posts/urn%3Ali%3Ashare%3A7001"
    assert verified.ok and verified.account == "urn:li:organization:123"
    assert verified.expires == datetime(2027, 1, 20, tzinfo=UTC)
    assert "userinfo" not in " ".join(mock.lines())
    finder = mock.requests[-1]
    assert str(finder.url) == ("https://api.linkedin.com/rest/posts?author=urn%3Ali%3Aorganization%3A123"
                               "&q=author&count=50&sortBy=LAST_MODIFIED")
    assert finder.headers["X-RestLi-Method"] == "FINDER" and finder.headers["LinkedIn-Version"] == "202610"
