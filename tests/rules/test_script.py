from __future__ import annotations

from tests.rules.helpers import found, where

FRONT = "channels: [mastodon-main]"


def test_pattern_matches_are_reported_with_the_rules_message(project) -> None:
    guide = "rules:\n  - {id: exclamations, kind: script, level: warning, pattern: '!{2,}', message: One exclamation mark is enough.}\n"
    assert found(project, guide, FRONT, "Wow!! Great!\nYes!!!\n", "exclamations") == [
        (4, 4, "One exclamation mark is enough."),
        (5, 4, "One exclamation mark is enough."),
    ]


def test_case_sensitive_unless_flag_i(project) -> None:
    guide = ("rules:\n  - {id: s1, kind: script, pattern: 'ok'}\n"
             "  - {id: s2, kind: script, pattern: '^ok', flags: im}\n")
    body = "OK then\nok\n"
    assert where(project, guide, FRONT, body, "s1") == [(5, 1)]
    assert where(project, guide, FRONT, body, "s2") == [(4, 1), (5, 1)]


def test_default_message_names_the_match(project) -> None:
    guide = "rules:\n  - {id: dots, kind: script, pattern: '\\.{3}'}\n"
    assert found(project, guide, FRONT, "Wait...\n", "dots") == [(4, 5, "'...' is not allowed here.")]
