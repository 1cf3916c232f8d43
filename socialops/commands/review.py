"""`socialops review`, `socialops remind` and `socialops codeowners`: the approval step."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from socialops.commands.lint import NowOption, RepoOption, TextOrJson


class Notify(StrEnum):
    stdout = "stdout"
    github = "github"
    slack = "slack"


class ReviewFormat(StrEnum):
    markdown = "markdown"
    json = "json"


def review_command(
    base: Annotated[str | None, typer.Option("--base", help="Compare with this ref (default: the merge base with the default branch; GITHUB_BASE_REF in a pull-request workflow).")] = None,
    fmt: Annotated[ReviewFormat, typer.Option("--format", help="markdown: the comment; json: the same as data.")] = ReviewFormat.markdown,
    post_to_github: Annotated[bool, typer.Option("--post-to-github", help="Create or update the one review comment on the pull request (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_EVENT_PATH).")] = False,
    pr: Annotated[int | None, typer.Option("--pr", help="The pull request's number (default: from GITHUB_EVENT_PATH).")] = None,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """The review comment for the posts a branch adds or changes: each post as each channel
    will receive it, counts, media and alt text, schedule, conflicts, findings, approvers."""
    import os

    from socialops import gitops
    from socialops.commands.output import console, print_json, workflow_text
    from socialops.errors import SocialopsError
    from socialops.model import POSTS_DIR, Project
    from socialops.review import comment, markdown
    from socialops.timeutil import parse_now

    project = Project.load(repo)
    when = parse_now(now, project.config.timezone)
    ref = base or gitops.default_base(project.root, os.environ.get("GITHUB_BASE_REF")
                                      or project.config.default_branch)
    posts_dir = (project.root / POSTS_DIR).resolve()
    changed = [p for p in gitops.changed_files(project.root, ref)
               if p.suffix == ".md" and p.is_relative_to(posts_dir) and p.is_file()]
    added = {p for p in changed if gitops.last_change(project.root, project.rel(p), ref) is None}
    from socialops.review.changes import PROJECT_FILES

    every = {p.resolve() for p in gitops.changed_files(project.root, ref)}
    project_files = [name for name in PROJECT_FILES if (project.root / name).resolve() in every]
    review = comment.build(project, changed, when, ref, added, project_files, _image_base(project))
    body = markdown.markdown(review, project)
    if fmt is ReviewFormat.json:
        print_json(comment.as_json(review))
    else:
        with workflow_text():
            typer.echo(body, nl=False)
    if post_to_github:
        number = pr or comment.pull_request_number(os.environ.get("GITHUB_EVENT_PATH"))
        if number is None:
            raise SocialopsError("--post-to-github needs the pull request: run it in a pull_request "
                                 "workflow (GITHUB_EVENT_PATH) or pass --pr NUMBER")
        import httpx

        from socialops.github import from_env

        with httpx.Client(timeout=30) as http:
            client = from_env(http, os.environ)
            done, url = comment.upsert_comment(client, number, body, skip_new=not review.posts and not review.project_changes,
                                               bot=os.environ.get("SOCIALOPS_BOT_LOGIN") or comment.BOT_LOGIN)
        said = {"created": "posted the review comment on", "updated": "updated the review comment on",
                "skipped": "no post or project file changed: no review comment on"}[done]
        console(stderr=True).print(f"{said} pull request #{number}" + (f": {url}" if url else ""),
                                   markup=False)


def _image_base(project: object) -> str | None:
    """Where GitHub serves the PR's head commit's files, so the comment shows the images
    as they are in the pull request (GITHUB_REPOSITORY, and the head commit from the event
    file or HEAD); None outside GitHub Actions."""
    import json
    import os

    from socialops import gitops

    repo_name = os.environ.get("GITHUB_REPOSITORY")
    if not repo_name:
        return None
    sha = None
    try:
        with open(os.environ.get("GITHUB_EVENT_PATH") or "", encoding="utf-8") as file:
            event = json.load(file)
        sha = event["pull_request"]["head"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    root = getattr(project, "root", None)
    sha = sha or (gitops.head(root) if root is not None else None)
    server = os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
    if not sha or root is None:
        return None
    from pathlib import Path
    from urllib.parse import quote

    folder = Path(root).resolve().relative_to(gitops.top(root).resolve()).as_posix()
    prefix = "" if folder == "." else quote(folder) + "/"
    return f"{server}/{repo_name}/raw/{sha}/{prefix}"


def codeowners_command(
    write: Annotated[bool, typer.Option("--write", help="Write the lines into CODEOWNERS (.github/CODEOWNERS when there is none).")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when the checked-in CODEOWNERS differs from roles: (with --write: after bringing it in step).")] = False,
    repo: RepoOption = None,
) -> None:
    """Print the CODEOWNERS lines that follow from roles: in socialops.yaml."""
    from socialops import roles
    from socialops.commands.output import console
    from socialops.errors import SocialopsError
    from socialops.model import Project

    project = Project.load(repo)
    people = roles.load(project.config)
    if write and check and not people.defined:  # the pre-commit hook in a project without roles
        typer.echo("socialops.yaml has no roles:; no CODEOWNERS to keep in step")
        return
    if not people.defined:
        raise SocialopsError("socialops.yaml has no roles:; name the manager, writers, reviewers "
                             "per channel and analysts there first (see the README)", "socialops.yaml")
    block = roles.codeowners_lines(people, project.root)
    if write and check:  # keep it in step: write when it drifted, and say so with exit 1
        found = roles.drift(people, project.root)
        if not found:
            typer.echo("CODEOWNERS matches roles: in socialops.yaml")
            return
        rel = _write_codeowners(project.root, block)
        console(stderr=True).print(f"{found[0]}: {found[1]}\nupdated {rel} to follow roles: in "
                                   f"socialops.yaml; add it to the commit (git add {rel})", markup=False)
        raise typer.Exit(1)
    if check:
        found = roles.drift(people, project.root)
        if found:
            console(stderr=True).print(f"{found[0]}: {found[1]}", markup=False)
            raise typer.Exit(1)
        typer.echo("CODEOWNERS matches roles: in socialops.yaml")
        return
    if not write:
        typer.echo("\n".join(block))
        return
    typer.echo(f"wrote {_write_codeowners(project.root, block)}")


def _write_codeowners(root: Path, block: list[str]) -> str:
    from socialops import roles

    path = roles.find_codeowners(root) or root / ".github" / "CODEOWNERS"
    existing = path.read_text("utf-8") if path.is_file() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(roles.merged(existing, block), "utf-8")
    return path.relative_to(root).as_posix()


def remind_command(
    within: Annotated[str, typer.Option("--within", help="How far ahead to look, e.g. 24h or 2d.")] = "24h",
    notify: Annotated[list[Notify] | None, typer.Option("--notify", help="Where to send the reminders (repeatable): stdout, github (a comment on each pull request, mentioning its reviewers) or slack.")] = None,
    slack_env: Annotated[str, typer.Option("--slack-env", help="The environment variable holding the Slack webhook URL.")] = "SLACK_WEBHOOK_URL",
    fmt: Annotated[TextOrJson, typer.Option("--format", help="Output format of what is printed.")] = TextOrJson.text,
    repo: RepoOption = None,
    now: NowOption = None,
) -> None:
    """Warn about posts due soon that are not approved yet, and name who must act."""
    import os

    import httpx

    from socialops.commands.output import print_json, workflow_text
    from socialops.errors import SocialopsError
    from socialops.github import GitHubError, from_env
    from socialops.model import Project
    from socialops.review import reminders
    from socialops.timeutil import parse_duration, parse_now

    project = Project.load(repo)
    tz = project.config.timezone
    when, window = parse_now(now, tz), parse_duration(within)
    targets = set(notify or [Notify.stdout])
    with httpx.Client(timeout=30) as http:
        try:
            client = from_env(http, os.environ)
        except GitHubError:
            if Notify.github in targets:
                raise
            client = None
        found = reminders.find(project, client, when, window)
        # Printed: everything for stdout; with github, what has no pull request to comment on.
        printed = found if Notify.stdout in targets else \
            [r for r in found if r.pr is None] if Notify.github in targets else []
        if fmt is TextOrJson.json:
            print_json({"version": 1, "reminders": [r.as_dict() for r in printed]})
        else:
            with workflow_text():
                for reminder in printed:
                    typer.echo(reminders.line(reminder, when, tz))
            if not found:
                typer.echo(f"nothing due within {within} is waiting for approval")
        if Notify.github in targets and client is not None:
            for number, items in reminders.by_pull_request(found).items():
                client.post(f"/repos/{client.repo}/issues/{number}/comments",
                            {"body": reminders.pr_comment(items, when, tz)})
                if fmt is TextOrJson.text:
                    typer.echo(f"reminded the reviewers of pull request #{number}")
        if Notify.slack in targets and found:
            url = os.environ.get(slack_env)
            if not url:
                raise SocialopsError(f"--notify slack needs the webhook URL in the environment variable "
                                     f"{slack_env}; set it (in CI: a secret)")
            reminders.send_slack(http, os.environ, slack_env, reminders.slack_text(found, when, tz),
                                 project.root)
            if fmt is TextOrJson.text:
                typer.echo(f"sent {len(found)} reminder{'s' if len(found) != 1 else ''} to Slack")


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
    app.command("codeowners")(codeowners_command)
    app.command("remind")(remind_command)
