"""A short post's language from its words (detect.wordlang): the languages of its terms,
confirmed by its other words (wordfreq), where identification cannot tell."""

from __future__ import annotations

from narcolex.detect import Scanner
from narcolex.detect.wordlang import words_language
from narcolex.package.lexicon import Lexicon
from tests.detect.conftest import TERMS, T


def _span(text: str, word: str, *langs: str) -> tuple[int, int, frozenset[str]]:
    start = text.index(word)
    return start, start + len(word), frozenset(langs)


def test_the_other_words_confirm_the_terms_language() -> None:
    text = "Kup kryształ"  # "kup" is a common Polish word, no English one
    assert words_language(text, [_span(text, "kryształ", "pl")]) == "pl"


def test_english_words_keep_the_language_unknown() -> None:
    # "here" could be another language's slang; the post is English words all through.
    text = "here we go again"
    assert words_language(text, [_span(text, "here", "pl")]) is None
    # A term that is itself a common English word votes for English as well.
    text = "spice, salt"
    assert words_language(text, [_span(text, "spice", "ru"), _span(text, "salt", "ru")]) is None


def test_a_word_of_no_candidate_language_keeps_it_unknown() -> None:
    text = "Kup xqzvbl kryształ"
    assert words_language(text, [_span(text, "kryształ", "pl")]) is None


def test_place_names_belong_to_no_language() -> None:
    text = "Kbh juu"
    assert words_language(text, [_span(text, "juu", "da")]) == "da"


def test_a_place_breaks_a_tie_for_its_country_s_language_never_one_with_english() -> None:
    # A slang word of two languages beside a Norwegian city: Norwegian.
    text = "dopp Oslo"
    assert words_language(text, [_span(text, "dopp", "is", "no")]) == "no"
    assert words_language("dopp", [_span("dopp", "dopp", "is", "no")]) is None
    # "snow" is an English word as written: English is in the tie, so no answer.
    text = "snow Oslo"
    assert words_language(text, [_span(text, "snow", "no")]) is None


def test_countries_are_places_by_their_own_names_too() -> None:
    from narcolex.detect.places import is_place, place_languages

    for name in ("Norge", "Deutschland", "Polska", "Sverige", "España", "Italia"):
        assert is_place(name, None), name
    assert place_languages("Odense") == {"da"}
    assert place_languages("Deutschland") == {"de"}
    assert "no" in place_languages("Norge")  # Bokmål and Nynorsk are the package's "no"


def test_a_city_named_in_its_own_countrys_language_is_a_place() -> None:
    from narcolex.detect.commonness import zipf
    from narcolex.detect.places import is_place

    # Italian text names Catania as often as English names a bath: frequency there is no sign
    # of a word. Written as a name in Italian it is a place, written in lower case it is not,
    # and a name that is an everyday word of English stays a word.
    assert zipf("catania", "it") >= 4.0
    assert is_place("Catania", "it")
    assert not is_place("catania", "it")
    assert not is_place("Nice", "fr")  # "nice" is an everyday English word
    assert not is_place("Bath", "en")


def test_terms_alone_decide_only_when_most_of_them_agree() -> None:
    text = "спайс, соль"
    both = [_span(text, "спайс", "ru"), _span(text, "соль", "ru", "uk")]
    assert words_language(text, both) == "ru"
    tie = [_span(text, "спайс", "ru", "uk")]
    assert words_language(text, tie) is None


def test_long_texts_are_left_to_identification() -> None:
    text = "Kup kryształ " + "x" * 100
    assert words_language(text, [_span(text, "kryształ", "pl")]) is None


def test_a_short_posts_slang_counts_in_the_language_its_words_confirm() -> None:
    lexicon = Lexicon(
        terms=(*TERMS, T(94, "kryształ", "pl", "methamphetamine", amb="medium")),
        version="test-wordlang",
    )
    f = Scanner.from_lexicon(lexicon).scan("Kup kryształ")
    assert f.lang == "pl"
    assert "kryształ" in f.explanation and f.verdict != "clean", f.explanation
