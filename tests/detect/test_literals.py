"""The literal gate (detect.literals) never rules out a pattern that matches: checked on text
generated from each gated pattern itself, on its words in any case and spacing, and on the
letters re.IGNORECASE equates with ASCII ones."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcolex.detect.literals import LiteralGate, required_strings
from narcolex.detect.signals import GATE

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ASCII = st.characters(codec="ascii")
GATED = [p for p in GATE.patterns if GATE.gated(p)]


def test_the_costly_patterns_are_gated() -> None:
    assert len(GATED) == len(GATE.patterns)  # every pattern given to the gate has words


@pytest.mark.parametrize("pattern", GATED, ids=lambda p: p.pattern[:30])
@SETTINGS
@given(data=st.data())
def test_text_the_pattern_matches_passes_the_gate(
    pattern: re.Pattern[str], data: st.DataObject
) -> None:
    text = data.draw(st.from_regex(pattern, alphabet=ASCII))
    # whatever surrounds it, in any case
    text = data.draw(st.text(ASCII, max_size=6)) + text + data.draw(st.text(ASCII, max_size=6))
    for t in (text, text.upper(), text.swapcase()):
        if pattern.search(t):
            assert LiteralGate([pattern]).may_match(pattern, t), t


WORDS = sorted({w for p in GATED for w in required_strings(p) or ()})
SPACE = st.sampled_from([" ", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "  "])
OTHER = ["I", "we", "my", "as", "will", "side", "according", "e", "5", "10", "/", "of", "http", ":"]
PIECE = st.one_of(st.sampled_from(WORDS), SPACE, st.text(ASCII, max_size=4), st.sampled_from(OTHER))


@SETTINGS
@given(st.lists(PIECE, max_size=10).map("".join), st.sampled_from(["lower", "upper", "title"]))
def test_word_soup_never_loses_a_match(text: str, case: str) -> None:
    text = getattr(text, case)()
    gate = LiteralGate(GATED)
    for pattern in GATED:
        if pattern.search(text):
            assert gate.may_match(pattern, text), (pattern.pattern[:30], text)


def test_a_post_without_the_words_skips_the_pattern() -> None:
    guide = next(p for p in GATED if "tutorial" in p.pattern)
    gate = LiteralGate([guide])
    assert not gate.may_match(guide, "Fresh stock, 5g for 50e, text me")
    assert gate.may_match(guide, "PDF\tguide to 5g")
    assert gate.may_match(guide, "Führer für 5g")  # non-ASCII posts are never ruled out
    assert gate.may_match(re.compile("x"), "anything")  # a pattern the gate was not given


def test_letters_equal_to_ascii_under_ignorecase_are_not_gated() -> None:
    # U+212A KELVIN SIGN matches "k", U+017F LONG S "s", U+0130 "i": an ASCII post can match
    # them where their lower case never occurs
    post = "kelvin stuff instagram"
    for p in ("\u212aelvin", "\u017ftuff", "\u0130nstagram"):
        pattern = re.compile(p, re.IGNORECASE)
        assert pattern.search(post)
        assert required_strings(pattern) is None
        assert LiteralGate([pattern]).may_match(pattern, post)


@pytest.mark.parametrize(
    ("pattern", "need"),
    [
        (r"(?<!\w)(?:police|court)(?!\w)", {"police", "court"}),
        (r"as\s+advertised", {" advertised"}),
        (r"\d+e(?!\w)", {f"{d}e" for d in range(10)}),
        (r"[1-5]\s?stars?", {f"{d}{s}star" for d in range(1, 6) for s in ("", " ")}),
        (r"(?:https?://)?t\.me/\S+", {"t.me/"}),
        (r"\w+ing", {"ing"}),
        (r"[^a]bc", {"bc"}),
    ],
)
def test_required_strings(pattern: str, need: set[str]) -> None:
    got = required_strings(re.compile(pattern, re.IGNORECASE))
    assert got is not None and set(got) == {str(n) for n in need}


@pytest.mark.parametrize(
    "pattern",
    [r"x?y?", r"\w+", r"(?i:police)", r"a|\w", r"[^a]b", r"e", r"(police)?"],
)
def test_no_useful_strings(pattern: str) -> None:
    assert required_strings(re.compile(pattern, re.IGNORECASE)) is None


def test_case_sensitive_patterns_are_not_gated() -> None:
    assert required_strings(re.compile("police")) is None
