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


def test_repeats_after_punctuation_marks_and_odd_spaces_are_found(project) -> None:
    # lint first tests each text quickly (socialops.rules.repetition.may_repeat): these
    # are the shapes that test must not miss
    long = "長" * 70
    body = ("the the start\n(the the) ¿go go-on foo-bar bar-baz x²y x²y\n"
            f"cafe\u0301 cafe\u0301 ok\u00a0ok 日本 日本 a_b b\n#tag tag @at at ({long} {long})\n")
    assert found(project, GUIDE, FRONT, body, "repeated-words") == [
        (4, 5, "'the' is repeated."),
        (5, 6, "'the' is repeated."),
        (5, 15, "'go' is repeated."),
        (5, 29, "'bar' is repeated."),
        (5, 41, "'x²y' is repeated."),
        (6, 7, "'cafe\u0301' is repeated."),
        (6, 16, "'ok' is repeated."),
        (6, 22, "'日本' is repeated."),
        (7, 89, f"'{long}' is repeated."),
    ]


def test_the_quick_test_reads_spaces_and_words_as_the_regex_does() -> None:
    # may_repeat finds the repeats PAIR_EXACT finds only when every regex space is a `re`
    # space and no letter, mark or number is one (Unicode tables of both modules)
    import re
    import sys

    import regex

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    spaces = "".join(regex.findall(r"\s", every))
    assert re.fullmatch(r"\s+", spaces)
    assert not re.search(r"\s", "".join(regex.findall(r"[\p{L}\p{M}\p{N}]", every)))


def test_a_long_html_comment_or_text_without_spaces_does_not_slow_lint_down(project) -> None:
    # the comment is masked by spaces: one run of 20,000 of them, which the search once
    # retried from every space (minutes of CPU); nor do long runs without spaces
    import time

    body = "<!-- " + "note " * 4000 + "-->\nthe  \n the end " + "(" * 20000 + " " + "¿日本" * 5000 + "\n"
    started = time.process_time()
    assert where(project, GUIDE, FRONT, body, "repeated-words") == [(6, 2)]
    assert time.process_time() - started < 5
