"""A small client for the GitHub REST API (github.com or GitHub Enterprise).

It takes the `httpx.Client` it talks through, follows `Link` pagination, waits out short
rate limits, retries reads that failed with a 5xx, and turns every other answer into one
`GitHubError` with a message a person can act on. The token is sent in a header and
appears in no message, repr or log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from socialops import __version__
from socialops.errors import SocialopsError

if TYPE_CHECKING:
    import httpx

DEFAULT_API = "https://api.github.com"
MAX_PAGES = 100
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class GitHubError(SocialopsError):
    """GitHub did not answer as needed. `kind` is one of: auth, forbidden, not-found,
    rate-limited, server, network, invalid, config."""

    exit_code = 1

    def __init__(self, message: str, *, status: int | None = None, kind: str = "invalid") -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind


@dataclass
class GitHub:
    """The API of one repository (`owner/name`)."""

    http: httpx.Client
    repo: str
    api: str = DEFAULT_API
    token: str | None = field(default=None, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)
    retries: int = 2  # extra tries for a read answered with a 5xx or a network error
    max_wait: float = 20.0  # longest rate-limit wait (seconds) before giving up

    def __post_init__(self) -> None:
        self.api = check_api_url(self.api)
        if self.repo.count("/") != 1 or not all(self.repo.split("/")):
            raise GitHubError(f"'{self.repo}' is not a repository; write it as owner/name",
                              kind="config")

    # ---- calls ----------------------------------------------------------------------
    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        return self._json(self.request("GET", path, params=params), "GET", path)

    def paginate(self, path: str, params: Mapping[str, str | int] | None = None) -> list[Any]:
        """Every item of a list endpoint, following the `Link: <...>; rel="next"` headers."""
        items: list[Any] = []
        url: str | None = path
        query: Mapping[str, str | int] | None = {"per_page": 100, **(params or {})}
        for _ in range(MAX_PAGES):
            if url is None:
                return items
            response = self.request("GET", url, params=query)
            page = self._json(response, "GET", path)
            if not isinstance(page, list):
                raise GitHubError(f"GitHub answered GET {path} with {type(page).__name__}, not a list")
            items.extend(page)
            url = self._next_page(response)
            query = None  # the next link carries the query
        raise GitHubError(f"GET {path} has more than {MAX_PAGES} pages; giving up")

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        return self._json(self.request("POST", path, json=body), "POST", path)

    def patch(self, path: str, body: Mapping[str, Any]) -> Any:
        return self._json(self.request("PATCH", path, json=body), "PATCH", path)

    def request(self, method: str, path: str, *, params: Mapping[str, str | int] | None = None,
                json: Mapping[str, Any] | None = None) -> httpx.Response:
        """One call, retried only where that is safe: after a short rate limit (nothing was
        done) for any method, after a 5xx or a network error for reads only."""
        url = path if path.startswith(("http://", "https://")) else self.api + path
        response = self._send(method, url, params, json)
        wait = self._rate_limit_wait(response)
        if wait is not None:
            if wait > self.max_wait:
                raise self._rate_limited(response, wait)
            self.sleep(wait)
            response = self._send(method, url, params, json)
            wait = self._rate_limit_wait(response)
            if wait is not None:
                raise self._rate_limited(response, wait)
        if response.status_code >= 400:
            raise self._scrubbed(error_for(response, method, _short(path)))
        return response

    def _scrubbed(self, error: GitHubError) -> GitHubError:
        """The error without the token (an API, or a proxy in front of it, may echo what it
        was sent) and with any URL in it shown without its userinfo and query values."""
        from socialops import escape

        text = str(error)
        if self.token:
            text = text.replace(self.token, "***")
        text = escape.urls(text)
        return error if text == str(error) else GitHubError(text, status=error.status, kind=error.kind)

    # ---- helpers ----------------------------------------------------------------------
    def _send(self, method: str, url: str, params: Mapping[str, str | int] | None,
              json: Mapping[str, Any] | None) -> httpx.Response:
        import httpx

        tries = 1 + (self.retries if method == "GET" else 0)
        for attempt in range(1, tries + 1):
            try:
                response = self.http.request(method, url, params=params, json=json,
                                             headers=self._headers(), timeout=30)
            except httpx.HTTPError as exc:
                if attempt < tries:
                    self.sleep(float(attempt))
                    continue
                raise GitHubError(f"could not reach GitHub at {_shown(self.api)} ({type(exc).__name__}) "
                                  f"for {method} {_short(url)}", kind="network") from None
            if response.status_code >= 500 and attempt < tries:
                self.sleep(float(attempt))
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                   "User-Agent": f"socialops/{__version__}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait when the answer is a rate limit (primary or secondary), else None."""
        if response.status_code not in (403, 429):
            return None
        retry_after = response.headers.get("retry-after", "")
        if retry_after.strip().isdigit():
            return float(retry_after)
        if response.headers.get("x-ratelimit-remaining") == "0":
            reset = response.headers.get("x-ratelimit-reset", "")
            return max(0.0, float(reset) - self.clock()) if reset.isdigit() else 60.0
        if response.status_code == 429 or "rate limit" in _message(response).lower():
            return 60.0
        return None

    def _rate_limited(self, response: httpx.Response, wait: float) -> GitHubError:
        return GitHubError(f"GitHub's API rate limit is reached (HTTP {response.status_code}); "
                           f"it frees up in about {int(wait) + 1} s: try again later",
                           status=response.status_code, kind="rate-limited")

    def _next_page(self, response: httpx.Response) -> str | None:
        url = response.links.get("next", {}).get("url")
        if not url:
            return None
        if _origin(url) != _origin(self.api):
            raise GitHubError(f"GitHub's next page points to another server ({_origin(url)}); "
                              "refusing to send the token there")
        return str(url)

    @staticmethod
    def _json(response: httpx.Response, method: str, path: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise GitHubError(f"GitHub answered {method} {_short(path)} with something that is not "
                              "JSON; is GITHUB_API_URL the API's address?") from None


def error_for(response: httpx.Response, method: str, path: str) -> GitHubError:
    status = response.status_code
    detail = _message(response)
    said = f" ({detail})" if detail else ""
    if status == 401:
        return GitHubError(f"GitHub refused the token (401{said}); set GITHUB_TOKEN to a valid token",
                           status=status, kind="auth")
    if status == 403:
        return GitHubError(f"GitHub forbids {method} {path} (403{said}); the token lacks a "
                           "permission this needs", status=status, kind="forbidden")
    if status == 404:
        return GitHubError(f"GitHub has no {path} (404), or the token may not see it",
                           status=status, kind="not-found")
    if status >= 500:
        return GitHubError(f"GitHub failed on {method} {path} (HTTP {status}); try again later",
                           status=status, kind="server")
    return GitHubError(f"GitHub rejected {method} {path} (HTTP {status}{said})", status=status)


def from_env(http: httpx.Client, env: Mapping[str, str], repo: str | None = None,
             **options: Any) -> GitHub:
    """A client for GITHUB_REPOSITORY (or `repo`) at GITHUB_API_URL with GITHUB_TOKEN."""
    name = repo or env.get("GITHUB_REPOSITORY", "")
    if not name:
        raise GitHubError("no repository: set GITHUB_REPOSITORY (owner/name) or pass --repo-slug",
                          kind="config")
    token = env.get("GITHUB_TOKEN") or None
    if not token:
        raise GitHubError("GITHUB_TOKEN is not set; the workflow passes it as "
                          "env: GITHUB_TOKEN: ${{ github.token }}", kind="config")
    return GitHub(http, name, env.get("GITHUB_API_URL") or DEFAULT_API, token, **options)


def _shown(url: str) -> str:
    from socialops import escape

    return escape.url(url)


def check_api_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return url.strip().rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url.strip().rstrip("/")
    raise GitHubError(f"GITHUB_API_URL '{_shown(url)}' must be an https:// address (plain http:// only "
                      "for this machine)", kind="config")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _short(path: str) -> str:
    """A path or URL without its query, for messages."""
    parts = urlsplit(path)
    return parts.path if parts.scheme else path.split("?", 1)[0]


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return str(message)[:200] if message else ""
