"""Lint findings from the ledger (rule `published-edit`):

- a post whose text for a channel differs from what the ledger says that channel received
  (editing after publishing changes nothing on the platform, and publish never re-sends);
- a post without a ledger whose text a channel already received under another id (a
  renamed file): it asks for `id:` with the old id, so the history stays with the post.
"""

from __future__ import annotations

from collections.abc import Iterator

from socialops import ledger
from socialops.lint.context import LintContext
from socialops.model import Post, post_due
from socialops.problems import Level, Problem


def published_edit_problems(post: Post, ctx: LintContext) -> Iterator[Problem]:
    root = ctx.project.root
    ids = ctx.ledger_ids()
    if not ids:
        return
    if post.id in ids:
        entry = ledger.read(root, post.id)
        if entry is not None:
            yield from _edits(post, entry, ctx)
        return
    if _maybe_published(post, ctx):
        yield from _renamed(post, ctx)


def _edits(post: Post, entry: ledger.LedgerEntry, ctx: LintContext) -> Iterator[Problem]:
    from socialops.render import render_channel

    for name, record in sorted(entry.channels.items()):
        sent = [p for p in record.parts if p.status == "published" and p.hash]
        channel = ctx.project.config.channels.get(name)
        if not sent or channel is None:
            continue
        rendered = {p.index: p for p in render_channel(post, channel, ctx.project.root).parts}
        for part in sent:
            now = rendered.get(part.index)
            if now is not None and now.content_hash == part.hash:
                continue
            line = now.source_line if now is not None else post.body_line
            where = f" ({part.url})" if part.url else ""
            which = f"part {part.index + 1} of this post" if len(sent) > 1 or part.index else "this post"
            yield post.problem(
                "published-edit", f"{which} was published on {name} at {part.at}{where}, and its text "
                "has changed since; the change reaches no one (publish never sends a post twice): "
                "undo it, or retract the post and write a new one", line, 1, Level.ERROR)
            break


def _maybe_published(post: Post, ctx: LintContext) -> bool:
    """Only posts that could have gone out (ready, and due when lint knows the time)."""
    if not post.readable or post.status != "ready" or post.publish_at is None or post.queued:
        return False
    if ctx.now is None:
        return True
    when = post_due(post, ctx.project.config.timezone).at
    return when is not None and when <= ctx.now


def _renamed(post: Post, ctx: LintContext) -> Iterator[Problem]:
    from socialops.render import render_channel

    index = ctx.published_hashes()
    if not index:
        return
    for name in ctx.project.config.channels_for(post):
        channel = ctx.project.config.channels.get(name)
        if channel is None:
            continue
        hashes = tuple(p.content_hash for p in render_channel(post, channel, ctx.project.root).parts)
        for old_id, old_channel in index.get(hashes, []):
            if old_channel == name and old_id != post.id:
                yield post.problem(
                    "published-edit", f"this text was already published on {name} as post '{old_id}' "
                    f"({ledger.relative_path(old_id)}); if you renamed or moved the file, add "
                    f"'id: {old_id}' to its front matter, or publish would refuse it", 1, 1, Level.ERROR)
                return
