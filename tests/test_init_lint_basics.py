from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git


def test_init_creates_a_project_that_lints_clean(tmp_path: Path, cli) -> None:
    result = cli("init", "demo", "--timezone", "Europe/Berlin", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    demo = tmp_path / "demo"
    for rel in ("socialops.yaml", "styleguide.yaml", "calendar.yaml", "posts/welcome.md",
                "posts/next-week.md", ".gitignore", ".github/workflows/lint.yml", "media/.gitkeep"):
        assert (demo / rel).is_file(), rel
    assert "timezone: Europe/Berlin" in (demo / "socialops.yaml").read_text()
    assert git(demo, "status", "--porcelain") == ""
    lint = cli("lint", "--format", "json", cwd=demo)
    assert lint.exit_code == 0, lint.output
    assert json.loads(lint.stdout)["summary"]["files"] == 2


def test_init_in_the_repeated_hour_writes_a_welcome_time_that_lints(tmp_path: Path, cli) -> None:
    now = "2026-10-25T02:30+01:00"  # Europe/Berlin: the second 02:30 of the night
    assert cli("init", "demo", "--timezone", "Europe/Berlin", "--now", now, cwd=tmp_path).exit_code == 0
    assert "publish_at: 2026-10-25T02:30+01:00\n" in (tmp_path / "demo/posts/welcome.md").read_text()
    lint = cli("lint", "--format", "json", "--now", now, cwd=tmp_path / "demo")
    assert lint.exit_code == 0, lint.output


def test_init_prints_a_folder_name_with_brackets_as_it_is(tmp_path: Path, cli) -> None:
    result = cli("init", "d[/x]", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Next: cd d[/x] && socialops lint" in result.stdout


def test_init_never_overwrites(tmp_path: Path, cli) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "socialops.yaml").write_text("timezone: UTC\n")
    result = cli("init", "demo", cwd=tmp_path)
    assert result.exit_code == 2
    assert "socialops.yaml" in result.output and "--force" in result.output
    assert (target / "socialops.yaml").read_text() == "timezone: UTC\n"
    assert not (target / "styleguide.yaml").exists()
    forced = cli("init", "demo", "--force", cwd=tmp_path)
    assert forced.exit_code == 0
    assert "channels:" in (target / "socialops.yaml").read_text()


def test_new_writes_a_post_under_year_and_month(project, cli) -> None:
    result = cli("new", "Çok güzel: İstanbul'da lansman!", "--channel", "mastodon-main",
                 "--at", "2026-12-03T10:00", cwd=project.root)
    assert result.exit_code == 0, result.output
    rel = result.stdout.strip()
    assert rel == "posts/2026/12/cok-guzel-istanbulda-lansman.md"
    text = (project.root / rel).read_text()
    assert "channels: [mastodon-main]" in text and "publish_at: 2026-12-03T10:00" in text
    again = cli("new", "Çok güzel: İstanbul'da lansman!", "--at", "2026-12-03T10:00", cwd=project.root)
    assert again.stdout.strip().endswith("-2.md")


def test_new_keeps_the_offset_of_a_time_in_the_repeated_hour(project, cli) -> None:
    # Europe/Berlin: 02:30 happens twice on 2026-10-25; the offset says which one
    result = cli("new", "Fold", "--at", "2026-10-25T02:30+01:00", cwd=project.root)
    assert result.exit_code == 0, result.output
    text = (project.root / result.stdout.strip()).read_text()
    assert "publish_at: 2026-10-25T02:30+01:00\n" in text
    lint = cli("lint", "--format", "json", "--now", "2026-10-01T09:00", result.stdout.strip(), cwd=project.root)
    assert [p for p in json.loads(lint.stdout)["problems"] if p["rule"] == "time"] == []


def test_lint_without_project_is_a_usage_error(tmp_path: Path, cli) -> None:
    result = cli("lint", cwd=tmp_path)
    assert result.exit_code == 2
    assert "socialops.yaml" in result.stderr and "socialops init" in result.stderr
    assert "Traceback" not in result.output


def test_version_is_fast_path(tmp_path: Path, cli) -> None:
    result = cli("--version", cwd=tmp_path)
    assert result.exit_code == 0 and result.stdout.startswith("socialops ")
