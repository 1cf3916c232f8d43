"""`socialops rules` and the README's rule table come from the rule modules."""

from __future__ import annotations

import json

from socialops.rules import REGISTRY, rule_docs
from socialops.rules.docs import README_END, README_START, readme_table
from socialops.rules.generate import readme_with_table
from tests.conftest import REPO_ROOT
from tests.rules.helpers import run


def test_readme_rule_table_matches_the_code() -> None:
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    section = readme.split(README_START, 1)[1].split(README_END, 1)[0]
    assert section == "\n" + readme_table(REGISTRY), "README is stale: run python -m socialops.rules.generate"
    assert readme_with_table(readme) == readme
    for kind in REGISTRY:
        assert f"| `{kind}` |" in section


def test_rules_lists_every_kind_with_options_and_documentation(cli, tmp_path) -> None:
    result = cli("rules", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    for kind, module in REGISTRY.items():
        assert f"\n{kind}  (reads: " in result.stdout
        for option in module.OPTIONS:
            assert option in result.stdout
    assert "Every rule has:" in result.stdout
    assert "max_upper_words" in result.stdout and "NASA" in result.stdout


def test_rules_json(cli, tmp_path) -> None:
    result = cli("rules", "--format", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert [k["kind"] for k in data["kinds"]] == list(REGISTRY)
    hashtags = next(k for k in data["kinds"] if k["kind"] == "hashtags")
    assert hashtags["reads"] == ["body", "variants"]
    case = next(o for o in hashtags["options"] if o["name"] == "case")
    assert case == {"name": "case", "type": "camel | lower | any", "required": False, "default": "any",
                    "description": "camel (#WinterLaunch), lower (#winterlaunch) or any."}
    assert hashtags["documentation"].startswith("Hashtags: how many")
    assert [o["name"] for o in data["common_options"]] == ["id", "kind", "level", "message", "scope"]


def test_rules_for_one_kind_and_an_unknown_kind(cli, tmp_path) -> None:
    one = cli("rules", "alt-text", cwd=tmp_path)
    assert one.exit_code == 0 and one.stdout.startswith("\nalt-text  (reads: alt text)")
    assert "min_length" in one.stdout and "hashtags" not in one.stdout
    bad = cli("rules", "alt", cwd=tmp_path)
    assert bad.exit_code == 2 and "no rule kind 'alt'; the kinds are: existence" in bad.stderr


def test_rule_docs_describe_the_projects_rules(project) -> None:
    run(project, "rules:\n  - {id: brand, kind: substitution, swap: {a: b}}\n", "channels: [feed]", "x\n")
    assert rule_docs() == {"brand": "Style guide rule (substitution): Words written one way that should be "
                                    "written another (brand names, preferred terms)."}
    assert rule_docs(project.root) == rule_docs()


def test_sarif_lists_the_style_guide_rules(project, cli) -> None:
    project.write("styleguide.yaml", "rules:\n  - {id: banned, kind: existence, tokens: [synergy]}\n")
    project.post("a.md", "channels: [feed]", "synergy\n")
    result = cli("lint", "--format", "sarif", cwd=project.root)
    assert result.exit_code == 0, result.output
    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    banned = next(r for r in driver["rules"] if r["id"] == "banned")
    assert banned["shortDescription"]["text"] == "Style guide rule (existence): Words and phrases that must not appear."
