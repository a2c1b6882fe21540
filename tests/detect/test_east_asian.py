"""Posts in Japanese, Korean, Chinese and Vietnamese: scripts without spaces between words,
particles written onto words, the object before its verb, amounts in their currencies. A
small hand-written lexicon, so that the rules are tested apart from the bundled content."""

from __future__ import annotations

import pytest

from narcolex.detect import Scanner
from narcolex.package.lexicon import Lexicon, LexiconTerm


def _t(
    tid: int, term: str, lang: str, denotes: str, amb: str = "high", kind: str = "slang", **kw
) -> LexiconTerm:
    return LexiconTerm(tid, term, lang, kind, tuple(denotes.split()), ambiguity=amb, **kw)


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    terms = (
        _t(1, "野菜", "ja", "cannabis.herbal"),
        _t(2, "手押し", "ja", "signal.offer", kind="phrase"),
        _t(3, "大麻", "ja", "cannabis", "low", "street_name"),
        _t(4, "販売", "ja", "signal.offer", kind="phrase"),
        _t(5, "アイス", "ja", "methamphetamine", innocent=("アイスクリーム",)),
        _t(6, "郵送", "ja", "signal.delivery", kind="phrase"),
        _t(7, "逮捕", "ja", "context.report", kind="phrase"),
        _t(8, "아이스", "ko", "methamphetamine"),
        _t(9, "팝니다", "ko", "signal.offer", "medium", "phrase"),
        _t(10, "DM", "en", "signal.contact", "medium", "phrase"),
        _t(11, "Tren", "en", "steroids", "medium", "brand"),
        _t(12, "bạn", "vi", "context.address", kind="phrase"),
        _t(13, "cần sa", "vi", "cannabis", "low", "street_name"),
    )
    return Scanner.from_lexicon(Lexicon(terms=terms, version="test"))


def test_a_sale_with_amounts_in_yen(scanner: Scanner) -> None:
    f = scanner.scan("大麻1g5000円で販売、郵送可")
    assert f.verdict == "sale"
    assert "price '5000円'" in f.explanation and "'1g' bound to '大麻'" in f.explanation


def test_a_report_of_an_arrest_is_no_sale(scanner: Scanner) -> None:
    f = scanner.scan("大麻を販売した疑いで男を逮捕")
    assert f.verdict == "mention"
    assert "reports on third parties" in f.explanation


@pytest.mark.parametrize(
    ("text", "beside"),
    [
        ("今日も都内で野菜の手押しやってます", True),  # the object, a particle, the verb
        ("처음 맛보는 아이스를 팝니다", True),  # a particle written onto the object
        ("冷凍野菜の販売", False),  # "frozen vegetables": the term ends another word
        ("野菜ジュースの販売", False),  # "vegetable juice": a longer word, then the verb
    ],
)
def test_the_object_before_its_verb_in_japanese_and_korean(
    scanner: Scanner, text: str, beside: bool
) -> None:
    """Japanese and Korean put the object before the verb: an everyday word right before an
    offer word, a particle at most between them, is what is offered (as "verkaufe Gras")."""
    f = scanner.scan(text)
    assert ("right beside" in f.explanation) is beside, f.explanation
    assert f.verdict != "sale"  # an everyday word and an offer word alone are no sale


def test_an_innocent_phrase_cancels_a_term_without_spaces_around_it(scanner: Scanner) -> None:
    f = scanner.scan("アイスクリームを販売しています")
    assert f.verdict == "clean" and "アイス" not in f.explanation, f.explanation
    assert "アイス" in scanner.scan("アイスを販売しています").explanation


def test_han_words_are_shared_by_japanese_and_chinese(scanner: Scanner) -> None:
    """A post in Han alone is identified as Chinese; a Japanese term and sale word in it are
    neither foreign nor an everyday word of another language."""
    f = scanner.scan("大麻 販売 DM")
    assert f.verdict == "sale", f.explanation
    assert "low ambiguity" in f.explanation


def test_quoted_code_words_are_explained_not_offered(scanner: Scanner) -> None:
    """Two terms each in quotation marks, in a text that says something around them, name
    the code words (a warning, a report); a post of nothing but quoted names is a menu."""
    f = scanner.scan("Twitterで大麻を売買する10代--「野菜」「手押し」に注意")
    assert f.verdict == "mention" and "quoted words" in f.explanation, f.explanation
    assert "quoted words" not in scanner.scan("「野菜」「手押し」").explanation


def test_a_word_with_diacritics_no_form_has_is_the_post_languages_word(scanner: Scanner) -> None:
    """Vietnamese writes a diacritic on most syllables: "trên" (on) and "bán" (sells) are not
    "Tren" and "bạn" (you), which they are once diacritics are folded away."""
    f = scanner.scan("Trên mạng bán cần sa, DM", lang="vi")
    assert "Tren" not in f.explanation and "addresses the reader" not in f.explanation
    assert "'cần sa'" in f.explanation
    assert "Tren" in scanner.scan("Tren 100mg", lang="en").explanation
    assert "addresses the reader" in scanner.scan("bạn cần cần sa, DM", lang="vi").explanation
