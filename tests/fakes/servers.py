"""Local fake servers of every HTTP platform, on 127.0.0.1, for tests and benchmarks.

Usage (a library; the pytest fixture `fakes` in tests/fakes/fixtures.py wraps it):

    from tests.fakes.servers import start_fakes

    with start_fakes() as fakes:
        channels = fakes.channels()   # {"mastodon": {"platform": "mastodon", "instance": ..., "token_env": ...}, ...}
        env = fakes.env()             # {"MASTODON_TOKEN": "...", ...}: the secrets, for os.environ
        fakes.mastodon.posts          # {id: StoredPost(id, text, reply_to, media, fields, created)}
        fakes.mastodon.requests       # every request, in order (Recorded: method, path, query, headers, body)

The stable API, per fake (`fakes.mastodon`, `.x`, `.linkedin`, `.threads`, `.discord`,
`.slack`, `.telegram`, `.webhook`; `fakes.all` lists them):
- `url`, `posts`, `deleted` (ids), `texts()`, `requests`, `calls(pattern)`;
- `latency = 0.05`: seconds added to every answer;
- `time_offset = -3600`: posts made from now on are dated an hour ago (Mastodon, X,
  Threads show their creation time);
- faults, each for the next `times` matching requests (None: all); `match` is a regex
  over "METHOD /path", or "create" (the default: the call that makes a post visible),
  or "*" (every request):
  - `fail(status=500, body=None, headers=None, match="create", times=1, after=False)`:
    answer `status` with the platform's error body; `after=True` lets the request
    take effect first (the post exists, the client sees an error);
  - `rate_limit(retry_after=1, match="create", times=1)`: 429 with the platform's
    headers/body saying when to retry (LinkedIn sends no rate-limit headers);
  - `accept_then_timeout(hang=5.0, match="create", times=1)`: create the post, then
    answer only after `hang` seconds (set the client's timeout below it);
  - `create_then_drop(match="create", times=1)`: create the post, then close the
    connection without answering;
  - `clear_faults()`.
Platform state: Mastodon keeps Idempotency-Keys for `idempotency_ttl` s
(`forget_idempotency_keys()`; `honours_idempotency_key = False`: none at all), answers 206 on media polls `media_processing_polls`
times, and enforces (and serves in /api/v2/instance) `max_characters`; Threads
containers are IN_PROGRESS `media_processing_polls` (media) or `text_processing_polls`
(text) times, and `scopes` decides whether replies can be read; X checks every OAuth 1.0a
signature, names its field parameter per `field_names` ("tweet" or "post") and refuses a
repeat of a post from the last `duplicate_window` s; LinkedIn grants calls by `scopes`
(w_/r_organization_social, w_/r_member_social, openid, profile) and refuses duplicates
within `duplicate_window` s; the webhook receiver checks the HMAC signature.
`channels()` gives two Slack channels: "slack" (incoming webhook) and "slack-bot"
(bot token, can thread and delete).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.core import FakeServer, stop_all
from tests.fakes.discord import FakeDiscord
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.slack import CHANNEL as SLACK_CHANNEL
from tests.fakes.slack import FakeSlack
from tests.fakes.telegram import CHAT as TELEGRAM_CHAT
from tests.fakes.telegram import FakeTelegram
from tests.fakes.threads import FakeThreads
from tests.fakes.webhook import FakeWebhook
from tests.fakes.x import FakeX


def _secret(label: str) -> str:
    """A credential no test could mistake for anything else (grep-able)."""
    return f"sekret{label}{secrets.token_hex(12)}"


@dataclass
class Fakes:
    """Every fake, started; see the module docstring."""

    mastodon: FakeMastodon
    x: FakeX
    linkedin: FakeLinkedIn
    threads: FakeThreads
    discord: FakeDiscord
    slack: FakeSlack
    telegram: FakeTelegram
    webhook: FakeWebhook
    _env: dict[str, str] = field(default_factory=dict)

    @property
    def all(self) -> list[FakeServer]:
        return [self.mastodon, self.x, self.linkedin, self.threads, self.discord, self.slack,
                self.telegram, self.webhook]

    def env(self) -> dict[str, str]:
        """Environment variables holding every channel's secrets."""
        return dict(self._env)

    def secret_values(self) -> list[str]:
        """Every secret, including the secret parts of webhook URLs, for leak checks."""
        values = list(self._env.values())
        return [*values, self.discord.token, self.slack.hook_secret]

    def channels(self) -> dict[str, dict[str, Any]]:
        """Channel options for socialops.yaml, one channel per fake, named after it."""
        return {
            "mastodon": {"platform": "mastodon", "instance": self.mastodon.url, "token_env": "MASTODON_TOKEN"},
            "x": {"platform": "x", "api": self.x.url, "api_key_env": "X_API_KEY",
                  "api_secret_env": "X_API_SECRET", "access_token_env": "X_ACCESS_TOKEN",
                  "access_secret_env": "X_ACCESS_SECRET"},
            "linkedin": {"platform": "linkedin", "api": self.linkedin.url,
                         "author": "urn:li:organization:123", "token_env": "LINKEDIN_TOKEN"},
            "threads": {"platform": "threads", "api": self.threads.url, "user_id": FakeThreads.USER_ID,
                        "token_env": "THREADS_TOKEN", "media_base_url": "https://media.acme.example/repo/"},
            "discord": {"platform": "discord", "webhook_env": "DISCORD_WEBHOOK_URL"},
            "slack": {"platform": "slack", "webhook_env": "SLACK_WEBHOOK_URL"},
            "slack-bot": {"platform": "slack", "api": f"{self.slack.url}/api", "token_env": "SLACK_BOT_TOKEN",
                          "channel_id": SLACK_CHANNEL},
            "telegram": {"platform": "telegram", "api": self.telegram.url,
                         "chat_id": f"@{TELEGRAM_CHAT['username']}", "token_env": "TELEGRAM_BOT_TOKEN"},
            "webhook": {"platform": "webhook", "url": self.webhook.hook_url, "secret_env": "WEBHOOK_SECRET"},
        }

    def secrets_for(self, channel: str) -> dict[str, str]:
        """What the engine hands an adapter as `secrets`: each `*_env` option without
        the suffix, mapped to the variable's value."""
        options = self.channels()[channel]
        return {key[:-4]: self._env[value] for key, value in options.items() if key.endswith("_env")}

    def stop(self) -> None:
        stop_all(self.all)


@contextmanager
def start_fakes() -> Iterator[Fakes]:
    env = {name: _secret(name.lower().replace("_", "")) for name in (
        "MASTODON_TOKEN", "X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_SECRET",
        "LINKEDIN_TOKEN", "THREADS_TOKEN", "SLACK_BOT_TOKEN", "WEBHOOK_SECRET")}
    env["TELEGRAM_BOT_TOKEN"] = f"7000000001:AAsekret{secrets.token_hex(16)}"
    discord_token = _secret("discordtoken")
    slack_hook = _secret("slackhook")
    fakes = Fakes(
        mastodon=FakeMastodon(env["MASTODON_TOKEN"]),
        x=FakeX(env["X_API_KEY"], env["X_API_SECRET"], env["X_ACCESS_TOKEN"], env["X_ACCESS_SECRET"]),
        linkedin=FakeLinkedIn(env["LINKEDIN_TOKEN"]),
        threads=FakeThreads(env["THREADS_TOKEN"]),
        discord=FakeDiscord(discord_token),
        slack=FakeSlack(slack_hook, env["SLACK_BOT_TOKEN"]),
        telegram=FakeTelegram(env["TELEGRAM_BOT_TOKEN"]),
        webhook=FakeWebhook(env["WEBHOOK_SECRET"]),
    )
    env["DISCORD_WEBHOOK_URL"] = fakes.discord.webhook_url
    env["SLACK_WEBHOOK_URL"] = fakes.slack.webhook_url
    fakes._env = env
    started: list[FakeServer] = []
    try:
        for fake in fakes.all:
            started.append(fake.start())
        yield fakes
    finally:
        stop_all(started)
