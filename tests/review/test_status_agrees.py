"""`status`, `publish --dry-run` and `publish` say the same about every post: one
repository with a post in every state, approvals verified against the fake GitHub, each
command run as a user runs it."""

from __future__ import annotations

import json
from typing import Any

from socialops import ledger
from socialops.ledger import ChannelRecord, LedgerEntry, PartRecord
from tests.conftest import git
from tests.github_fake.server import FakeGitHub
from tests.publish.conftest import NOW, Site, at, site  # noqa: F401
from tests.review.conftest import github_env

FEED = {"feed": {"platform": "feed", "path": "feed.xml", "title": "Test news", "link": "https://example.com"}}
DUE = at(0)


def _ledger(site: Site, post_id: str, status: str, part: str, reason: str | None = None) -> None:  # noqa: F811
    record = ChannelRecord(status, DUE, at(5), reason, None,
                           [PartRecord(0, part, "id-1", "https://example.com/feed/1", at(5), "h0", 1)], 1)
    ledger.write(site.root, LedgerEntry(post_id, f"posts/{post_id}.md", {"feed": record}))


def _merged_pull(site: Site, fake: FakeGitHub, number: int, branch: str, files: dict[str, str],  # noqa: F811
                 approved: bool) -> None:
    """`files` committed on a branch and merged into main as pull request `number`."""
    git(site.root, "checkout", "-q", "-b", branch, "main")
    for rel, text in files.items():
        site.write(rel, text)
    site.commit(f"{branch}: posts", push=False)
    head = git(site.root, "rev-parse", "HEAD").strip()
    git(site.root, "checkout", "-q", "main")
    git(site.root, "merge", "-q", "--no-ff", "-m", f"Merge pull request #{number}", branch)
    git(site.root, "push", "-q", "origin", "main")
    fake.add_pull(number, head, files={rel: (site.root / rel).read_text() for rel in files})
    if approved:
        fake.review(number, "bob", "APPROVED", head)


def _post(at_: str, body: str, status: str = "ready") -> str:
    return f"---\nchannels: [feed]\npublish_at: {at_}\nstatus: {status}\n---\n{body}\n"


def _states(site: Site, fake: FakeGitHub) -> None:  # noqa: F811
    site.commit("start")
    recurring = f"""\
        lateness: 6h
        blackouts:
          - {{name: Freeze, from: "{at(-40)}", to: "{at(-20)}"}}
        recurring:
          - id: tip
            cron: "{at(30)[14:16]} {at(30)[11:13]} * * *"
            channels: [feed]
            from: {at(-60 * 48)[:10]}
            pool: posts/tips
        """
    site.configure(FEED, {"approval": {"verify": "github"}})
    files = {
        "socialops.yaml": (site.root / "socialops.yaml").read_text(),
        "calendar.yaml": recurring.replace("        ", ""),
        "posts/due.md": _post(DUE, "Due now."),
        "posts/frozen.md": _post(at(-30), "Inside the freeze."),
        "posts/draft.md": _post(DUE, "Not ready.", status="draft"),
        "posts/late.md": _post(at(-600), "Too late."),
        "posts/queued.md": _post("queue", "Waiting for a slot."),
        "posts/asked.md": _post(DUE, "Maybe sent."),
        "posts/sent.md": _post(DUE, "Sent before."),
        "posts/gone.md": _post(DUE, "Retracted."),
        "posts/later.md": _post(at(60 * 24), "Tomorrow."),
        "posts/tips/one.md": "---\nstatus: ready\n---\nTip one.\n",
    }
    _merged_pull(site, fake, 7, "approved", files, approved=True)
    _merged_pull(site, fake, 8, "unreviewed", {"posts/unapproved.md": _post(DUE, "Nobody approved this.")},
                 approved=False)
    _ledger(site, "asked", "unknown", "unknown", "the connection failed after the request was sent")
    _ledger(site, "sent", "published", "published")
    _ledger(site, "gone", "retracted", "retracted", "retracted")
    site.commit("socialops: the ledger of earlier runs")


def _by_channel(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {f"{p['id']}:{c['channel']}": c["status"] for p in rows for c in p["channels"]}


def test_status_dry_run_and_publish_say_the_same_about_every_post(site: Site, fake: FakeGitHub, cli) -> None:  # noqa: F811
    _states(site, fake)
    env = github_env(fake)
    shown = cli("status", "--format", "json", "--now", NOW, cwd=site.root, env=env)
    assert shown.exit_code == 0, shown.stdout + shown.stderr
    status = {f"{r['post']}:{r['channel']}": name
              for name, rows in json.loads(shown.stdout)["sections"].items() for r in rows}
    dry = cli("publish", "--dry-run", "--format", "json", "--now", NOW, cwd=site.root, env=env)
    planned = _by_channel(json.loads(dry.stdout)["posts"])
    done = cli("publish", "--format", "json", "--now", NOW, cwd=site.root, env=env)
    published = _by_channel(json.loads(done.stdout)["posts"])
    tip = next(k for k in planned if k.startswith("tip@") and planned[k] == "planned")
    missed_tip = next(k for k in planned if k.startswith("tip@") and k != tip)
    # post: (status's section, what --dry-run says, what publish did); None: not mentioned
    expected = {
        "due:feed": ("waiting", "planned", "published"),
        tip: ("waiting", "planned", "published"),
        missed_tip: ("missed", "missed", "missed"),
        "frozen:feed": ("held", "held", "held"),
        "unapproved:feed": ("held", "held", "held"),
        "late:feed": ("missed", "missed", "missed"),
        "asked:feed": ("unknown", "unknown", "unknown"),
        "draft:feed": ("draft", None, None),
        "queued:feed": ("unscheduled", None, None),
        "later:feed": ("next", None, None),
        "sent:feed": ("published", None, None),
        "gone:feed": ("retracted", None, None),
    }
    found = {key: (status.get(key), planned.get(key), published.get(key)) for key in expected}
    assert found == expected
    assert set(status) == set(expected) and set(planned) | set(published) <= set(expected)
    rows = {f"{r['post']}:{r['channel']}": r for rows in json.loads(shown.stdout)["sections"].values()
            for r in rows}
    assert "blackout 'Freeze'" in rows["frozen:feed"]["message"]
    assert "pull request #8 has 0 of the 1 approvals feed needs" in rows["unapproved:feed"]["message"]
    assert "Nobody approved this." not in (site.root / "feed.xml").read_text()
    assert "Due now." in (site.root / "feed.xml").read_text()
