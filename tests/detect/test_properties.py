"""Properties that must hold for every input: offsets land on the matched characters of the
original, and scanning never raises (any Unicode, lone surrogates, huge and empty posts)."""

from __future__ import annotations

import random
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcolex.detect import Scanner

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text built from pieces that exercise every normalization stage, mixed with arbitrary Unicode.
PIECES = [
    "cocaine", "C0C@INE", "c.o.k.e", "c o k e", "cooocaaaine", "сосаіnе", "ＣＯＫＥ", "𝐜𝐨𝐤𝐞",
    "co\u200bke", "#KokainKaufen", "#cokeforsale", "Koksdealer", "kokainový", "❄️", "🍁🏽", "🇳🇱",
    "👨‍🌾", "Straße", "ß", "ﬁ", "e\u0301", "50€", "t.me/example_handle", "http://t.co/x", "@a",
    " ", "\n", ".", "-", "k1ll", "h@sh", "Molly", "\ud800", "\udfff", "İ", "ŉ", "4-MMC",
    "k3t", "w33d", "for sale", "dm me", "wietlevering", "sprzedam", "кокаин", "ΚΟΚΑΪΝΗ", "1",
    "@", "|", "$", "#", "Gras", "sp33d", "c0c4ine", "k e t",
    "E", "E!", "don't", "herbal", "smoking", "mixture", "  ", "Е", "Ｅ", "cokewww.x.y",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=12).map("".join)


@SETTINGS
@given(texts)
def test_offsets_land_on_the_matched_characters(scanner: Scanner, text: str) -> None:
    f = scanner.scan(text)
    for m in f.matches:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.surface
    for s in f.signal_details:
        assert text[s.start : s.end] == s.surface
    assert f.verdict in ("sale", "mention", "clean")
    assert 0.0 <= f.score <= 1.0


@SETTINGS
@given(st.text())
def test_scanning_never_raises_on_any_unicode(scanner: Scanner, text: str) -> None:
    scanner.scan(text)


@SETTINGS
@given(st.lists(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=5), texts)
def test_lone_surrogates_are_scanned(scanner: Scanner, sur: list[str], text: str) -> None:
    f = scanner.scan("".join(sur) + text + "".join(sur))
    assert f.to_dict()["verdict"] in ("sale", "mention", "clean")


@SETTINGS
@given(texts)
def test_matches_do_not_overlap(scanner: Scanner, text: str) -> None:
    spans = sorted((m.start, m.end) for m in scanner.scan(text).matches)
    for (_, e1), (s2, _) in pairwise(spans):
        assert e1 <= s2


def test_empty_and_whitespace_posts(scanner: Scanner) -> None:
    for text in ("", " ", "\n\n", "\u200b", "\ufe0f"):
        assert scanner.scan(text).verdict == "clean"


def test_one_megabyte_posts(scanner: Scanner) -> None:
    rng = random.Random(3)
    words = ["cocaine", "50€", "hello", "c.o.k.e", "#cokeforsale", "❄️", "x", "🇳🇱", "k1ll"]
    text = " ".join(rng.choice(words) for _ in range(200_000))[:1_000_000]
    f = scanner.scan(text)
    assert f.matches
    for m in f.matches[:: max(1, len(f.matches) // 500)]:
        assert text[m.start : m.end] == m.surface
    assert scanner.scan("a" * 1_000_000).verdict == "clean"
    assert scanner.scan("#" + "ab" * 500_000).verdict == "clean"


@SETTINGS
@given(texts)
def test_prefilter_never_hides_a_match(lexicon, text: str) -> None:  # type: ignore[no-untyped-def]
    """The prefilter is only a shortcut: with it bypassed, the matches are the same."""
    from narcolex.detect.matcher import CompiledLexicon

    filtered = CompiledLexicon(lexicon)
    unfiltered = CompiledLexicon(lexicon)
    unfiltered._might_match = lambda _text, _skel: True  # type: ignore[method-assign]
    unfiltered.fast = None
    assert filtered.find(text) == unfiltered.find(text)


# ASCII posts take the C fast path; its alphabet is what the skeleton and its checks react to.
ASCII_PIECES = [
    "coke", "c0ke", "k1ll", "h@sh", "kush!!", "c o k e", "c.o.c.a.i.n.e", "c - o - k", "#tag",
    "cooocaaaine", "weed", "wiet", "Koksdealer", "aaa", "iiii", "will", "a b", "x y z", "I",
    "snow", "@handle", "50$", "$", "|", "!", "@", "4-MMC", "mdma", "1", "0", "  ", "\n", "\t",
    "E", "e", "T", "don't", ",", ".", "herbal", "smoking", "mixture", "\x00", "\x1c",
    "iii", "Iii", "kiiill", "ii",
]  # fmt: skip
ascii_texts = st.lists(
    st.one_of(
        st.sampled_from(ASCII_PIECES),
        st.text(alphabet=st.characters(max_codepoint=127), max_size=6),
    ),
    max_size=14,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(ascii_texts)
def test_c_fast_path_agrees_with_the_python_prefilter(lexicon, text: str) -> None:  # type: ignore[no-untyped-def]
    from narcolex.detect.matcher import CompiledLexicon, prefilter_view

    c = CompiledLexicon(lexicon)
    assert c.fast is not None, "the C extension is not built (pip install -e . needs gcc)"
    assert c.fast.check(text) == int(c._might_match(text, prefilter_view(text)))


def test_c_fast_path_leaves_non_ascii_posts_to_python(lexicon) -> None:  # type: ignore[no-untyped-def]
    from narcolex.detect.matcher import CompiledLexicon

    c = CompiledLexicon(lexicon)
    assert c.fast is not None
    assert c.fast.check("сосаіnе") == -1
    assert c.fast.check("café") == -1
    assert c.fast.check("") == 0
    assert [m.start for m in c.find("nice café, coke")] == [11]
