"""The machinery every fake platform server shares: a threaded HTTP/1.1 server on
127.0.0.1, a route table, a record of every request, and switchable faults.

A fake subclasses `FakeServer`, lists `ROUTES` as (method, path regex, handler name)
and raises `FakeError` for error replies. Faults (see `FakeServer.fail` and friends)
apply to the requests whose "METHOD /path" matches a regex; the default `"create"` is
the fake's own create call (`CREATE`), the call that makes a post visible.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class FormPart:
    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    at: float = field(default_factory=time.monotonic)

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        """The url-encoded body (or the query string when the body is empty)."""
        if self.body:
            return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return self.query

    def multipart(self) -> list[FormPart]:
        ctype = self.headers.get("content-type", "")
        raw = f"Content-Type: {ctype}\r\n\r\n".encode() + self.body
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        parts = []
        for item in msg.iter_parts():
            name = item.get_param("name", header="content-disposition")
            data = item.get_payload(decode=True) or b""
            ctype_part = item.get("content-type")
            parts.append(FormPart(str(name), data, item.get_filename(),
                                  str(ctype_part) if ctype_part else None))
        return parts

    def fields(self) -> dict[str, Any]:
        """The request's parameters whatever the encoding: JSON object, form fields (a
        list value for `name[]` or repeated names), multipart text fields, or the query."""
        ctype = self.headers.get("content-type", "")
        if "application/json" in ctype:
            value = self.json()
            return value if isinstance(value, dict) else {}
        if "multipart/form-data" in ctype:
            return {p.name: p.text for p in self.multipart() if p.filename is None}
        out: dict[str, Any] = {}
        for key, values in self.form().items():
            out[key] = values if key.endswith("[]") or len(values) > 1 else values[0]
        return out


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON, str -> text/plain, bytes as they are, None -> empty
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StoredPost:
    """A post as a fake keeps it (every fake has `posts: dict[id, StoredPost]`)."""

    id: str
    text: str
    reply_to: str | None = None
    media: list[dict[str, Any]] = field(default_factory=list)  # alt, filename, size, type
    fields: dict[str, Any] = field(default_factory=dict)  # the request's parameters
    created: float = field(default_factory=time.time)


class FakeError(Exception):
    """Raised by a route handler: answer with this status, body and headers."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.reply = Reply(status, body, headers or {})


@dataclass
class Fault:
    kind: str  # "status" | "timeout" | "drop"
    pattern: re.Pattern[str]
    times: int | None  # None: every matching request
    reply: Reply | None = None
    after: bool = False  # "status": answer after the request took effect
    hang: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection is closed after this
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # answer at once: without this, Nagle's algorithm and the client's delayed ACK
        # hold each answer's body back ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # the fakes are quiet
        return

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        split = urlsplit(self.path)
        request = Recorded(self.command, split.path, parse_qs(split.query, keep_blank_values=True),
                           {k.lower(): v for k, v in self.headers.items()}, self._body())
        self.server.fake.serve(request, self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def send(self, reply: Reply) -> None:
        if isinstance(reply.body, bytes):
            data, ctype = reply.body, "application/octet-stream"
        elif isinstance(reply.body, str):
            data, ctype = reply.body.encode(), "text/plain; charset=utf-8"
        elif reply.body is None:
            data, ctype = b"", ""
        else:
            data, ctype = json.dumps(reply.body).encode(), "application/json; charset=utf-8"
        self.send_response(reply.status)
        headers = {"Content-Type": ctype, **reply.headers} if ctype else dict(reply.headers)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a killed run) is not worth a traceback on stderr."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeServer:
    """Base of every fake. Attributes tests use:

    - `url`: base URL (http://127.0.0.1:PORT)
    - `requests`: every request received, in order (`Recorded`)
    - `latency`: seconds to wait before answering each request
    - `fail`, `rate_limit`, `accept_then_timeout`, `create_then_drop`: faults
    """

    name: ClassVar[str] = "fake"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = []
    CREATE: ClassVar[str] = r"^POST "

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.posts: dict[str, StoredPost] = {}
        self.deleted: list[str] = []
        self.crashes: list[Exception] = []  # exceptions raised by the fake's own code
        self.latency = 0.0
        self.time_offset = 0.0  # seconds added to the fake's clock for the posts it creates
        self.lock = threading.RLock()
        self._faults: list[Fault] = []
        self._stopping = threading.Event()
        self._routes = [(m, re.compile(p), getattr(self, h)) for m, p, h in self.ROUTES]
        self._next_id = 0
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._serve_thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    # ---- life ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeServer:
        self._serve_thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._serve_thread.join(timeout=5)

    # ---- faults -------------------------------------------------------------------------
    def _pattern(self, match: str) -> re.Pattern[str]:
        return re.compile(self.CREATE if match == "create" else ".*" if match == "*" else match)

    def fail(self, status: int = 500, *, body: Any = None, headers: dict[str, str] | None = None,
             match: str = "create", times: int | None = 1, after: bool = False) -> None:
        """Answer the matching requests with `status` (and the platform's error body
        unless `body` is given). `after=True`: the request takes effect first."""
        reply = Reply(status, body if body is not None else self.error_body(status, "fake fault"),
                      headers or {})
        self._faults.append(Fault("status", self._pattern(match), times, reply, after))

    def rate_limit(self, retry_after: float = 1, *, match: str = "create", times: int | None = 1) -> None:
        """429 with the platform's rate-limit headers and body, saying `retry_after` s."""
        self._faults.append(Fault("status", self._pattern(match), times,
                                  self.rate_limit_reply(retry_after)))

    def accept_then_timeout(self, hang: float = 5.0, *, match: str = "create",
                            times: int | None = 1) -> None:
        """Do what the request asks (create the post), then wait `hang` s before
        answering, longer than the client's timeout."""
        self._faults.append(Fault("timeout", self._pattern(match), times, hang=hang))

    def create_then_drop(self, *, match: str = "create", times: int | None = 1) -> None:
        """Do what the request asks, then close the connection without an answer."""
        self._faults.append(Fault("drop", self._pattern(match), times))

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def _take_fault(self, request: Recorded) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.pattern.search(request.line):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def now(self) -> float:
        """The fake's clock (Unix seconds): the real one plus `time_offset`."""
        return time.time() + self.time_offset

    def new_id(self, base: int = 0) -> str:
        """A fresh numeric id (as a string), unique within this fake."""
        with self.lock:
            self._next_id += 1
            return str(base + self._next_id)

    # ---- per platform (overridden) ------------------------------------------------------
    def error_body(self, status: int, message: str) -> Any:
        return {"error": message}

    def rate_limit_reply(self, retry_after: float) -> Reply:
        return Reply(429, self.error_body(429, "Too Many Requests"),
                     {"Retry-After": str(int(retry_after) if retry_after == int(retry_after) else retry_after)})

    def headers_for(self, request: Recorded) -> dict[str, str]:
        """Headers added to every normal answer (e.g. rate-limit headers)."""
        return {}

    def authorize(self, request: Recorded) -> None:
        """Raise FakeError when the request's credentials are wrong."""

    # ---- serving ------------------------------------------------------------------------
    def texts(self) -> list[str]:
        """The texts of the posts that exist now, oldest first."""
        return [p.text for p in list(self.posts.values())]

    def calls(self, pattern: str = ".*") -> list[Recorded]:
        """The recorded requests whose "METHOD /path" matches `pattern`."""
        regex = self._pattern(pattern)
        return [r for r in list(self.requests) if regex.search(r.line)]

    def _route(self, request: Recorded) -> Reply:
        for method, regex, handler in self._routes:
            found = regex.fullmatch(request.path)
            if found and method == request.method:
                self.authorize(request)
                with self.lock:
                    result: Reply = handler(request, *found.groups())
                return result
        raise FakeError(404, self.error_body(404, f"no route for {request.line}"))

    def _answer(self, request: Recorded) -> Reply:
        try:
            reply = self._route(request)
        except FakeError as exc:
            reply = exc.reply
        except Exception as exc:  # a bug in the fake: answer 500 and keep it for the test
            self.crashes.append(exc)
            reply = Reply(500, self.error_body(500, f"fake crashed: {exc!r}"))
        reply.headers = {**self.headers_for(request), **reply.headers}
        return reply

    def serve(self, request: Recorded, handler: _Handler) -> None:
        self.requests.append(request)
        if self.latency:
            self._stopping.wait(self.latency)
        fault = self._take_fault(request)
        if fault and fault.kind == "status" and not fault.after and fault.reply:
            handler.send(fault.reply)
            return
        reply = self._answer(request)
        if fault is None:
            handler.send(reply)
        elif fault.kind == "status" and fault.reply:
            handler.send(fault.reply)
        elif fault.kind == "drop":
            handler.drop()
        else:  # timeout: the post exists; answer late, if the client still listens
            self._stopping.wait(fault.hang)
            try:
                handler.send(reply)
            except OSError:
                handler.close_connection = True


def stop_all(servers: list[FakeServer]) -> None:
    """Stop several fakes at once (each stop waits for its server loop to notice)."""
    stoppers = [threading.Thread(target=server.stop) for server in servers]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join()
