"""`report: github`: after publishing, the post URLs go back where the reviewers look, as
one comment on the pull request that brought each post in, updated in place by later runs.

The comment is rebuilt from the ledger each time, for every post it has listed so far
(their ids sit in its hidden marker), so it always shows what the ledger says.
A comment that cannot be written never fails the run: it becomes a note. The httpx.Client
is the caller's (publish's `http`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from socialops import gitops, ledger
from socialops.github import GitHub, GitHubError
from socialops.model import Project

if TYPE_CHECKING:
    from socialops.publish.results import PublishResult

MARKER = re.compile(r"<!-- socialops-published: (.*?) -->")


def wanted(project: Project) -> bool:
    return project.config.data.get("report") == "github"


def report(project: Project, result: PublishResult, environ: Mapping[str, str], http: Any) -> None:
    """Comment the URLs of what this run published on each post's pull request, through
    `http` (the caller's httpx.Client)."""
    from socialops.github import from_env

    published = [p for p in result.posts if p.path and any(c.status == "published" for c in p.channels)]
    if not published or not wanted(project):
        return
    try:
        client = from_env(http, environ)
        by_pr = pull_requests(project, client, [(p.id, str(p.path)) for p in published])
        for number, ids in by_pr.items():
            upsert(project, client, number, ids)
    except GitHubError as exc:
        result.notes.append(f"report: github: the post URLs were not commented: {exc}")


def pull_requests(project: Project, client: GitHub, posts: list[tuple[str, str]]) -> dict[int, list[str]]:
    """Post ids by the number of the merged pull request that last changed their file."""
    out: dict[int, list[str]] = {}
    for post_id, path in posts:
        change = gitops.last_change(project.root, path)
        if change is None:
            continue
        pulls = client.paginate(f"/repos/{client.repo}/commits/{change[0]}/pulls")
        merged = sorted((p for p in pulls if isinstance(p, dict) and p.get("merged_at")),
                        key=lambda p: str(p.get("merged_at")))
        if merged:
            out.setdefault(int(merged[-1]["number"]), []).append(post_id)
    return out


def upsert(project: Project, client: GitHub, number: int, ids: list[str]) -> None:
    comments = client.paginate(f"/repos/{client.repo}/issues/{number}/comments")
    for comment in comments:
        found = MARKER.search(str(comment.get("body") or "")) if isinstance(comment, dict) else None
        if found:
            known = [i for i in found.group(1).split(" ") if i]
            body = comment_body(project, list(dict.fromkeys(known + ids)))
            client.patch(f"/repos/{client.repo}/issues/comments/{comment['id']}", {"body": body})
            return
    client.post(f"/repos/{client.repo}/issues/{number}/comments", {"body": comment_body(project, ids)})


def comment_body(project: Project, ids: list[str]) -> str:
    lines = [f"<!-- socialops-published: {' '.join(ids)} -->", "**Published by socialops**", ""]
    for post_id in ids:
        entry = ledger.read(project.root, post_id)
        if entry is None:
            continue
        lines.append(f"- `{entry.path or post_id}`")
        for name, record in sorted(entry.channels.items()):
            lines.append(f"  - {name}: {_channel_line(record)}")
    return "\n".join(lines) + "\n"


def _channel_line(record: ledger.ChannelRecord) -> str:
    urls = [p.url for p in record.parts if p.status == "published" and p.url]
    if record.status != "published":
        reason = str(record.reason or "").replace("\n", " ").replace("@", "@&#8203;")
        return record.status + (f" ({reason})" if reason else "")
    if not urls:
        return "published"
    if len(urls) == 1:
        return str(urls[0])
    return ", ".join(f"[part {i}]({url})" for i, url in enumerate(urls, 1))
