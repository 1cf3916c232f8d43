"""`socialops preview`: what each channel receives, for people and as JSON; exit codes."""

from __future__ import annotations

import json

LAUNCH = """\
channels: [x-main, bluesky-main, linkedin-company]
media:
  - path: media/dash.png
    alt: The dashboard with the calendar open
"""
BODY = "Grüße 🎉 @alice.test: we launch (today) at example.com/launch. #launch\n"


def _launch(project) -> None:
    project.write("media/dash.png", b"\x89PNG")
    project.post("2026/launch.md", LAUNCH, BODY)


def test_json_shows_every_channel_as_sent(project, cli) -> None:
    _launch(project)
    result = cli("preview", "posts/2026/launch.md", "--format", "json", cwd=project.root)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 1
    [post] = data["posts"]
    assert (post["id"], post["path"]) == ("2026/launch", "posts/2026/launch.md")
    channels = {c["channel"]: c for c in post["channels"]}
    assert list(channels) == ["x-main", "bluesky-main", "linkedin-company"]
    x = channels["x-main"]["parts"][0]
    assert (x["text"], x["length"], x["limit"], x["ok"], x["line"]) == (BODY.strip(), 75, 280, True, 7)
    assert x["media"] == [{"path": "media/dash.png", "alt": "The dashboard with the calendar open"}]
    bsky = channels["bluesky-main"]["parts"][0]
    assert (bsky["length"], bsky["bytes"], bsky["byte_limit"]) == (69, 74, 3000)
    assert [(f["features"][0]["$type"].rsplit("#")[1], f["index"]["byteStart"], f["index"]["byteEnd"])
            for f in bsky["facets"]] == [("mention", 13, 24), ("link", 47, 65), ("tag", 67, 74)]
    linkedin = channels["linkedin-company"]["parts"][0]
    assert linkedin["text"] == r"Grüße 🎉 \@alice.test: we launch \(today\) at example.com/launch. #launch"
    assert all(c["problems"] == [] and c["ok"] for c in post["channels"])


def test_post_by_id_and_one_channel(project, cli) -> None:
    _launch(project)
    result = cli("preview", "2026/launch", "--channel", "bluesky-main", "--format", "json", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert [c["channel"] for c in json.loads(result.stdout)["posts"][0]["channels"]] == ["bluesky-main"]


def test_text_output_marks_the_overflow_and_exits_1(project, cli) -> None:
    project.post("long.md", "channels: [x-main, mastodon-main]", "word " * 58 + "end\n")  # 293
    result = cli("preview", "posts/long.md", cwd=project.root)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "x-main · X" in out and "mastodon-main · Mastodon" in out
    assert "293/280 weighted characters" in out
    assert "▲ 13 over: the text on red does not fit" in out
    assert "line 4: too long for x-main: 293/280 (13 over)" in out
    assert "✗ does not fit" in out and "✓ fits" in out  # X does not, Mastodon does
    assert "▲word word end" in out  # the 281st character is where it stops fitting


def test_text_output_shows_facets_media_and_alt(project, cli) -> None:
    _launch(project)
    result = cli("preview", "2026/launch", "-c", "bluesky-main", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert "mention @alice.test" in result.stdout and "bytes 13–24" in result.stdout
    assert "link https://example.com/launch" in result.stdout
    assert "media/dash.png" in result.stdout and "alt: The dashboard with the calendar open" in result.stdout


def test_thread_on_linkedin_fails_with_the_fix(project, cli) -> None:
    project.post("thread.md", "channels: [linkedin-company]", "One\n---\nTwo\n")
    result = cli("preview", "thread", "--format", "json", cwd=project.root)
    assert result.exit_code == 1
    [channel] = json.loads(result.stdout)["posts"][0]["channels"]
    assert [(p["rule"], p["line"]) for p in channel["problems"]] == [("thread", 6)]
    assert "write a `variants: {linkedin-company: ...}` without '---'" in channel["problems"][0]["message"]


def test_unknown_post_or_channel_is_a_usage_error(project, cli) -> None:
    _launch(project)
    missing = cli("preview", "no/such/post", cwd=project.root)
    assert missing.exit_code == 2 and "no post with the id or path 'no/such/post'" in missing.stderr
    channel = cli("preview", "2026/launch", "--channel", "nope", cwd=project.root)
    assert channel.exit_code == 2 and "no channel 'nope' in socialops.yaml" in channel.stderr
    assert "Traceback" not in missing.output + channel.output


def test_broken_post_shows_its_problem_and_exits_1(project, cli) -> None:
    project.write("posts/broken.md", "no front matter here\n")
    result = cli("preview", "posts/broken.md", "--format", "json", cwd=project.root)
    assert result.exit_code == 1
    [post] = json.loads(result.stdout)["posts"]
    assert post["channels"] == [] and post["problems"][0]["rule"] == "syntax"


def test_a_post_going_to_the_default_channels_lists_them(project, cli) -> None:
    project.write("socialops.yaml", (project.root / "socialops.yaml").read_text()
                  + "defaults:\n  channels: [mastodon-main]\n")
    project.post("p.md", "publish_at: 2026-12-05T09:00")
    result = cli("preview", "posts/p.md", "--format", "json", cwd=project.root)
    assert result.exit_code == 0, result.output
    [channel] = json.loads(result.stdout)["posts"][0]["channels"]
    assert (channel["channel"], channel["listed"]) == ("mastodon-main", True)
    shown = cli("preview", "posts/p.md", cwd=project.root)
    assert "does not list this channel" not in shown.stdout


def test_preview_shows_every_lint_finding_and_the_platform_extras_that_count(project, cli) -> None:
    project.write("styleguide.yaml", "rules:\n  - {id: banned-words, kind: existence, level: error, "
                  "message: \"Avoid '{match}'.\", tokens: [synergy]}\n")
    project.post("cw.md", "channels: [mastodon-main]\npublish_at: 2099-12-01T09:00\nstatus: ready\n"
                 "mastodon: {spoiler_text: Product news ahead}", "Real synergy today.\n")
    result = cli("preview", "posts/cw.md", cwd=project.root, env={"COLUMNS": "100"})
    assert result.exit_code == 1  # a banned word is an error: the preview does not say all is well
    out = result.stdout
    assert "lint: 1 finding" in out and "Avoid 'synergy'." in out and "banned-words" in out
    assert "spoiler_text: Product news ahead  (counted in the length)" in out
    assert "37/500 characters" in out  # 18 for the spoiler text + 19 for the body, as Mastodon counts
    assert "✗ 1 lint error" in out
    data = json.loads(cli("preview", "posts/cw.md", "--format", "json", cwd=project.root).stdout)
    assert [f["rule"] for f in data["posts"][0]["findings"]] == ["banned-words"]
