"""`socialops remind`: posts due soon that nobody has approved yet, and who must act.

Three places a post can wait: a `draft` on the default branch (its writer must finish it
and open a pull request), a ready post on the default branch whose approval check says
held (when `approval.verify` is github), and a post in an open pull request (its
reviewers must approve it). Returns data; the command sends it, through the GitHub client
and the httpx.Client it passes in (Slack through the Slack adapter, `send_slack`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from socialops import escape, roles
from socialops.errors import SocialopsError
from socialops.github import GitHub
from socialops.model import POSTS_DIR, Post, Project, parse_front_matter, post_due
from socialops.review import approval
from socialops.timeutil import duration_text


class NotifyError(SocialopsError):
    """A reminder that could not be delivered."""

    exit_code = 1


@dataclass(frozen=True)
class Reminder:
    post_id: str
    path: str
    due: datetime
    channels: tuple[str, ...]
    state: str  # what is missing, in words
    who: tuple[str, ...]  # users and org/team slugs who must act
    pr: int | None = None
    pr_url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"post": self.post_id, "path": self.path, "due": self.due.isoformat(),
                "channels": list(self.channels), "state": self.state, "who": list(self.who),
                "pr": self.pr, "pr_url": self.pr_url}


def find(project: Project, client: GitHub | None, now: datetime, within: timedelta) -> list[Reminder]:
    """Every post due between now and now + within that is not approved yet."""
    found = drafts_and_held(project, client, now, within)
    if client is not None:
        found += open_pull_requests(project, client, now, within)
    return sorted(found, key=lambda r: (r.due, r.path))


def _due(post: Post, project: Project, now: datetime, within: timedelta) -> datetime | None:
    when = post_due(post, project.config.timezone).at if post.readable else None
    return when if when is not None and now <= when <= now + within else None


def drafts_and_held(project: Project, client: GitHub | None, now: datetime,
                    within: timedelta) -> list[Reminder]:
    policy = approval.load_policy(project.config)
    people = roles.load(project.config)
    out: list[Reminder] = []
    ready: list[tuple[Post, datetime]] = []
    for post in project.read_posts():
        due = _due(post, project, now, within)
        if due is None:
            continue
        channels = tuple(project.config.channels_for(post))
        if post.status == "draft":
            who = (post.author,) if post.author else people.writers or people.manager
            out.append(Reminder(post.id, post.path, due, channels, "a draft on the default branch: "
                                "finish it, set status: ready and bring it in through a pull request",
                                tuple(who)))
        else:
            ready.append((post, due))
    if ready and policy.verified and client is not None:
        results = approval.check_posts(project, [p for p, _ in ready], client, now, write_cache=False)
        for post, due in ready:
            result = results[post.id]
            if not result.approved:
                channels = tuple(project.config.channels_for(post))
                out.append(Reminder(post.id, post.path, due, channels, f"held: {result.reason}",
                                    _approvers(policy, channels) or people.manager, result.pr))
    return out


def open_pull_requests(project: Project, client: GitHub, now: datetime,
                       within: timedelta) -> list[Reminder]:
    policy = approval.load_policy(project.config)
    out: list[Reminder] = []
    for pr in client.paginate(f"/repos/{client.repo}/pulls", {"state": "open"}):
        number, head = int(pr["number"]), str(pr["head"]["sha"])
        files = client.paginate(f"/repos/{client.repo}/pulls/{number}/files")
        posts = [f["filename"] for f in files if f.get("status") != "removed"
                 and str(f.get("filename", "")).startswith(POSTS_DIR + "/")
                 and str(f["filename"]).endswith(".md")]
        for path in posts:
            post = _post_at(project, client, path, head)
            due = _due(post, project, now, within) if post else None
            if post is None or due is None:
                continue
            channels = tuple(project.config.channels_for(post))
            requested = tuple(u["login"] for u in pr.get("requested_reviewers") or []) + tuple(
                f"{client.repo.split('/')[0]}/{t['slug']}" for t in pr.get("requested_teams") or [])
            out.append(Reminder(post.id, path, due, channels, _pr_state(client, number, head, policy, channels),
                                _approvers(policy, channels) or requested, number, pr.get("html_url")))
    return out


def _post_at(project: Project, client: GitHub, path: str, ref: str) -> Post | None:
    info = client.get(f"/repos/{client.repo}/contents/{quote(path)}", {"ref": ref})
    if not isinstance(info, dict) or info.get("encoding") != "base64":
        return None
    text = base64.b64decode(str(info.get("content", ""))).decode("utf-8", "replace")
    post = Post(path, project.root / path, text=text.replace("\r\n", "\n"))
    parse_front_matter(post)
    return post if post.readable else None


def _pr_state(client: GitHub, number: int, head: str, policy: approval.Policy,
              channels: tuple[str, ...]) -> str:
    reviews = client.paginate(f"/repos/{client.repo}/pulls/{number}/reviews")
    standing, _ = approval.standing_approvals(reviews, head)
    needs = "; ".join(f"{r.channel} needs {r.count} from {r.who()}" for r in policy.requirements(channels))
    have = ", ".join(login for login, _ in standing) or "none yet"
    return f"in pull request #{number}, not approved yet ({needs}; approvals on the final commit: {have})"


def _approvers(policy: approval.Policy, channels: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for need in policy.requirements(channels):
        for who in need.approvers:
            seen.setdefault(who, None)
    return tuple(seen)


def by_pull_request(found: list[Reminder]) -> dict[int, list[Reminder]]:
    out: dict[int, list[Reminder]] = {}
    for reminder in found:
        if reminder.pr is not None:
            out.setdefault(reminder.pr, []).append(reminder)
    return dict(sorted(out.items()))


# ---- the messages -------------------------------------------------------------------------------

def when_text(due: datetime, now: datetime) -> str:
    return f"in {duration_text(due - now)}"


def line(reminder: Reminder, now: datetime, tz: Any) -> str:
    who = ", ".join(reminder.who) or "nobody is named in socialops.yaml (roles:)"
    local = reminder.due.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    return (f"{reminder.path}: due {local} ({when_text(reminder.due, now)}) on "
            f"{', '.join(reminder.channels)}; {reminder.state}; who must act: {who}")


def pr_comment(reminders: list[Reminder], now: datetime, tz: Any) -> str:
    """A pull-request comment that mentions who must review (the people socialops.yaml names
    on the default branch); what comes from the pull request (paths, channels) is shown as
    code, so it can mention, link or format nothing."""
    mentions = sorted({"@" + w for r in reminders for w in r.who})
    lines = ["<!-- socialops-remind -->", "**Reminder from socialops:** due soon and not approved yet.", ""]
    for r in reminders:
        local = r.due.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        channels = ", ".join(escape.github_code(c) for c in r.channels)
        lines.append(f"- {escape.github_code(r.path)}: due {local} ({when_text(r.due, now)}) on {channels}")
    lines += ["", (" ".join(mentions) + ": please review.") if mentions else
              "No approvers are named in socialops.yaml; anyone with write access may approve."]
    return "\n".join(lines) + "\n"


def slack_text(reminders: list[Reminder], now: datetime, tz: Any) -> str:
    """The Slack message: every piece of text from a post or pull request escaped for Slack."""
    lines = ["*Due soon and not approved yet* (socialops):"]
    for r in reminders:
        where = f" <{r.pr_url}|#{r.pr}>" if r.pr_url and _github_url(r.pr_url) else ""
        local = r.due.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        who = escape.slack(", ".join(r.who))[1:-1] or "nobody is named in socialops.yaml (roles:)"
        lines.append(f"• {escape.slack(r.path)}: due {local} ({when_text(r.due, now)}) on "
                     f"{', '.join(escape.slack(c) for c in r.channels)}; {escape.slack(r.state)}; "
                     f"who must act: {who}{where}")
    return "\n".join(lines)


def _github_url(url: str) -> bool:
    """A pull request's html_url as GitHub gives it (no characters Slack would read)."""
    return url.startswith("https://") and not any(c in url for c in "<>|& \n")


def send_slack(http: Any, environ: Mapping[str, str], variable: str, text: str, root: Path) -> None:
    """Post the message through the Slack adapter (an incoming webhook whose URL is in the
    environment variable `variable`; the URL is a secret: never shown), over `http`, the
    caller's httpx.Client."""
    from socialops.adapters import ChannelSetupError, make_adapter
    from socialops.adapters.base import OutgoingPart, PlatformError
    from socialops.model import Channel

    channel = Channel("remind", "slack", {"webhook_env": variable})
    try:
        adapter = make_adapter(channel, http, environ, root)
        adapter.publish(OutgoingPart("remind", channel.name, 0, text))
    except ChannelSetupError as exc:
        raise NotifyError(f"the reminder was not sent to Slack: {exc}") from None
    except PlatformError as exc:
        raise NotifyError(f"Slack refused the reminder: {exc.message}") from None
