"""doctor reads what a platform says a channel's settings are (Mastodon's instance limit)
and `doctor --write` records them in socialops.yaml, so lint counts against them offline."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from socialops.publish.doctor import set_channel_option
from tests.fakes.servers import Fakes
from tests.publish.conftest import Site


def test_doctor_write_records_the_instance_limit_and_lint_counts_against_it(
        fake_site: Site, fakes: Fakes, run_cli) -> None:
    fakes.mastodon.max_characters = 5000  # a fork with a higher limit
    fake_site.post("long", ["mastodon"], "word " * 200 + "\n")  # 1000 characters
    fake_site.commit()
    before = run_cli("lint", "posts/long.md", cwd=fake_site.root)
    assert before.returncode == 1 and "too long for mastodon" in before.stdout
    told = run_cli("doctor", "--channel", "mastodon", "--format", "json", cwd=fake_site.root, env=fake_site.env)
    check = json.loads(told.stdout)["channels"][0]
    assert check["ok"] and check["settings"] == {"max_length": 5000} and check["written"] == {}
    assert "doctor --write" in check["warning"]
    assert fakes.mastodon.calls("GET /api/v2/instance")
    wrote = run_cli("doctor", "--channel", "mastodon", "--write", cwd=fake_site.root, env=fake_site.env)
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    assert "recorded max_length: 5000 in socialops.yaml" in wrote.stdout
    config = yaml.safe_load((fake_site.root / "socialops.yaml").read_text())
    assert config["channels"]["mastodon"]["max_length"] == 5000
    after = run_cli("lint", "posts/long.md", cwd=fake_site.root)
    assert after.returncode == 0, after.stdout
    again = run_cli("doctor", "--channel", "mastodon", "--format", "json", cwd=fake_site.root, env=fake_site.env)
    assert json.loads(again.stdout)["channels"][0]["warning"] is None


@pytest.mark.parametrize(("before", "after"), [
    ("""\
     # our channels
     channels:
       main: {platform: mastodon, instance: https://social.example, token_env: T}  # the main one
       other: {platform: feed, path: feed.xml}
     """, """\
     # our channels
     channels:
       main: {platform: mastodon, instance: https://social.example, token_env: T, max_length: 5000}  # the main one
       other: {platform: feed, path: feed.xml}
     """),
    ("""\
     channels:
       main:
         platform: mastodon   # comment kept
         instance: https://social.example
       other: {platform: feed}
     """, """\
     channels:
       main:
         platform: mastodon   # comment kept
         instance: https://social.example
         max_length: 5000
       other: {platform: feed}
     """),
    ("""\
     channels:
       main: {platform: mastodon, max_length: 500}
     """, """\
     channels:
       main: {platform: mastodon, max_length: 5000}
     """),
])
def test_set_channel_option_changes_only_that_option(tmp_path: Path, before: str, after: str) -> None:
    path = tmp_path / "socialops.yaml"
    path.write_text(textwrap.dedent(before))
    set_channel_option(path, "main", "max_length", 5000)
    assert path.read_text() == textwrap.dedent(after)


def test_set_channel_option_refuses_a_layout_it_cannot_edit(tmp_path: Path) -> None:
    path = tmp_path / "socialops.yaml"
    path.write_text("channels:\n  main: !!map {platform: mastodon}\n  other: []\n")
    with pytest.raises(ValueError):
        set_channel_option(path, "other", "max_length", 5000)
    assert path.read_text() == "channels:\n  main: !!map {platform: mastodon}\n  other: []\n"
