"""A small stand-in for a PDS behind httpx.MockTransport: it answers the XRPC calls the
Bluesky adapter makes the way the real server does (checked against the real one in
test_bluesky_pds.py) and records every request, so tests can assert exactly what was sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

DID = "did:plc:abc123testaccount"
PASSWORD = "app-pass-word-1234"  # what the fake accepts; never to appear in messages
PDS = "https://pds.example"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


@dataclass
class Sent:
    method: str
    nsid: str
    auth: str | None
    params: dict[str, str]
    body: Any  # JSON, or bytes for uploads
    content_type: str | None


@dataclass
class FakePds:
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # rkey -> value
    handles: dict[str, str] = field(default_factory=lambda: {"bob.test": "did:plc:bob"})
    queued: dict[str, list[Answer]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    logins: int = 0
    refreshes: int = 0

    def then(self, nsid: str, *answers: Answer) -> None:
        """Answer the next calls of nsid with these (a Response, an exception to raise, or
        a function of the request), before answering normally again."""
        self.queued.setdefault(nsid, []).extend(answers)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def nsids(self) -> list[str]:
        return [s.nsid for s in self.sent]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        nsid = request.url.path.removeprefix("/xrpc/")
        content_type = request.headers.get("content-type")
        raw = request.read()
        body: Any = json.loads(raw) if content_type == "application/json" else raw
        self.sent.append(Sent(request.method, nsid, request.headers.get("authorization"),
                              dict(request.url.params), body, content_type))
        if self.queued.get(nsid):
            answer = self.queued[nsid].pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer if isinstance(answer, httpx.Response) else answer(request)
        return getattr(self, "_" + nsid.rsplit(".", 1)[-1])(request, body)

    # ---- normal answers ---------------------------------------------------------------

    def _createSession(self, request: httpx.Request, body: Any) -> httpx.Response:
        if body != {"identifier": "acme.test", "password": PASSWORD}:
            return error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.logins += 1
        return httpx.Response(200, json={"did": DID, "handle": "acme.test",
                                         "accessJwt": f"access-{self.logins}",
                                         "refreshJwt": f"refresh-{self.logins}"})

    def _refreshSession(self, request: httpx.Request, body: Any) -> httpx.Response:
        self.refreshes += 1
        return httpx.Response(200, json={"did": DID, "handle": "acme.test",
                                         "accessJwt": f"access-r{self.refreshes}",
                                         "refreshJwt": f"refresh-r{self.refreshes}"})

    def _getSession(self, request: httpx.Request, body: Any) -> httpx.Response:
        return httpx.Response(200, json={"did": DID, "handle": "acme.test", "active": True})

    def _resolveHandle(self, request: httpx.Request, body: Any) -> httpx.Response:
        did = self.handles.get(request.url.params["handle"])
        if did is None:
            return error(400, "InvalidRequest", "Unable to resolve handle")
        return httpx.Response(200, json={"did": did})

    def _uploadBlob(self, request: httpx.Request, body: Any) -> httpx.Response:
        return httpx.Response(200, json={"blob": {
            "$type": "blob", "ref": {"$link": f"bafkrei{len(body)}"},
            "mimeType": request.headers["content-type"], "size": len(body)}})

    def _createRecord(self, request: httpx.Request, body: Any) -> httpx.Response:
        if body["rkey"] in self.records:
            return error(500, "InternalServerError", "Internal Server Error")
        self.records[body["rkey"]] = body["record"]
        return httpx.Response(200, json={"uri": f"at://{DID}/app.bsky.feed.post/{body['rkey']}",
                                         "cid": f"cid-{body['rkey']}"})

    def _getRecord(self, request: httpx.Request, body: Any) -> httpx.Response:
        params = request.url.params
        value = self.records.get(params["rkey"])
        uri = f"at://{params['repo']}/{params['collection']}/{params['rkey']}"
        if value is None:
            return error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return httpx.Response(200, json={"uri": uri, "cid": f"cid-{params['rkey']}",
                                         "value": value})

    def _deleteRecord(self, request: httpx.Request, body: Any) -> httpx.Response:
        self.records.pop(body["rkey"], None)
        return httpx.Response(200, json={})


def error(status: int, name: str, message: str, headers: dict[str, str] | None = None
          ) -> httpx.Response:
    return httpx.Response(status, json={"error": name, "message": message}, headers=headers)
