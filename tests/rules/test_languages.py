"""Language-aware matching by the post's `lang`: Turkish dotted and dotless i,
German sharp s, Unicode case folding elsewhere, word boundaries in every script."""

from __future__ import annotations

from tests.rules.helpers import found, where

BODY = "İstanbul ISTANBUL istanbul Istanbul İSTANBUL\n"


def _guide(tokens: str, extra: str = "") -> str:
    return f"rules:\n  - {{id: t, kind: existence, tokens: [{tokens}]{extra}}}\n"


def _front(lang: str | None) -> str:
    return "channels: [feed]" + (f"\nlang: {lang}" if lang else "")


def test_turkish_dotted_capital_i_matches_i(project) -> None:
    # İstanbul, istanbul and İSTANBUL match; ISTANBUL and Istanbul are ıstanbul in Turkish.
    assert where(project, _guide("istanbul"), _front("tr"), BODY, "t") == [(5, 1), (5, 19), (5, 37)]


def test_turkish_dotless_i_is_not_i(project) -> None:
    body = "ILIK ılık Ilık ilik İLİK\n"
    assert where(project, _guide("ılık"), _front("tr"), body, "t") == [(5, 1), (5, 6), (5, 11)]


def test_azerbaijani_and_regional_tags_fold_like_turkish(project) -> None:
    assert where(project, _guide("istanbul"), _front("az"), BODY, "t") == [(5, 1), (5, 19), (5, 37)]
    assert where(project, _guide("istanbul"), _front("tr-TR"), BODY, "t") == [(5, 1), (5, 19), (5, 37)]


def test_other_languages_fold_capital_i_to_i(project) -> None:
    body = "ISTANBUL Istanbul ıstanbul\n"
    assert where(project, _guide("istanbul"), _front("en"), body, "t") == [(5, 1), (5, 10)]


def test_other_languages_use_unicode_case_folding(project) -> None:
    # Unicode folds İ to "i" plus a combining dot, so "İstanbul" is not "istanbul" in English;
    # ß folds to "ss" in every language.
    body = "İstanbul istanbul STRASSE\n"
    assert where(project, _guide("istanbul, straße"), _front("en"), body, "t") == [(5, 10), (5, 19)]
    assert where(project, _guide("istanbul, straße"), _front(None), body, "t") == [(4, 10), (4, 19)]


def test_german_sharp_s_matches_ss_and_capital_sharp_s(project) -> None:
    body = "Straße Strasse STRASSE STRAẞE strase\n"
    assert where(project, _guide("straße"), _front("de"), body, "t") == [(5, 1), (5, 8), (5, 16), (5, 24)]
    assert where(project, _guide("strasse"), _front("de-AT"), body, "t") == [(5, 1), (5, 8), (5, 16), (5, 24)]


def test_german_sharp_s_matches_whole_words_only(project) -> None:
    body = "Großartig, groß und GROSS.\n"
    assert found(project, _guide("gross"), _front("de"), body, "t") == [
        (5, 12, "Avoid 'groß'."), (5, 21, "Avoid 'GROSS'.")]


def test_ignorecase_false_is_exact_in_every_language(project) -> None:
    body = "Straße strasse straße\n"
    assert where(project, _guide("straße", ", ignorecase: false"), _front("de"), body, "t") == [(5, 16)]


def test_project_default_language_applies_to_posts_without_lang(project) -> None:
    config = (project.root / "socialops.yaml").read_text()
    project.write("socialops.yaml", config + "defaults:\n  lang: tr\n")
    assert where(project, _guide("istanbul"), _front(None), BODY, "t") == [(4, 1), (4, 19), (4, 37)]


def test_substitution_in_turkish(project) -> None:
    guide = "rules:\n  - {id: city, kind: substitution, swap: {istanbul: İstanbul}}\n"
    assert found(project, guide, _front("tr"), "istanbul İstanbul İSTANBUL Istanbul\n", "city") == [
        (5, 1, "Write 'İstanbul', not 'istanbul'."),
        (5, 19, "Write 'İstanbul', not 'İSTANBUL'."),
    ]


def test_repetition_in_turkish(project) -> None:
    guide = "rules:\n  - {id: rep, kind: repetition}\n"
    assert where(project, guide, _front("tr"), "ISLAK ıslak, ISLAK islak\n", "rep") == [(5, 7)]


def test_substitution_keeps_turkish_capitals(project) -> None:
    guide = "rules:\n  - {id: w, kind: substitution, swap: {izmir: izmir'de}}\n"
    assert found(project, guide, _front("tr"), "IZMIR İZMİR\n", "w") == [(5, 7, "Write 'İZMİR'DE', not 'İZMİR'.")]
