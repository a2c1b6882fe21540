"""Emerging candidates: G2 on a 2x2 table by hand, tokenization, ranking on a small store."""

import math
from datetime import date, timedelta

import pytest

from narcolex.monitor.emerging import candidates, g2, known_forms
from narcolex.monitor.grams import post_grams
from narcolex.package.lexicon import LexiconTerm
from tests.monitor.conftest import finding, post, put


def test_g2_of_a_2x2_table_by_hand():
    # a=10 of 100 sale grams, c=5 of 900 background grams; N=1000
    # expected: 100*15/1000=1.5, 100*985/1000=98.5, 900*15/1000=13.5, 900*985/1000=886.5
    by_hand = 2 * (10 * math.log(10 / 1.5) + 90 * math.log(90 / 98.5)
                   + 5 * math.log(5 / 13.5) + 895 * math.log(895 / 886.5))  # fmt: skip
    assert g2(10, 90, 5, 895) == pytest.approx(by_hand) == pytest.approx(28.8467, abs=1e-4)
    assert g2(5, 95, 50, 950) == pytest.approx(0.0)  # same rate in both
    assert g2(3, 0, 0, 7) > 0  # zero cells count as 0·ln 0 = 0


def test_post_grams_drop_links_handles_and_numbers():
    grams = post_grams("Fresh 🍃🔥 STOCK!! DM @seller_x https://t.me/abc 10g Grüße")
    assert grams == {("word", "fresh"), ("word", "stock"), ("bigram", "fresh stock"),
                     ("emoji", "🍃🔥"), ("word", "dm"), ("word", "grusse")}  # fmt: skip


def test_new_word_of_sale_posts_ranks_first_and_lexicon_forms_never(store):
    start = date(2026, 10, 1)
    known = known_forms([LexiconTerm(1, "coke", "en", "slang", ("cocaine",))])
    pairs, n = [], 0
    for i in range(35):
        day = start + timedelta(i)
        for _ in range(10):
            n += 1
            pairs.append((post(str(n), day, text="nice weather in the park today"),
                          finding("clean", (), ())))  # fmt: skip
        for _ in range(5):
            n += 1
            text = "coke fresh stock today message me"
            if i >= 30:
                text += " zorblax"
            pairs.append((post(str(n), day, text=text), finding()))
    put(store, pairs, keep_text=True)
    result = candidates(store, known, until=start + timedelta(34), days=7)
    grams = [c["gram"] for c in result["items"]]
    assert grams[0] == "zorblax"
    assert "coke" not in grams and not any("coke" in g.split() for g in grams)
    # the ordinary words of adverts are in the history: not candidates
    assert "fresh" not in grams and "stock" not in grams
    top = result["items"][0]
    assert top["count"] == 25 and top["first_seen"] == "2026-10-31"
    assert top["daily"]["2026-11-04"] == 5 and top["platforms"] == {"telegram": 25}
    assert "zorblax" in top["contexts"][0]
    # without history the advert vocabulary is over-represented against clean posts too
    flat = [c["gram"] for c in candidates(store, known, until=start + timedelta(34),
                                          history=False)["items"]]  # fmt: skip
    assert "fresh" in flat and "zorblax" in flat
