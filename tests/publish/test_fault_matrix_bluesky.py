"""The fault matrix's Bluesky row, against a REAL PDS on 127.0.0.1 (installed by
.ci/setup-pds.sh; skips without it, fails under CI=true): a proxy on loopback passes every
request to the PDS, and for `createRecord` lets the PDS store the post, then keeps the
answer back; the run is killed there. The next run must find the post by its record key
(no second create), record its at:// uri, and `retract` must delete it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.pds.server import PdsAccount, running_pds
from tests.publish.conftest import NOW, Site, at, socialops_cmd

pytestmark = pytest.mark.slow


class HoldingProxy:
    """Forwards to `target`; after forwarding a request whose path holds `hold`, it waits
    (holding the answer back) until stopped. `created` counts those forwarded creates."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.hold: str | None = None
        self.created = 0
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                answer = httpx.request(self.command, proxy.target + self.path, content=body, headers=headers,
                                       timeout=30)
                if "com.atproto.repo.createRecord" in self.path:
                    proxy.created += 1
                if proxy.hold and proxy.hold in self.path:
                    proxy.release.wait(60)  # stored; the answer never comes while held
                    self.close_connection = True
                    return
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> HoldingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with running_pds(tmp_path_factory.mktemp("pds")) as server:
        yield server


def _records(account: PdsAccount) -> list[dict[str, Any]]:
    answer = httpx.get(f"{account.url}/xrpc/com.atproto.repo.listRecords", timeout=30,
                       params={"repo": account.did, "collection": "app.bsky.feed.post", "limit": "100"})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["records"])


def test_bluesky_a_timeout_after_the_pds_stored_the_post_then_the_next_run(
        site: Site, pds: Any, cli_env, run_cli) -> None:
    account: PdsAccount = pds.create_account("matrix.test")
    with HoldingProxy(account.url) as proxy:
        site.configure({**site.channels, "bluesky": {"platform": "bluesky", "pds": proxy.url,
                                                     "handle": account.handle, "password_env": "BSKY_PASSWORD"}})
        site.env = {"BSKY_PASSWORD": account.password}
        site.post("p", ["bluesky"], "Stored on Bluesky, answer lost.\n")
        site.commit()
        proxy.hold = "com.atproto.repo.createRecord"
        proc = subprocess.Popen(socialops_cmd("publish", "--now", NOW, "--timeout", "25"), cwd=site.root,
                                env=cli_env(site.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not _records(account):
                assert time.monotonic() < deadline and proc.poll() is None, "the post never reached the PDS"
                time.sleep(0.05)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=10)
        proxy.hold = None
        [stored] = _records(account)

        again = run_cli("publish", "--now", at(75), "--format", "json", cwd=site.root, env=site.env)
        assert again.returncode == 0, again.stdout + again.stderr
        assert json.loads(again.stdout)["posts"][0]["channels"][0]["status"] == "published"
        assert proxy.created == 1  # the next run looked the record up by its key: no second create
        assert [r["uri"] for r in _records(account)] == [stored["uri"]]
        part = site.ledger("p")["channels"]["bluesky"]["parts"][0]
        assert (part["status"], part["id"]) == ("published", stored["uri"])

        retracted = run_cli("retract", "p", cwd=site.root, env=site.env)
        assert retracted.returncode == 0, retracted.stdout + retracted.stderr
        assert _records(account) == []
        assert site.ledger("p")["channels"]["bluesky"]["status"] == "retracted"
