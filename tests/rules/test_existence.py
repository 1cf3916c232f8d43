from __future__ import annotations

from tests.rules.helpers import found, where

GUIDE = """\
rules:
  - {id: banned, kind: existence, level: error, message: "Avoid '{match}'.",
     tokens: [synergy, click here], patterns: ['\\bgame[- ]changer\\b']}
"""
FRONT = "channels: [mastodon-main]"


def test_tokens_match_whole_words_regardless_of_case(project) -> None:
    body = "Our SYNERGY is synergistic.\nPlease click\n  here, a Game-Changer!\n"
    assert found(project, GUIDE, FRONT, body, "banned") == [
        (4, 5, "Avoid 'SYNERGY'."),
        (5, 8, "Avoid 'click here'."),  # a line break inside a phrase still matches
        (6, 11, "Avoid 'Game-Changer'."),
    ]


def test_ignorecase_false_matches_exact_case(project) -> None:
    guide = "rules:\n  - {id: banned, kind: existence, tokens: [Synergy], ignorecase: false}\n"
    assert where(project, guide, FRONT, "synergy and Synergy\n", "banned") == [(4, 13)]


def test_tokens_never_match_inside_words_of_any_script(project) -> None:
    guide = "rules:\n  - {id: banned, kind: existence, tokens: [çok, ünlü]}\n"
    assert where(project, guide, FRONT, "çoklu ünlüler; gerçekten çok ünlü\n", "banned") == [(4, 26), (4, 30)]


def test_default_message_and_level(project) -> None:
    guide = "rules:\n  - {id: banned, kind: existence, tokens: [synergy]}\n"
    from tests.rules.helpers import run

    [problem] = [p for p in run(project, guide, FRONT, "synergy\n") if p.rule == "banned"]
    assert (problem.message, problem.level.value) == ("Avoid 'synergy'.", "warning")


def test_variant_block_scalar_is_checked_at_its_own_line(project) -> None:
    front = """\
channels: [mastodon-main, linkedin-company]
variants:
  linkedin-company: |
    A longer text.
    Real synergy here.
"""
    assert where(project, GUIDE, front, "Plain body.\n", "banned") == [(6, 10)]


def test_alt_text_is_checked_at_its_line(project) -> None:
    front = """\
channels: [mastodon-main]
media:
  - path: media/a.png
    alt: A team showing synergy at the desk
"""
    project.write("media/a.png", b"\x89PNG")
    assert where(project, GUIDE, front, "Body.\n", "banned") == [(5, 25)]


def test_html_comments_are_not_read_and_columns_stay_right(project) -> None:
    body = "<!-- synergy is fine in a comment --> then synergy\n"
    assert where(project, GUIDE, FRONT, body, "banned") == [(4, 44)]


def test_every_thread_part_is_checked(project) -> None:
    body = "First part.\n\n---\n\nSecond part with synergy.\n"
    assert where(project, GUIDE, FRONT, body, "banned") == [(8, 18)]
