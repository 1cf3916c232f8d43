"""The GitHub client against the local fake: pagination, errors, retries, rate limits."""

from __future__ import annotations

import httpx
import pytest

from socialops.github import GitHub, GitHubError, from_env
from tests.github_fake.server import TOKEN, FakeGitHub


def test_paginates_by_link_headers_and_sends_the_token(fake: FakeGitHub, client: GitHub) -> None:
    fake.page_size = 2
    fake.add_pull(7, "a" * 40)
    for i in range(5):
        fake.review(7, f"user{i}", "COMMENTED", "a" * 40)
    reviews = client.paginate("/repos/acme/content/pulls/7/reviews")
    assert [r["user"]["login"] for r in reviews] == [f"user{i}" for i in range(5)]
    calls = fake.calls("GET", "/reviews")
    assert [c.query for c in calls] == [{"per_page": "100"}, {"per_page": "2", "page": "2"},
                                        {"per_page": "2", "page": "3"}]
    assert {c.headers["authorization"] for c in calls} == {f"Bearer {TOKEN}"}
    assert calls[0].headers["accept"] == "application/vnd.github+json"
    assert calls[0].headers["x-github-api-version"] == "2022-11-28"


@pytest.mark.parametrize(("status", "kind", "words"), [
    (401, "auth", "GitHub refused the token (401 (failure)); set GITHUB_TOKEN to a valid token"),
    (403, "forbidden", "GitHub forbids GET /repos/acme/content/pulls/7 (403 (failure)); the token lacks"),
    (404, "not-found", "GitHub has no /repos/acme/content/pulls/7 (404), or the token may not see it"),
    (502, "server", "GitHub failed on GET /repos/acme/content/pulls/7 (HTTP 502); try again later"),
])
def test_errors_are_one_clear_exception(fake: FakeGitHub, client: GitHub, status: int, kind: str,
                                        words: str) -> None:
    fake.fail(r"GET /repos/acme/content/pulls/7$", status)
    with pytest.raises(GitHubError) as caught:
        client.get("/repos/acme/content/pulls/7")
    assert caught.value.kind == kind and caught.value.status == status
    assert words in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(client)


def test_a_read_answered_with_5xx_is_retried(fake: FakeGitHub, client: GitHub) -> None:
    fake.add_pull(7, "a" * 40)
    fake.fail(r"GET /repos/acme/content/pulls/7$", 503, times=2)
    assert client.get("/repos/acme/content/pulls/7")["number"] == 7
    assert len(fake.calls("GET", r"/pulls/7$")) == 3


def test_a_write_answered_with_5xx_is_not_retried(fake: FakeGitHub, client: GitHub) -> None:
    fake.fail(r"POST /repos/acme/content/issues/7/comments", 502, times=1)
    with pytest.raises(GitHubError, match="HTTP 502"):
        client.post("/repos/acme/content/issues/7/comments", {"body": "hello"})
    assert len(fake.calls("POST")) == 1
    assert fake.comments == {}


def test_a_short_rate_limit_is_waited_out_once(fake: FakeGitHub) -> None:
    fake.add_pull(7, "a" * 40)
    fake.fail(r"GET /repos/acme/content/pulls/7$", 429, times=1, headers={"Retry-After": "3"},
              message="You have exceeded a secondary rate limit")
    waits: list[float] = []
    with httpx.Client() as http:
        client = GitHub(http, fake.repo, fake.base_url, TOKEN, sleep=waits.append)
        assert client.get("/repos/acme/content/pulls/7")["number"] == 7
    assert waits == [3.0]


def test_a_used_up_rate_limit_gives_up_without_waiting(fake: FakeGitHub) -> None:
    fake.fail(r"GET", 403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1900000000"},
              message="API rate limit exceeded for installation ID 1")
    waits: list[float] = []
    with httpx.Client() as http:
        client = GitHub(http, fake.repo, fake.base_url, TOKEN, sleep=waits.append,
                        clock=lambda: 1_899_999_000.0)
        with pytest.raises(GitHubError) as caught:
            client.get("/repos/acme/content/pulls/7")
    assert caught.value.kind == "rate-limited"
    assert "rate limit is reached (HTTP 403); it frees up in about 1001 s" in str(caught.value)
    assert waits == [] and len(fake.requests) == 1


def test_next_page_on_another_server_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "127.0.0.1"
        return httpx.Response(200, json=[1], headers={"Link": '<https://elsewhere.example/x?page=2>; rel="next"'})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = GitHub(http, "acme/content", "http://127.0.0.1:9", TOKEN)
        with pytest.raises(GitHubError, match="another server"):
            client.paginate("/repos/acme/content/pulls")


def test_unreachable_server_is_a_network_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = GitHub(http, "acme/content", "http://127.0.0.1:9", TOKEN, sleep=lambda s: None)
        with pytest.raises(GitHubError) as caught:
            client.get("/repos/acme/content")
    assert caught.value.kind == "network"
    assert str(caught.value) == ("could not reach GitHub at http://127.0.0.1:9 (ConnectError) "
                                 "for GET /repos/acme/content")


def test_from_env_reads_the_three_variables_and_checks_the_address() -> None:
    with httpx.Client() as http:
        client = from_env(http, {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/content",
                                 "GITHUB_API_URL": "https://ghe.example/api/v3/"})
        assert client.api == "https://ghe.example/api/v3" and client.repo == "acme/content"
        assert from_env(http, {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "a/b"}).api == "https://api.github.com"
        with pytest.raises(GitHubError, match="GITHUB_TOKEN is not set"):
            from_env(http, {"GITHUB_REPOSITORY": "acme/content"})
        with pytest.raises(GitHubError, match="set GITHUB_REPOSITORY"):
            from_env(http, {"GITHUB_TOKEN": "t"})
        with pytest.raises(GitHubError, match="must be an https:// address"):
            from_env(http, {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "a/b",
                            "GITHUB_API_URL": "http://ghe.example/api/v3"})
        with pytest.raises(GitHubError, match="'acme' is not a repository"):
            from_env(http, {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme"})
