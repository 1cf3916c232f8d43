"""The review comment as GitHub Markdown. Text that comes from posts and findings is
escaped, shows as written, and mentions nobody; what a channel receives is shown in a
fenced block, exactly."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from socialops.model import Project
from socialops.problems import Level, Problem
from socialops.render import RenderedChannel, RenderedPart
from socialops.review import approval
from socialops.review.comment import MARKER, Review, ReviewedPost, Schedule

MAX_COMMENT = 60_000  # GitHub takes 65,536 characters; leave room for the footer
ICON = {Level.ERROR: "❌", Level.WARNING: "⚠️", Level.SUGGESTION: "💡"}


def markdown(review: Review, project: Project) -> str:
    tz = project.config.timezone
    title = f"## socialops review: {_count(len(review.changed_posts), 'post')} added or changed"
    if review.unchanged_posts:
        title += f", {_count(len(review.unchanged_posts), 'unchanged post')} with new findings"
    head = [MARKER, title, ""]
    if not review.posts:
        head.append("No post is added or changed in this pull request.")
    else:
        head += _summary(review, tz)
    out = "\n".join(head) + "\n"
    if review.project_changes:
        out += "\n" + "\n".join(_project_changes(review.project_changes)) + "\n"
    if review.project_findings:
        out += "\n" + "\n".join(["### Project files", "", *_findings(review.project_findings)]) + "\n"
    left = 0
    for index, item in enumerate(review.posts):
        section = "\n" + "\n".join(_post_section(item, review, tz)) + "\n"
        if len(out) + len(section) > MAX_COMMENT:
            left = len(review.posts) - index
            break
        out += section
    if left:
        out += (f"\n_{_count(left, 'more post')} not shown: the comment would be too long for "
                f"GitHub. Run `socialops review` locally to see every post._\n")
    return out


def _summary(review: Review, tz: Any) -> list[str]:
    lines = ["| post | when | channels | checks |", "|---|---|---|---|"]
    for item in review.posts:
        post = item.post
        checks = "✅" if item.errors == 0 else f"❌ {_count(item.errors, 'error')}"
        if item.new_findings:
            checks += f" · 🆕 {_count(len(item.new_findings), 'new finding')}"
        if item.sent:
            checks += " · 🚨 already published"
        channels = ", ".join(_code(c) for c in post.own_channels) or \
            ", ".join([_code(r.channel) for r in item.channels] + ["(defaults)"])
        lines.append(f"| {_cell(_code(post.path))} | {_when_short(item.schedule, tz)} | "
                     f"{_cell(channels)} | {checks} |")
    return lines


def _post_section(item: ReviewedPost, review: Review, tz: Any) -> list[str]:
    post = item.post
    lines = [f"### {_code(post.path)}", ""]
    if item.sent:
        where = ", ".join(f"{name} ({what})" for name, what in sorted(item.sent.items()))
        lines += ["> [!CAUTION]",
                  f"> **This post was already published:** {_text(where)}. Merging this change does "
                  "not publish it again and does not change what was sent; to correct it, retract "
                  "it (`socialops retract`) and add a new post.", ""]
    if item.new_findings is not None:
        changed = ", ".join(_code(name) for name in review.project_files) or "other files"
        lines += [f"This post is not changed by this pull request. It is listed because lint finds "
                  f"{_count(len(item.new_findings), 'finding')} for it that it did not find on "
                  f"{_code(review.base)}, after the changes to {changed} (marked 🆕 below).", ""]
    state = "unchanged" if item.unchanged else "new file" if item.added else "changed"
    lines += [f"- **Id:** {_code(post.id)} ({state})",
              f"- **When:** {_when_long(item.schedule, tz)}",
              f"- **Status:** {_code(post.status)}" + (" (a draft is never published)" if post.status == "draft" else "")]
    if post.campaign:
        lines.append(f"- **Campaign:** {_code(post.campaign)}")
    if not item.unchanged:
        lines.append(f"- **Must approve:** {_approvers(item.requirements, review.verified)}")
    lines.append("")
    if item.diff is not None or item.changed_keys:
        lines += _changes(item, review.base)
    for group in _same_text(item.channels):
        lines += _channels(group, review.image_base)
    new = set(item.new_findings or [])
    if item.conflicts:
        lines += ["**Schedule conflicts**", "", *_findings(item.conflicts, new), ""]
    lines += (["**Lint findings**", "", *_findings(item.findings, new), ""] if item.findings
              else ["**Lint:** no findings ✅", ""])
    return lines


def _same_text(channels: list[RenderedChannel]) -> list[list[RenderedChannel]]:
    """Channels that receive exactly the same parts (text and media) together, in order."""
    groups: dict[tuple[Any, ...], list[RenderedChannel]] = {}
    for rendered in channels:
        key = tuple((p.text, tuple((m.path, m.alt) for m in p.media)) for p in rendered.parts)
        groups.setdefault(key, []).append(rendered)
    return list(groups.values())


def _label(rendered: RenderedChannel) -> tuple[str, str]:
    from socialops.platforms import PLATFORMS

    platform = PLATFORMS.get(rendered.platform)
    return (platform.label if platform else rendered.platform), (platform.unit if platform else "characters")


def _channels(group: list[RenderedChannel], image_base: str | None) -> list[str]:
    """The text once for every channel in `group`, with each channel's own counts."""
    first = group[0]
    names = ", ".join(f"{_code(r.channel)} · {_text(_label(r)[0])}" + ("" if r.ok else " ❌") for r in group)
    lines = [f"#### {names}", ""]
    total = len(first.parts)
    for part in first.parts:
        title = f"Part {part.index + 1} of {total}" if total > 1 else ""
        if len(group) == 1:
            lines += [f"{title}{': ' if title else ''}{_counts(part, _label(first)[1])}", ""]
        else:
            if title:
                lines += [f"**{title}**", ""]
            lines += [f"- {_code(r.channel)}: {_counts(r.parts[part.index], _label(r)[1])}" for r in group
                      if part.index < len(r.parts)]
            lines.append("")
        lines += [*_fenced(part.text), ""]
        for media in part.media:
            alt = f"alt text: {_text(media.alt)}" if media.alt else "❌ **no alt text**"
            lines.append(f"- 🖼️ {_code(media.path)}: {alt}")
        faceted = [r for r in group if part.index < len(r.parts) and r.parts[part.index].facets]
        for r in faceted:
            where = f" ({_code(r.channel)})" if len(group) > 1 else ""
            lines.append(f"- Links, mentions and tags that become clickable: {_facets(r.parts[part.index].facets)}{where}")
        if part.media or faceted:
            lines.append("")
        images = [m for m in part.media if _is_image(m.path)]
        if images and image_base:
            lines += [" ".join(f'<img src="{_attr(image_base + _url_path(m.path))}" alt="{_attr(m.alt or "")}" '
                               'height="160">' for m in images), ""]
    return lines


def _is_image(path: str) -> bool:
    return path.lower().rsplit(".", 1)[-1] in ("png", "jpg", "jpeg", "gif", "webp", "avif")


def _url_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def _attr(text: str) -> str:
    import html

    return html.escape(text.replace("\n", " "), quote=True).replace("@", "&#64;")


def _changes(item: ReviewedPost, base: str) -> list[str]:
    lines = [f"**Changed since {_code(base)}**", ""]
    if item.changed_keys:
        lines += [f"- front matter: {', '.join(_code(k) for k in item.changed_keys)}", ""]
    if item.diff is not None:
        lines += ["Words removed `[-like this-]`, added `{+like this+}`:", "", *_fenced(item.diff), ""]
    return lines


def _project_changes(changes: list[Any]) -> list[str]:
    lines = ["### Project files changed", ""]
    for change in changes:
        lines.append(f"**{_code(change.path)}**")
        lines.append("")
        shown = change.changes[:20]
        lines += [f"- {_text(c)}" for c in shown]
        if len(change.changes) > len(shown):
            lines.append(f"- … and {len(change.changes) - len(shown)} more")
        if change.affects_all:
            lines.append("- Affects: every post (a project-wide setting)")
        if change.affects:
            listed = ", ".join(_code(p) for p in change.affects[:10])
            more = f" and {len(change.affects) - 10} more" if len(change.affects) > 10 else ""
            lines.append(f"- Posts it touches: {listed}{more}")
        elif not change.affects_all:
            lines.append("- Posts it touches: none found")
        lines.append("")
    return lines


def _counts(part: RenderedPart, unit: str) -> str:
    if part.invalid:
        return f"❌ {_text(part.invalid)}"
    text = f"{part.length} / {part.limit} {unit}" if part.limit is not None else f"{part.length} {unit} (no limit)"
    if part.byte_limit is not None and part.bytes is not None:
        text += f", {part.bytes} / {part.byte_limit} bytes"
    over = part.limit is not None and part.length > part.limit
    mark = f"❌ {part.length - part.limit} over" if over and part.limit is not None else ("✅" if part.ok else "❌")
    issues = "".join(f"; {_text(i)}" for i in part.issues)
    return f"{text} {mark}{issues}"


def _facets(facets: list[dict[str, Any]]) -> str:
    kinds: dict[str, int] = {}
    for facet in facets:
        for feature in facet.get("features", []):
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1] or "facet"
            kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(kinds.items()))


def _findings(problems: list[Problem], new: set[Problem] | None = None) -> list[str]:
    return [f"- {'🆕 ' if new and p in new else ''}{ICON[p.level]} {p.level.value} {_code(p.rule)} "
            f"{_code(f'{p.path}:{p.line}:{p.column}')}: {_text(p.message)}" for p in problems]


def _approvers(requirements: list[approval.Requirement], verified: bool) -> str:
    if not requirements:
        return "no channel"
    needs = "; ".join(f"{_code(r.channel)}: {_count(r.count, 'approval')} from "
                      f"{', '.join(_code(a) for a in r.approvers) if r.approvers else 'anyone with write access'}"
                      for r in requirements)
    return needs + (" (verified by socialops at publish time, on the final commit)" if verified
                    else " (enforced by branch protection)")


def _when_short(item: Schedule, tz: Any) -> str:
    if item.due is not None:
        return item.due.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    return "queued" if item.queued else "no time" if item.publish_at is None else "❌ invalid"


def _when_long(item: Schedule, tz: Any) -> str:
    if item.due is not None:
        local = item.due.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        return f"{local} ({_text(str(tz))}), {item.due.astimezone(UTC).strftime('%Y-%m-%d %H:%M')} UTC"
    if item.queued:
        return "`queue`: no time yet. Run `socialops schedule` and commit the time it writes, so the time is approved too."
    if item.publish_at is None:
        return "no `publish_at`: this post is never published until it gets one"
    return f"❌ {_text(item.problem or 'not a time')}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _code(text: str) -> str:
    """An inline code span that holds any text (backticks included), on one line."""
    text = text.replace("\n", " ")
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(text: str) -> str:
    """Markdown for a table cell: a `|` would end the cell, even inside a code span."""
    return text.replace("|", "\\|")


def _fenced(text: str) -> list[str]:
    """A fenced block showing `text` exactly (a fence longer than any backtick run in it)."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return [f"{fence}text", *(text.split("\n") if text else [""]), fence]


def _longest_run(text: str, char: str) -> int:
    best = current = 0
    for c in text:
        current = current + 1 if c == char else 0
        best = max(best, current)
    return best


_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]<>|#~"}, "&": "&amp;"})


def _text(text: str) -> str:
    """Plain text for Markdown: special characters escaped, on one line, and `@name`
    broken so that it mentions nobody."""
    return text.replace("\n", " ").translate(_SPECIAL).replace("@", "@&#8203;")
