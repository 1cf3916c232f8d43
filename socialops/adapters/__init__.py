"""The platform adapters: one module per platform, each defining `ADAPTER` (a class that
follows `socialops.adapters.base.Adapter`), listed by hand and imported only when used.

Credentials come from the environment only: each channel option ending in `_env` names a
variable (`token_env: MASTODON_TOKEN`), and the adapter receives the value under the
option's name without `_env` (`secrets["token"]`). A missing variable fails that channel
alone, with a message that names the variable and never a value.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from socialops.errors import SocialopsError
from socialops.model import Channel

#: platform -> module under socialops.adapters
REGISTRY: dict[str, str] = {
    "feed": "feed",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "x": "x",
    "linkedin": "linkedin",
    "threads": "threads",
    "discord": "discord",
    "slack": "slack",
    "telegram": "telegram",
    "webhook": "webhook",
}


class ChannelSetupError(SocialopsError):
    """A channel that cannot be used in this run (unknown platform, missing credentials).
    Publish, retract and doctor report it per channel; anywhere else cli.py shows it."""


def http_client(timeout: float = 30.0) -> Any:
    """The httpx.Client every platform call goes through (publish, metrics, doctor, retract):
    no redirects followed (a token must not go to another host), socialops's User-Agent.
    The clients of a run share one TLS context (httpx's default: certifi's CA bundle):
    loading the CA bundle costs about 0.1 s per client, and publish makes one per channel."""
    import httpx

    from socialops import __version__

    return httpx.Client(timeout=timeout, follow_redirects=False, verify=_tls_context(),
                        headers={"User-Agent": f"socialops/{__version__}"})


@cache
def _tls_context() -> Any:
    import httpx

    return httpx.create_ssl_context()


def adapter_class(platform: str) -> Any:
    module_name = REGISTRY.get(platform)
    if module_name is None:
        known = ", ".join(sorted(REGISTRY))
        raise ChannelSetupError(f"unknown platform '{platform}'; socialops knows: {known}")
    try:
        module = importlib.import_module(f"socialops.adapters.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"socialops.adapters.{module_name}":
            raise
        raise ChannelSetupError(f"publishing to {platform} is not available in this version "
                                "of socialops") from None
    return module.ADAPTER


def has_metrics(platform: str) -> bool:
    """Whether `socialops metrics collect` can read this platform's counts (not the feed,
    Discord, Slack, webhooks, nor a platform socialops does not know)."""
    try:
        return hasattr(adapter_class(platform), "metrics")
    except ChannelSetupError:
        return False


def secrets_for(channel: Channel, environ: Mapping[str, str]) -> dict[str, str]:
    """The channel's credentials, read from the variables its `*_env` options name."""
    secrets: dict[str, str] = {}
    missing: list[str] = []
    for option, variable in sorted(channel.options.items()):
        if not option.endswith("_env") or not isinstance(variable, str):
            continue
        value = environ.get(variable)
        if not value:
            missing.append(f"{variable} (for {option})")
        else:
            secrets[option[: -len("_env")]] = value
    if missing:
        raise ChannelSetupError(
            f"channel '{channel.name}': the environment variable{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} not set; set "
            f"{'them' if len(missing) > 1 else 'it'} to the credential (in CI: a secret of the socialops "
            "environment and an env: line for it in .github/workflows/publish.yml and doctor.yml, and "
            "in metrics.yml for a platform with metrics; "
            "README: \"A team's first day\", step 4)")
    return secrets


def make_adapter(channel: Channel, client: Any, environ: Mapping[str, str], root: Path) -> Any:
    """An adapter for the channel, with its credentials; raises ChannelSetupError."""
    cls = adapter_class(channel.platform)
    needed = [o for o in getattr(cls, "secret_options", ()) if o not in channel.options]
    if needed:
        example = ", ".join(f"{o}: {channel.name.upper().replace('-', '_')}_{o[:-4].upper()}"
                            for o in needed)
        raise ChannelSetupError(f"channel '{channel.name}' needs {', '.join(needed)} in "
                                f"socialops.yaml: the name of the environment variable holding "
                                f"the credential (e.g. {example})")
    return cls(channel, client, secrets_for(channel, environ), root)
