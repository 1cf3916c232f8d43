from __future__ import annotations

from tests.rules.helpers import found, where

GUIDE = "rules:\n  - {id: repeated-words, kind: repetition, level: warning, exceptions: [bye]}\n"
FRONT = "channels: [mastodon-main]"


def test_the_second_word_is_reported(project) -> None:
    body = "Read the the docs.\nThe\nthe end.\n"
    assert found(project, GUIDE, FRONT, body, "repeated-words") == [
        (4, 10, "'the' is repeated."),
        (6, 1, "'the' is repeated."),
    ]


def test_different_words_exceptions_and_separated_words_are_fine(project) -> None:
    body = "then the, the bye bye theme them\n---\nthem\n"
    assert where(project, GUIDE, FRONT, body, "repeated-words") == []


def test_ignorecase_false_needs_the_same_case(project) -> None:
    guide = "rules:\n  - {id: rep, kind: repetition, ignorecase: false}\n"
    assert where(project, guide, FRONT, "The the and and\n", "rep") == [(4, 13)]


def test_words_in_any_script(project) -> None:
    assert where(project, GUIDE, "channels: [feed]\nlang: tr", "çok çok güzel\n", "repeated-words") == [(5, 5)]
