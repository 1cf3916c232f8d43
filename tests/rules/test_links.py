from __future__ import annotations

from tests.rules.helpers import found, where

FRONT = "channels: [mastodon-main]"


def test_https_only(project) -> None:
    guide = "rules:\n  - {id: links, kind: links, https: true}\n"
    body = "Read http://acme.example/a, https://acme.example/b and www.acme.example.\n"
    assert found(project, guide, FRONT, body, "links") == [
        (4, 6, "Use an https:// link: 'http://acme.example/a'."),
        (4, 56, "Use an https:// link: 'www.acme.example'."),
    ]


def test_allowed_domains_include_subdomains(project) -> None:
    guide = "rules:\n  - {id: links, kind: links, allow_domains: [acme.example]}\n"
    body = "https://blog.acme.example/x https://acme.example (https://evil.example/acme.example)\n"
    assert found(project, guide, FRONT, body, "links") == [
        (4, 51, "Links may not go to 'evil.example': 'https://evil.example/acme.example'.")]


def test_banned_domains(project) -> None:
    guide = "rules:\n  - {id: links, kind: links, ban_domains: [bit.ly]}\n"
    assert found(project, guide, FRONT, "Short: https://bit.ly/abc!\n", "links") == [
        (4, 8, "Do not link to 'bit.ly': 'https://bit.ly/abc'.")]


def test_required_parameters(project) -> None:
    guide = """\
rules:
  - {id: utm, kind: links, require_params: {utm_source: social, utm_campaign: '*'},
     params_domains: [acme.example]}
"""
    body = ("https://acme.example/a?utm_source=social&utm_campaign=x\n"
            "https://acme.example/b?utm_source=mail&utm_campaign=x\n"
            "https://www.acme.example/c?utm_source=social\n"
            "https://other.example/d\n")
    assert found(project, guide, FRONT, body, "utm") == [
        (5, 1, "Add utm_source=social to the link 'https://acme.example/b?utm_source=mail&utm_campaign=x'."),
        (6, 1, "Add utm_campaign to the link 'https://www.acme.example/c?utm_source=social'."),
    ]


def test_message_variables(project) -> None:
    guide = "rules:\n  - {id: links, kind: links, allow_domains: [acme.example], message: 'No {domain} ({match})'}\n"
    assert found(project, guide, FRONT, "See https://x.example.\n", "links") == [
        (4, 5, "No x.example (https://x.example)")]


def test_links_in_variants(project) -> None:
    front = """\
channels: [mastodon-main, linkedin-company]
variants:
  linkedin: |
    Longer text.
    More at http://acme.example
"""
    guide = "rules:\n  - {id: links, kind: links, https: true}\n"
    assert where(project, guide, front, "https://acme.example\n", "links") == [(6, 13)]


def test_a_link_with_an_unclosed_bracket_is_checked_without_crashing_lint(project) -> None:
    guide = "rules:\n  - {id: links, kind: links, https: true, allow_domains: [acme.example]}\n"
    body = "See http://[oops and https://evil.example/x\n"
    assert found(project, guide, FRONT, body, "links") == [
        (4, 5, "Use an https:// link: 'http://[oops'."),
        (4, 22, "Links may not go to 'evil.example': 'https://evil.example/x'."),
    ]
