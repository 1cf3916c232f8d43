"""lint's rendering (details off: quick bounds, shared per-post work) reports exactly what
the full rendering of preview and publish reports, for every channel of a post."""

from __future__ import annotations

import random
from pathlib import Path

from socialops.model import Channel, read_post
from socialops.platforms import bluesky, x
from socialops.render import LIMIT_RULES, render_channel, render_post, split_parts
from tests.platforms.helpers import write_post

PIECES = ["word", "Wort", " ", "  ", "\n", "\t", ".", "https://acme.example/a", "日本語", "नमस्ते", "é", "e\u0301",
          "👨‍👩‍👧‍👦", "🇩🇪", "👍🏽", "\r\n", "\u200d", "\u0301", "#tag", "@acme.test"]


def _text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, longest)))


def test_bluesky_bound_is_never_below_the_graphemes_and_only_within_the_byte_limit() -> None:
    rng = random.Random(21)
    texts = [_text(rng, 40) for _ in range(3000)] + ["日" * 1000, "日" * 1001, "a" * 3000, "a" * 3001]
    for text in texts:
        counted = bluesky.count(text, {})
        bound = bluesky.length_bound(text, {})
        if counted.bytes is not None and counted.bytes > bluesky.BYTE_LIMIT:
            assert bound is None, repr(text)
        else:
            assert bound is not None and bound >= counted.length, repr(text)


def test_bluesky_lint_finds_the_same_around_the_grapheme_and_byte_limits(tmp_path: Path) -> None:
    channels = [Channel("bsky", "bluesky", {}), Channel("bsky-10", "bluesky", {"max_length": 10}),
                Channel("bsky-long", "bluesky", {"max_length": 5000})]
    rng = random.Random(22)
    bodies = [_text(rng, 12) for _ in range(150)]
    bodies += ["日" * 999 + "\n---\n" + "日" * 1001, "👨‍👩‍👧‍👦" * 120, "a" * 300, "a" * 301, "ok\n---\n\n", "日本" * 200]
    messages: list[str] = []
    for body in bodies:
        post = read_post(tmp_path, write_post(tmp_path, body.replace("\r", "") + "\n"))
        for channel in channels:
            full = [p for p in render_channel(post, channel, tmp_path).problems if p.rule in LIMIT_RULES]
            quick = [p for p in render_channel(post, channel, tmp_path, details=False).problems
                     if p.rule in LIMIT_RULES]
            assert quick == full, (channel.name, repr(body))
            messages += [p.message for p in full]
    assert "part 2 of 2: too long for bsky-long: 3003/3000 bytes (3 over)" in messages
    assert "too long for bsky: 301/300 (1 over)" in messages
    assert "nothing to send to bsky-10: the text is empty and there is no media" in messages
    assert sum("too long for bsky-10:" in m for m in messages) > 50


def test_x_bound_weighs_emoji_by_their_characters_except_light_ones() -> None:
    """Every non-ASCII character of twitter-text's emoji sequences that weighs 1 is in
    x._LIGHT_EMOJI; texts with emoji made of heavier characters get a bound, never below."""
    _, _, non_ascii = x._emoji_tables()
    light = sorted(f"U+{ord(c):04X}" for c in non_ascii if not x._HEAVY.match(c))
    assert light == ["U+00A9", "U+00AE", "U+200D"]
    assert all(x._LIGHT_EMOJI.match(chr(int(code[2:], 16))) for code in light)
    rng = random.Random(23)
    emoji = ["😀", "🎉", "👍🏽", "🇩🇪", "#️⃣", "1️⃣", "™", "‼", "⌚", "🏳️‍🌈", "©", "®️", "a.co", " ", "x", "日"]
    given = 0
    for _ in range(3000):
        text = "".join(rng.choice(emoji) for _ in range(rng.randint(1, 30)))
        bound = x.length_bound(text, {})
        if bound is not None:
            given += 1
            assert bound >= x.weighted_length(text)[0], repr(text)
        else:
            assert x._LIGHT_EMOJI.search(text), repr(text)
    assert given > 300


def test_render_post_gives_each_channel_what_render_channel_gives_it(tmp_path: Path) -> None:
    """The post's media list is worked out once for all its channels; each channel still gets
    its own parts, media and problems."""
    front = """\
        channels: [x, mastodon, telegram, linkedin]
        media:
          - {path: media/a.png, alt: First}
          - {path: media/b.mp4, alt: Second, part: 2}
          - {path: media/c.png, part: 3}
        variants:
          telegram: Short caption.
        """
    (tmp_path / "media").mkdir()
    for name in ("a.png", "b.mp4", "c.png"):
        (tmp_path / "media" / name).write_bytes(b"\0" * 100)
    post = read_post(tmp_path, write_post(tmp_path, "One.\n---\nTwo.\n", front))
    channels = {name: Channel(name, name, {}) for name in ("x", "mastodon", "telegram", "linkedin")}
    for details in (True, False):
        together = render_post(post, channels, tmp_path, details=details)
        alone = [render_channel(post, channels[name], tmp_path, details=details) for name in channels]
        assert together == alone
    by_channel = {r.channel: r for r in render_post(post, channels, tmp_path)}
    assert [[m.path for m in p.media] for p in by_channel["x"].parts] == [["media/a.png"], ["media/b.mp4"]]
    assert [[m.path for m in p.media] for p in by_channel["telegram"].parts] == [["media/a.png"]]
    assert [p.message for p in by_channel["x"].problems] == [
        "media item 3 goes with part 3, but the text for x has 2 parts; fix its `part:`"]


def test_split_parts_with_and_without_comments() -> None:
    assert split_parts("One  \n---\n\nTwo\n") == (("One", 0), ("Two", 11))
    assert split_parts("One <!-- note --> more\n<!-- gone -->\n---  \nTwo") == (("One more", 0), ("Two", 43))
    assert split_parts("<!--\n---\n-->\nOnly") == (("Only", 13),)
    assert split_parts("---x\n--- \t") == (("---x", 0),)


def test_lint_finds_variant_lines_only_for_what_it_reports(tmp_path: Path) -> None:
    """Lines in a variant need the front matter parsed for positions: lint (details off)
    does that only for a post it reports, and then gives the same lines as preview."""
    front = """\
        channels: [x-main, linkedin]
        variants:
          x-main: |
            Fits.
            ---
            Too long: {long}
          linkedin: "Fits on LinkedIn."
        """
    long_one = read_post(tmp_path, write_post(tmp_path, "Body.\n", front.format(long="x" * 300)))
    x_main, linkedin = Channel("x-main", "x", {}), Channel("linkedin", "linkedin", {})
    quick = render_channel(long_one, x_main, tmp_path, details=False)
    assert [(p.message, p.line) for p in quick.problems] == [
        ("part 2 of 2: too long for x-main: 310/280 (30 over)", 7)]
    assert quick.problems == render_channel(long_one, x_main, tmp_path).problems
    fitting = read_post(tmp_path, write_post(tmp_path, "Body.\n", front.format(long="short")))
    for channel in (x_main, linkedin):
        assert render_channel(fitting, channel, tmp_path, details=False).problems == []
    assert "locator" not in vars(fitting)  # never parsed for positions
    split = read_post(tmp_path, write_post(tmp_path, "Body.\n", "variants:\n  linkedin: |\n    One.\n    ---\n    Two.\n"))
    thread = render_channel(split, linkedin, tmp_path, details=False).problems
    assert [(p.rule, p.line) for p in thread] == [("thread", 6)]
    assert thread == render_channel(split, linkedin, tmp_path).problems
