"""Problems with styleguide.yaml are findings at their own line in styleguide.yaml,
and the schema shipped for editors is the one the rule modules produce."""

from __future__ import annotations

import json

from socialops import schemas
from socialops.rules import REGISTRY
from socialops.rules.generate import schema_paths
from socialops.rules.schema import schema_text, styleguide_schema
from tests.conftest import REPO_ROOT
from tests.rules.helpers import lint_all


def _guide_problems(project, text: str) -> list[tuple[int, int, str, str]]:
    project.write("styleguide.yaml", text)
    project.post("a.md", "channels: [feed]", "synergy\n")
    return [(p.line, p.column, p.rule, p.message) for p in lint_all(project.root) if p.path == "styleguide.yaml"]


def test_yaml_syntax_error_is_reported_at_its_line(project) -> None:
    problems = _guide_problems(project, "rules:\n  - id: a\n    kind: existence: x\n")
    assert problems == [(3, 20, "syntax", "invalid YAML: mapping values are not allowed in this context")]


def test_unknown_kind_is_reported_at_its_line_and_other_rules_still_run(project) -> None:
    text = "rules:\n  - id: a\n    kind: existance\n    tokens: [x]\n  - {id: b, kind: existence, tokens: [synergy]}\n"
    assert _guide_problems(project, text) == [
        (3, 11, "schema", "unknown rule kind 'existance'; the kinds are: " + ", ".join(REGISTRY)
         + " ('socialops rules' describes them) (at $.rules[0].kind)")]
    assert [(p.path, p.rule) for p in lint_all(project.root) if p.path != "styleguide.yaml"] == [("posts/a.md", "b")]


def test_unknown_option_is_reported_at_its_line(project) -> None:
    text = "rules:\n  - id: tags\n    kind: hashtags\n    maximum: 3\n"
    assert _guide_problems(project, text) == [
        (4, 5, "schema", "unknown option 'maximum' for kind 'hashtags'; its options are: max, require_any, "
                         "banned, case, allow (at $.rules[0].maximum)")]


def test_wrong_types_missing_options_and_scope_keys(project) -> None:
    text = ("rules:\n"
            "  - {id: e, kind: emoji, max: three}\n"
            "  - {id: s, kind: substitution}\n"
            "  - {id: x, kind: existence, tokens: [a], scope: {platform: [x]}}\n"
            "  - {id: l, kind: existence, tokens: [a], level: fatal}\n")
    assert _guide_problems(project, text) == [
        (2, 26, "schema", "'three' is not of type 'integer' (at $.rules[0].max)"),
        (3, 5, "schema", "a substitution rule needs 'swap' (at $.rules[1])"),
        (4, 51, "schema", "unknown key 'platform' in scope; a scope has: channels, platforms, langs, campaigns"),
        (5, 43, "schema", "'fatal' is not one of: error, warning, suggestion (at $.rules[3].level)"),
    ]


def test_invalid_regular_expressions_are_reported_at_their_line(project) -> None:
    text = ("rules:\n"
            "  - id: a\n    kind: existence\n    patterns:\n      - 'fine'\n      - '(unclosed'\n"
            "  - {id: b, kind: script, pattern: '[z-a]'}\n")
    problems = _guide_problems(project, text)
    assert [(line, column, rule) for line, column, rule, _ in problems] == [(6, 9, "schema"), (7, 36, "schema")]
    assert problems[0][3].startswith("invalid regular expression '(unclosed' in rule 'a': missing )")
    assert problems[1][3].startswith("invalid regular expression '[z-a]' in rule 'b'")


def test_duplicate_ids(project) -> None:
    text = "rules:\n  - {id: a, kind: repetition}\n  - {id: a, kind: repetition}\n"
    assert _guide_problems(project, text) == [
        (3, 10, "schema", "the rule id 'a' is used twice (first on line 2); give each rule its own id")]


def test_the_file_must_hold_rules(project) -> None:
    assert _guide_problems(project, "- a\n") == [
        (1, 1, "schema", "styleguide.yaml holds a mapping with a 'rules:' list, e.g. 'rules: []'")]
    assert _guide_problems(project, "rule: []\n") == [
        (1, 1, "schema", "unknown key 'rule'; styleguide.yaml holds 'rules:'")]
    assert _guide_problems(project, "# nothing yet\n") == []


def test_shipped_schemas_are_generated_from_the_rule_modules() -> None:
    expected = schema_text(REGISTRY)
    for path in schema_paths(REPO_ROOT):
        assert path.read_text("utf-8") == expected, f"{path} is stale: run python -m socialops.rules.generate"
    assert schemas.schema("styleguide") == json.loads(expected)


def test_every_option_has_a_description_and_every_kind_a_schema() -> None:
    schema = styleguide_schema(REGISTRY)
    for kind, module in REGISTRY.items():
        properties = schema["$defs"][kind]["properties"]
        assert set(module.OPTIONS) <= set(properties)
        for name, option in properties.items():
            assert option.get("description"), f"{kind}.{name} has no description"
        assert (module.__doc__ or "").strip(), kind


def test_example_and_starter_style_guides_are_valid(project) -> None:
    for rel in ("socialops/templates/init/styleguide.yaml", "examples/acme/styleguide.yaml"):
        source = REPO_ROOT / rel
        if source.is_file():
            assert _guide_problems(project, source.read_text("utf-8")) == [], rel
