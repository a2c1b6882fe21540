"""Table tests per obfuscation kind and script: what the normalizer undoes, with offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcolex.detect.normalize import (
    normalize,
    normalize_key,
    skeleton,
    squeeze_key,
    word_skeleton,
)


def texts(s: str) -> list[str]:
    return [v.text for v in normalize(s)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("COCAINE", "cocaine"),  # case
        ("C0C@INE", "cocaine"),  # leet digits and symbols
        ("k3tam1ne", "ketamine"),
        ("h@sh", "hash"),
        ("c.o.c.a.i.n.e", "cocaine"),  # separators inside words
        ("c o k e", "coke"),
        ("c-o-k-e", "coke"),
        ("c_o_k_e", "coke"),
        ("c*o*k*e", "coke"),
        ("co\u200bk\u200de", "coke"),  # zero-width characters
        ("cocaïne", "cocaine"),  # diacritics
        ("сосаіnе", "cocaine"),  # Cyrillic look-alikes
        ("ϲοκе", "coke"),  # Greek look-alikes
        ("ｃｏｋｅ", "coke"),  # fullwidth
        ("𝐜𝐨𝐤𝐞", "coke"),  # mathematical bold
        ("𝔠𝔬𝔨𝔢", "coke"),  # mathematical fraktur
        ("Straße", "strasse"),
    ],
)
def test_obfuscations_are_undone(raw: str, expected: str) -> None:
    assert expected in texts(raw)


def test_repeated_letters_get_a_squeezed_reading() -> None:
    vs = normalize("cooocaaaine")
    assert [v.squeezed for v in vs] == [False, True]
    assert vs[1].text == "cocaine"


def test_ambiguous_leet_gives_both_readings() -> None:
    assert set(texts("k1ll")) == {"kill", "klll"}


@pytest.mark.parametrize("raw", ["@example_handle", "wow!", "50€", "1g", "$50"])
def test_symbols_at_token_edges_and_prices_are_not_leet(raw: str) -> None:
    (v,) = normalize(raw)
    assert not any(c in v.text for c in "ao" if c not in raw.lower())


@pytest.mark.parametrize("raw", ["kush!!", "KUSH!!!!", "!!kush", "kush!?!", "kush$$"])
def test_symbol_runs_at_token_edges_are_emphasis_not_letters(raw: str) -> None:
    assert [v.text.strip(" !?$").lower() for v in normalize(raw)] == ["kush"]


def test_symbol_between_letters_is_still_leet() -> None:
    assert [t.strip() for t in texts("h@sh!!")] == ["hash"]


def test_variation_selectors_and_skin_tones_are_dropped() -> None:
    assert texts("❄️ 👍🏽") == ["❄ 👍"]


def test_flags_are_not_letters() -> None:
    (v,) = normalize("🇳🇱")
    assert v.text == "🇳🇱"
    assert skeleton("🇳🇱").isascii() is False


def test_links_are_masked() -> None:
    (v,) = normalize("see http://t.co/hAsh9 now")
    assert "hash" not in v.text and "t co" not in v.text


def test_camel_case_hashtags_are_split() -> None:
    (v,) = normalize("#KokainKaufen")
    assert v.text.split() == ["kokain", "kaufen"]
    assert v.hashtags


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("buy C0C@INE now", "cocaine"),
        ("x c.o.k.e y", "coke"),
        ("a co\u200bke b", "coke"),
        ("cooocaaaine!", "cocaine"),
        ("Straße kokain", "kokain"),
        ("#KokainKaufen", "kokain"),
        ("ａ ｃｏｋｅ ｂ", "coke"),
        ("x 𝐜𝐨𝐤𝐞 y", "coke"),
    ],
)
def test_offsets_map_back_to_the_original(raw: str, needle: str) -> None:
    for v in normalize(raw):
        i = v.text.find(needle)
        if i < 0:
            continue
        s, e = v.span_to_original(i, i + len(needle))
        assert squeeze_key(normalize_key(raw[s:e]).replace(" ", "")) == squeeze_key(needle)
        assert raw[s:e].strip() == raw[s:e]
        return
    pytest.fail(f"{needle!r} not found in any reading of {raw!r}")


def test_term_keys_use_the_same_pipeline() -> None:
    assert normalize_key("4-MMC") == "4 mmc"
    assert normalize_key("  For   Sale ") == "for sale"
    assert normalize_key("❄️") == "❄"


def test_word_skeleton_keeps_boundaries_and_merges_i_and_l() -> None:
    assert word_skeleton("K1ll the c0ke.") == "kiii the coke "


def test_ascii_fast_tables_equal_the_unicode_tables() -> None:
    from narcolex.detect.normalize import FOLD, PUNCT, WORD_SKELETON, punct, word_skeleton

    every = "".join(chr(c) for c in range(128))
    assert every.translate(FOLD) == every.lower()
    assert punct(every) == every.translate(PUNCT)
    assert word_skeleton(every) == every.translate(WORD_SKELETON)


def _leet_readings_reference(text: str) -> list[str]:
    """The leet reading with every token walked character by character (what
    normalize._leet_readings did before it skipped tokens with nothing to read)."""
    from narcolex.detect.normalize import _LEET_A, _LEET_ANY, _LEET_B, _MIXED, LEET_CHARS

    if not _LEET_ANY.search(text) or not _MIXED.search(text):
        return [text]
    a, b = list(text), list(text)
    ambiguous, done_until, n = False, -1, len(text)
    for m in _MIXED.finditer(text):
        if m.start() < done_until:
            continue
        start = m.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in LEET_CHARS):
            start -= 1
        end = m.end()
        while end < n and (text[end].isalnum() or text[end] in LEET_CHARS):
            end += 1
        done_until = end
        tok = text[start:end]
        if sum(c.isalpha() for c in tok) < 2:
            continue
        first = next(j for j, c in enumerate(tok) if c.isalnum())
        last = max(j for j, c in enumerate(tok) if c.isalnum())
        for j, c in enumerate(tok):
            if c not in _LEET_A or (not c.isdigit() and not first < j < last):
                continue
            a[start + j], b[start + j] = _LEET_A[c], _LEET_B[c]
            ambiguous = ambiguous or c in "1|"
    return ["".join(a), "".join(b)] if ambiguous else ["".join(a)]


LEET_PIECES = [
    "@handle", "wow!!", "!!kush", "h@sh", "c0ke", "k1ll", "a|b", "50€", "1g", "5pm", "2014", "x",
    "ab", "٣ab", "e$", "$e", "a!!b", "€uro", " ", ".", "_", "l33t", "6a",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(LEET_PIECES), st.text(alphabet="ab1|!@$€0 _.٣é", max_size=5)),
        max_size=10,
    ).map("".join)
)
def test_leet_readings_skip_only_tokens_with_nothing_to_read(text: str) -> None:
    from narcolex.detect.normalize import _leet_readings

    assert _leet_readings(text) == _leet_readings_reference(text)


def test_thai_vowel_and_tone_marks_are_letters() -> None:
    """Thai writes its vowels and tones as combining marks: "ยาอี" (ecstasy) is not "ยาอ",
    "ฝิ่น" (opium) not "ฝน" (rain), "ข่าย" (net, in "เครือข่าย") not "ขาย" (sell)."""
    from narcolex.detect.normalize import normalize_key, word_skeleton

    assert normalize_key("ยาอี") == "ยาอี" == word_skeleton("ยาอี")
    assert normalize_key("ฝิ่น") != normalize_key("ฝน")
    assert "ขาย" not in normalize_key("เครือข่าย") and "ขาย" not in word_skeleton("เครือข่าย")
