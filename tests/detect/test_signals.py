"""Notation-level sale cues: prices, quantities, contacts, platforms, menus."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcolex.detect.signals import find_signals


def kinds(text: str) -> set[tuple[str, str]]:
    return {(s.code, s.source) for s in find_signals(text)}


def surfaces(text: str, code: str) -> list[str]:
    return [s.surface for s in find_signals(text) if s.code == code]


@pytest.mark.parametrize(
    "text",
    ["€50", "50€", "50 €", "50e", "50eur", "2 -50£", "£20", "$40", "120 zł", "300 kr", "500 Kč",
     "100 lei", "5000 Ft", "40 EUR", "$85usd"],
)  # fmt: skip
def test_prices(text: str) -> None:
    assert ("signal.price", "price") in kinds(f"only {text} today") or (
        "signal.price", "unit_price") in kinds(f"only {text} today")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "price", "amount"),
    [("260 de miligrame pe 100 de dolari", "100 de dolari", "260 de miligrame"),  # ro
     ("10 грамм за 2000 рублей", "2000 рублей", "10 грамм"),  # ru
     ("5 грама 100 лева", "100 лева", "5 грама"),  # bg
     ("5 gramů za 500 korun", "500 korun", "5 gramů"),  # cs
     ("2 grammaa 40 euroa", "40 euroa", "2 grammaa"),  # fi
     ("3 γρ 50 ευρώ", "50 ευρώ", "3 γρ"),  # el
     ("1 gram za 20 eura", "20 eura", "1 gram"),  # hr
     ("5 gramów 200 złotych", "200 złotych", "5 gramów")],  # pl
)  # fmt: skip
def test_prices_and_weights_in_each_language_s_grammar(text: str, price: str, amount: str) -> None:
    assert surfaces(text, "signal.price") == [price]
    assert surfaces(text, "signal.quantity") == [amount]


@pytest.mark.parametrize("text", ["el 5 de mayo", "100 de personas", "a las 10 de la mañana"])
def test_de_joins_a_number_only_to_a_unit(text: str) -> None:
    assert kinds(text) == set()


@pytest.mark.parametrize(
    "text",
    ["4 frascos", "10 pastillas", "5 comprimés", "20 таблеток", "3 kapsułki", "6 pastiglie",
     "10 Kapseln", "5 χάπια", "10 χαπιών", "10 tabletter", "5 pilules"],
)  # fmt: skip
def test_counts_of_units_in_each_language(text: str) -> None:
    assert surfaces(f"hay {text} hoy", "signal.quantity") == [text]


def test_a_title_written_as_a_url_slug_is_read_for_its_amounts() -> None:
    text = "brand-x-2-mg-500-pills-400-usd"
    got = [(x.source, x.surface, text[x.start : x.end]) for x in find_signals(text)]
    assert ("count", "500-pills", "500-pills") in got and ("price", "400-usd", "400-usd") in got
    assert find_signals("a well-known up-to-date five-star pill") == []  # words, no slug


def test_a_number_written_against_a_comma_after_a_word_is_a_number() -> None:
    # "seeds,25 seeds": a comma without its space; "1,000" and "2,5" stay one number.
    assert surfaces("hemp seeds,25 seeds", "signal.quantity") == ["25 seeds"]
    assert surfaces("2,5g", "signal.quantity") == ["2,5g"]


def test_at_least_a_weight_is_a_weight() -> None:
    assert surfaces("crystal 60++ grams worldwide", "signal.quantity") == ["60++ grams"]
    assert surfaces("224+g's for resale", "signal.quantity") == ["224+g"]


def test_pounds_given_with_their_grams_are_a_weight() -> None:
    got = [(x.source, x.surface) for x in find_signals("Headband 1 pound ( 448 grams )")]
    assert got == [("weight", "1 pound"), ("weight", "448 grams")]
    assert ("price", "20 pounds") in [
        (x.source, x.surface) for x in find_signals("20 pounds for 2g")
    ]


def test_a_count_in_thousands_is_one_count() -> None:
    assert surfaces("15,000 pfizer bars", "signal.quantity") == ["15,000 pfizer bars"]
    assert surfaces("a lot of 1,000 pills", "signal.quantity") == ["1,000 pills"]
    assert surfaces("2,5 pills", "signal.quantity") == []  # a decimal comma, no count


@pytest.mark.parametrize("text", ["el 5 de mayo"])
def test_a_date_is_no_count(text: str) -> None:
    assert kinds(text) == set()


def test_unit_prices() -> None:
    assert surfaces("1g=10", "signal.price") == ["1g=10"]
    assert ("signal.price", "unit_price") in kinds("60€/g")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("3.5g", "weight"), ("28 gr", "weight"), ("1kg", "weight"), ("1 oz", "weight"),
     ("an 8th", "weight"), ("1/8oz", "weight"), (".75G", "weight"), ("15gm", "weight"),
     ("10 pills", "count"), ("50 tabs", "count"), ("20 caps", "count"), ("x10", "multiplier"),
     ("10x", "multiplier"), ("6 pcs", "pieces"), ("10x1mg", "multiplier"), ("100 hits", "count"),
     ("20mg", "dose"), ("150ug", "dose"), ("10 ml", "weight"), ("220+mg", "dose"),
     ("250mg/ml", "dose"), ("5 мл", "weight"), ("½g", "weight"), ("¼ oz", "weight"),
     ("1/2 (Half) Gram", "weight"),
     ("half gram", "weight"),
     ("one ounce", "weight"), ("ein Gramm", "weight"), ("ounce of", "weight"),
     ("0.5 liter", "weight"), ("10 LSD blotters", "count"), ("2 bottles", "count"),
     ("Qty: 10", "pieces"), ("5 st", "pieces"), ("10 stk.", "pieces")],
)  # fmt: skip
def test_quantities(text: str, kind: str) -> None:
    assert ("signal.quantity", kind) in kinds(f"got {text} ok")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("t.me/example_handle", "messenger"), ("https://wa.me/000", "messenger"),
     ("wickr: example_handle", "app_id"), ("Signal: example.01", "app_id"),
     ("snap @example_handle", "app_id"), ("write @example_handle", "handle"),
     ("call +44 7700 900000", "phone"), ("http://example.org/x", "link")],
)  # fmt: skip
def test_contacts(text: str, kind: str) -> None:
    assert ("signal.contact", kind) in kinds(text)


@pytest.mark.parametrize(
    "text", ["took 2 of my pills", "in 2020 the pills", "for 2 days pills", "the 1st pill",
             "telegram channel", "a gram of truth is 1 word"],
)  # fmt: skip
def test_not_counts_or_weights(text: str) -> None:
    assert not any(s.source in ("count", "pieces") for s in find_signals(text)), text
    assert ("signal.quantity", "weight") not in kinds(text) or "gram of" in text


@pytest.mark.parametrize(
    ("text", "kind"), [("84%", "purity"), ("99.7 %", "purity"), ("A+", "grade"),
                       ("AAA", "grade"), ("grade A", "grade"), ("A+++", "grade")],
)  # fmt: skip
def test_quality_notations(text: str, kind: str) -> None:
    assert ("signal.quality", kind) in kinds(f"item {text} here")


@pytest.mark.parametrize(
    "text", ["a day", "ABBA", "class A drugs", "%", "100%%", "10~20% cheaper", "10-20%",
             "sale -20%", "-20%", "+20% more"],
)  # fmt: skip
def test_not_quality_notations(text: str) -> None:
    assert not any(s.code == "signal.quality" for s in find_signals(text))


def test_leading_bracketed_count_is_a_listing_quantity() -> None:
    assert ("signal.quantity", "count") in kinds("(50) pressed bars")
    assert ("signal.quantity", "count") not in kinds("see note (50) below")


def test_platform_names() -> None:
    assert ("signal.platform", "app") in kinds("on telegram and wickr")


def test_payment() -> None:
    assert ("signal.payment", "payment") in kinds("pay in BTC or xmr")


def test_leading_reply_mentions_are_not_contacts() -> None:
    assert ("signal.contact", "handle") not in kinds("@someone @other: see you later")
    assert ("signal.contact", "handle") in kinds("@someone write to @example_handle")


def test_email_is_not_a_handle() -> None:
    assert ("signal.contact", "handle") not in kinds("mail me at someone@example.org")


def test_menu_needs_three_priced_lines() -> None:
    menu = "Menu\n🍁 1g 10€\n🍁 5g 45€\n❄️ 1g 80€\n"
    assert any(s.code == "signal.menu" for s in find_signals(menu))
    assert not any(s.code == "signal.menu" for s in find_signals("line one\n5g\nline three"))


@pytest.mark.parametrize("text", ["", "hello world", "in 2014 we met", "page 3 of 10", "1990s"])
def test_plain_text_has_no_price_or_contact(text: str) -> None:
    codes = {c for c, _ in kinds(text)}
    assert not codes & {"signal.price", "signal.contact"}


def test_offsets_are_original() -> None:
    text = "x 50€ y t.me/example_handle"
    for s in find_signals(text):
        assert text[s.start : s.end] == s.surface


PIECES = ["5g", "€50", "50e", "10 pills", "x10", "Qty: 10", "5 st", "84%", "20mg", "1/8 oz",
          "(50)", "[10]", "6 pcs", "3 bags", "1g=10", "60€/g", "+44 7700 900000", "İ", "PİLLS",
          "μg", "µg", " ", "\n", "A+", "grade A", "half gram", "ein Gramm", "t.me/x", "@ab_c",
          "wickr: ab_cd", "BTC", "cash app", "10 pastiglie", "5 pilules", "10 χαπιών",
          "260 de miligrame", "2000 рублей", "5 gramów", "220+mg", "½g", "¼ oz",
          "1/2 (Half) Gram"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=10).map(" ".join))
def test_pattern_gates_never_hide_a_signal(text: str) -> None:
    """A pattern is skipped when characters or words it needs are absent: the result must be
    the same as running every pattern."""
    import narcolex.detect.signals as sig

    gated = find_signals(text)
    saved, keywords = sig._NUMERIC, sig._keywords

    def every_gate(low: str) -> tuple[list[tuple[str, int, int]], set[str]]:
        return keywords(low)[0], set(sig._GATES)

    try:
        sig._NUMERIC = tuple((c, k, p, None) for c, k, p, _ in saved)
        sig._keywords = every_gate
        assert find_signals(text) == gated
    finally:
        sig._NUMERIC, sig._keywords = saved, keywords


def test_a_count_may_name_the_product_in_up_to_three_words() -> None:
    found = [s.surface for s in find_signals("5 Cold Creek Kush seeds") if s.source == "count"]
    assert found == ["5 Cold Creek Kush seeds"]
    assert not [s for s in find_signals("5 of the best seeds") if s.source == "count"]


def test_am_pm_of_a_time_of_day_is_no_contact_word() -> None:
    from narcolex.detect.engine import Scanner
    from narcolex.package.lexicon import Lexicon, LexiconTerm

    lex = Lexicon(
        terms=(
            LexiconTerm(1, "PM", "en", "abbreviation", ("signal.contact",), "high", "medium"),
            LexiconTerm(2, "xanax", "en", "brand", ("benzodiazepines",)),
        )
    )
    s = Scanner.from_lexicon(lex)
    for text in ("xanax, one tablet at 9 PM", "xanax 0.5 at 10:30pm", "xanax in the PM only"):
        assert "signal.contact" not in s.scan(text, lang="en").signals, text
    assert "signal.contact" in s.scan("xanax bars, PM me", lang="en").signals


@pytest.mark.parametrize(
    ("text", "surfaces"),
    [
        ("大麻1g5000円で販売", [("signal.quantity", "1g"), ("signal.price", "5000円")]),
        ("아이스 1g 10만원에 팝니다", [("signal.quantity", "1g"), ("signal.price", "10만원")]),
        ("冰毒 每克300元", [("signal.price", "300元")]),
        ("大麻3グラム", [("signal.quantity", "3グラム")]),
        ("cỏ 1g 500.000 đồng", [("signal.quantity", "1g"), ("signal.price", "500.000 đồng")]),
        ("abc5000円", []),  # a number inside a Latin word is no price
        ("10 เม็ด 1500 บาท", [("signal.quantity", "10 เม็ด"), ("signal.price", "1500 บาท")]),
        ("1 gram Rp 1.500.000", [("signal.quantity", "1 gram"), ("signal.price", "Rp 1.500.000")]),
        ("harga 350rb", [("signal.price", "350rb")]),
        ("ekstasi 10 butir", [("signal.quantity", "10 butir")]),
    ],
)
def test_amounts_in_asian_scripts_and_currencies(text: str, surfaces: list) -> None:
    assert [(s.code, s.surface) for s in find_signals(text)] == surfaces
