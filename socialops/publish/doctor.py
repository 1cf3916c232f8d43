"""`socialops doctor`: for each channel, are its credentials set and valid (a real call to
the platform's verify endpoint), and when do they expire? Never shows a secret: only the
names of the environment variables and what the platform says about the account."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from socialops.adapters import ChannelSetupError, make_adapter
from socialops.model import Channel, Project
from socialops.publish.worker import Scrubber
from socialops.timeutil import iso

EXPIRY_WARNING = timedelta(days=14)


@dataclass
class ChannelHealth:
    channel: str
    platform: str
    ok: bool
    variables: dict[str, bool] = field(default_factory=dict)  # variable name -> is it set
    account: str | None = None
    expires: str | None = None
    message: str = ""
    warning: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "platform": self.platform, "ok": self.ok,
                "variables": self.variables, "account": self.account, "expires": self.expires,
                "message": self.message, "warning": self.warning}


def doctor(project: Project, environ: Mapping[str, str], now: datetime,
           client_factory: Callable[[Channel], Any], channels: list[str] | None = None) -> list[ChannelHealth]:
    out = []
    for name, channel in sorted(project.config.channels.items()):
        if channels and name not in channels:
            continue
        out.append(check_channel(project, channel, environ, now, client_factory))
    return out


def check_channel(project: Project, channel: Channel, environ: Mapping[str, str], now: datetime,
                  client_factory: Callable[[Channel], Any]) -> ChannelHealth:
    variables = {str(v): bool(environ.get(str(v))) for k, v in sorted(channel.options.items())
                 if k.endswith("_env")}
    health = ChannelHealth(channel.name, channel.platform, False, variables)
    scrub = Scrubber({k: v for k, v in environ.items() if k in variables})
    client = client_factory(channel)
    try:
        adapter = make_adapter(channel, client, environ, project.root)
        verification = adapter.verify()
    except ChannelSetupError as exc:
        health.message = str(exc)
        return health
    except Exception as exc:  # an adapter that fails unexpectedly is reported, not raised
        health.message = scrub(f"the check failed: {type(exc).__name__}: {exc}") or ""
        return health
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()
    health.ok = verification.ok
    health.account = scrub(verification.account)
    health.message = scrub(verification.message) or ("credentials work" if verification.ok else "")
    expires = verification.expires or _configured_expiry(channel, project)
    if expires is not None:
        health.expires = iso(expires)
        if expires <= now:
            health.ok = False
            health.warning = "the credentials have expired: renew them"
        elif expires - now <= EXPIRY_WARNING:
            health.warning = f"the credentials expire in {(expires - now).days} days: renew them soon"
    return health


def _configured_expiry(channel: Channel, project: Project) -> datetime | None:
    """The channel's `expires: YYYY-MM-DD` (for tokens the platform does not date)."""
    value = channel.options.get("expires")
    if not value:
        return None
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=project.config.timezone)
