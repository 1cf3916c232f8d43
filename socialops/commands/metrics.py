"""`socialops metrics collect` and `socialops metrics report`: the analyst's side."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialops.commands.lint import NowOption, RepoOption, TextOrJson

if TYPE_CHECKING:
    from socialops.publish.metrics.collect import CollectResult

FormatOption = Annotated[TextOrJson, typer.Option("--format", help="text for people, json for machines.")]
ICONS = {"ok": "[green]✓[/]", "rate-limited": "[yellow]⏸[/]", "refused": "[bold red]✗[/]",
         "failed": "[bold red]✗[/]", "no-metrics": "[dim]-[/]"}

metrics_app = typer.Typer(
    name="metrics", no_args_is_help=True,
    help="Engagement and followers: collect them from the platforms, report on them.")


def _client_factory(timeout: float) -> Any:
    def make(channel: Any) -> Any:
        import httpx

        from socialops import __version__

        return httpx.Client(timeout=timeout, follow_redirects=False,
                            headers={"User-Agent": f"socialops/{__version__}"})

    return make


@metrics_app.command("collect")
def collect_command(
    since: Annotated[str | None, typer.Option("--since", help="Only posts published within this long (7d, 12h).")] = None,
    channel: Annotated[list[str] | None, typer.Option("--channel", "-c", help="Only this channel (repeatable).")] = None,
    post: Annotated[list[str] | None, typer.Option("--post", help="Only this post, by id or path (repeatable).")] = None,
    push: Annotated[bool, typer.Option("--push/--no-push", help="Push the snapshot (default) or only commit it here.")] = True,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each platform call.", min=0.1)] = 30.0,
    fmt: FormatOption = TextOrJson.text,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Fetch the counts of the posts due for a sample, and each channel's followers."""
    from socialops.commands.output import print_json
    from socialops.commands.publish import _post_id
    from socialops.errors import SocialopsError
    from socialops.model import Project
    from socialops.publish.metrics.collect import CollectOptions, collect
    from socialops.timeutil import TimeError, parse_duration, parse_now

    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    unknown = sorted(set(channel or []) - set(project.config.channels))
    if unknown:
        raise SocialopsError(f"unknown channel(s) {', '.join(unknown)}; socialops.yaml defines: "
                             f"{', '.join(sorted(project.config.channels))}")
    try:
        window = parse_duration(since) if since else None
    except TimeError as exc:
        raise SocialopsError(f"--since: {exc}") from None
    options = CollectOptions(
        now=when, clock=(lambda: when) if now else (lambda: datetime.now(UTC)),
        environ=dict(os.environ), since=window, push=push,
        channels=frozenset(channel) if channel else None,
        posts=frozenset(_post_id(project, p) for p in post) if post else None,
        client_factory=_client_factory(timeout))
    result = collect(project, options)
    if fmt is TextOrJson.json:
        print_json(result.as_dict())
    else:
        _show_collect(result)
    raise typer.Exit(1 if result.failed else 0)


def _show_collect(result: CollectResult) -> None:
    from rich.markup import escape

    from socialops.commands.output import console

    out = console()
    for ch in result.channels:
        counts = [f"{ch.sampled} post{'s' if ch.sampled != 1 else ''} read"]
        if ch.deleted:
            counts.append(f"{ch.deleted} deleted")
        if ch.left:
            counts.append(f"{ch.left} left for the next run")
        if ch.followers is not None:
            counts.append(f"{ch.followers} followers")
        shown = ", ".join(counts) if ch.status not in ("no-metrics",) else "no metrics on this platform"
        out.print(f"{ICONS.get(ch.status, '')} [bold]{escape(ch.channel)}[/] ({ch.platform}): {escape(shown)}")
        if ch.message:
            out.print(f"    [dim]{escape(ch.message)}[/]")
    if result.rows:
        where = ", ".join(result.files)
        out.print(f"\n{result.rows} rows written to {escape(where)}"
                  + (" (committed and pushed)" if result.pushed else " (committed)" if result.commits else ""))
    else:
        out.print("\nNothing new to record.")
    for note in result.notes:
        out.print(f"[dim]{escape(note)}[/]")


def register(app: typer.Typer) -> None:
    app.add_typer(metrics_app)


