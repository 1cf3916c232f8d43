from __future__ import annotations

from tests.rules.helpers import found

GUIDE = "rules:\n  - {id: alt-text, kind: alt-text, level: error, min_length: 15, max_length: 60}\n"


def _front(media: str) -> str:
    return "channels: [mastodon-main]\nmedia:\n" + media


def test_missing_alt_text_is_reported_at_the_media_items_line(project) -> None:
    for name in ("a.png", "b.png", "c.png"):
        project.write(f"media/{name}", b"\x89PNG")
    media = ("  - path: media/a.png\n    alt: The new dashboard with the calendar open\n"
             "  - path: media/b.png\n"
             "  - media/c.png\n")
    assert found(project, GUIDE, _front(media), "Body.\n", "alt-text") == [
        (6, 5, "Add alt text to 'media/b.png': describe it for people who cannot see it."),
        (7, 5, "Add alt text to 'media/c.png': describe it for people who cannot see it."),
    ]


def test_short_and_long_alt_texts_are_reported_at_the_alt_text(project) -> None:
    project.write("media/a.png", b"\x89PNG")
    long_alt = "A very long description " * 3
    media = f"  - path: media/a.png\n    alt: '  Logo'\n  - path: media/a.png\n    alt: {long_alt.strip()}\n"
    assert found(project, GUIDE, _front(media), "Body.\n", "alt-text") == [
        (5, 13, "This alt text has 4 characters; describe the image in at least 15."),
        (7, 10, "This alt text has 71 characters; keep it to 60."),
    ]


def test_empty_alt_text_counts_as_missing(project) -> None:
    project.write("media/a.png", b"\x89PNG")
    media = "  - {path: media/a.png, alt: ''}\n"
    assert found(project, GUIDE, _front(media), "Body.\n", "alt-text") == [
        (4, 5, "Add alt text to 'media/a.png': describe it for people who cannot see it.")]


def test_required_false_only_checks_lengths(project) -> None:
    project.write("media/a.png", b"\x89PNG")
    guide = "rules:\n  - {id: alt-text, kind: alt-text, required: false, min_length: 5}\n"
    assert found(project, guide, _front("  - path: media/a.png\n"), "Body.\n", "alt-text") == []
