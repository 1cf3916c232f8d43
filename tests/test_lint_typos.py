"""Typos that would silently weaken policy or lose a post are lint findings, with a 'did you
mean' where a known name is close."""

from __future__ import annotations

import json

from tests.conftest import DEFAULT_CONFIG, ProjectDir

NOW = "2026-11-21T12:00"


def lint(cli, project: ProjectDir) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    result = cli("lint", "--format", "json", "--now", NOW, cwd=project.root)
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    return list(json.loads(result.stdout)["problems"])


def messages(problems: list[dict[str, object]], path: str) -> list[tuple[object, str]]:
    return [(p["line"], str(p["message"])) for p in problems if p["path"] == path]


def test_policy_channel_names_that_are_no_channel(project: ProjectDir, cli) -> None:
    project.write("socialops.yaml", DEFAULT_CONFIG + """\
approval:
  verify: github
  channels:
    linkedin-compny: {required_approvals: 2}
roles:
  reviewers:
    "*": [acme/social]
    feeed: [alice]
defaults:
  channels: [mastodon-man]
""")
    found = messages(lint(cli, project), "socialops.yaml")
    assert (11, "approval.channels names 'linkedin-compny', which is not a channel (did you mean "
                "'linkedin-company'?); the rule for it applies to nothing (channels: bluesky-main, feed, "
                "linkedin-company, mastodon-main, x-main)") in found
    assert any(line == 15 and "roles.reviewers names 'feeed'" in m and "(did you mean 'feed'?)" in m
               for line, m in found)
    assert any(line == 17 and "defaults.channels names 'mastodon-man'" in m and "'mastodon-main'" in m
               for line, m in found)


def test_channel_options_each_platform_takes(project: ProjectDir, cli) -> None:
    project.write("socialops.yaml", DEFAULT_CONFIG.replace("instance: https://mastodon.example",
                                                           "instnce: https://mastodon.example")
                  .replace("path: feed.xml", "pth: feed.xml"))
    found = [m for _, m in messages(lint(cli, project), "socialops.yaml")]
    assert any(m.startswith("channel 'mastodon-main' (mastodon): unknown option 'instnce' (did you mean "
                            "'instance'?); a mastodon channel takes: expires, instance, max_length, platform, "
                            "token_env, visibility") for m in found)
    assert any("channel 'feed' (feed): unknown option 'pth' (did you mean 'path'?)" in m for m in found)


def test_calendar_channel_names_get_a_did_you_mean(project: ProjectDir, cli) -> None:
    project.write("calendar.yaml", """\
slots:
  mastodon-mian: ["0 9 * * *"]
campaigns:
  launch: {from: 2026-12-01, to: 2026-12-15, channels: [bluesky-mian]}
""")
    found = [m for _, m in messages(lint(cli, project), "calendar.yaml")]
    assert any("slots for 'mastodon-mian'" in m and "(did you mean 'mastodon-main'?)" in m for m in found)
    assert any("unknown channel 'bluesky-mian' (did you mean 'bluesky-main'?)" in m for m in found)


def test_a_front_matter_key_typo_gets_a_did_you_mean(project: ProjectDir, cli) -> None:
    project.post("p.md", "channels: [feed]\npublsh_at: 2026-12-01T09:00")
    found = messages(lint(cli, project), "posts/p.md")
    assert any(line == 3 and m.startswith("unknown key 'publsh_at' (did you mean 'publish_at'?)") for line, m in found)


def test_a_disable_comment_naming_no_rule(project: ProjectDir, cli) -> None:
    project.post("p.md", "channels: [feed]\npublish_at: 2026-12-01T09:00",
                 "Hello.\n<!-- socialops-disable lenght, length -->\n")
    found = messages(lint(cli, project), "posts/p.md")
    assert [line for line, m in found if "socialops-disable" in m] == [6]
    [message] = [m for _, m in found if "socialops-disable" in m]
    assert message.startswith("<!-- socialops-disable lenght --> names no rule (did you mean 'length'?), "
                              "so it silences nothing")


def test_a_ready_post_past_the_lateness_limit_and_not_in_the_ledger(project: ProjectDir, cli) -> None:
    project.post("late.md", "channels: [feed]\npublish_at: 2026-11-20T09:00")  # a day before NOW
    project.post("soon-late.md", "channels: [feed]\npublish_at: 2026-11-21T10:00")  # 2h: still sent
    project.post("draft.md", "channels: [feed]\npublish_at: 2026-11-20T09:00\nstatus: draft")
    project.post("done.md", "channels: [feed]\npublish_at: 2026-11-20T09:00")
    project.write(".socialops/ledger/done.yaml", "post: done\npath: posts/done.md\nchannels:\n  feed:\n"
                  "    status: published\n    parts: []\n")
    problems = lint(cli, project)
    warned = [p for p in problems if "recorded as missed" in str(p["message"])]
    assert [(p["path"], p["line"], p["level"]) for p in warned] == [("posts/late.md", 3, "warning")]
    assert str(warned[0]["message"]).endswith("set a new publish_at")


def test_a_policy_name_close_to_no_channel_is_only_a_warning(project: ProjectDir, cli) -> None:
    """A channel still to come (no typo of an existing one): said, but not an error."""
    project.write("socialops.yaml", DEFAULT_CONFIG + "approval:\n  channels:\n    threads-main: {required_approvals: 2}\n")
    [found] = [p for p in lint(cli, project) if p["path"] == "socialops.yaml"]
    assert found["level"] == "warning" and "'threads-main', which is not a channel;" in str(found["message"])


def test_a_url_that_carries_its_credential_is_an_error_and_never_shown(project: ProjectDir, cli) -> None:
    """A webhook URL with its token in the userinfo, the query or the path, written into
    socialops.yaml, is an error on its line that says how to move it into a secret; no
    output format shows the credential. A URL with harmless query parameters passes."""
    password, token, slack, discord = "pw" + "7" * 12, "tk" + "9" * 12, "XOXO" + "3" * 12, "dc" + "5" * 12
    project.write("socialops.yaml", DEFAULT_CONFIG + f"""\
  hook-a: {{platform: webhook, url: "https://bot:{password}@hooks.example/in", secret_env: S}}
  hook-b: {{platform: webhook, url: "https://hooks.example/in?v=1&access_token={token}", secret_env: S}}
  hook-c: {{platform: webhook, url: "https://hooks.slack.com/services/T01/B02/{slack}", secret_env: S}}
  hook-d: {{platform: webhook, url: "https://discord.com/api/webhooks/123456/{discord}", secret_env: S}}
  hook-e: {{platform: webhook, url: "https://partner.example/hook?v=1&lang=de", secret_env: S}}
  hook-f: {{platform: webhook, url: "ftp://bot:{password}@x.example/?token={token}", secret_env: S}}
""")
    found = messages(lint(cli, project), "socialops.yaml")
    flagged = {line for line, m in found if "carries a credential" in m}
    assert flagged == {8, 9, 10, 11, 13}, found
    assert any(line == 8 and "(a password (user:password@))" in m and "`url_env: HOOK_A_URL`" in m
               for line, m in found)
    assert any(line == 9 and "the query's `access_token`" in m for line, m in found)
    assert any(line == 10 and "its path (this webhook's token)" in m for line, m in found)
    assert any(line == 13 and "must" not in m and "does not match" in m for line, m in found)  # the schema
    for form in ("text", "json", "github", "sarif"):
        result = cli("lint", "--format", form, "--now", NOW, cwd=project.root)
        assert result.exit_code == 1
        for secret in (password, token, slack, discord):
            assert secret not in result.output, (form, result.output)
    shown = cli("lint", "--format", "text", "--now", NOW, cwd=project.root).output
    assert "https://***@hooks.example/in" in shown and "access_token=***" in shown


def test_the_lateness_limit_is_read_once_per_lint_not_per_post(project: ProjectDir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The missed-post warning compares every ready post with the lateness limit: reading
    calendar.yaml for each post cost a fifth of lint's time on 5,000 posts (bench/peers.py)."""
    from datetime import UTC, datetime

    import socialops.calendar.config as calendar_config
    from socialops.lint import lint as run_lint
    from socialops.model import Project

    project.write("calendar.yaml", "lateness: 3h\n")
    for i in range(40):
        project.post(f"p{i:02d}.md", f"channels: [feed]\npublish_at: 2026-11-{1 + i % 28:02d}T09:00")
    parsed: list[str] = []
    real = calendar_config.parse
    monkeypatch.setattr(calendar_config, "parse", lambda text, tz: parsed.append(text) or real(text, tz))
    found = run_lint(Project.load(project.root), None, datetime(2026, 11, 21, 12, tzinfo=UTC), use_cache=False)
    assert sum("recorded as missed" in p.message for p in found.problems) == 33
    assert len(parsed) <= 3  # the calendar's own findings, the lateness limit (not 40 times)
