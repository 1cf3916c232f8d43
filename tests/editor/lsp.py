"""A minimal Language Server Protocol client (JSON-RPC 2.0 over stdio with Content-Length
headers, as the LSP specification 3.17 describes its base protocol), enough to open YAML
files in a real yaml-language-server and read the diagnostics it publishes."""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class LanguageServer:
    def __init__(self, command: list[str], root: Path, settings: dict[str, Any]) -> None:
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.settings = settings
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.published: dict[str, int] = {}
        self._next = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {"textDocument": {"publishDiagnostics": {}}, "workspace": {"configuration": True}},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    # ---- the wire ----
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        try:
            self._read_messages()
        except (OSError, ValueError):  # the pipe closed by close()
            return

    def _read_messages(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(out.read(length))
            self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            uri = message["params"]["uri"]
            self.diagnostics[uri] = message["params"]["diagnostics"]
            self.published[uri] = self.published.get(uri, 0) + 1
        elif method == "workspace/configuration" and "id" in message:
            items = message["params"]["items"]
            self._send({"id": message["id"], "result": [self.settings.get(i.get("section", ""), None)
                                                        for i in items]})
        elif "id" in message and method is not None:  # other requests from the server
            self._send({"id": message["id"], "result": None})
        else:
            self.messages.put(message)

    def request(self, method: str, params: dict[str, Any], timeout: float = 30) -> Any:
        self._next += 1
        ident = self._next
        self._send({"id": ident, "method": method, "params": params})
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                message = self.messages.get(timeout=0.1)
            except queue.Empty:
                continue
            if message.get("id") == ident:
                return message.get("result")
        raise TimeoutError(method)

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    # ---- what a test does ----
    def open(self, path: Path, timeout: float = 30, quiet: float = 1.0,
             until: Callable[[list[dict[str, Any]]], bool] | None = None) -> list[dict[str, Any]]:
        """Open the file and return its diagnostics: once `until` holds for them, or else
        once the server has published them and then stayed quiet for `quiet` seconds (it may
        publish again when a schema has loaded). Each file is opened once per server."""
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text("utf-8")}})
        end = time.monotonic() + timeout
        seen, since = 0, time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.05)
            count = self.published.get(uri, 0)
            found = list(self.diagnostics.get(uri, []))
            if until is not None:
                if count and until(found):
                    return found
                continue
            if count != seen:
                seen, since = count, time.monotonic()
            elif count and time.monotonic() - since >= quiet:
                break
        return list(self.diagnostics.get(uri, []))

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=5)
            self.notify("exit", {})
            self.proc.wait(timeout=5)
        except (TimeoutError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
