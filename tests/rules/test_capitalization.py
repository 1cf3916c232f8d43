from __future__ import annotations

from tests.rules.helpers import found, where

GUIDE = """\
rules:
  - {id: shouting, kind: capitalization, level: warning, max_upper_words: 2, exceptions: [NASA]}
"""
FRONT = "channels: [mastodon-main]"


def test_the_first_word_over_the_limit_is_reported(project) -> None:
    body = "This is BIG, REALLY BIG news!\n"
    assert found(project, GUIDE, FRONT, body, "shouting") == [
        (4, 21, "Too many words in capitals (3, at most 2): 'BIG'.")]


def test_exceptions_hashtags_mentions_links_and_single_letters_do_not_count(project) -> None:
    body = "NASA and NASA say: A #LAUNCH by @ESA at https://EXAMPLE.COM/NEWS is BIG\n"
    assert where(project, GUIDE, FRONT, body, "shouting") == []


def test_each_thread_part_has_its_own_count(project) -> None:
    body = "ONE TWO\n---\nTHREE FOUR FIVE\n"
    assert where(project, GUIDE, FRONT, body, "shouting") == [(6, 12)]


def test_non_ascii_capitals_count(project) -> None:
    guide = "rules:\n  - {id: shouting, kind: capitalization, max_upper_words: 0}\n"
    assert where(project, guide, FRONT, "Çok GÜZEL bir gün\n", "shouting") == [(4, 5)]


def test_capitals_with_marks_and_in_any_script_count(project) -> None:
    body = "ÇOK E\u0301E\u0301 ΝΑΙ Nasa\n---\nÖL and ÇOK\n"
    assert found(project, GUIDE, FRONT, body, "shouting") == [
        (4, 10, "Too many words in capitals (3, at most 2): 'ΝΑΙ'.")]
