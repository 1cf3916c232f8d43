from __future__ import annotations

from tests.rules.helpers import found, where

GUIDE = "rules:\n  - {id: long-sentences, kind: sentence-length, level: suggestion, max_words: 8}\n"
FRONT = "channels: [mastodon-main]"


def test_a_long_sentence_is_reported_at_its_first_word(project) -> None:
    body = "Short one. This sentence has well over eight words in it, sadly.\n"
    assert found(project, GUIDE, FRONT, body, "long-sentences") == [
        (4, 12, "This sentence has 10 words; keep it to 8: 'This sentence has well over eight …'.")]


def test_sentence_ends_blank_lines_list_items_and_thread_parts(project) -> None:
    body = ("One two three four five six\n\nseven eight nine ten\n"
            "- one two three four five\n- six seven eight nine\n"
            "Is this it? Yes one two three four five six seven!\n---\nmore words here\n")
    assert where(project, GUIDE, FRONT, body, "long-sentences") == []


def test_links_count_as_one_word_and_hyphenated_words_as_one(project) -> None:
    body = "A well-known link https://acme.example/a/b/c/d/e/f is here now\n"
    assert where(project, GUIDE, FRONT, body, "long-sentences") == []
    body = "A well-known link https://acme.example/a is here right now, really\n"
    assert where(project, GUIDE, FRONT, body, "long-sentences") == [(4, 1)]


def test_only_a_thread_part_with_enough_words_can_hold_a_long_sentence(project) -> None:
    body = "one two three four five six\n---\nseven eight nine ten eleven\n---\n1 2 3 4 5 6 7 8 9.\n"
    assert where(project, GUIDE, FRONT, body, "long-sentences") == [(8, 1)]
