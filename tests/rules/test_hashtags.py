from __future__ import annotations

from tests.rules.helpers import found, where

GUIDE = """\
rules:
  - {id: hashtags, kind: hashtags, level: warning, max: 3, require_any: ["#acme"],
     banned: ["#followback"], case: camel}
"""
FRONT = "channels: [mastodon-main]"


def test_too_many_hashtags_in_a_part(project) -> None:
    body = "Launch #acme #One #Two #Three\n"
    assert found(project, GUIDE, FRONT, body, "hashtags") == [
        (4, 24, "Too many hashtags (4, at most 3): '#Three'.")]


def test_required_hashtag_missing_is_reported_at_the_text(project) -> None:
    body = "\nLaunch day #Winter\n---\nMore #Snow\n"
    assert found(project, GUIDE, FRONT, body, "hashtags") == [
        (5, 1, "Add one of these hashtags: #acme.")]


def test_required_hashtag_anywhere_in_the_thread_and_regardless_of_case(project) -> None:
    body = "Launch day\n---\nMore #Acme\n"
    assert where(project, GUIDE, FRONT, body, "hashtags") == []


def test_banned_hashtags_regardless_of_case(project) -> None:
    assert found(project, GUIDE, FRONT, "#acme #FollowBack\n", "hashtags") == [
        (4, 7, "Do not use the hashtag '#FollowBack'.")]


def test_camel_case(project) -> None:
    guide = "rules:\n  - {id: hashtags, kind: hashtags, require_any: ['#acme'], case: camel}\n"
    body = "#acme #winterlaunch #WinterLaunch #EU #LAUNCH\n"
    assert found(project, guide, FRONT, body, "hashtags") == [
        (4, 7, "Write the hashtag '#winterlaunch' in CamelCase (#LikeThis), so screen readers read its words apart."),
        (4, 39, "Write the hashtag '#LAUNCH' in CamelCase (#LikeThis), so screen readers read its words apart."),
    ]


def test_lower_case_and_allow(project) -> None:
    guide = "rules:\n  - {id: tags, kind: hashtags, case: lower, allow: ['#NASA']}\n"
    assert found(project, guide, FRONT, "#NASA #Launch #space\n", "tags") == [
        (4, 7, "Write the hashtag '#Launch' in lower case: '#launch'.")]


def test_links_with_fragments_and_html_entities_are_not_hashtags(project) -> None:
    guide = "rules:\n  - {id: tags, kind: hashtags, max: 0}\n"
    body = "See https://acme.example/page#section and a&#39;b and issue #123\n"
    assert where(project, guide, FRONT, body, "tags") == []


def test_alt_text_is_not_read(project) -> None:
    front = "channels: [mastodon-main]\nmedia:\n  - {path: media/a.png, alt: 'A sign that says #sale'}"
    project.write("media/a.png", b"\x89PNG")
    assert where(project, GUIDE, front, "#acme\n", "hashtags") == []
