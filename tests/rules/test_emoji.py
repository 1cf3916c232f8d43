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


def test_texts_with_as_many_emoji_as_allowed_pass_and_one_more_is_reported(project) -> None:
    body = "©️ ok ™ 🇩🇪\n---\n©️ ok ™️ #️⃣\n"
    assert found(project, GUIDE, FRONT, body, "emoji") == [
        (6, 10, "Too many emoji (3, at most 2): '#️⃣'.")]


def test_the_quick_test_covers_every_emoji_character() -> None:
    # lint counts these ranges first and skips texts with no more of them than allowed
    import sys

    import regex

    from socialops.rules.emoji import MAYBE_EMOJI

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    starts = regex.findall(r"[\p{Emoji_Presentation}\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]", every)
    assert len(starts) > 1000
    assert [c for c in starts if not MAYBE_EMOJI.match(c)] == []
