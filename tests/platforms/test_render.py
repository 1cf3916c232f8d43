"""What a channel receives: text choice, comments, parts, lines, media, hashes, findings."""

from __future__ import annotations

import json
from pathlib import Path

from socialops.model import Channel, read_post
from socialops.render import content_hash, render_channel, render_post
from tests.platforms.helpers import render, write_post

X = Channel("x-main", "x", {})
MASTODON = Channel("mastodon-main", "mastodon", {})
THREADS = Channel("threads-main", "threads", {})

VARIANTS = """\
channels: [x-main, mastodon-main]
variants:
  x-main: |
    For X only.
    ---
    Second X part.
  mastodon: For every Mastodon channel.
"""


def test_channel_variant_then_platform_variant_then_body(tmp_path: Path) -> None:
    post = read_post(tmp_path, write_post(tmp_path, "The body.\n", VARIANTS))
    assert [p.text for p in render_channel(post, X, tmp_path).parts] == ["For X only.", "Second X part."]
    assert render_channel(post, MASTODON, tmp_path).parts[0].text == "For every Mastodon channel."
    assert render_channel(post, Channel("other", "bluesky", {}), tmp_path).parts[0].text == "The body."


def test_lines_point_into_the_file_for_body_and_variants(tmp_path: Path) -> None:
    post = read_post(tmp_path, write_post(tmp_path, "\n\nFirst.\n\n---\n\nSecond.\n", VARIANTS))
    assert [p.source_line for p in render_channel(post, X, tmp_path).parts] == [5, 7]  # in the variant
    assert render_channel(post, MASTODON, tmp_path).parts[0].source_line == 8
    body = render_channel(post, Channel("b", "bluesky", {}), tmp_path)
    assert [(p.text, p.source_line) for p in body.parts] == [("First.", 12), ("Second.", 16)]


def test_comments_go_and_trailing_space_is_trimmed(tmp_path: Path) -> None:
    body = ("<!-- socialops-disable shouting -->\n"
            "Hello <!-- a note --> world   \n"
            "<!-- a comment\n---\nspanning lines -->\n"
            "Last line\t\n\n\n")
    rendered = render(tmp_path, body, MASTODON)
    assert [p.text for p in rendered.parts] == ["Hello world\nLast line"]
    assert rendered.parts[0].source_line == 4


def test_media_go_with_part_one_unless_they_say_otherwise(tmp_path: Path) -> None:
    front = """\
        media:
          - {path: media/a.png, alt: First}
          - {path: media/b.png, alt: Second, part: 2}
        """
    rendered = render(tmp_path, "One\n---\nTwo\n", MASTODON, front)
    assert [[m.path for m in p.media] for p in rendered.parts] == [["media/a.png"], ["media/b.png"]]
    single = render(tmp_path, "Only one part\n", MASTODON, front)
    assert [(p.rule, p.line, p.message) for p in single.problems] == [(
        "media", 4, "media item 2 goes with part 2, but the text for mastodon-main has 1 part; "
        "fix its `part:`")]


def test_content_hash_covers_text_media_and_alt() -> None:
    from socialops.model import Media

    base = content_hash("Hello", [Media("media/a.png", "A", 0)])
    assert base == content_hash("Hello", [Media("media/a.png", "A", 3)])  # position does not matter
    assert len({base, content_hash("Hello!", [Media("media/a.png", "A", 0)]),
                content_hash("Hello", [Media("media/a.png", "B", 0)]),
                content_hash("Hello", [Media("media/b.png", "A", 0)]), content_hash("Hello", [])}) == 5


def test_content_hash_is_of_the_text_as_sent(tmp_path: Path) -> None:
    part = render(tmp_path, "a < b\n", Channel("t", "telegram", {})).parts[0]
    assert part.content_hash == content_hash("a &lt; b", [])


def _media(tmp_path: Path, names: dict[str, int]) -> str:
    (tmp_path / "media").mkdir(exist_ok=True)
    for name, size in names.items():
        with open(tmp_path / "media" / name, "wb") as f:
            f.truncate(size)
    return "media:\n" + "".join(f"  - {{path: media/{n}, alt: Picture {i}}}\n" for i, n in enumerate(names))


def test_x_takes_four_images(tmp_path: Path) -> None:
    front = _media(tmp_path, {f"{i}.png": 10 for i in range(5)})
    rendered = render(tmp_path, "Five pictures\n", X, front)
    assert [(p.rule, p.line, p.message) for p in rendered.problems] == [(
        "media", 7, "X takes at most 4 media items per post, the post has 5 for x-main; move some "
        "to another part with `part: N` or remove them")]


def test_x_takes_a_video_only_on_its_own(tmp_path: Path) -> None:
    front = _media(tmp_path, {"clip.mp4": 10, "still.png": 10})
    rendered = render(tmp_path, "Clip\n", X, front)
    assert [p.message for p in rendered.problems] == [
        "X posts a video only on its own, but the post has 2 media items for x-main; move the "
        "others to another part with `part: N`"]


def test_media_type_and_size_limits(tmp_path: Path) -> None:
    front = _media(tmp_path, {"big.png": 5_200_000, "pic.webp": 10})
    rendered = render(tmp_path, "Pictures\n", THREADS, front)
    assert [p.message for p in rendered.problems] == [
        "Threads (threads-main) cannot post media/pic.webp (image); it takes JPG/JPEG/PNG image "
        "up to 8 MB, MP4/MOV video up to 1 GB"]
    x = render(tmp_path, "Pictures\n", X, front)
    assert [p.message for p in x.problems] == [
        "media/big.png is 5.2 MB; X (x-main) takes an image of at most 5 MB"]


def test_alt_text_length(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.png").write_bytes(b"png")
    front = f"media:\n  - path: media/a.png\n    alt: {'a' * 1001}\n"
    rendered = render(tmp_path, "Picture\n", X, front)
    assert [(p.line, p.message) for p in rendered.problems] == [
        (4, "the alt text of media/a.png has 1001 characters; X (x-main) takes at most 1000")]
    assert render(tmp_path, "Picture\n", MASTODON, front).ok  # Mastodon takes 1500


def test_empty_text_without_media(tmp_path: Path) -> None:
    rendered = render(tmp_path, "<!-- nothing yet -->\n", X)
    assert [p.message for p in rendered.problems] == [
        "nothing to send to x-main: the text is empty and there is no media"]
    front = _media(tmp_path, {"a.png": 10})
    assert render(tmp_path, "", X, front).ok


def test_render_post_follows_the_posts_channels(tmp_path: Path) -> None:
    channels = {"x-main": X, "mastodon-main": MASTODON}
    post = read_post(tmp_path, write_post(tmp_path, "Hi\n", "channels: [mastodon-main, nope, x-main]"))
    assert [r.channel for r in render_post(post, channels, tmp_path)] == ["mastodon-main", "x-main"]
    unnamed = read_post(tmp_path, write_post(tmp_path, "Hi\n", "status: ready"))
    assert [r.channel for r in render_post(unnamed, channels, tmp_path, names=["x-main"])] == ["x-main"]


LONG_X = "a" * 291


def test_lint_reports_length_at_the_part_line(project, cli) -> None:
    project.post("long.md", "channels: [x-main, mastodon-main]",
                 f"Short first part.\n\n---\n\n{LONG_X}\n")
    result = cli("lint", "--format", "json", cwd=project.root)
    assert result.exit_code == 1, result.output
    found = [p for p in json.loads(result.stdout)["problems"] if p["rule"] in ("length", "media", "thread")]
    assert found == [{"path": "posts/long.md", "line": 8, "column": 1, "rule": "length", "level": "error",
                      "message": "part 2 of 2: too long for x-main: 291/280 (11 over)", "fixable": False}]


def test_lint_length_can_be_disabled_for_one_post(project, cli) -> None:
    project.post("long.md", "channels: [x-main]", f"<!-- socialops-disable length -->\n{LONG_X}\n")
    result = cli("lint", "--format", "json", cwd=project.root)
    assert [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "length"] == []
