"""`socialops doctor`: for each channel, are its credentials set and valid (a real call to
the platform's verify endpoint), and when do they expire? Never shows a secret: only the
names of the environment variables and what the platform says about the account.

A platform can also say what the channel's settings should be (Mastodon: the instance's
character limit as `max_length`). Doctor compares them with socialops.yaml and, with
`write=True` (`doctor --write`), records them there, changing only that option's text (the
file's comments and layout stay), so lint counts against the server's real limit offline."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from socialops import ci
from socialops.adapters import ChannelSetupError, make_adapter
from socialops.model import Channel, Project
from socialops.problems import Level, Problem
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
    settings: dict[str, Any] = field(default_factory=dict)  # what the platform says they should be
    written: dict[str, Any] = field(default_factory=dict)  # recorded in socialops.yaml by --write
    not_passed: list[str] = field(default_factory=list)  # variables publish.yml or doctor.yml do not pass on
    fixes: list[str] = field(default_factory=list)  # how to pass each of them on, per workflow
    expiring: bool = False  # the credentials run out within EXPIRY_WARNING: renew them (red)

    @property
    def attention(self) -> bool:
        """A person must act: the check failed, or the credentials run out soon."""
        return not self.ok or self.expiring

    def as_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "platform": self.platform, "ok": self.ok,
                "variables": self.variables, "account": self.account, "expires": self.expires,
                "expiring": self.expiring, "message": self.message, "warning": self.warning,
                "settings": self.settings, "written": self.written, "not_passed": self.not_passed,
                "fixes": self.fixes}


@dataclass
class ApprovalHealth:
    """What publish needs to verify approvals (`approval.verify: github`): a GitHub token that
    may read the repository's pull requests, and the key that signs the approval cache."""

    verify: bool  # approval.verify is github
    ok: bool = True  # False: GitHub refused the token, so publish would hold every post (red)
    checked: bool = False  # GitHub was asked
    key_set: bool = False
    message: str = ""
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"verify": "github" if self.verify else "none", "ok": self.ok, "checked": self.checked,
                "key_set": self.key_set, "message": self.message, "warnings": self.warnings}


def doctor(project: Project, environ: Mapping[str, str], now: datetime,
           client_factory: Callable[[Channel], Any], channels: list[str] | None = None,
           write: bool = False) -> list[ChannelHealth]:
    out = []
    envs = ci.credential_envs(project.root)
    for name, channel in sorted(project.config.channels.items()):
        if channels and name not in channels:
            continue
        health = check_channel(project, channel, environ, now, client_factory)
        _compare_settings(project, channel, health, write)
        for env in (e for e in envs if ci.needs_credentials(e, channel)):
            for variable in health.variables:
                if variable not in env.names:
                    if variable not in health.not_passed:
                        health.not_passed.append(variable)
                    health.fixes.append(ci.missing_secret_message(variable, env.env_line, env.workflow,
                                                                  env.command))
        if health.not_passed:
            health.ok = False
        out.append(health)
    return out


def approval_health(project: Project, environ: Mapping[str, str], http: Any) -> ApprovalHealth:
    """With `approval.verify: github`: does GitHub accept the token for the reads publish
    makes (the repository's pull requests), and is SOCIALOPS_APPROVAL_KEY set? A refused
    token is a problem (publish would hold every post); an unset key a warning (approvals
    are then verified with GitHub again on every run). Nothing is checked otherwise."""
    from socialops.github import GitHubError, from_env
    from socialops.review.approval import load_policy
    from socialops.review.approval_cache import KEY_ENV

    health = ApprovalHealth(load_policy(project.config).verified, key_set=bool(environ.get(KEY_ENV)))
    if not health.verify:
        return health
    if not health.key_set:
        health.warnings.append(
            f"{KEY_ENV} is not set: the approvals publish verifies are not remembered (every run "
            "asks GitHub again, and .socialops/approvals.yaml is not believed); add a secret "
            f"{KEY_ENV} (any long random string) to the socialops environment; the env: of "
            f"publish.yml's Publish step passes it on with `{KEY_ENV}: ${{{{ secrets.{KEY_ENV} }}}}` "
            "(add that line if yours has none; README: \"A team's first day\", step 3)")
    scrub = Scrubber({k: v for k, v in environ.items() if k in ("GITHUB_TOKEN", KEY_ENV)})
    try:
        client = from_env(http, environ, retries=0, max_wait=0.0)
    except GitHubError as exc:
        health.warnings.append(f"GitHub was not asked: {exc} (publish would hold every post)")
        return health
    try:
        client.get(f"/repos/{client.repo}/pulls", {"state": "closed", "per_page": 1})
    except GitHubError as exc:
        health.ok = False
        health.message = scrub(f"publish could not verify approvals: {exc}") or ""
        return health
    except Exception as exc:  # the network: reported, not raised
        health.ok = False
        health.message = scrub(f"GitHub could not be reached: {type(exc).__name__}: {exc}") or ""
        return health
    finally:
        health.checked = True
    health.message = f"GitHub accepts the token for {client.repo}'s pull requests"
    return health


def workflow_problems(project: Project) -> list[Problem]:
    """What keeps every workflow from running: socialops not installable (a placeholder).
    A credential publish.yml does not pass on is reported with its channel (`not_passed`)."""
    return ci.placeholder_problems(project.root, Level.ERROR)


def _compare_settings(project: Project, channel: Channel, health: ChannelHealth, write: bool) -> None:
    changed = {k: v for k, v in health.settings.items() if channel.options.get(k) != v}
    if not changed:
        return
    said = ", ".join(f"{k}: {v}" for k, v in changed.items())
    if not write:
        note = f"the platform says {said}; run `socialops doctor --write` to record it in socialops.yaml"
        health.warning = f"{health.warning}; {note}" if health.warning else note
        return
    try:
        for key, value in changed.items():
            set_channel_option(project.config.path, channel.name, key, value)
    except ValueError as exc:
        note = f"could not record {said} in socialops.yaml ({exc}); add it to channel '{channel.name}' by hand"
        health.warning = f"{health.warning}; {note}" if health.warning else note
        return
    health.written = changed


def set_channel_option(path: Path, channel: str, key: str, value: int | str) -> None:
    """Set `channels.<channel>.<key>` in the YAML file at `path`, editing only that text
    (a flow mapping `{...}` or a block mapping); ValueError when the layout is not one of
    those."""
    import yaml

    from socialops.yamlio import Loader

    text = path.read_text("utf-8")
    root = yaml.compose(text, Loader=Loader)
    node = _mapping_value(root, "channels")
    node = _mapping_value(node, channel) if node is not None else None
    if not isinstance(node, yaml.MappingNode):
        raise ValueError(f"channel '{channel}' is not a mapping under `channels:`")
    shown = str(value) if isinstance(value, int) else yaml.safe_dump(value, default_style='"').strip()
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(mark: Any) -> int:
        return int(starts[mark.line] + mark.column)

    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if not isinstance(value_node, yaml.ScalarNode):
                raise ValueError(f"`{key}` of channel '{channel}' is not a plain value")
            new = text[:offset(value_node.start_mark)] + shown + text[offset(value_node.end_mark):]
            break
    else:
        if node.flow_style:
            end = offset(node.end_mark) - 1  # the closing brace
            if text[end] != "}":
                raise ValueError(f"channel '{channel}' does not end with '}}'")
            new = text[:end].rstrip() + f", {key}: {shown}" + text[end:]
        elif node.value:
            first = node.value[0][0].start_mark
            last_end = offset(node.value[-1][1].end_mark)
            line_end = text.find("\n", last_end)
            line_end = len(text) if line_end == -1 else line_end + 1
            prefix = "" if text[:line_end].endswith("\n") or not text else "\n"
            new = text[:line_end] + prefix + " " * first.column + f"{key}: {shown}\n" + text[line_end:]
        else:
            raise ValueError(f"channel '{channel}' is an empty mapping")
    check = yaml.load(new, Loader=Loader)
    if (check or {}).get("channels", {}).get(channel, {}).get(key) != value:
        raise ValueError("the edited file would not read back the same")
    path.write_text(new, "utf-8")


def _mapping_value(node: Any, key: str) -> Any:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


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
    health.settings = dict(getattr(verification, "settings", None) or {})
    health.account = scrub(verification.account)
    health.message = scrub(verification.message) or ("credentials work" if verification.ok else "")
    expires = verification.expires or _configured_expiry(channel, project)
    if expires is not None:
        health.expires = iso(expires)
        if expires <= now:
            health.ok = False
            health.warning = "the credentials have expired: renew them"
        elif expires - now <= EXPIRY_WARNING:
            health.expiring = True
            health.warning = (f"the credentials expire in {(expires - now).days} days: renew them "
                              "soon (doctor exits 1 until then)")
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
