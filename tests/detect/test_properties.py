"""Properties that must hold for every input: offsets land on the matched characters of the
original, and scanning never raises (any Unicode, lone surrogates, huge and empty posts)."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
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


# Every script the C prefilter reads from its code point table, and what its checks react to
# there: look-alike capitals standing alone, tripled and doubled letters of other alphabets,
# combining marks, ligatures, fullwidth and mathematical letters, spaces of other kinds, emoji.
WIDE_PIECES = [
    *PIECES, "Е", "Ｅ", "𝐄", "Ε", "К", "K", "ххх", "ссс", "ааа", "222", "٣٣٣", "ііі", "ⅲ", "ｉｉｉ",
    "ﬃ", "ǅ", "Ǆ", "\u00a0", "\u2028", "\u3000", "д д д", "a б c", "🙂 🙂 🙂", "ččč", "аа",
    "бб", "\u0301", "x\u0301x\u0301x", "Ⓔ", "²", "½", "Ⅻ", "‼", "！", "＠", "€", "İİİ", "ß",
    "прода@м", "нарк€", "кокаин", "κοκαΐνη", "👨‍🌾", "❄", "\ufe0f",
]  # fmt: skip
# Code point ranges inside normalize.SKELETON_PAGES, mixed at random.
WIDE_RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
               (0x600, 0x6FF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x218F),
               (0x2460, 0x24FF), (0x3000, 0x303F), (0xFB00, 0xFB4F), (0xFE00, 0xFE0F),
               (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF),
               (0xE0000, 0xE007F)]  # fmt: skip
wide_texts = st.lists(
    st.one_of(
        st.sampled_from(WIDE_PIECES),
        *(
            st.text(st.characters(min_codepoint=lo, max_codepoint=hi), max_size=4)
            for lo, hi in WIDE_RANGES
        ),
    ),
    max_size=12,
).map("".join)


def _outside_table(text: str) -> bool:
    """A code point outside the C table, or one of an Asian script, whose glued words the
    Python prefilter reads (normalize.ASIAN_GLUE)."""
    from narcolex.detect.normalize import _ASIAN, SKELETON_PAGES

    return any(ord(c) >> 8 not in SKELETON_PAGES for c in text) or _ASIAN.search(text) is not None


@settings(max_examples=800, deadline=None)
@given(wide_texts)
def test_c_fast_path_agrees_with_the_python_prefilter_in_any_script(lexicon, text: str) -> None:  # type: ignore[no-untyped-def]
    from narcolex.detect.matcher import CompiledLexicon, prefilter_view

    c = CompiledLexicon(lexicon)
    assert c.fast is not None, "the C extension is not built (pip install -e . needs gcc)"
    got = c.fast.check(text)
    if got < 0:  # lone surrogates, which are not in the table, or an Asian script
        assert _outside_table(text)
    else:
        assert got == int(c._might_match(text, prefilter_view(text)))


@SETTINGS
@given(st.text())
def test_c_fast_path_answers_or_leaves_the_post_to_python(lexicon, text: str) -> None:  # type: ignore[no-untyped-def]
    """Any Unicode: the C check gives the Python prefilter's answer, or -1 only when a code
    point lies outside its table or is of an Asian script."""
    from narcolex.detect.matcher import CompiledLexicon, prefilter_view

    c = CompiledLexicon(lexicon)
    assert c.fast is not None
    got = c.fast.check(text)
    if got < 0:
        assert _outside_table(text)
    else:
        assert got == int(c._might_match(text, prefilter_view(text)))


@settings(max_examples=800, deadline=None)
@given(st.one_of(ascii_texts, wide_texts, st.text()))
def test_c_view_is_the_python_prefilter_view(lexicon, text: str) -> None:  # type: ignore[no-untyped-def]
    """The C word-skeleton view (used by the matcher for the spaced-letters check) is
    prefilter_view's string, in any script, or None exactly when a code point lies outside
    its table."""
    from narcolex.detect.matcher import CompiledLexicon, prefilter_view

    c = CompiledLexicon(lexicon)
    assert c.fast is not None, "the C extension is not built (pip install -e . needs gcc)"
    got = c.fast.view(text)
    if got is None:
        assert _outside_table(text) and not text.isascii()
    else:
        assert got == prefilter_view(text)


def test_c_view_edges(lexicon) -> None:  # type: ignore[no-untyped-def]
    from narcolex.detect.matcher import CompiledLexicon, prefilter_view

    c = CompiledLexicon(lexicon)
    assert c.fast is not None
    edges = ("", " ", "\t\n ", ",,", "a", " c o k e ", "ǅx", "\u00a0x\u3000y", "🙂 🙂",
             "C0C@INE", "кокаин, 1g!", "𝐜𝐨𝐤𝐞", "ＣＯＫＥ", "x\u0301y", "\U000e0041")  # fmt: skip
    for text in edges:
        assert c.fast.view(text) == prefilter_view(text), text
    assert prefilter_view("") == "  " == c.fast.view("")
    assert c.fast.view("\U00020000 coke") is None
    assert c.fast.view("\ud800") is None


def test_c_fast_path_leaves_code_points_outside_its_table_to_python(lexicon) -> None:  # type: ignore[no-untyped-def]
    from narcolex.detect.matcher import CompiledLexicon

    c = CompiledLexicon(lexicon)
    assert c.fast is not None
    assert c.fast.check("сосаіnе") == 1
    assert c.fast.check("café") == 0
    assert c.fast.check("") == 0
    assert c.fast.check("Привет, как дела?") == 0
    assert c.fast.check("E вот") == 1  # a one-letter term standing alone
    assert c.fast.check("\U00020000 coke") == -1  # CJK extension B: not in the table
    assert c.fast.check("coke, \ud800") == 1  # the term is found before the surrogate
    assert c.fast.check("\ud800 hello") == -1
    assert [m.start for m in c.find("nice café, coke")] == [11]
    assert [m.start for m in c.find("\U00020000 coke")] == [2]


def test_c_fast_path_agrees_with_the_python_prefilter_on_the_dev_set() -> None:
    """Every post of the development set (../shared/data/dev, when present) and the bundled
    release: the C check gives the Python prefilter's answer wherever it answers."""
    import json
    from pathlib import Path

    from narcolex.detect.matcher import prefilter_view

    dev = next(
        (
            p / "shared" / "data" / "dev"
            for p in Path(__file__).resolve().parents
            if (p / "shared" / "data" / "dev").is_dir()
        ),
        None,
    )
    if dev is None:
        pytest.skip("no ../shared/data/dev next to the repository")
    c = Scanner.default().compiled
    assert c.fast is not None
    answered = 0
    for f in sorted(dev.glob("*.jsonl")):
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                text = json.loads(line)["text"]
                got = c.fast.check(text)
                if got < 0:
                    assert _outside_table(text)
                    continue
                answered += 1
                assert got == int(c._might_match(text, prefilter_view(text))), text
                view = c.fast.view(text)  # None where a later code point is outside the table
                assert view == prefilter_view(text) if view is not None else _outside_table(text)
    assert answered > 0


def test_c_prefilter_refuses_a_table_it_could_read_out_of_bounds() -> None:
    """The code point table comes from Python: sizes, starts and code points are checked
    once when the prefilter is built, so that no post can make it read outside them."""
    from array import array

    fastpath = pytest.importorskip("narcolex.detect._fastpath")
    from narcolex.detect.normalize import _U32, _WORD_SKELETON_ASCII, word_skeleton_pages

    assert _WORD_SKELETON_ASCII is not None
    table, lone = _WORD_SKELETON_ASCII, bytes(256)
    pages, starts, pool, flags = word_skeleton_pages()
    good = fastpath.Prefilter([" coke "], table, lone, (pages, starts, pool, flags))
    assert good.check("кока coke") == 1 and good.check("кока") == 0
    bad_starts = array(_U32, starts)
    bad_starts[-1] = len(pool) // 4 + 1  # past the end of the pool
    bad_points = array(_U32, pool)
    bad_points[0] = 0x110000  # not a code point
    for wrong in (
        (pages, starts[:-4], pool, flags),  # one start missing
        (pages, starts, pool, flags[:-1]),  # one flag missing
        (pages, bad_starts.tobytes(), pool, flags),
        (pages, starts, bad_points.tobytes(), flags),
        ((0x1100, *pages[1:]), starts, pool, flags),  # a page beyond U+10FFFF
        ((0, *pages[:-1]), starts, pool, flags),  # page 0 twice
    ):
        with pytest.raises(ValueError):
            fastpath.Prefilter([" coke "], table, lone, wrong)
    with pytest.raises(TypeError):
        fastpath.Prefilter([b" coke "], table, lone)  # keys are str


# normalize's C helpers (needs_squeeze, collapse_spaces) against the Python code they stand
# in for, on the pieces above, every script of the C table, doubled and tripled letters of
# other alphabets, digits of other scripts, underscores and runs of spaces.
SQUEEZE_PIECES = [
    *WIDE_PIECES, "cc", "oo", "ccoccaiinne", "bookkeeper", "aa_bb_cc", "aa-bbcc", "²²²", "٣٣٣",
    "٣٣", "ⅫⅫ", "ЖЖ", "жжж", "𝐚𝐚", "éé", "e\u0301e\u0301", "\u0301\u0301\u0301", "  ", "   ",
    "\t\t", "\u00a0\u00a0", "🙂🙂🙂", "aa1bb2cc", "xaax", "\n\n\n",
]  # fmt: skip
squeeze_texts = st.lists(
    st.one_of(st.sampled_from(SQUEEZE_PIECES), st.text(max_size=4)), max_size=14
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(squeeze_texts, wide_texts, texts))
def test_c_normalize_helpers_agree_with_python(text: str) -> None:
    from narcolex.detect import normalize as n

    c_squeeze, c_collapse = n._needs_squeeze, n._c_collapse_spaces
    assert c_squeeze is not n.needs_squeeze and c_collapse is not None, (
        "the C extension is not built (pip install -e . needs gcc)"
    )
    for t in (text, text.lower(), n.punct(text)):
        assert c_squeeze(t) == n.needs_squeeze(t)
        got = c_collapse(t)
        parts = [m.span() for m in n._SPACES.finditer(t)]
        if got is None:
            assert not parts
        else:
            want, stage = n._sub_with_edits(n._SPACES, t, lambda m: " ")
            assert stage is not None and got == (want, stage.edits)


def test_c_normalize_helpers_on_every_code_point() -> None:
    """Each code point of the alphabets (and every 7th beyond) tripled, and doubled three
    times in one word (and across an underscore, which ends a word for doubled_word): C and
    Python agree."""
    from narcolex.detect import normalize as n

    for cp in (*range(0x3000), *range(0x3000, 0x110000, 7)):
        ch = chr(cp)
        for t in (ch * 3, (ch * 2 + "x") * 3, ch * 2 + "_" + ch * 2 + "a" + ch * 2):
            assert n._needs_squeeze(t) == n.needs_squeeze(t), hex(cp)


def test_c_has_digit_agrees_with_python_on_every_code_point() -> None:
    """signals.has_digit in C (the gate of every amount pattern) and in Python agree on each
    code point, alone and inside a wide string, and on the texts of the other checks."""
    from narcolex.detect import signals

    c = signals._has_digit
    assert c is not signals.has_digit, "the C extension is not built (pip install -e . needs gcc)"
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for t in (ch, "ж" + ch, "🙂" + ch):
            assert c(t) == signals.has_digit(t), hex(cp)
    for t in ("", "no digits here", "price 20€", "٣ kg", "²³", "𝟙"):
        assert c(t) == signals.has_digit(t), t
