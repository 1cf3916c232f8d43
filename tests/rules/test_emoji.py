from __future__ import annotations

from tests.rules.helpers import found, where

GUIDE = "rules:\n  - {id: emoji, kind: emoji, level: suggestion, max: 2}\n"
FRONT = "channels: [mastodon-main]"


def test_the_first_emoji_over_the_limit_is_reported(project) -> None:
    assert found(project, GUIDE, FRONT, "Launch 🚀 today 🎉 and 🙌\n", "emoji") == [
        (4, 22, "Too many emoji (3, at most 2): '🙌'.")]


def test_sequences_count_once_and_text_symbols_not_at_all(project) -> None:
    body = "👍🏽 👨‍👩‍👧 🇩🇪 © ™ 1️⃣\n"
    assert found(project, GUIDE, FRONT, body, "emoji") == [
        (4, 10, "Too many emoji (4, at most 2): '🇩🇪'.")]


def test_parts_are_counted_separately(project) -> None:
    assert where(project, GUIDE, FRONT, "🚀🎉\n---\n🙌🙌\n", "emoji") == []
