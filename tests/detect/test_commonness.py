"""Measured commonness reads wordfreq's lists through compact tables (detect.commonness):
the same Zipf values as wordfreq itself, for words and phrases."""

from __future__ import annotations

import random

import pytest
import wordfreq

from narcolex.detect import commonness


@pytest.mark.parametrize("lang", ["en", "de", "pl", "ru", "no", "hr", "el"])
def test_the_compact_tables_give_wordfreqs_values(lang: str) -> None:
    code = commonness.wordfreq_code(lang)
    words = sorted(wordfreq.get_frequency_dict(code, wordlist=commonness.WORDLIST))
    sample = [w for w in random.Random(7).sample(words, 400) if w.isalpha()]
    for w in sample:
        assert commonness.zipf(w, lang) == round(
            wordfreq.zipf_frequency(w, code, wordlist=commonness.WORDLIST), 2
        ), w
    for phrase in ("for sale", "in stock", "white powder", "ice cream", "2 grams", "zzqx word"):
        assert commonness.zipf(phrase, lang) == wordfreq.zipf_frequency(
            phrase, code, wordlist=commonness.WORDLIST
        ), phrase


def test_unknown_words_and_languages_are_zero() -> None:
    assert commonness.zipf("zzqxv", "en") == 0.0
    assert commonness.zipf("house", "xx") == 0.0


def test_segmented_and_syllabic_languages() -> None:
    """Japanese, Korean and Chinese words are looked up as written (wordfreq would need MeCab
    or jieba); a Vietnamese form of several syllables is not measured, since wordfreq counts
    syllables and "cần" (need) would make "cần sa" (cannabis) an everyday word."""
    assert commonness.zipf("野菜", "ja") >= commonness.HIGH  # vegetables
    assert commonness.zipf("아이스", "ko") >= commonness.MEDIUM
    assert commonness.zipf("K 粉", "zh") > 0  # a phrase, split at its space
    assert commonness.zipf("cỏ", "vi") >= commonness.HIGH  # grass
    assert commonness.zipf("cần sa", "vi") == 0.0
