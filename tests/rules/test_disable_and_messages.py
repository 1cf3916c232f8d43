from __future__ import annotations

from socialops.problems import Level
from tests.rules.helpers import run

GUIDE = """\
rules:
  - {id: banned-words, kind: existence, level: error, tokens: [synergy]}
  - {id: brand-names, kind: substitution, level: suggestion, swap: {Github: GitHub}}
  - {id: exclamations, kind: script, pattern: '!!'}
"""
FRONT = "channels: [feed]"


def test_disable_comment_silences_the_named_rules_for_the_post(project) -> None:
    body = "<!-- socialops-disable banned-words, brand-names -->\nsynergy on Github!!\n"
    assert [(p.line, p.column, p.rule) for p in run(project, GUIDE, FRONT, body)] == [(5, 18, "exclamations")]


def test_disable_comment_only_affects_its_own_post(project) -> None:
    project.write("styleguide.yaml", GUIDE)
    project.post("b.md", FRONT, "synergy\n")
    found_rules = [(p.path, p.rule) for p in run(project, GUIDE, FRONT, "<!-- socialops-disable banned-words -->\nsynergy\n")]
    assert found_rules == []
    from tests.rules.helpers import lint_all

    assert [(p.path, p.rule) for p in lint_all(project.root)] == [("posts/b.md", "banned-words")]


def test_levels_come_from_the_rule(project) -> None:
    levels = {p.rule: p.level for p in run(project, GUIDE, FRONT, "synergy Github!!\n")}
    assert levels == {"banned-words": Level.ERROR, "brand-names": Level.SUGGESTION, "exclamations": Level.WARNING}


def test_message_templates(project) -> None:
    guide = """\
rules:
  - {id: a, kind: substitution, message: "'{match}' -> '{expected}' ({unknown})", swap: {Github: GitHub}}
  - {id: b, kind: existence, message: "No {match}, {expected}.", tokens: [synergy]}
  - {id: c, kind: emoji, message: "{count} > {max}", max: 0}
"""
    problems = run(project, guide, FRONT, "Github synergy 🎉\n")
    assert [(p.rule, p.message) for p in problems] == [
        ("a", "'Github' -> 'GitHub' ({unknown})"),
        ("b", "No synergy, {expected}."),
        ("c", "1 > 0"),
    ]


def test_no_styleguide_file_means_no_rules(project) -> None:
    (project.root / "styleguide.yaml").unlink()
    path = project.post("a.md", FRONT, "synergy\n")
    from socialops.lint import lint
    from socialops.model import Project

    assert lint(Project.load(project.root), [path]).problems == []
