"""Posts in Hebrew: one-letter proclitics written onto words ("and", "the", "in"), Hebrew
letters read as Hebrew rather than as their Latin look-alikes, the language told by its
script. A small hand-written lexicon, so that the rules are tested apart from the content."""

from __future__ import annotations

import pytest

from narcolex.detect import Scanner
from narcolex.detect.langid import detect_language
from narcolex.detect.normalize import normalize_key
from narcolex.package.lexicon import Lexicon, LexiconTerm


def _t(tid: int, term: str, denotes: str, amb: str = "medium", kind: str = "slang") -> LexiconTerm:
    return LexiconTerm(tid, term, "he", kind, tuple(denotes.split()), ambiguity=amb)


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    terms = (
        _t(1, "קוקאין", "cocaine", "low", "street_name"),  # cocaine
        _t(2, "גראס", "cannabis.herbal"),  # "grass"
        _t(3, "למכירה", "signal.offer", kind="phrase"),  # for sale
        _t(4, "משלוחים", "signal.delivery", kind="phrase"),  # deliveries
        _t(5, "משטרה", "context.report", "high", "phrase"),  # police
        LexiconTerm(6, "weed", "en", "slang", ("cannabis",), ambiguity="medium"),
    )
    return Scanner.from_lexicon(Lexicon(terms=terms, version="test"))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("קוקאין", "קוקאין"),
        ("והקוקאין נתפס", "קוקאין"),  # "and the cocaine": two proclitics
        ("weed והגראס", "גראס"),
        ("אקוקאין", None),  # a letter that is no proclitic: another word
        ("קוקאינים", None),  # the form must end where the word ends
    ],
)
def test_a_hebrew_form_is_found_after_proclitics_only(
    scanner: Scanner, text: str, found: str | None
) -> None:
    surfaces = [m.surface for m in scanner.scan(text).matches if m.substances]
    assert (found in surfaces) if found else not any("קוקאין" in s for s in surfaces), surfaces


def test_an_offer_in_hebrew_is_a_sale_and_a_report_is_not(scanner: Scanner) -> None:
    offer = scanner.scan("גראס איכותי למכירה, משלוחים לכל הארץ")
    assert offer.verdict == "sale", offer.explanation
    assert offer.lang == "he"
    report = scanner.scan("המשטרה עצרה חשוד בסחר בקוקאין")
    assert report.verdict != "sale", report.explanation


def test_hebrew_letters_are_not_read_as_latin_look_alikes() -> None:
    # Unicode's confusables pair vav with "l" and samekh with "o": "וס" is no "io".
    assert normalize_key("וס") == "וס"
    assert normalize_key("קָנַבּוֹס") == "קנבוס"  # vowel points are dropped, letters kept


def test_hebrew_is_told_by_its_script_in_short_posts() -> None:
    assert detect_language("יש לי גראס") == "he"
    assert detect_language("weed weed weed weed weed and one word גראס") != "he"
