"""The hashtag shortcut of the matcher (CompiledLexicon._only_hashtags): a post that takes the
full path only for its hashtags, none of which can hold a term, is clean at once. It must
never change a finding: every post it lets through finds nothing on the full path either."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcolex.detect import Scanner
from narcolex.detect.matcher import _HASH_LIKE, CompiledLexicon
from narcolex.detect.normalize import _FoldTable
from narcolex.package.lexicon import Lexicon


@pytest.fixture(scope="module")
def main() -> Lexicon:
    """The bundled release without its context words (what the scanner's matcher holds)."""
    return Scanner.default().compiled.lexicon


@pytest.fixture(scope="module")
def pair(main: Lexicon) -> tuple[CompiledLexicon, CompiledLexicon]:
    """(the matcher as it is, the same matcher with the shortcut switched off)."""
    full = CompiledLexicon(main)
    full._only_hashtags = lambda _text: False  # type: ignore[method-assign]
    return CompiledLexicon(main), full


HASH_PIECES = [
    "#", "##", "#love", "#NowPlaying", "#NowPlaying!", "#tech", "#cokeforsale", "#KokainKaufen",
    "#BuyCoke", "#c0ke", "#co\u200bke", "#weed!!", "#Gras", "#BlueDream", "#bluedream", "#e",
    "#E", "#x", "#lean", "#cocainne", "lll", "cokke", "#mdma.", "#MDMA,", "＃cocaineforsale",
    "﹟weedsale", "#Mladić", "#Станишев", "#кокаин", "#4mmc", "#fun)", "#wow'", "#a.b.c",
    "http://x.co/#coke", "#❄️", "#️⃣", "#ab#cd", "e", "E ", "coke", "c o k e", "  ", " ", "\n",
    "snow", "#snowfall", "#icecream", "#speedy", "#Molly", "#dm", "#forsale", "#420", "aabbccdd",
]  # fmt: skip
texts = st.lists(
    st.one_of(st.sampled_from(HASH_PIECES), st.text(max_size=6)), min_size=1, max_size=10
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_the_shortcut_never_hides_a_match(
    pair: tuple[CompiledLexicon, CompiledLexicon], text: str
) -> None:
    fast, full = pair
    assert fast.find(text) == full.find(text)


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("great game tonight #NowPlaying", True),
        ("#love is all you need #love", True),
        ("no hashtag at all", False),
        ("#cokeforsale dm me", False),  # a term run together inside the tag
        ("#BuyCoke now", False),  # a camel-case word of the tag is a term
        ("lll #cocainne", False),  # the squeezed reading of the post finds it
        ("lll cokke #love", False),  # idem, outside the tag
        ("＃cocaineforsale", False),  # a full-width number sign starts a hashtag too
        ("#c0ke", False),
        ("coke #love", False),  # the rest of the post has a term
    ],
)
def test_what_the_shortcut_lets_through(
    pair: tuple[CompiledLexicon, CompiledLexicon], text: str, alone: bool
) -> None:
    fast, full = pair
    assert fast._only_hashtags(text) is alone
    assert fast.find(text) == full.find(text)
    if alone:
        assert full.find(text) == []


def test_a_post_that_goes_the_fast_way_gets_the_full_paths_finding(main: Lexicon) -> None:
    shortcut = Scanner.default()
    full = Scanner(shortcut.lexicon)
    full.compiled = CompiledLexicon(main)
    full.compiled._only_hashtags = lambda _text: False  # type: ignore[method-assign]
    texts = ("watching the match #NowPlaying #football", "#love #cokeforsale", "#BuyCoke")
    assert shortcut.compiled._only_hashtags(texts[0])
    for text in texts:
        assert shortcut.scan(text, id="p") == full.scan(text, id="p")


def test_every_character_that_folds_to_a_number_sign_starts_a_hashtag() -> None:
    """The full path finds hashtags after folding (normalize): the shortcut must know every
    code point whose fold holds "#", or a post could skip the full path for a hashtag."""
    fold = _FoldTable()
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if "#" in fold[cp]:
            assert _HASH_LIKE.match(chr(cp)), hex(cp)
