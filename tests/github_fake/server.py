"""A local fake of the parts of the GitHub REST API socialops uses, on 127.0.0.1.

Answers are shaped like the documented ones (pull requests, reviews, team memberships,
contents, issue comments, pull-request files and commits), list endpoints are paginated with
`Link` headers (`per_page`, `page`), every request is logged, and a test can make any path
answer an error (401/403/404/5xx, rate limits) a number of times.

What the fake follows from GitHub's REST documentation (docs.github.com/en/rest):
- commits/commits#list-pull-requests-associated-with-a-commit: a commit of a pull request's
  branch and the merge or squash commit it was merged with (`merge_commit_sha`) both list
  the pull request; each pull request carries `base.ref`, the branch it was merged into;
- pulls/reviews#list-reviews-for-a-pull-request: each review has `user`, `state` (APPROVED,
  CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING), `commit_id` and `author_association`
  (one of AUTHOR_ASSOCIATIONS below: the reviewer's relation to the repository);
- pulls/pulls#list-commits-on-a-pull-request: each commit has the git `commit.author` and
  `commit.committer` (name, email, date) and the GitHub accounts `author` and `committer`
  (null when the e-mail belongs to no account; `web-flow` commits what is made in the web
  interface);
- repos/contents#get-repository-content: `sha` is the file's git blob id at `ref`.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "ghs_fake_token_for_tests_0123456789"
AUTHOR_ASSOCIATIONS = ("COLLABORATOR", "CONTRIBUTOR", "FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR",
                       "MANNEQUIN", "MEMBER", "NONE", "OWNER")
DOCS = "https://docs.github.com/rest"


def blob_sha(text: str | bytes) -> str:
    """git's blob id of a file's content (what the contents API calls `sha`)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Failure:
    pattern: str  # a regex searched in "METHOD /path"
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    times: int


@dataclass
class FakeGitHub:
    repo: str = "acme/content"
    token: str = TOKEN
    page_size: int = 30  # the server's default per_page (GitHub's is 30)
    max_page_size: int = 100
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    commit_pulls: dict[str, list[int]] = field(default_factory=dict)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pull_commits: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    contents: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, ref) -> text
    teams: dict[str, dict[str, str]] = field(default_factory=dict)  # "org/slug" -> login -> state
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    base_url: str = ""
    _ids: Any = field(default_factory=lambda: itertools.count(1001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- building the state -------------------------------------------------------------
    def add_pull(self, number: int, head: str, *, author: str = "writer", merged: bool = True,
                 commits: list[str] | None = None, files: dict[str, str] | None = None,
                 base: str = "main", title: str = "Add a post", state: str | None = None,
                 merge_commit: str | None = None,
                 committers: list[tuple[str | None, str | None]] | None = None) -> dict[str, Any]:
        """A pull request whose final head commit is `head`; `commits` (default [head]) are
        the commits GitHub associates with it, and `merge_commit` (a merge or squash commit)
        too; `files` its changed files at the head; `committers` the (author, committer)
        accounts of its commits (default: the opener authored and committed each)."""
        owner, name = self.repo.split("/")
        pull = {
            "url": f"{self.base_url}/repos/{self.repo}/pulls/{number}",
            "id": 5000 + number, "node_id": f"PR_{number}", "number": number,
            "html_url": f"https://github.example/{self.repo}/pull/{number}",
            "state": state or ("closed" if merged else "open"), "locked": False, "title": title,
            "user": _user(author), "body": "", "draft": False,
            "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z",
            "closed_at": "2026-11-21T10:00:00Z" if merged else None,
            "merged_at": "2026-11-21T10:00:00Z" if merged else None,
            "merge_commit_sha": (merge_commit or "f" * 40) if merged else None,
            "requested_reviewers": [], "requested_teams": [],
            "head": {"label": f"{owner}:post-{number}", "ref": f"post-{number}", "sha": head,
                     "user": _user(owner), "repo": {"full_name": self.repo}},
            "base": {"label": f"{owner}:{base}", "ref": base, "sha": "b" * 40,
                     "user": _user(owner), "repo": {"full_name": self.repo, "name": name}},
            "author_association": "MEMBER",
        }
        self.pulls[number] = pull
        for sha in (commits or [head]) + ([merge_commit] if merge_commit and merged else []):
            if number not in self.commit_pulls.setdefault(sha, []):
                self.commit_pulls[sha].append(number)
        people = committers or [(author, author)] * len(commits or [head])
        self.pull_commits[number] = [_commit(sha, *who) for sha, who in
                                     zip(itertools.cycle(commits or [head]), people, strict=False)]
        for path, text in (files or {}).items():
            self.contents[(path, head)] = text
            self.files.setdefault(number, []).append(
                {"sha": blob_sha(text), "filename": path, "status": "added", "additions": 1,
                 "deletions": 0, "changes": 1})
        self.reviews.setdefault(number, [])
        return pull

    def review(self, number: int, login: str, state: str, commit: str, *,
               association: str = "MEMBER", at: str | None = None) -> dict[str, Any]:
        assert association in AUTHOR_ASSOCIATIONS, f"GitHub has no author_association {association}"
        reviews = self.reviews.setdefault(number, [])
        review_id = 80000 + len(reviews) + 100 * number
        review = {
            "id": review_id, "node_id": f"PRR_{review_id}", "user": _user(login), "body": "",
            "state": state, "html_url": f"https://github.example/{self.repo}/pull/{number}#pullrequestreview-{review_id}",
            "pull_request_url": f"{self.base_url}/repos/{self.repo}/pulls/{number}",
            "author_association": association,
            "submitted_at": at or f"2026-11-21T09:{len(reviews):02d}:00Z", "commit_id": commit,
        }
        reviews.append(review)
        return review

    def fail(self, pattern: str, status: int, *, times: int = 1000, headers: dict[str, str] | None = None,
             message: str = "failure") -> None:
        """Answer requests matching `pattern` ("METHOD /path" regex) with an error."""
        self.failures.append(Failure(pattern, status, headers or {}, {"message": message,
                                     "documentation_url": DOCS}, times))

    def calls(self, method: str | None = None, pattern: str = "") -> list[Request]:
        return [r for r in self.requests if (method is None or r.method == method)
                and re.search(pattern, r.path)]

    # ---- answering ----------------------------------------------------------------------
    def answer(self, method: str, raw_path: str, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests.append(Request(method, path, query, headers, body))
            failure = self._failure(f"{method} {path}")
        if failure:
            return failure.status, failure.headers, failure.body
        auth = headers.get("authorization", "")
        if not auth:
            return 401, {}, {"message": "Requires authentication", "documentation_url": DOCS}
        if auth != f"Bearer {self.token}":
            return 401, {}, {"message": "Bad credentials", "documentation_url": DOCS}
        for route, handler in self._routes():
            match = re.fullmatch(route, f"{method} {path}")
            if match:
                return handler(query, body, *match.groups())
        return _not_found()

    def _failure(self, line: str) -> Failure | None:
        for failure in self.failures:
            if failure.times > 0 and re.search(failure.pattern, line):
                failure.times -= 1
                return failure
        return None

    def _routes(self) -> list[tuple[str, Any]]:
        repo = re.escape(self.repo)
        return [
            (rf"GET /repos/{repo}/commits/([0-9a-f]+)/pulls", self._commit_pulls),
            (rf"GET /repos/{repo}/pulls", self._list_pulls),
            (rf"GET /repos/{repo}/pulls/(\d+)", self._get_pull),
            (rf"GET /repos/{repo}/pulls/(\d+)/reviews", self._reviews),
            (rf"GET /repos/{repo}/pulls/(\d+)/files", self._files),
            (rf"GET /repos/{repo}/pulls/(\d+)/commits", self._pull_commits),
            (rf"GET /repos/{repo}/contents/(.+)", self._contents),
            (r"GET /orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)", self._membership),
            (rf"GET /repos/{repo}/issues/(\d+)/comments", self._list_comments),
            (rf"POST /repos/{repo}/issues/(\d+)/comments", self._create_comment),
            (rf"PATCH /repos/{repo}/issues/comments/(\d+)", self._update_comment),
        ]

    def _page(self, query: dict[str, str], items: list[Any], path: str) -> tuple[int, dict[str, str], Any]:
        per_page = min(int(query.get("per_page", self.page_size)), self.max_page_size, self.page_size)
        page = int(query.get("page", "1"))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []
        extra = "".join(f"&{k}={v}" for k, v in sorted(query.items()) if k not in ("page", "per_page"))
        if page < last:
            links.append(f'<{self.base_url}{path}?per_page={per_page}&page={page + 1}{extra}>; rel="next"')
            links.append(f'<{self.base_url}{path}?per_page={per_page}&page={last}{extra}>; rel="last"')
        if page > 1:
            links.append(f'<{self.base_url}{path}?per_page={per_page}&page=1{extra}>; rel="first"')
        return 200, ({"Link": ", ".join(links)} if links else {}), chunk

    def _commit_pulls(self, query: dict[str, str], body: Any, sha: str) -> Any:
        pulls = [self.pulls[n] for n in self.commit_pulls.get(sha, [])]
        return self._page(query, pulls, f"/repos/{self.repo}/commits/{sha}/pulls")

    def _list_pulls(self, query: dict[str, str], body: Any) -> Any:
        wanted = query.get("state", "open")
        pulls = [p for n, p in sorted(self.pulls.items()) if wanted == "all" or p["state"] == wanted]
        return self._page(query, pulls, f"/repos/{self.repo}/pulls")

    def _get_pull(self, query: dict[str, str], body: Any, number: str) -> Any:
        pull = self.pulls.get(int(number))
        return (200, {}, pull) if pull else _not_found()

    def _reviews(self, query: dict[str, str], body: Any, number: str) -> Any:
        if int(number) not in self.pulls:
            return _not_found()
        return self._page(query, self.reviews.get(int(number), []), f"/repos/{self.repo}/pulls/{number}/reviews")

    def _files(self, query: dict[str, str], body: Any, number: str) -> Any:
        if int(number) not in self.pulls:
            return _not_found()
        return self._page(query, self.files.get(int(number), []), f"/repos/{self.repo}/pulls/{number}/files")

    def _pull_commits(self, query: dict[str, str], body: Any, number: str) -> Any:
        if int(number) not in self.pulls:
            return _not_found()
        return self._page(query, self.pull_commits.get(int(number), []),
                          f"/repos/{self.repo}/pulls/{number}/commits")

    def _contents(self, query: dict[str, str], body: Any, path: str) -> Any:
        ref = query.get("ref", "main")
        text = self.contents.get((path, ref))
        if text is None:
            return _not_found()
        data = text.encode("utf-8")
        return 200, {}, {"type": "file", "encoding": "base64", "size": len(data),
                         "name": path.rsplit("/", 1)[-1], "path": path, "sha": blob_sha(data),
                         "content": base64.encodebytes(data).decode("ascii"),
                         "url": f"{self.base_url}/repos/{self.repo}/contents/{path}?ref={ref}"}

    def _membership(self, query: dict[str, str], body: Any, org: str, team: str, login: str) -> Any:
        state = self.teams.get(f"{org}/{team}", {}).get(login)
        if state is None:
            return _not_found()
        return 200, {}, {"url": f"{self.base_url}/teams/1/memberships/{login}", "role": "member",
                         "state": state}

    def _list_comments(self, query: dict[str, str], body: Any, number: str) -> Any:
        return self._page(query, self.comments.get(int(number), []), f"/repos/{self.repo}/issues/{number}/comments")

    def _create_comment(self, query: dict[str, str], body: Any, number: str) -> Any:
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            return 422, {}, {"message": "Validation Failed", "documentation_url": DOCS}
        comment_id = next(self._ids)
        comment = {"id": comment_id, "node_id": f"IC_{comment_id}", "body": body["body"],
                   "user": _user("github-actions[bot]", "Bot"),
                   "html_url": f"https://github.example/{self.repo}/pull/{number}#issuecomment-{comment_id}",
                   "issue_url": f"{self.base_url}/repos/{self.repo}/issues/{number}",
                   "created_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z",
                   "author_association": "NONE"}
        self.comments.setdefault(int(number), []).append(comment)
        return 201, {}, comment

    def _update_comment(self, query: dict[str, str], body: Any, comment_id: str) -> Any:
        for comments in self.comments.values():
            for comment in comments:
                if comment["id"] == int(comment_id):
                    comment["body"] = body["body"]
                    comment["updated_at"] = "2026-11-21T11:00:00Z"
                    return 200, {}, comment
        return _not_found()


def _user(login: str, kind: str = "User") -> dict[str, Any]:
    return {"login": login, "id": zlib.crc32(login.encode()) % 10**7, "type": kind,
            "html_url": f"https://github.example/{login}"}


def _commit(sha: str, author: str | None, committer: str | None) -> dict[str, Any]:
    def stamp(login: str | None) -> dict[str, str]:
        name = login or "Someone Without An Account"
        return {"name": name, "email": f"{name.lower().replace(' ', '.')}@example.com",
                "date": "2026-11-20T10:00:00Z"}

    return {"sha": sha, "node_id": f"C_{sha[:8]}", "html_url": f"https://github.example/commit/{sha}",
            "commit": {"author": stamp(author), "committer": stamp(committer), "message": "edit",
                       "tree": {"sha": "e" * 40}, "comment_count": 0},
            "author": _user(author) if author else None,
            "committer": _user(committer) if committer else None,
            "parents": []}


def _not_found() -> tuple[int, dict[str, str], Any]:
    return 404, {}, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, payload = self.fake.answer(self.command, self.path, headers, body)
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """Runs a FakeGitHub on 127.0.0.1 (a free port) in a thread; `with Server() as fake:`."""

    def __init__(self, fake: FakeGitHub | None = None) -> None:
        self.fake = fake or FakeGitHub()
        handler = type("Handler", (_Handler,), {"fake": self.fake})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.fake.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
