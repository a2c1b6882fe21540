"""Offers: numbers, quantities in g/ml/units, currencies and ECB euro conversion."""

from datetime import date

import pytest

from narcolex.detect.engine import Scanner
from narcolex.monitor.offers import (
    extract_offer,
    parse_number,
    parse_price,
    parse_quantity,
    parse_unit_price,
    to_eur,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12,50", 12.5), ("1.000", 1000.0), ("1,000", 1000.0), ("0,5", 0.5), (".5", 0.5),
     ("3.5", 3.5), ("1.000.000", 1e6)],
)  # fmt: skip
def test_parse_number(raw, value):
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("surface", "kind", "expected"),
    [("10g", "weight", (10.0, "g")), ("2 kilos", "weight", (2000.0, "g")),
     ("1/8 oz", "weight", (3.544, "g")), ("an eighth", "weight", (3.5, "g")),
     ("half gram", "weight", (0.5, "g")), ("one ounce", "weight", (28.35, "g")),
     ("50 pills", "count", (50.0, "units")), ("10 pcs", "pieces", (10.0, "units"))],
)  # fmt: skip
def test_parse_quantity(surface, kind, expected):
    assert parse_quantity(surface, kind) == expected


def test_prices_and_currencies():
    assert parse_price("20-30€") == (25.0, "EUR")
    assert parse_price("£50") == (50.0, "GBP")
    assert parse_price("100 kr", "SE") == (100.0, "SEK")
    assert parse_price("100 kr", "NO") == (100.0, "NOK")
    assert parse_price("100 kr") == (100.0, None)  # whose krona? unknown
    assert parse_unit_price("10g = 80€") == (80.0, "EUR", 10.0, "g")
    assert parse_unit_price("8€/g") == (8.0, "EUR", 1.0, "g")


def test_eur_conversion_uses_the_ecb_rate_of_the_day_or_the_last_before():
    # ECB reference rate of Friday 14 March 2025: 1 EUR = 1.0889 USD = 11.0538 SEK
    assert to_eur(108.89, "USD", date(2025, 3, 14)) == (100.0, date(2025, 3, 14))
    # Saturday: no publication, Friday's rate is used and named
    assert to_eur(110.538, "SEK", date(2025, 3, 15)) == (10.0, date(2025, 3, 14))
    assert to_eur(5, "EUR", date(2025, 3, 15)) == (5, None)
    assert to_eur(1, "BTC", date(2025, 3, 14)) is None  # not an ECB currency
    assert to_eur(10, "HRK", date(2025, 3, 14)) is None  # no ECB rate since the euro (2023)


def test_offer_from_the_scanners_signals():
    text = "Gras 10g 100 euro, Lieferung heute, Telegram @x_de"
    f = Scanner.default().scan(text, lang="de")
    offer = extract_offer(f.signal_details, date(2025, 3, 14), "DE", text)
    assert (offer.quantity, offer.unit, offer.price, offer.currency) == (10.0, "g", 100.0, "EUR")
    assert offer.price_eur == 100.0 and offer.unit_price_eur == 10.0
    uk = Scanner.default().scan("weed 10g = 80£ dm me on telegram", lang="en")
    o = extract_offer(uk.signal_details, date(2025, 3, 14), "GB", "weed 10g = 80£ dm me")
    assert o.currency == "GBP" and o.rate_date == date(2025, 3, 14)
    assert o.price_eur == pytest.approx(80 / 0.84183, abs=1e-3)
