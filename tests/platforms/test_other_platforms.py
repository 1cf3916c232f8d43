"""LinkedIn, Threads, Discord, Slack, Telegram, webhook and feed: escaping, units, limits."""

from __future__ import annotations

import pytest

from socialops.model import Channel
from socialops.platforms import PLATFORMS, linkedin, slack, telegram, threads
from tests.platforms.helpers import render


def test_every_platform_is_registered() -> None:
    assert set(PLATFORMS) == {"feed", "mastodon", "bluesky", "x", "linkedin", "threads", "discord",
                              "slack", "telegram", "webhook"}
    assert {name: p.limit for name, p in PLATFORMS.items()} == {
        "feed": None, "mastodon": 500, "bluesky": 300, "x": 280, "linkedin": 3000, "threads": 500,
        "discord": 2000, "slack": 40000, "telegram": 4096, "webhook": None}


# ---- LinkedIn ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "sent"), [
    ("plain text, nothing special.", "plain text, nothing special."),
    ("a (note) [x] {y} <z> *b* _i_ ~s~ a|b c\\d @e", r"a \(note\) \[x\] \{y\} \<z\> \*b\* \_i\_ \~s\~ a\|b c\\d \@e"),
    ("C# and #launch_day #2026", r"C\# and #launch_day #2026"),
    # URLs are escaped too: an unescaped `(` in a link cuts the post there
    ("see https://example.com/a_(b)?q=1 now (ok)", r"see https://example.com/a\_\(b\)?q=1 now \(ok\)"),
    ("bare example.com/x_y too", r"bare example.com/x\_y too"),
    ("docs https://acme.com/page#intro and #launch", r"docs https://acme.com/page\#intro and #launch"),
    ("thanks @[Acme](urn:li:organization:123)!", "thanks @[Acme](urn:li:organization:123)!"),
])
def test_linkedin_little_text_format(text: str, sent: str) -> None:
    assert linkedin.escape(text) == sent


def test_linkedin_counts_the_escaped_text_in_utf16_units(tmp_path) -> None:
    channel = Channel("linkedin-company", "linkedin", {})
    fits = render(tmp_path, "a" * 2998 + "()", channel)  # 2998 + 4 escaped = 3002
    assert fits.parts[0].text.endswith(r"\(\)") and fits.parts[0].length == 3002
    assert [p.message for p in fits.problems] == ["too long for linkedin-company: 3002/3000 (2 over)"]
    assert render(tmp_path, "😀" * 1500, channel).parts[0].length == 3000  # surrogate pairs


def test_linkedin_threads_are_an_error_with_the_fix(tmp_path) -> None:
    rendered = render(tmp_path, "one\n\n---\n\ntwo\n", Channel("linkedin-company", "linkedin", {}))
    assert [(p.rule, p.line, p.message) for p in rendered.problems] == [(
        "thread", 7, "LinkedIn cannot post threads, but the body for linkedin-company has 2 parts; "
        "write a `variants: {linkedin-company: ...}` without '---' or remove the channel")]


# ---- Threads -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("a" * 500, 500),
    ("🙂", 4),  # emoji count their UTF-8 bytes
    ("👨‍👩‍👧‍👦", 25),
    ("🇯🇵", 8),
    ("日本", 2),
    ("e\u0301", 2),  # code points
])
def test_threads_counting(text: str, expected: int) -> None:
    assert threads.count(text, {}).length == expected


def test_threads_at_most_five_links(tmp_path) -> None:
    channel = Channel("threads-main", "threads", {})
    five = " ".join(f"https://example.com/{i}" for i in range(5)) + " https://example.com/0"
    assert render(tmp_path, five, channel).ok  # a repeated link counts once
    six = five + " www.example.org"
    rendered = render(tmp_path, six, channel)
    assert [p.message for p in rendered.problems] == [
        "too many links for threads-main: 6 links; Threads refuses posts with more than 5 "
        "(THREADS_API__LINK_LIMIT_EXCEEDED): remove 1"]


def test_threads_link_attachment_counts_towards_the_five_links(tmp_path) -> None:
    channel = Channel("threads-main", "threads", {})
    five = " ".join(f"https://example.com/{i}" for i in range(5))
    same = render(tmp_path, five, channel, front="threads: {link_attachment: 'https://example.com/0'}")
    assert same.ok  # the attachment is one of the text's links
    rendered = render(tmp_path, five, channel, front="threads: {link_attachment: 'https://acme.example/launch'}")
    assert [p.message for p in rendered.problems] == [
        "too many links for threads-main: 6 links (link_attachment included); Threads refuses posts "
        "with more than 5 (THREADS_API__LINK_LIMIT_EXCEEDED): remove 1"]


# ---- Discord, Slack, Telegram -------------------------------------------------------------------

def test_discord_counts_code_points(tmp_path) -> None:
    channel = Channel("discord-news", "discord", {})
    assert render(tmp_path, "é" * 2000, channel).ok
    family = render(tmp_path, "👨‍👩‍👧‍👦" * 286, channel)  # 7 code points each: 2002
    assert [p.message for p in family.problems] == ["too long for discord-news: 2002/2000 (2 over)"]


def test_slack_escapes_and_has_no_threads_or_media(tmp_path) -> None:
    assert slack.PLATFORM.escape("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d"
    rendered = render(tmp_path, "one\n---\ntwo\n", Channel("slack-team", "slack", {}),
                      front="media: [{path: media/a.png, alt: A chart}]")
    assert [(p.rule, p.line) for p in rendered.problems] == [("thread", 6), ("media", 2)]
    assert rendered.problems[1].message == ("Slack (slack-team) cannot post media; remove the media "
                                            "or the channel")


def test_slack_threads_are_allowed_for_a_bot_token_channel(tmp_path) -> None:
    bot = Channel("slack-bot", "slack", {"token_env": "SLACK_BOT_TOKEN", "channel_id": "C0123456789"})
    assert render(tmp_path, "one\n---\ntwo\n", bot).problems == []
    hook = render(tmp_path, "one\n---\ntwo\n", Channel("slack-team", "slack", {"webhook_env": "SLACK_HOOK"}))
    assert [p.rule for p in hook.problems] == ["thread"]
    assert "bot token" in hook.problems[0].message


def test_telegram_escapes_html_and_counts_after_parsing(tmp_path) -> None:
    channel = Channel("telegram-news", "telegram", {})
    rendered = render(tmp_path, "1 < 2 & 3 > 2 " + "a" * 4082, channel)
    part = rendered.parts[0]
    assert part.text.startswith("1 &lt; 2 &amp; 3 &gt; 2 ")
    assert (part.length, part.limit, rendered.ok) == (4096, 4096, True)
    assert telegram.count("😀", {}).length == 2  # UTF-16 code units


def test_telegram_with_media_the_text_is_a_caption(tmp_path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.png").write_bytes(b"png")
    rendered = render(tmp_path, "a" * 1025, Channel("telegram-news", "telegram", {}),
                      front="media: [{path: media/a.png}]")
    assert [p.message for p in rendered.problems] == [
        "too long for telegram-news: 1025/1024 (1 over; with media the text is a caption)"]


def test_webhook_and_feed_have_no_limit(tmp_path) -> None:
    for platform in ("webhook", "feed"):
        rendered = render(tmp_path, "x" * 100_000 + "\n---\nsecond", Channel(platform, platform, {}))
        assert rendered.ok and rendered.parts[0].limit is None and len(rendered.parts) == 2


def test_x_channel_max_length_for_longer_posts(tmp_path) -> None:
    rendered = render(tmp_path, "a" * 1000, Channel("x-premium", "x", {"max_length": 25000}))
    assert (rendered.parts[0].length, rendered.parts[0].limit, rendered.ok) == (1000, 25000, True)
    short = render(tmp_path, "a" * 291, Channel("x-main", "x", {}))
    assert [p.message for p in short.problems] == ["too long for x-main: 291/280 (11 over)"]


@pytest.mark.parametrize(("platform", "char", "limit", "unit_size"), [
    ("x", "a", 280, 1),
    ("x", "日", 280, 2),  # CJK weighs 2 on X
    ("mastodon", "👍🏽", 500, 1),  # one grapheme cluster
    ("bluesky", "é", 300, 1),
    ("linkedin", "a", 3000, 1),
    ("threads", "a", 500, 1),
    ("threads", "🙂", 500, 4),  # an emoji counts its UTF-8 bytes
    ("discord", "é", 2000, 1),
    ("slack", "a", 40000, 1),
    ("telegram", "a", 4096, 1),
    ("telegram", "🙂", 4096, 2),  # UTF-16 code units
])
def test_exactly_at_the_limit_and_one_over(tmp_path, platform: str, char: str, limit: int,
                                           unit_size: int) -> None:
    channel = Channel(f"{platform}-main", platform, {})
    at = render(tmp_path, char * (limit // unit_size), channel)
    assert (at.parts[0].length, at.parts[0].limit, at.ok) == (limit, limit, True)
    over = render(tmp_path, char * (limit // unit_size + 1), channel)
    assert [p.message for p in over.problems] == [
        f"too long for {platform}-main: {limit + unit_size}/{limit} ({unit_size} over)"]
    assert over.parts[0].overflow_at == len(char) * (limit // unit_size)  # where it stops fitting


def test_linkedin_video_is_refused_by_lint_as_publish_refuses_it(tmp_path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"v" * 64)
    rendered = render(tmp_path, "Watch this.\n", Channel("linkedin-company", "linkedin", {}),
                      front="media: [{path: media/clip.mp4, alt: A demo}]")
    assert [p.rule for p in rendered.problems] == ["media"]
    assert "mp4" in rendered.problems[0].message
