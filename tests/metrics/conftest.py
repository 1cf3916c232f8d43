"""A content repository with a bare remote and a ledger of published parts, and fake
platforms answering through httpx.MockTransport (one handler for every channel)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from socialops import ledger
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord
from socialops.model import Project
from socialops.publish.metrics.collect import CollectOptions, CollectResult, collect
from tests.conftest import git

NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
CHANNELS = {
    "feed": {"platform": "feed", "path": "feed.xml", "title": "News", "link": "https://example.com"},
    "mastodon-main": {"platform": "mastodon", "instance": "https://m.example", "token_env": "MASTODON_TOKEN"},
    "x-main": {"platform": "x", "api": "https://x.example", "api_key_env": "XK", "api_secret_env": "XS",
               "access_token_env": "XT", "access_secret_env": "XA"},
}
ENV = {"MASTODON_TOKEN": "tok-m", "XK": "k", "XS": "s", "XT": "t", "XA": "a"}


Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Repo:
    tmp: Path
    root: Path
    remote: Path
    requests: list[httpx.Request] = field(default_factory=list)
    handler: Handler | None = None

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    def publish(self, post: str, channel: str, platform_id: str, at: datetime, *, parts: int = 1,
                campaign: str | None = None, lang: str | None = None, body: str = "Hello") -> None:
        """A post file and its ledger entry, as publish leaves them."""
        front = {"channels": [channel], "publish_at": at.strftime("%Y-%m-%dT%H:%M%z"), "status": "ready"}
        if campaign:
            front["campaign"] = campaign
        if lang:
            front["lang"] = lang
        path = self.root / "posts" / f"{post}.md"
        if not path.exists():
            self.write(f"posts/{post}.md", "---\n" + yaml.safe_dump(front) + "---\n" + body + "\n")
        entry = ledger.read(self.root, post) or LedgerEntry(post, f"posts/{post}.md")
        entry.channels[channel] = ChannelRecord("published", at.isoformat(), at.isoformat(), parts=[
            PartRecord(i, "published", f"{platform_id}-{i}" if i else platform_id, None,
                       (at + timedelta(seconds=i)).isoformat(), "h", 1) for i in range(parts)], count=parts)
        ledger.write(self.root, entry)

    def commit(self) -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "content")
        git(self.root, "push", "-q", "origin", "main")

    def client(self, channel: Any) -> httpx.Client:
        def handle(request: httpx.Request) -> httpx.Response:
            request.read()
            self.requests.append(request)
            assert self.handler is not None
            return self.handler(request)

        return httpx.Client(transport=httpx.MockTransport(handle))

    def collect(self, now: datetime = NOW, clock: datetime | None = None, env: dict[str, str] | None = None,
                **options: Any) -> CollectResult:
        moment = clock or now
        return collect(Project.load(self.root), CollectOptions(
            now=now, clock=lambda: moment, environ=ENV if env is None else env,
            client_factory=self.client, **options))

    def lines(self, day: str) -> list[str]:
        return (self.root / f".socialops/metrics/{day}.jsonl").read_text().splitlines()

    def remote_lines(self, day: str) -> list[str]:
        return git(self.remote, "show", f"main:.socialops/metrics/{day}.jsonl").splitlines()

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    root = tmp_path / "content"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", str(remote))
    r = Repo(tmp_path, root, remote)
    r.write("socialops.yaml", yaml.safe_dump({"timezone": "Europe/Berlin", "channels": CHANNELS}, sort_keys=False))
    r.write("calendar.yaml", "{}\n")
    r.write("styleguide.yaml", "rules: []\n")
    return r


def mastodon_status(status_id: str, likes: int, reposts: int = 0, replies: int = 0) -> dict[str, Any]:
    return {"id": status_id, "favourites_count": likes, "reblogs_count": reposts, "replies_count": replies,
            "quotes_count": 0}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers or {})
