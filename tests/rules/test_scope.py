"""A rule checks a text when a channel receiving that text is in its scope, and the
post's language and campaign are."""

from __future__ import annotations

from tests.rules.helpers import where


def _guide(scope: str) -> str:
    return f"rules:\n  - {{id: t, kind: existence, tokens: [synergy], scope: {scope}}}\n"


LINKEDIN = _guide("{platforms: [linkedin]}")
VARIANT_FRONT = """\
channels: [mastodon-main, linkedin-company]
variants:
  {key}: |
    LinkedIn synergy.
"""


def test_platform_scope_checks_the_body_when_that_platform_receives_it(project) -> None:
    front = "channels: [mastodon-main, linkedin-company]"
    assert where(project, LINKEDIN, front, "Body synergy\n", "t") == [(4, 6)]
    assert where(project, LINKEDIN, "channels: [mastodon-main]", "Body synergy\n", "t") == []


def test_a_variant_takes_its_channel_away_from_the_body(project) -> None:
    for key in ("linkedin-company", "linkedin"):
        front = VARIANT_FRONT.format(key=key)
        assert where(project, LINKEDIN, front, "Body synergy\n", "t") == [(5, 14)], key


def test_the_body_is_checked_for_the_channels_left_to_it(project) -> None:
    mastodon = _guide("{channels: [mastodon-main]}")
    front = VARIANT_FRONT.format(key="linkedin")
    assert where(project, mastodon, front, "Body synergy\n", "t") == [(7, 6)]


def test_a_platform_variant_reaches_every_channel_of_that_platform(project) -> None:
    config = (project.root / "socialops.yaml").read_text()
    project.write("socialops.yaml", config + "  linkedin-jobs: {platform: linkedin, author: 'urn:li:organization:9', token_env: LI}\n")
    jobs = _guide("{channels: [linkedin-jobs]}")
    front = """\
channels: [linkedin-company, linkedin-jobs]
variants:
  linkedin-company: Company synergy
  linkedin: Platform synergy
"""
    assert where(project, jobs, front, "Body synergy\n", "t") == [(5, 22)]


def test_alt_text_reaches_every_channel(project) -> None:
    project.write("media/a.png", b"\x89PNG")
    front = """\
channels: [mastodon-main, linkedin-company]
variants:
  linkedin-company: LinkedIn text
media:
  - {path: media/a.png, alt: Two people in synergy}
"""
    assert where(project, LINKEDIN, front, "Body\n", "t") == [(6, 44)]


def test_language_scope_covers_regional_tags(project) -> None:
    guide = _guide("{langs: [de]}")
    assert where(project, guide, "channels: [feed]\nlang: de-AT", "synergy\n", "t") == [(5, 1)]
    assert where(project, guide, "channels: [feed]\nlang: en", "synergy\n", "t") == []
    assert where(project, guide, "channels: [feed]", "synergy\n", "t") == []


def test_campaign_scope(project) -> None:
    guide = _guide("{campaigns: [winter-launch]}")
    assert where(project, guide, "channels: [feed]\ncampaign: winter-launch", "synergy\n", "t") == [(5, 1)]
    assert where(project, guide, "channels: [feed]\ncampaign: spring", "synergy\n", "t") == []


def test_scope_keys_combine(project) -> None:
    guide = _guide("{platforms: [mastodon], langs: [en]}")
    assert where(project, guide, "channels: [mastodon-main]\nlang: en", "synergy\n", "t") == [(5, 1)]
    assert where(project, guide, "channels: [mastodon-main]\nlang: de", "synergy\n", "t") == []
    assert where(project, guide, "channels: [feed]\nlang: en", "synergy\n", "t") == []
