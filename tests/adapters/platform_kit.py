"""Test helpers for the HTTP platform adapters: a recording httpx.MockTransport with
canned answers, part builders, small media files, and an OAuth 1.0a signature check."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.oauth1.rfc5849.signature import generate_signature_base_string, hmac_sha1_signature
from authlib.oauth1.rfc5849.wrapper import OAuth1Request

from socialops.adapters.base import OutgoingMedia, OutgoingPart, PublishedRef
from socialops.model import Channel
from tests.fakes.core import Recorded
from tests.fakes.servers import Fakes, start_fakes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 32

Answer = tuple[int, Any] | tuple[int, Any, dict[str, str]]


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    """Every fake platform server on 127.0.0.1 for one test."""
    with start_fakes() as started:
        yield started


class Mock:
    """A MockTransport client: answers `"METHOD /path"` (regex, full match) from a list
    (the last answer repeats) and records every request."""

    def __init__(self, routes: dict[str, Answer | list[Answer]]) -> None:
        self.routes = {re.compile(k): list(v) if isinstance(v, list) else [v] for k, v in routes.items()}
        self.requests: list[httpx.Request] = []
        self.client = httpx.Client(transport=httpx.MockTransport(self.handle), timeout=5)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        line = f"{request.method} {request.url.path}"
        for pattern, answers in self.routes.items():
            if pattern.fullmatch(line):
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                status, body, *rest = answer
                headers = rest[0] if rest else {}
                if isinstance(body, str):
                    return httpx.Response(status, text=body, headers=headers)
                if body is None:
                    return httpx.Response(status, headers=headers)
                return httpx.Response(status, json=body, headers=headers)
        return httpx.Response(404, json={"error": f"no mock for {line}"})

    def lines(self) -> list[str]:
        return [f"{r.method} {r.url}" for r in self.requests]

    def __enter__(self) -> Mock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()


def recorded(request: httpx.Request) -> Recorded:
    """An httpx request in the fakes' form, to read its form fields or multipart parts."""
    return Recorded(request.method, request.url.path, {}, {k.lower(): v for k, v in request.headers.items()},
                    request.content)


def adapter(platform: str, options: dict[str, Any], secrets: dict[str, str], client: httpx.Client,
            root: Path, name: str = "chan") -> Any:
    module = importlib.import_module(f"socialops.adapters.{platform}")
    return module.ADAPTER(Channel(name, platform, {"platform": platform, **options}), client, secrets, root)


def part(text: str = "Hello world", index: int = 0, *, media: tuple[OutgoingMedia, ...] = (),
         reply_to: PublishedRef | None = None, root: PublishedRef | None = None, key: str = "key-0",
         options: dict[str, Any] | None = None, lang: str | None = None, channel: str = "chan",
         due: datetime | None = None) -> OutgoingPart:
    return OutgoingPart("2026/launch", channel, index, text, media, reply_to, root, key, options or {}, lang,
                        None, due)


def media_files(root: Path) -> tuple[OutgoingMedia, OutgoingMedia]:
    (root / "media").mkdir(parents=True, exist_ok=True)
    (root / "media" / "shot.png").write_bytes(PNG)
    (root / "media" / "photo.jpg").write_bytes(JPEG)
    return (OutgoingMedia(root / "media" / "shot.png", "A screenshot of the calendar", "image/png"),
            OutgoingMedia(root / "media" / "photo.jpg", "The team at the launch", "image/jpeg"))


def oauth_signature_ok(request: httpx.Request, keys: dict[str, str]) -> bool:
    """Whether the request carries a valid OAuth 1.0a HMAC-SHA1 signature for `keys`."""
    form = "application/x-www-form-urlencoded" in request.headers.get("content-type", "")
    oauth = OAuth1Request(request.method, str(request.url), request.content.decode() if form else None,
                          {"Authorization": request.headers.get("authorization", "")})
    if oauth.client_id != keys["api_key"] or oauth.token != keys["access_token"]:
        return False
    base = generate_signature_base_string(oauth)
    return bool(hmac_sha1_signature(base, keys["api_secret"], keys["access_secret"]) == oauth.signature)
