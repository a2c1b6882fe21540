"""The price index: median and interquartile range per substance × country × month."""

from datetime import date

from narcolex.detect.finding import Signal
from narcolex.monitor.prices import price_index
from tests.monitor.conftest import finding, post, put


def _offer(price: str, qty: str) -> tuple[Signal, ...]:
    return (Signal("signal.price", price, 0, len(price), "price"),
            Signal("signal.quantity", qty, 0, len(qty), "weight"))  # fmt: skip


def test_median_and_iqr_by_hand(store):
    day = date(2026, 11, 5)
    pairs = [
        (post(str(i), day, country="DE"),
         finding(substances=("cocaine",), signals=_offer(f"{p}€", "1g")))
        for i, p in enumerate([8, 10, 12, 20])
    ]  # fmt: skip
    # other cells: another country, two substances (left out), a mention (left out)
    pairs.append((post("9", day, country="FR"), finding(signals=_offer("50€", "1g"))))
    pairs.append((post("10", day), finding(substances=("cocaine", "mdma"),
                                           signals=_offer("5€", "1g"))))  # fmt: skip
    pairs.append((post("11", day), finding("mention", signals=_offer("1€", "1g"))))
    pairs.append((post("12", day), finding(substances=("cocaine.crack",),
                                           signals=_offer("30€", "2g"))))  # fmt: skip
    put(store, pairs)
    rows = price_index(store)
    de = next(r for r in rows if r["country"] == "DE")
    # DE cocaine per g: 8, 10, 12, 20 and crack 15 (grouped as cocaine) -> 8 10 12 15 20
    assert (de["median_eur"], de["q1_eur"], de["q3_eur"], de["n"]) == (12.0, 10.0, 15.0, 5)
    exact = price_index(store, group=False)
    de_exact = next(r for r in exact if r["country"] == "DE" and r["substance"] == "cocaine")
    # 8 10 12 20: median 11, quartiles by linear interpolation 9.5 and 14
    assert (de_exact["median_eur"], de_exact["q1_eur"], de_exact["q3_eur"]) == (11.0, 9.5, 14.0)
    assert de_exact["iqr_eur"] == 4.5 and de_exact["unit"] == "g"
    assert [r["n"] for r in rows if r["country"] == "FR"] == [1]
