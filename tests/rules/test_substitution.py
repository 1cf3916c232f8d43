from __future__ import annotations

from tests.rules.helpers import found, run

GUIDE = """\
rules:
  - {id: brand-names, kind: substitution, level: error,
     message: "Write '{expected}', not '{match}'.", swap: {Github: GitHub, acme corp: Acme, utilize: use}}
"""
FRONT = "channels: [mastodon-main]"


def test_swaps_are_reported_with_the_expected_text(project) -> None:
    body = "We moved to github.\nAcme Corp and GitHub agree.\n"
    assert found(project, GUIDE, FRONT, body, "brand-names") == [
        (4, 13, "Write 'GitHub', not 'github'."),
        (5, 1, "Write 'Acme', not 'Acme Corp'."),
    ]


def test_lower_case_expectations_follow_the_case_written(project) -> None:
    body = "Utilize it. UTILIZE it. utilize it.\n"
    assert found(project, GUIDE, FRONT, body, "brand-names") == [
        (4, 1, "Write 'Use', not 'Utilize'."),
        (4, 13, "Write 'USE', not 'UTILIZE'."),
        (4, 25, "Write 'use', not 'utilize'."),
    ]


def test_default_message_and_whole_words(project) -> None:
    guide = "rules:\n  - {id: js, kind: substitution, swap: {Javascript: JavaScript}}\n"
    body = "Javascripts are not matched, Javascript is.\n"
    assert found(project, guide, FRONT, body, "js") == [(4, 30, "Write 'JavaScript', not 'Javascript'.")]


def test_ignorecase_false_only_matches_the_exact_key(project) -> None:
    guide = "rules:\n  - {id: js, kind: substitution, ignorecase: false, swap: {Javascript: JavaScript}}\n"
    assert found(project, guide, FRONT, "javascript Javascript\n", "js") == [
        (4, 12, "Write 'JavaScript', not 'Javascript'.")]


def test_variants_are_checked_at_their_own_position(project) -> None:
    front = """\
channels: [mastodon-main, bluesky-main]
variants:
  bluesky: "Short, from github"
"""
    assert found(project, GUIDE, front, "Body from GitHub.\n", "brand-names") == [
        (4, 25, "Write 'GitHub', not 'github'.")]


def test_every_word_of_a_key_is_looked_for_across_lines_and_in_its_folded_form(project) -> None:
    # lint skips a text lacking any word of a key (case-folded): these must still match
    guide = ("rules:\n  - {id: names, kind: substitution, swap: {acme corp: Acme, groß straße: Große Straße}}\n"
             "  - {id: exact, kind: substitution, ignorecase: false, swap: {Acme  Corp: Acme}}\n")
    body = "ACME\n  CORP and acme only. GROSS STRASSE, Acme Corp\n"
    assert [(p.line, p.column, p.rule, p.message) for p in run(project, guide, "channels: [feed]\nlang: de", body)] == [
        (5, 1, "names", "Write 'Acme', not 'ACME CORP'."),
        (6, 23, "names", "Write 'Große Straße', not 'GROSS STRASSE'."),
        (6, 38, "exact", "Write 'Acme', not 'Acme Corp'."),
        (6, 38, "names", "Write 'Acme', not 'Acme Corp'."),
    ]
