"""`socialops preview`: each channel's parts exactly as they will be sent, counted the
platform's way, with the overflow marked, Bluesky facets, media with alt text, and the
problems. Exit 1 when something does not fit, 2 for an unknown post or channel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialops.commands.lint import RepoOption, TextOrJson

if TYPE_CHECKING:
    from socialops.model import Config, Post, Project
    from socialops.render import RenderedChannel, RenderedPart


def preview_command(
    posts: Annotated[list[str], typer.Argument(help="Post files (paths) or post ids.")],
    channel: Annotated[list[str] | None, typer.Option(
        "--channel", "-c", help="Only this channel (repeatable); any channel of socialops.yaml.")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="text for people, json for tools.")] = TextOrJson.text,
    repo: RepoOption = None,
) -> None:
    """Show what each channel will receive: parts, lengths, overflow, facets, media, problems."""
    from socialops.commands import output
    from socialops.model import Project

    project = Project.load(repo)
    _check_channels(project, channel or [])
    chosen = _posts(project, posts)
    previews = [_preview(project, post, channel or []) for post in chosen]
    findings = _findings(project, chosen)
    if fmt is TextOrJson.json:
        output.print_json({"version": 1, "posts": [
            {**_post_json(post, rendered, project.config),
             "findings": [p.as_dict() for p in findings.get(post.path, [])]} for post, rendered in previews]})
    else:
        _print(previews, project.config, findings)
    failed = any(not post.readable or any(not r.ok for r in rendered)
                 or any(p.level.value == "error" for p in findings.get(post.path, []))
                 for post, rendered in previews)
    raise typer.Exit(1 if failed else 0)


def _findings(project: Project, posts: list[Post]) -> dict[str, list[Any]]:
    """Everything `socialops lint` finds in these posts, by post file (style guide, schema,
    calendar, platform limits...), so a preview never says a post is fine when lint does not."""
    from socialops.lint import lint
    from socialops.timeutil import parse_now

    result = lint(project, [p.abs_path for p in posts], parse_now(None, project.config.timezone))
    out: dict[str, list[Any]] = {}
    for problem in result.problems:
        out.setdefault(problem.path, []).append(problem)
    return out


def _check_channels(project: Project, wanted: list[str]) -> None:
    from socialops.errors import SocialopsError

    for name in wanted:
        if name not in project.config.channels:
            names = ", ".join(sorted(project.config.channels)) or "none yet"
            raise SocialopsError(f"no channel '{name}' in socialops.yaml; it defines: {names}")


def _posts(project: Project, refs: list[str]) -> list[Post]:
    every: list[Post] | None = None
    out = []
    for ref in refs:
        if every is None and not Path(ref).is_file() and not (project.root / ref).is_file():
            every = project.read_posts()
        out.append(project.post_by_ref(ref, every if every is not None else []))
    return out


def _preview(project: Project, post: Post, wanted: list[str]) -> tuple[Post, list[RenderedChannel]]:
    from socialops.render import render_channel, render_post

    if not post.readable:
        return post, []
    channels = project.config.channels
    if wanted:
        return post, [render_channel(post, channels[name], project.root) for name in wanted]
    return post, render_post(post, channels, project.root, names=project.config.channels_for(post))


# ---- JSON ----------------------------------------------------------------------------------

def _post_json(post: Post, rendered: list[RenderedChannel], config: Config) -> dict[str, Any]:
    goes_to = config.channels_for(post)
    return {
        "id": post.id if post.readable else None,
        "path": post.path,
        "problems": [p.as_dict() for p in post.problems],
        "channels": [{
            "channel": r.channel,
            "platform": r.platform,
            "listed": r.channel in goes_to,
            "ok": r.ok,
            "parts": [p.as_dict() for p in r.parts],
            "problems": [p.as_dict() for p in r.problems],
        } for r in rendered],
    }


# ---- text ----------------------------------------------------------------------------------

def _print(previews: list[tuple[Post, list[RenderedChannel]]], config: Config,
           findings: dict[str, list[Any]]) -> None:
    from rich.rule import Rule
    from rich.text import Text

    from socialops.commands.output import LEVEL_STYLE, console

    out = console()
    for post, rendered in previews:
        title = Text(_t(post.path), style="bold")
        if post.readable:
            title.append(f"  id {_t(post.id)}", style="dim")
        out.print(Rule(title, align="left"))
        found = findings.get(post.path, []) or post.problems
        if found:
            out.print(Text(f"  lint: {len(found)} finding{'s' if len(found) != 1 else ''}", style="bold"))
        for problem in found:
            out.print(Text.assemble((f"  {problem.line}:{problem.column} ", "dim"),
                                    (problem.level.value, LEVEL_STYLE[problem.level]), f"  {_t(problem.message)}",
                                    (f"  {problem.rule}", "dim"),
                                    ("  [fixable]" if getattr(problem, "fixable", False) else "", "green")),
                      soft_wrap=False)
        if post.readable and not rendered:
            out.print(Text("  this post goes to no channel of socialops.yaml", style="yellow"))
        errors = sum(1 for p in found if p.level.value == "error")
        for item in rendered:
            out.print(_panel(item, item.channel in config.channels_for(post), post, errors), soft_wrap=False)
        out.print()


# Platform extras counted in the length (the platform's count includes them)
COUNTED = {"mastodon": {"spoiler_text"}}


def _panel(rendered: RenderedChannel, listed: bool, post: Post | None = None, errors: int = 0) -> Any:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from socialops.commands.output import LEVEL_STYLE
    from socialops.platforms import PLATFORMS

    platform = PLATFORMS.get(rendered.platform)
    label = platform.label if platform else rendered.platform
    body: list[Any] = []
    extras = post.platform_options(rendered.platform) if post is not None else {}
    for key, value in extras.items():
        counted = key in COUNTED.get(rendered.platform, set())
        body.append(Text.assemble((f"{_t(str(key))}: ", "bold magenta"), _t(str(value)),
                                  ("  (counted in the length)" if counted else "", "dim")))
    if extras:
        body.append(Text(""))
    for part in rendered.parts:
        body.extend(_part(rendered, part, platform.unit if platform else "characters",
                          platform.media.alt_supported if platform else True))
    for problem in rendered.problems:
        body.append(Text.assemble(("✗ " if problem.level.value == "error" else "! ", LEVEL_STYLE[problem.level]),
                                  (f"line {problem.line}: ", "dim"), _t(problem.message), (f"  {problem.rule}", "dim")))
    if not listed:
        body.append(Text("(this post does not list this channel; shown because --channel asked)", style="dim"))
    verdict = Text("✓ fits", style="green") if rendered.ok else Text("✗ does not fit", style="bold red")
    if errors:
        verdict.append(f" · ✗ {errors} lint error{'s' if errors != 1 else ''} (above)", style="bold red")
    return Panel(Group(*body) if body else Text("nothing to send", style="dim"),
                 title=Text.assemble((rendered.channel, "bold"), (f" · {label}", "cyan")),
                 title_align="left", subtitle=verdict, subtitle_align="right",
                 border_style="green" if rendered.ok and not errors else "red")


def _part(rendered: RenderedChannel, part: RenderedPart, unit: str, alt_sent: bool) -> list[Any]:
    from rich.text import Text

    head = Text()
    if len(rendered.parts) > 1:
        head.append(f"part {part.index + 1}/{len(rendered.parts)} · ", style="bold")
    head.append(f"line {part.source_line} · ", style="dim")
    fits = part.limit is None or part.length <= part.limit
    head.append(f"{part.length}" + (f"/{part.limit}" if part.limit is not None else "") + f" {unit}",
                style="green" if fits else "bold red")
    if part.bytes is not None:
        byte_fits = part.byte_limit is None or part.bytes <= part.byte_limit
        head.append(f" · {part.bytes}/{part.byte_limit} bytes", style="green" if byte_fits else "bold red")
    lines: list[Any] = [head, *_text_with_overflow(part)]
    lines.extend(_facets(part))
    for media in part.media:
        if media.alt and not alt_sent:
            alt = Text(f"alt: {_t(media.alt)} (not sent: the platform has no alt text)", style="dim")
        else:
            alt = Text(f"alt: {_t(media.alt)}") if media.alt else Text("no alt text", style="yellow")
        lines.append(Text.assemble("  🖼  ", (_t(media.path), "cyan"), "  ", alt))
    lines.append(Text(""))
    return lines


def _text_with_overflow(part: RenderedPart) -> list[Any]:
    """The text as sent; where it stops fitting a ▲, and from there on red."""
    from rich.text import Text

    if not part.text:
        return [Text("(no text)", style="dim")]
    cut = part.overflow_at
    if cut is None:
        return [Text(_t(part.text))]
    text = Text(_t(part.text[:cut]))
    text.append("▲", style="bold red")
    text.append(_t(part.text[cut:]), style="white on red")
    over = part.length - part.limit if part.limit is not None and part.length > part.limit else 0
    what = f"{over} over" if over else "over the byte limit"
    return [text, Text(f"▲ {what}: the text on red does not fit", style="bold red")]


def _facets(part: RenderedPart) -> list[Any]:
    from rich.text import Text

    out = []
    for facet in part.facets:
        index = facet["index"]
        for feature in facet["features"]:
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1]
            value = feature.get("uri") or (f"@{feature['handle']}" if "handle" in feature else f"#{feature.get('tag')}")
            out.append(Text.assemble(("  ⤷ ", "dim"), (f"{kind} ", "magenta"), _t(str(value)),
                                     (f"  bytes {index['byteStart']}–{index['byteEnd']}", "dim")))
    return out


def _t(text: str) -> str:
    """A post's text for the terminal: its escape codes (colours, cursor moves, a changed
    window title, hidden hyperlinks) shown as nothing, never run."""
    from socialops.escape import terminal

    return terminal(text)


def register(app: typer.Typer) -> None:
    app.command("preview")(preview_command)
