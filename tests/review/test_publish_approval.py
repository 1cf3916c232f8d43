"""publish with `approval: {verify: github}` as a user runs it, against the local fake
GitHub: an approved post goes out and its URL is commented on its pull request; on any
API error the post is held, never published, and `status` says why."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from tests.conftest import Result, git
from tests.github_fake.server import FakeGitHub
from tests.publish.conftest import NOW, Site, site  # noqa: F401
from tests.review.conftest import github_env

FEED = {"feed": {"platform": "feed", "path": "feed.xml", "title": "Test news", "link": "https://example.com"}}


def merged_through_pr(site: Site, fake: FakeGitHub, number: int = 7) -> str:  # noqa: F811
    """posts/p.md merged into main through pull request `number`, pushed; returns its head."""
    site.configure(FEED, {"approval": {"verify": "github"}, "report": "github"})
    site.commit("config")
    git(site.root, "checkout", "-q", "-b", f"post-{number}")
    path = site.post("p", ["feed"], body="Approved words.\n")
    site.commit("add a post", push=False)
    head = git(site.root, "rev-parse", "HEAD").strip()
    git(site.root, "checkout", "-q", "main")
    git(site.root, "merge", "-q", "--no-ff", "-m", "Merge pull request", f"post-{number}")
    git(site.root, "push", "-q", "origin", "main")
    fake.add_pull(number, head, files={"posts/p.md": path.read_text()})
    return head


def publish_cli(site: Site, fake: FakeGitHub, cli: Callable[..., Result], *args: str) -> Result:  # noqa: F811
    return cli(*args, "--now", NOW, cwd=site.root, env=github_env(fake))


def test_an_approved_post_is_published_and_its_url_commented(site: Site, fake: FakeGitHub, cli) -> None:  # noqa: F811
    head = merged_through_pr(site, fake)
    fake.review(7, "bob", "APPROVED", head)
    result = publish_cli(site, fake, cli, "publish")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Approved words." in (site.root / "feed.xml").read_text()
    assert site.ledger("p")["channels"]["feed"]["status"] == "published"
    cache = yaml.safe_load(site.remote_file(".socialops/approvals.yaml"))
    assert cache["posts/p.md"]["pr"] == 7 and cache["posts/p.md"]["approvers"] == ["bob"]
    assert site.clean()
    body = fake.comments[7][0]["body"]
    assert body.startswith("<!-- socialops-published: p -->\n**Published by socialops**\n\n- `posts/p.md`\n  - feed: ")


@pytest.mark.parametrize(("status", "headers"), [
    (401, {}), (403, {}), (404, {}), (500, {}), (502, {}),
    (429, {"Retry-After": "3600"}),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"}),
])
def test_an_api_error_holds_the_post_and_publishes_nothing(site: Site, fake: FakeGitHub, cli,  # noqa: F811
                                                           status: int, headers: dict[str, str]) -> None:
    head = merged_through_pr(site, fake)
    fake.review(7, "bob", "APPROVED", head)
    fake.fail(r"GET /repos/acme/content/(commits|pulls|contents)", status, headers=headers)
    result = publish_cli(site, fake, cli, "publish")
    assert result.exit_code == 1, result.stdout + result.stderr  # the job goes red
    assert "held" in result.stdout and "the approval could not be verified" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == \
        "exit 1: 1 held because the approval could not be checked (a person should look)"
    assert not (site.root / "feed.xml").exists()
    record = site.ledger("p")["channels"]["feed"]
    assert record["status"] == "held" and record["parts"] == []
    assert record["reason"].startswith("the approval could not be verified: ")
    assert not (site.root / ".socialops/approvals.yaml").exists()
    assert fake.calls("POST") == []
    shown = publish_cli(site, fake, cli, "status", "p")
    assert shown.stdout.startswith("Held (not approved) (1)\n  p  feed  due ")
    assert "the approval could not be verified" in shown.stdout


def test_a_direct_push_is_held_until_it_comes_through_a_review(site: Site, fake: FakeGitHub, cli) -> None:  # noqa: F811
    head = merged_through_pr(site, fake)
    fake.review(7, "bob", "APPROVED", head)
    site.post("p", ["feed"], body="Changed on main without review.\n")
    site.commit("quick edit")
    result = publish_cli(site, fake, cli, "publish")
    assert result.exit_code == 0
    assert not (site.root / "feed.xml").exists()
    assert "without a pull request" in site.ledger("p")["channels"]["feed"]["reason"]


def test_a_post_going_to_the_default_channels_needs_their_approvals(site: Site, fake: FakeGitHub, cli) -> None:  # noqa: F811
    """A post naming no `channels:` goes to `defaults.channels`; its approval is checked
    against those channels' requirements, not against none (which let it out unreviewed)."""
    site.configure(FEED, {"defaults": {"channels": ["feed"]}, "approval": {"verify": "github"}})
    site.commit("config")
    git(site.root, "checkout", "-q", "-b", "post-7")
    path = site.write("posts/p.md", f"---\npublish_at: {NOW}\nstatus: ready\n---\nUnreviewed words.\n")
    site.commit("add a post", push=False)
    head = git(site.root, "rev-parse", "HEAD").strip()
    git(site.root, "checkout", "-q", "main")
    git(site.root, "merge", "-q", "--no-ff", "-m", "Merge pull request", "post-7")
    git(site.root, "push", "-q", "origin", "main")
    fake.add_pull(7, head, files={"posts/p.md": path.read_text()})
    dry = publish_cli(site, fake, cli, "publish", "--dry-run")
    assert "held" in dry.stdout and "has 0 of the 1 approvals feed needs" in dry.stdout, dry.stdout
    result = publish_cli(site, fake, cli, "publish")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert not (site.root / "feed.xml").exists()
    record = site.ledger("p")["channels"]["feed"]
    assert record["status"] == "held" and "has 0 of the 1 approvals feed needs" in record["reason"]
    fake.review(7, "bob", "APPROVED", head)
    again = publish_cli(site, fake, cli, "publish")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "Unreviewed words." in (site.root / "feed.xml").read_text()
    assert site.ledger("p")["channels"]["feed"]["status"] == "published"
