"""Lint reads the ledger: edits after publishing, and renamed published posts."""

from __future__ import annotations

import json

from tests.conftest import git
from tests.publish.conftest import Site, run_publish


def _lint(run_cli, site: Site) -> tuple[int, list[dict]]:
    out = run_cli("lint", "--format", "json", cwd=site.root)
    return out.returncode, [p for p in json.loads(out.stdout)["problems"] if p["rule"] == "published-edit"]


def test_editing_a_published_post_is_an_error_at_its_line(site: Site, run_cli) -> None:
    site.post("a", ["feed"], "Published text.\n")
    site.commit()
    run_publish(site)
    assert _lint(run_cli, site) == (0, [])
    site.post("a", ["feed"], "Published text, improved afterwards.\n")
    code, problems = _lint(run_cli, site)
    assert code == 1
    assert len(problems) == 1
    problem = problems[0]
    assert (problem["path"], problem["line"], problem["level"]) == ("posts/a.md", 6, "error")
    assert problem["message"].startswith("this post was published on feed at ")
    assert "undo it, or retract the post and write a new one" in problem["message"]


def test_a_renamed_published_post_asks_for_its_old_id(site: Site, run_cli) -> None:
    site.post("old-name", ["feed"], "Renamed after publishing.\n")
    site.commit()
    run_publish(site)
    git(site.root, "mv", "posts/old-name.md", "posts/new-name.md")
    site.commit("rename")
    code, problems = _lint(run_cli, site)
    assert code == 1
    assert [p["message"] for p in problems] == [
        "this text was already published on feed as post 'old-name' (.socialops/ledger/old-name.yaml); "
        "if you renamed or moved the file, add 'id: old-name' to its front matter, or publish would refuse it"]
    # publish refuses to send it again, loudly
    refused = run_publish(site)
    assert [(c.channel, c.status) for p in refused.posts for c in p.channels] == [("feed", "failed")]
    assert "add 'id: old-name'" in (refused.posts[0].channels[0].message or "")
    assert (site.root / "feed.xml").read_text().count("<entry>") == 1
    text = (site.root / "posts/new-name.md").read_text().replace("status: ready", "status: ready\nid: old-name")
    (site.root / "posts/new-name.md").write_text(text)
    site.commit("keep the id")
    assert _lint(run_cli, site) == (0, [])
    assert run_publish(site).posts == []
