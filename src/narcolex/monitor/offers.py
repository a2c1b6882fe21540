"""Structured offers from a finding's signals: quantity (in g, ml or units), price, currency,
the price in euro and the price per unit.

The scanner already found the notations (`Finding.signal_details`: a price, a weight, a pill
count, a unit price such as "10g = 80€" or "8€/g"); this module only reads their numbers and
units. One offer per post: the first price and the first stock quantity (a dose such as
"20mg" is what one pill holds, not how much is offered, and is ignored). A menu of many
offers yields its first line; the price index works on medians, which one line does not move.

Euro conversion uses the euro foreign exchange reference rates of the European Central Bank
as shipped in the `currencyconverter` package (its bundled copy of the ECB's
eurofxref-hist file, see `RATE_SOURCE`): the rate of the post's day, or of the last
publication day before it (weekends, holidays, and days after the shipped table ends), and
the date of the rate used is stored with the offer. Currencies the ECB does not publish
(crypto-currencies, the rouble since 2022, the hryvnia) get no euro price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from narcolex.detect.finding import Signal

RATE_SOURCE = (
    "European Central Bank, euro foreign exchange reference rates "
    "(https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip), "
    "as shipped in the currencyconverter package"
)
MAX_RATE_AGE_DAYS = 7  # a rate older than this before the post's day is not used

_GRAMS_PER = {
    "g": 1.0,
    "gr": 1.0,
    "grs": 1.0,
    "gm": 1.0,
    "gms": 1.0,
    "grm": 1.0,
    "gram": 1.0,
    "grams": 1.0,
    "gramm": 1.0,
    "gramme": 1.0,
    "grammes": 1.0,
    "gramos": 1.0,
    "grammi": 1.0,
    "grammo": 1.0,
    "gramo": 1.0,
    "г": 1.0,
    "гр": 1.0,
    "kg": 1000.0,
    "kilo": 1000.0,
    "kilos": 1000.0,
    "кг": 1000.0,
    "oz": 28.349523125,
    "ounce": 28.349523125,
    "ounces": 28.349523125,
    "lb": 453.59237,
    "lbs": 453.59237,
    "pound": 453.59237,
}
_ML_PER = {
    "ml": 1.0,
    "cl": 10.0,
    "l": 1000.0,
    "liter": 1000.0,
    "liters": 1000.0,
    "litre": 1000.0,
    "litres": 1000.0,
}
# Weights that sellers write as words (the conventional sizes).
_WORD_WEIGHTS = {
    "8ball": 3.5,
    "eight ball": 3.5,
    "eightball": 3.5,
    "eighth": 3.5,
    "8th": 3.5,
    "qp": 113.398,
    "hp": 226.796,
    "half oz": 14.175,
    "half ounce": 14.175,
    "half o": 14.175,
    "quarter oz": 7.087,
    "quarter ounce": 7.087,
    "quarter pound": 113.398,
    "half pound": 226.796,
    "half a pound": 226.796,
    "half lb": 226.796,
    "half kilo": 500.0,
    "half a kilo": 500.0,
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "een": 1,
    "un": 1,
    "une": 1,
    "uno": 1,
    "una": 1,
    "two": 2,
    "zwei": 2,
    "twee": 2,
    "deux": 2,
    "dos": 2,
    "due": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "ten": 10,
    "half": 0.5,
    "half a": 0.5,
    "halbe": 0.5,
    "halben": 0.5,
    "halbes": 0.5,
    "halve": 0.5,
    "demi": 0.5,
    "un demi": 0.5,
    "medio": 0.5,
    "media": 0.5,
    "mezzo": 0.5,
    "quarter": 0.25,
}
_FRACTIONS = {"1/8": 0.125, "1/4": 0.25, "1/2": 0.5}

_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₽": "RUB", "₴": "UAH", "¥": "JPY"}
_CURRENCY_WORDS = {
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "e": "EUR",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "chf": "CHF",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "kn": "HRK",
    "zł": "PLN",
    "zl": "PLN",
    "pln": "PLN",
    "kč": "CZK",
    "kc": "CZK",
    "czk": "CZK",
    "lei": "RON",
    "ron": "RON",
    "ft": "HUF",
    "huf": "HUF",
    "lv": "BGN",
    "лв": "BGN",
    "руб": "RUB",
    "р": "RUB",
    "грн": "UAH",
    "btc": "BTC",
    "xmr": "XMR",
    "ltc": "LTC",
    "eth": "ETH",
}
# "kr" is the krona/krone of four countries: the post's country decides.
_KRONA = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "FO": "DKK", "GL": "DKK"}

_NUM_UNIT = re.compile(r"^(\d+(?:[.,]\d+)?|[.,]\d+)\s?([^\W\d_]+)")
_FRACTION = re.compile(r"^(1/8|1/4|1/2)\s?(oz|ounce|lb)")
_NUM = re.compile(r"\d+(?:[.,]\d+)*|[.,]\d+")
_CUR_TOKEN = re.compile(r"[€$£₽₴¥]|[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Offer:
    """What a post offers, as far as its notations say."""

    quantity: float | None = None
    unit: str | None = None  # g | ml | units
    price: float | None = None
    currency: str | None = None
    price_eur: float | None = None
    unit_price_eur: float | None = None
    rate_date: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "unit": self.unit,
            "price": self.price,
            "currency": self.currency,
            "price_eur": self.price_eur,
            "unit_price_eur": self.unit_price_eur,
            "rate_date": self.rate_date.isoformat() if self.rate_date else None,
        }


NO_OFFER = Offer()


def parse_number(raw: str) -> float | None:
    """'12,50' -> 12.5, '1.000' / '1,000' -> 1000 (a separator before exactly three digits
    groups thousands), '.5' -> 0.5."""
    raw = raw.strip()
    if not raw:
        return None
    parts = re.split(r"[.,]", raw)
    if len(parts) == 1:
        return float(parts[0])
    if all(len(p) == 3 for p in parts[1:]) and (len(parts) > 2 or parts[0] not in ("", "0")):
        return float("".join(parts))
    head, tail = "".join(parts[:-1]) or "0", parts[-1]
    return float(f"{head}.{tail}")


def _numbers(surface: str) -> list[float]:
    return [n for n in (parse_number(m.group()) for m in _NUM.finditer(surface)) if n is not None]


def currency_of(surface: str, country: str | None = None) -> str | None:
    """The ISO 4217 code (or crypto ticker) named in a price notation."""
    for m in _CUR_TOKEN.finditer(surface):
        tok = m.group().lower()
        if tok in _SYMBOLS:
            return _SYMBOLS[tok]
        if tok in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[tok]
        if tok == "kr":
            return _KRONA.get((country or "").upper())
    return None


def parse_price(surface: str, country: str | None = None) -> tuple[float | None, str | None]:
    """(amount, currency) of a price notation; a range ('20-30€') gives its midpoint."""
    nums = _numbers(surface)
    if not nums:
        return None, None
    amount = (nums[0] + nums[1]) / 2 if len(nums) >= 2 and "-" in surface else nums[0]
    return amount, currency_of(surface, country)


def parse_quantity(surface: str, kind: str) -> tuple[float | None, str | None]:
    """(quantity, unit) normalised to g, ml or units, of a weight, count or pieces notation."""
    low = " ".join(surface.lower().split())
    if kind in ("count", "pieces"):
        nums = _numbers(low)
        return (nums[0], "units") if nums else (None, None)
    if kind != "weight":
        return None, None
    m = _NUM_UNIT.match(low)
    if m and not _FRACTION.match(low):
        found = _in_unit(parse_number(m.group(1)), m.group(2))
        if found[0] is not None:
            return found
    flat = low.replace("-", " ")
    for word, grams in _WORD_WEIGHTS.items():
        head, sep, _ = flat.partition(word)
        if sep and (not head or head.strip() in _NUMBER_WORDS):
            return round(grams * _NUMBER_WORDS.get(head.strip(), 1), 3), "g"
    m = _FRACTION.match(low)
    if m:
        return round(_FRACTIONS[m.group(1)] * _GRAMS_PER[m.group(2)], 3), "g"
    words = flat.split()
    if len(words) < 2:
        return None, None
    unit = words[-1] if words[-1] != "of" else words[-2]
    head = " ".join(w for w in words if w not in (unit, "of"))
    return _in_unit(_NUMBER_WORDS.get(head, 1.0 if head == "" else None), unit)


def _in_unit(qty: float | None, unit: str) -> tuple[float | None, str | None]:
    """`qty` of `unit` in g or ml (None when the unit is not a weight or volume)."""
    if qty is None:
        return None, None
    if unit not in _GRAMS_PER and unit.rstrip("s") in _GRAMS_PER:
        unit = unit.rstrip("s")
    if unit in _GRAMS_PER:
        return round(qty * _GRAMS_PER[unit], 3), "g"
    if unit in _ML_PER:
        return round(qty * _ML_PER[unit], 3), "ml"
    return None, None


def parse_unit_price(
    surface: str, country: str | None = None
) -> tuple[float | None, str | None, float | None, str | None]:
    """(price, currency, quantity, unit) of '10g = 80€' or '8€/g' (quantity 1)."""
    low = surface.lower()
    if "/" in low:
        price_part, _, unit = low.rpartition("/")
        amount, cur = parse_price(price_part, country)
        unit = unit.strip()
        if unit in ("pc", "pill", "tab", "piece"):
            return amount, cur, 1.0, "units"
        qty, norm = parse_quantity(f"1{unit}", "weight")
        return amount, cur, qty, norm
    m = re.match(r"\s*(.+?)\s?[=:@]\s?(.+)$", low)
    if not m:
        return None, None, None, None
    qty, norm = parse_quantity(m.group(1), "weight")
    amount, cur = parse_price(m.group(2), country)
    return amount, cur or currency_of(low, country), qty, norm


@lru_cache(maxsize=1)
def _converter() -> Any:
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def eur_rate(currency: str, when: date) -> tuple[float, date | None] | None:
    """(units of `currency` per euro, the ECB publication date used; None for the euro
    itself), or None when the ECB publishes no rate for it within MAX_RATE_AGE_DAYS before
    `when`."""
    if currency == "EUR":
        return 1.0, None
    conv = _converter()
    if currency not in conv.currencies:
        return None
    last = conv.bounds["USD"].last_date  # the end of the shipped table
    day = min(when, last)
    for back in range(MAX_RATE_AGE_DAYS + 1):
        d = day - timedelta(days=back)
        rate = conv._rates[currency].get(d)
        if rate is not None:
            return float(rate), d
    return None


def to_eur(amount: float, currency: str, when: date) -> tuple[float, date | None] | None:
    """`amount` in euro at the ECB reference rate of `when` (or the last one before it)."""
    found = eur_rate(currency, when)
    if found is None:
        return None
    rate, used = found
    return round(amount / rate, 4), used


_QUANTITY_KINDS = ("weight", "count", "pieces")


def extract_offer(
    signals: tuple[Signal, ...] | list[Signal],
    when: date,
    country: str | None = None,
    text: str | None = None,
) -> Offer:
    """The offer of one post from its signals (NO_OFFER when it names neither); `text`, the
    post, lets a unit price find a currency sign written just after it ('10g = 80€')."""
    price = currency = quantity = unit = None
    for s in signals:
        if s.source == "unit_price" and price is None:
            p, c, q, u = parse_unit_price(s.surface, country)
            if c is None and text is not None:
                c = currency_of(text[s.end : s.end + 5].split(" ")[0] or "", country)
            if p is not None:
                price, currency = p, c
                if q is not None and quantity is None:
                    quantity, unit = q, u
        elif s.source == "price" and price is None:
            price, currency = parse_price(s.surface, country)
        elif s.source in _QUANTITY_KINDS and quantity is None:
            quantity, unit = parse_quantity(s.surface, s.source)
    if price is None and quantity is None:
        return NO_OFFER
    price_eur = rate_date = unit_price = None
    if price is not None and currency is not None:
        converted = to_eur(price, currency, when)
        if converted is not None:
            price_eur, rate_date = converted
    if price_eur is not None and quantity:
        unit_price = round(price_eur / quantity, 4)
    return Offer(quantity, unit, price, currency, price_eur, unit_price, rate_date)
