"""Matching rules: word boundaries per script (Scunthorpe), match modes, emoji units,
hashtags, longest non-overlapping matches, and the prefilter's soundness."""

from __future__ import annotations

import pytest

from narcolex.detect.matcher import (
    CompiledLexicon,
    compile_lexicon,
    number_spellings,
    one_slip,
    prefilter_view,
)
from narcolex.package.lexicon import Lexicon, LexiconTerm


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    """(surface, term) pairs; term is the first lexicon term of the matched form."""
    c = compile_lexicon(lexicon)
    return [(text[m.start : m.end], c.terms[m.terms[0]].term) for m in c.find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "a cokernut cake",  # coke inside a word
        "trending hashtag today",  # hash inside hashtag
        "#hashtag",
        "the iceberg and the snowboard",  # ice, snow inside words
        "Scunthorpe speedometer",
        "weedkiller for the garden",
        "mdmaesque",
    ],
)
def test_scunthorpe_terms_inside_words_do_not_match(lexicon: Lexicon, text: str) -> None:
    assert found(lexicon, text) == []


@pytest.mark.parametrize(
    ("text", "surface", "term"),
    [
        ("coke.", "coke", "coke"),
        ("(coke)", "coke", "coke"),
        ("COKE", "COKE", "coke"),
        ("a Koksdealer here", "Koks", "Koks"),  # compound: start of a compound
        ("Straßenkokain", "kokain", "Kokain"),  # compound: end of a compound
        ("wietlevering", "wiet", "wiet"),
        ("prodám kokainový prášek", "kokainový", "kokain"),  # prefix: stem + ending
        ("sprzedam kokainę", "kokainę", "kokain"),
        ("продаю кокаина", "кокаина", "кокаин"),  # Cyrillic prefix term
        ("ΚΟΚΑΪΝΗ", "ΚΟΚΑΪΝΗ", "κοκαΐνη"),  # Greek, upper case and diaeresis
        ("la cocaína", "cocaína", "cocaína"),
        ("4-MMC", "4-MMC", "4-MMC"),
        ("buy a c_o_k_e now", "c_o_k_e", "coke"),  # the article "a" is not a spaced letter
        ("c - o - k - e", "c - o - k - e", "coke"),
    ],
)
def test_boundaries_and_match_modes(lexicon: Lexicon, text: str, surface: str, term: str) -> None:
    got = found(lexicon, text)
    assert any(s == surface and t.lower() == term.lower() for s, t in got), got


def test_prefix_mode_limits_the_ending() -> None:
    lex = Lexicon(terms=(LexiconTerm(1, "kokain", "cs", "slang", ("cocaine",), match="prefix"),))
    assert found(lex, "kokainového") == [("kokainového", "kokain")]
    assert found(lex, "kokainabcdefghij") == []
    assert found(lex, "xkokain") == []


def test_word_mode_does_not_allow_endings(lexicon: Lexicon) -> None:
    assert found(lexicon, "cocaines") == []


def test_squeezed_reading_needs_a_repeat_where_the_term_has_a_double() -> None:
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "AAS", "en", "abbreviation", ("steroids",)),
            LexiconTerm(2, "weed", "en", "slang", ("cannabis.herbal",)),
            LexiconTerm(3, "coke", "en", "slang", ("cocaine",)),
        )
    )
    # a tripled letter elsewhere turns the squeezed reading on for the whole post
    assert found(lex, "AAA+++ fat as hell, we'd go") == []
    assert found(lex, "aaas and weeeed") == [("aaas", "AAS"), ("weeeed", "weed")]
    assert found(lex, "cooooke yesss") == [("cooooke", "coke")]


def test_a_tripled_i_is_a_repeated_letter_too() -> None:
    """The prefilter's skeleton merges i and l ("will" reads "wiii"), so three i written as
    such must still send the post down the full path, where the squeezed reading matches."""
    lex = Lexicon(terms=(LexiconTerm(1, "codeine", "en", "street_name", ("opioids.codeine",)),))
    assert found(lex, "codeiiine syrup") == [("codeiiine", "codeine")]
    assert found(lex, "CODEIIINE now") == [("CODEIIINE", "codeine")]
    assert found(lex, "will it still fill") == []


def test_a_tripled_l_is_a_repeated_letter_too() -> None:
    """Three l read "iii" in the skeleton too: like any tripled letter they turn the squeezed
    reading on, so "lll" does what "xxx" does (the C check and the Python one alike)."""
    lex = Lexicon(terms=(LexiconTerm(1, "cocaine", "en", "street_name", ("cocaine",)),))
    assert found(lex, "xxx cocainne") == [("cocainne", "cocaine")]
    assert found(lex, "lll cocainne") == [("cocainne", "cocaine")]
    assert found(lex, "LLL cocainne") == [("cocainne", "cocaine")]
    assert found(lex, "tell all cocainne") == []


def test_a_name_of_several_words_written_as_one_is_that_name() -> None:
    """Listings and channel names run a strain's words together ("GirlScoutCookies 3.5g",
    "sourdiesel"); names shorter than RUN_TOGETHER_MIN letters would run into other words."""
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "Girl Scout Cookies", "und", "street_name", ("cannabis.herbal",)),
            LexiconTerm(2, "big h", "en", "slang", ("opioids.heroin",)),
        )
    )
    assert found(lex, "GirlScoutCookies 3.5g") == [("GirlScoutCookies", "Girl Scout Cookies")]
    assert found(lex, "girlscoutcookies!") == [("girlscoutcookies", "Girl Scout Cookies")]
    assert found(lex, "the bigh is here") == []
    assert found(lex, "girlscoutcookiesandmore") == []  # a part of a longer word is no name


@pytest.mark.parametrize(
    ("word", "form", "slip"),
    [("diazapam", "diazepam", True), ("addearll", "adderall", True), ("aderall", "adderall", True),
     ("diazepamm", "diazepam", True), ("diazepam", "diazepam", False),
     ("diazebam", "diazepam", False), ("diazpeam", "diazepam", True),
     ("dizaepma", "diazepam", False)],
)  # fmt: skip
def test_one_slip_is_a_letter_left_out_or_added_two_swapped_or_a_vowel(
    word: str, form: str, slip: bool
) -> None:
    assert one_slip(word, form) is slip


def test_a_slip_in_a_long_name_leaves_its_first_or_last_three_letters() -> None:
    """The misspelling index skips words that share neither end with any name: exhaustively
    true for every one-slip reading of a name of MISSPELT_MIN letters or more."""
    import itertools

    for form in ("diazepam", "clonazepam", "methadone"):
        letters = sorted(set(form) | set("aeiouy"))
        words = {form[:k] + form[k + 1 :] for k in range(len(form))}
        words |= {form[:k] + c + form[k:] for k in range(len(form) + 1) for c in letters}
        words |= {form[:k] + form[k + 1] + form[k] + form[k + 2 :] for k in range(len(form) - 1)}
        words |= {
            form[:k] + c + form[k + 1 :] for k, c in itertools.product(range(len(form)), "aeiouy")
        }
        for w in words:
            if one_slip(w, form):
                assert w[:3] == form[:3] or w[-3:] == form[-3:], w


def test_misspellings_of_long_names_are_read_outside_other_matches() -> None:
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "diazepam", "en", "street_name", ("benzodiazepines",)),
            LexiconTerm(2, "heroin", "en", "street_name", ("opioids.heroin",)),
            LexiconTerm(3, "valium", "en", "brand", ("benzodiazepines",), ambiguity="medium"),
        )
    )
    c = compile_lexicon(lex)
    text = "Diazapam 10mg and diazepam, valiumm, heroine"
    found_ = [(text[r.start : r.end], r.misspelt) for r in c.misspellings(text, c.find(text))]
    # names shorter than MISSPELT_MIN and names of medium ambiguity get no misspelt reading
    assert found_ == [("Diazapam", True)]
    from narcolex.detect.signals import lists_amount

    assert lists_amount("Diazapam 10mg") and not lists_amount("Diazapam, please")


@pytest.mark.parametrize("text", ["5F-PB-22", "5F-PB22", "5FPB-22", "5fpb22", "5F PB22"])
def test_code_names_match_with_or_without_their_hyphens(text: str) -> None:
    lex = Lexicon(terms=(LexiconTerm(1, "5F-PB-22", "und", "abbreviation", ("nps",)),))
    assert found(lex, f"got {text} here") == [(text, "5F-PB-22")]


def test_a_codes_digits_read_as_letters_need_a_digit_in_the_post() -> None:
    """Run together, "5IT" and "4FA" read as the words "sit" and "afa": the code is only there
    where the post wrote a digit, in running text and in hashtags."""
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "5-IT", "und", "abbreviation", ("nps",)),
            LexiconTerm(2, "4-FA", "und", "abbreviation", ("amphetamine",)),
        )
    )
    assert found(lex, "5IT and 4FA, or 5-IT and 4-FA") == [
        ("5IT", "5-IT"), ("4FA", "4-FA"), ("5-IT", "5-IT"), ("4-FA", "4-FA")
    ]  # fmt: skip
    assert found(lex, "we sit down at the AFA meeting") == []
    assert found(lex, "#sitdown #afa #5it") == [("5it", "5-IT")]


def test_words_without_digits_get_no_code_spellings() -> None:
    # (names of RUN_TOGETHER_MIN letters and more are matched written as one, see below)
    lex = Lexicon(terms=(LexiconTerm(1, "blue ice", "en", "brand", ("mdma",)),))
    assert found(lex, "blueice") == []


def test_longest_non_overlapping_match_wins() -> None:
    lex = Lexicon(
        terms=(
            LexiconTerm(1, "blue", "en", "slang", ("mdma",)),
            LexiconTerm(2, "blue dream", "en", "slang", ("cannabis.herbal",)),
        )
    )
    assert found(lex, "blue dream 5g") == [("blue dream", "blue dream")]


def test_adjacent_matches_are_all_found(lexicon: Lexicon) -> None:
    assert found(lexicon, "coke coke") == [("coke", "coke"), ("coke", "coke")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("❄️ here", [("❄️", "❄️")]),
        ("❄ no selector", [("❄", "❄️")]),
        ("🍁🏽 toned", [("🍁🏽", "🍁")]),  # skin tone joins the unit
        ("🇳🇱 flag", [("🇳🇱", "🇳🇱")]),
        ("🇦🇳🇱🇧", []),  # regional indicators pair from the left: no 🇳🇱 here
        ("👨‍🌾 farmer", [("👨‍🌾", "👨‍🌾")]),
        ("👨‍🌾‍x", [("👨‍🌾", "👨‍🌾")]),
    ],
)
def test_emoji_are_units(lexicon: Lexicon, text: str, expected: list) -> None:
    assert found(lexicon, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("coke❄️", [("coke", "coke"), ("❄️", "❄️")]),
        ("❄️coke", [("❄️", "❄️"), ("coke", "coke")]),
        ("HASH★★★", [("HASH", "hash")]),  # a star is no emoji term, still a boundary
        ("5g hash✅ today", [("hash", "hash")]),
        ("weed😀", [("weed", "weed")]),
        ("cokernut❄️", [("❄️", "❄️")]),  # the symbol ends the word, it does not split it
    ],
)
def test_a_symbol_written_against_a_word_ends_the_word(
    lexicon: Lexicon, text: str, expected: list
) -> None:
    """Posts glue emoji and stars to words ("weed🔥", listing titles "HASH★★★"); the word
    is still a word, for the matcher and for both prefilters that send a post to it."""
    c = compile_lexicon(lexicon)
    assert c.might_match(text) and c._might_match(text, prefilter_view(text))
    assert [(s, t.lower()) for s, t in found(lexicon, text)] == expected


def test_a_one_letter_code_part_written_apart_is_a_word_of_its_own() -> None:
    # "a-PVP" is the code; "a PVP account" is an article and a game's acronym.
    lex = Lexicon(
        terms=(
            LexiconTerm(
                1, "α-PVP", "und", "abbreviation", ("nps.cathinones",), variants=("a-PVP",)
            ),
            LexiconTerm(2, "K hole", "en", "slang", ("ketamine",), "medium"),
        )
    )
    assert found(lex, "a-PVP 1g") == [("a-PVP", "α-PVP")]
    assert found(lex, "selling a PVP account") == []
    # ... unless the term lists the spelling apart itself
    assert found(lex, "fell in a K hole") == [("K hole", "K hole")]


def test_an_emoji_sequence_term_is_found_with_symbols_as_words() -> None:
    lex = Lexicon(terms=(LexiconTerm(1, "🍁🍁", "und", "emoji", ("cannabis.herbal",)),))
    c = compile_lexicon(lex)
    for text in ("🍁🍁", "kush🍁🍁", "🍁🍁 here"):
        assert c.might_match(text) and c._might_match(text, prefilter_view(text)), text
        assert found(lex, text) == [("🍁🍁", "🍁🍁")], text


def test_emoji_inside_a_zwj_sequence_is_not_a_match() -> None:
    lex = Lexicon(terms=(LexiconTerm(1, "🌾", "und", "emoji", ("cannabis.herbal",)),))
    assert found(lex, "👨‍🌾") == []
    assert found(lex, "🌾") == [("🌾", "🌾")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#cokeforsale", [("coke", "coke"), ("forsale", "for sale")]),
        ("#KokainKaufen", [("Kokain", "Kokain"), ("Kaufen", "kaufen")]),
        ("#kokainkaufen", [("kokainkaufen", "kokain")]),  # prefix term covers the tag
        ("#buycocaine", [("cocaine", "cocaine")]),  # unambiguous and long enough
        ("#icecream", []),  # ambiguous and the rest is no term
        ("#fordelivery", []),  # one single-word term inside: matched as a word or not at all
    ],
)
def test_hashtags_are_segmented(lexicon: Lexicon, text: str, expected: list) -> None:
    assert [(s, t.lower()) for s, t in found(lexicon, text)] == [
        (s, t.lower()) for s, t in expected
    ]


def test_a_tag_that_is_one_several_word_term_written_together_matches() -> None:
    lex = Lexicon(
        terms=(LexiconTerm(1, "Sour Diesel", "und", "brand", ("cannabis.herbal",), "medium"),)
    )
    assert found(lex, "#sourdiesel") == [("sourdiesel", "Sour Diesel")]
    assert found(lex, "#SourDiesel") == [("SourDiesel", "Sour Diesel")]
    assert found(lex, "#sourdieselx") == []  # the rest of the tag is no term and it is ambiguous


@pytest.mark.parametrize(
    ("form", "others"),
    [
        ("Girl Scout Cookies", ["Girl Scout Cookie"]),
        ("magic mushroom", ["magic mushrooms"]),
        ("XTC PILLS", ["XTC PILL"]),
        ("OG Kush", []),  # "-es" plurals are left alone
        ("cannabis", []),  # one-word terms keep their number: the other is often a word
        ("crystal glass", []),
    ],
)
def test_number_spellings_of_several_word_names(form: str, others: list[str]) -> None:
    assert number_spellings(form) == others


def test_english_several_word_names_match_in_either_number() -> None:
    lex = Lexicon(terms=(
        LexiconTerm(1, "Girl Scout Cookies", "und", "brand", ("cannabis.herbal",), "high"),
        LexiconTerm(2, "for sale", "en", "phrase", ("signal.offer",), "medium"),
    ))  # fmt: skip
    assert found(lex, "1oz Girl Scout Cookie") == [("Girl Scout Cookie", "Girl Scout Cookies")]
    assert found(lex, "for sales team") == []  # signal phrases keep their exact form


def test_prefilter_keys_are_whole_phrases_and_lone_capitals(lexicon: Lexicon) -> None:
    c = compile_lexicon(lexicon)
    # "smoking" alone, or "E" inside words and contractions, cannot be a term: no full path.
    for text in ("I quit smoking last year", "Every evening, e.g. here", "don't stop"):
        assert not c.might_match(text), text
        assert not c.might_match(text + " é"), text  # the Python path (not ASCII) agrees
    for text in ("herbal  smoking-mixture", "E 10x", "got E!", "x E"):
        assert c.might_match(text), text
        assert [t for _s, t in found(lexicon, text)], text


def test_single_letters_only_count_as_standalone_capitals() -> None:
    lex = Lexicon(terms=(LexiconTerm(1, "K", "en", "abbreviation", ("ketamine",), "high"),))
    assert found(lex, "got some K tonight") == [("K", "K")]
    assert found(lex, "k.o. at 5 k m") == []
    assert found(lex, "it's O'K") == []


def test_compiled_lexicon_is_cached_by_content(lexicon: Lexicon) -> None:
    assert compile_lexicon(lexicon) is compile_lexicon(lexicon)
    copy = Lexicon(terms=tuple(lexicon.terms), version="other")
    assert compile_lexicon(copy) is compile_lexicon(lexicon)


def test_prefilter_rejects_clean_text_and_passes_obfuscations(lexicon: Lexicon) -> None:
    c = compile_lexicon(lexicon)
    assert not c.might_match("the weather is nice and the train was on time")
    for text in ("c.o.c.a.i.n.e", "cooocaaaine", "#KokainKaufen", "h@sh", "C0KE", "сосаіnе"):
        assert c.might_match(text), text
        assert c.find(text), text


def test_a_large_lexicon_compiles_and_matches() -> None:
    """5k generated terms compile into one automaton (the bench times 20k)."""
    terms = tuple(
        LexiconTerm(i, f"zx{i:05d}q", "en", "slang", ("drugs.generic",)) for i in range(5000)
    )
    c = CompiledLexicon(Lexicon(terms=terms))
    assert c.find("buy zx04999q now")[0].terms == (4999,)
    assert c.find("buy zx05000q now") == []
    assert not c.might_match("nothing to see here")


def test_a_modifier_letter_apostrophe_is_an_apostrophe() -> None:
    # Ukrainian writes its apostrophe as U+02BC, a letter to Unicode: the term written with
    # "'" must still be found, with the span of the post's own characters.
    from narcolex.detect import Scanner
    from narcolex.package.lexicon import Lexicon
    from tests.detect.conftest import T

    s = Scanner.from_lexicon(
        Lexicon(terms=(T(1, "наркокур'єр", "uk", "signal.dealer", kind="phrase"),), version="t")
    )
    for text in ("наркокур'єр", "наркокур’єр", "наркокурʼєр"):
        found = s.scan(f"шукають {text} тут").matches
        assert [m.surface for m in found] == [text], text


def test_faux_latin_lettering_is_read_by_its_shapes() -> None:
    # Text generators spell English with Cyrillic and Greek letters of similar shape.
    from narcolex.detect import Scanner
    from narcolex.package.lexicon import Lexicon
    from tests.detect.conftest import TERMS

    s = Scanner.from_lexicon(Lexicon(terms=TERMS, version="t"))
    f = s.scan("gяαм σƒ ρυяє cσcαιηє")
    assert [m.surface for m in f.matches if m.substances] == ["cσcαιηє"], f.explanation


def test_capitals_fold_like_their_small_letters() -> None:
    """A word must match whatever its case: Cyrillic DZE and GHE fold like their small letters
    (the confusables data's first pairs for the capitals are "f" and "y")."""
    from narcolex.detect.normalize import FOLD

    for upper, lower in ("Ѕѕ", "Гг", "Кк", "Сс", "Ηη", "Υυ"):
        assert upper.translate(FOLD) == lower.translate(FOLD), upper
    assert "ЅРЕЕD".translate(FOLD) == "ѕрееd".translate(FOLD) == "speed"


def test_a_latin_word_is_no_reading_of_a_cyrillic_form() -> None:
    # Folding the look-alikes makes Serbian "топ" read "ton": an English "ton" is not it,
    # while the Cyrillic word and a Latin form of the same term still match.
    from narcolex.detect import Scanner
    from narcolex.package.lexicon import Lexicon
    from tests.detect.conftest import T

    only = Scanner.from_lexicon(
        Lexicon(terms=(T(1, "топ", "sr", "cannabis.herbal", amb="high"),), version="t")
    )
    assert only.scan("thanks a ton").matches == ()
    assert [m.surface for m in only.scan("топ трава").matches] == ["топ"]
    both = Scanner.from_lexicon(
        Lexicon(
            terms=(T(1, "top", "sr", "cannabis.herbal", amb="high", variants=("топ",)),),
            version="t",
        )
    )
    assert both.scan("thanks a ton").matches == ()
    assert [m.surface for m in both.scan("top quality").matches] == ["top"]


def test_brand_marks_are_no_letters() -> None:
    # NFKC spells ™ as "TM": "Valium®" and "DOMINO™" must still be the names they mark.
    from narcolex.detect import Scanner
    from narcolex.package.lexicon import Lexicon
    from tests.detect.conftest import T

    s = Scanner.from_lexicon(
        Lexicon(terms=(T(1, "Valium", "en", "benzodiazepines.diazepam"),), version="t")
    )
    for text in ("Valium® 10mg", "VALIUM™ 10mg", "Valium©"):
        assert [m.surface.strip() for m in s.scan(text).matches] == [text.split()[0][:6]], text


def _east_asian() -> Lexicon:
    return Lexicon(
        terms=(
            LexiconTerm(1, "野菜", "ja", "slang", ("cannabis.herbal",), ambiguity="high"),
            LexiconTerm(2, "手押し", "ja", "phrase", ("signal.offer",), ambiguity="high"),
            LexiconTerm(3, "バツ", "ja", "slang", ("mdma",), ambiguity="high"),
            LexiconTerm(4, "아이스", "ko", "slang", ("methamphetamine",), ambiguity="high"),
            LexiconTerm(10, "캔디", "ko", "slang", ("mdma",), ambiguity="high"),
            LexiconTerm(5, "冰毒", "zh", "street_name", ("methamphetamine",)),
            LexiconTerm(6, "cần sa", "vi", "street_name", ("cannabis",)),
            LexiconTerm(7, "ยาบ้า", "th", "street_name", ("methamphetamine",)),
            LexiconTerm(8, "K粉", "zh", "slang", ("ketamine",), ambiguity="medium"),
            LexiconTerm(9, "DM", "en", "phrase", ("signal.contact",), ambiguity="medium"),
        )
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Han and kana: anywhere, the script puts no space between words
        ("今日も都内で野菜の手押しやってます", [("野菜", "野菜"), ("手押し", "手押し")]),
        ("ﾊﾞﾂあります", [("ﾊﾞﾂ", "バツ")]),  # half-width katakana, voicing mark apart
        ("出售冰毒，微信联系", [("冰毒", "冰毒")]),
        ("ขายยาบ้าราคาถูก", [("ยาบ้า", "ยาบ้า")]),  # Thai: no spaces either
        # Hangul: at a word's start, particles and endings written onto it
        ("처음 맛보는 아이스를 팝니다", [("아이스", "아이스")]),
        ("‘아이스’ 팝니다", [("아이스", "아이스")]),
        ("아이캔디", []),  # a form of two syllables inside another word
        ("신상아이스작대기", [("아이스", "아이스")]),  # three or more: nouns written together
        # Vietnamese: whole words, diacritics folded
        ("Bán cần sa, ship", [("cần sa", "cần sa")]),
        ("ban can sa", [("can sa", "cần sa")]),
        ("cần sao", []),
        # a word of another script written against them ends there, both ways
        ("野菜DMください", [("野菜", "野菜"), ("DM", "DM")]),
        ("出售K粉", [("K粉", "K粉")]),
        ("ok粉丝很多", []),  # the Latin edge of "K粉" is a word's edge
        ("ADMください", []),
    ],
)
def test_east_asian_scripts_have_their_own_word_boundaries(text: str, expected: list) -> None:
    assert found(_east_asian(), text) == expected


def test_the_prefilter_lets_east_asian_matches_through() -> None:
    c = compile_lexicon(_east_asian())
    assert c.might_match("今日も都内で野菜の手押しやってます")
    assert c.might_match("처음 맛보는 아이스를 팝니다")
    assert not c.might_match("今日はいい天気です")
    assert c.might_match("DMください")  # the skeleton cannot show where "DM" ends
