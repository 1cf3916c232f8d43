from __future__ import annotations

from tests.rules.helpers import found, where

GUIDE = "rules:\n  - {id: mentions, kind: mentions, level: warning, max: 2, banned: ['@rival', '@spam@bad.example']}\n"
FRONT = "channels: [mastodon-main]"


def test_too_many_mentions_in_a_part(project) -> None:
    body = "Thanks @ann, @bob@mastodon.social and @cat.bsky.social.\n"
    assert found(project, GUIDE, FRONT, body, "mentions") == [
        (4, 39, "Too many mentions (3, at most 2): '@cat.bsky.social'.")]


def test_parts_are_counted_separately(project) -> None:
    body = "@ann @bob\n---\n@cat @dan\n"
    assert where(project, GUIDE, FRONT, body, "mentions") == []


def test_banned_accounts_on_any_instance_and_regardless_of_case(project) -> None:
    guide = "rules:\n  - {id: mentions, kind: mentions, banned: ['@rival', '@spam@bad.example']}\n"
    body = "Not @Rival, not @rival@other.example, not @spam@bad.example; @spam is fine.\n"
    assert found(project, guide, FRONT, body, "mentions") == [
        (4, 5, "Do not mention '@Rival'."),
        (4, 17, "Do not mention '@rival@other.example'."),
        (4, 43, "Do not mention '@spam@bad.example'."),
    ]


def test_email_addresses_are_not_mentions(project) -> None:
    guide = "rules:\n  - {id: mentions, kind: mentions, max: 0}\n"
    assert where(project, guide, FRONT, "Write to press@acme.example\n", "mentions") == []
