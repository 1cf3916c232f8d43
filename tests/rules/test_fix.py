"""`socialops lint --fix` changes exactly the substituted characters, nothing else."""

from __future__ import annotations

from socialops.model import Project
from socialops.rules.fix import apply_fixes

GUIDE = """\
rules:
  - {id: brand-names, kind: substitution, level: error, swap: {Github: GitHub, acme corp: Acme}}
  - {id: banned, kind: existence, tokens: [synergy]}
"""

ORIGINAL = (
    "\ufeff---\r\n"
    "# a comment the fixer must keep   \r\n"
    "channels: [mastodon-main, linkedin-company]   # trailing comment\r\n"
    "variants:\r\n"
    "  linkedin-company: |\r\n"
    "    On github and ACME CORP.\r\n"
    "---\r\n"
    "We love\tGithub, synergy!\r\n"
    "<!-- Github stays in comments -->\r\n"
    "---\r\n"
    "Thread part two: acme corp on github\r\n"
)
EXPECTED = (
    "\ufeff---\r\n"
    "# a comment the fixer must keep   \r\n"
    "channels: [mastodon-main, linkedin-company]   # trailing comment\r\n"
    "variants:\r\n"
    "  linkedin-company: |\r\n"
    "    On GitHub and Acme.\r\n"
    "---\r\n"
    "We love\tGitHub, synergy!\r\n"
    "<!-- Github stays in comments -->\r\n"
    "---\r\n"
    "Thread part two: Acme on GitHub\r\n"
)


def test_fixes_keep_every_other_byte(project) -> None:
    project.write("styleguide.yaml", GUIDE)
    path = project.write("posts/a.md", ORIGINAL.encode("utf-8"))
    changes = apply_fixes(Project.load(project.root), None)
    assert path.read_bytes() == EXPECTED.encode("utf-8")
    assert changes == [
        "posts/a.md:6:8 github -> GitHub (brand-names)",
        "posts/a.md:6:19 ACME CORP -> Acme (brand-names)",
        "posts/a.md:8:9 Github -> GitHub (brand-names)",
        "posts/a.md:11:18 acme corp -> Acme (brand-names)",
        "posts/a.md:11:31 github -> GitHub (brand-names)",
    ]
    assert apply_fixes(Project.load(project.root), None) == []


def test_lint_fix_reports_changes_and_then_lints_the_fixed_file(project, cli) -> None:
    project.write("styleguide.yaml", GUIDE)
    path = project.post("a.md", "channels: [feed]\nlang: en", "Hello\nfrom Github.\n")
    result = cli("lint", "--fix", "--format", "json", cwd=project.root)
    assert result.exit_code == 0, result.output
    assert "fixed posts/a.md:6:6 Github -> GitHub (brand-names)" in result.stderr
    assert '"problems": []' in result.stdout
    assert path.read_text("utf-8") == "---\nchannels: [feed]\nlang: en\n---\nHello\nfrom GitHub.\n"


def test_only_the_given_posts_and_enabled_rules_are_fixed(project) -> None:
    project.write("styleguide.yaml", GUIDE)
    a = project.post("a.md", "channels: [feed]", "Github\n")
    b = project.post("b.md", "channels: [feed]", "Github\n")
    c = project.post("c.md", "channels: [feed]", "<!-- socialops-disable brand-names -->\nGithub\n")
    assert apply_fixes(Project.load(project.root), [a, c]) == ["posts/a.md:4:1 Github -> GitHub (brand-names)"]
    assert a.read_text() == "---\nchannels: [feed]\n---\nGitHub\n"
    assert b.read_text() == "---\nchannels: [feed]\n---\nGithub\n"
    assert c.read_text().endswith("\nGithub\n")


def test_a_variant_fix_that_would_change_the_yaml_is_not_made(project) -> None:
    project.write("styleguide.yaml", "rules:\n  - {id: s, kind: substitution, swap: {foo: 'bar: baz'}}\n")
    path = project.post("a.md", "channels: [mastodon-main]\nvariants:\n  mastodon: foo here", "foo there\n")
    assert apply_fixes(Project.load(project.root), None) == ["posts/a.md:6:1 foo -> bar: baz (s)"]
    assert path.read_text() == "---\nchannels: [mastodon-main]\nvariants:\n  mastodon: foo here\n---\nbar: baz there\n"


def test_quoted_variants_are_fixed_in_place(project) -> None:
    project.write("styleguide.yaml", GUIDE)
    path = project.post("a.md", 'channels: [mastodon-main]\nvariants:\n  mastodon: "Hi \\u00e9 github"', "Hi\n")
    assert apply_fixes(Project.load(project.root), None) == []  # an escape shifts offsets: left alone
    assert "github" in path.read_text()
    path = project.post("a.md", 'channels: [mastodon-main]\nvariants:\n  mastodon: "Hi from github"', "Hi\n")
    assert apply_fixes(Project.load(project.root), None) == ["posts/a.md:4:22 github -> GitHub (brand-names)"]
    assert 'mastodon: "Hi from GitHub"' in path.read_text()


def test_files_outside_the_repository_are_never_touched(project, tmp_path) -> None:
    project.write("styleguide.yaml", GUIDE)
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\nchannels: [feed]\n---\nGithub\n")
    assert apply_fixes(Project.load(project.root), [outside]) == []
    assert outside.read_text().endswith("Github\n")
