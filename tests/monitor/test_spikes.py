"""The spike test's expected count, dispersion and p-value on constructed series."""

import math
from datetime import date, timedelta

import numpy as np
import pytest

from narcolex.monitor.spikes import alerts, nb_test, scan_series
from tests.monitor.conftest import finding, post, put


def poisson_sf(y: int, mu: float) -> float:
    return 1.0 - sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(y))


def nb_sf(y: int, mu: float, alpha: float) -> float:
    r = 1.0 / alpha
    p = r / (r + mu)
    pmf = (math.exp(math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1)) * p**r * (1 - p)**k
           for k in range(y))  # fmt: skip
    return 1.0 - sum(pmf)


def test_flat_baseline_is_poisson_with_shrunk_weekday_factors():
    baseline = np.full(28, 10.0)
    weekdays = np.arange(28) % 7
    test = nb_test(baseline, weekdays, 25, weekday=0)
    level = (280 + 0.5) / 28  # half a sighting added to the total
    factor = (40 + 4 * level) / ((4 + 4) * level)  # 4 Mondays of 10, shrunk by 4 weeks of 1
    assert test.expected == pytest.approx(level * factor)  # = 10.00893
    assert test.dispersion == 0.0  # variance below the mean: Poisson
    assert test.p_value == pytest.approx(poisson_sf(25, level * factor), rel=1e-9)
    assert 1e-5 < test.p_value < 1e-4  # 25 against ~10 a day


def test_overdispersed_baseline_uses_the_negative_binomial():
    counts = np.array([4, 16] * 14, dtype=float)  # mean 10, variance 36
    weekdays = np.arange(28) % 7
    test = nb_test(counts, weekdays, 30, weekday=3)
    level = (280 + 0.5) / 28
    sums = [counts[weekdays == d].sum() for d in range(7)]
    f = [(sums[d] + 4 * level) / (8 * level) for d in range(7)]
    mu = np.array([level * f[d] for d in weekdays])
    alpha = ((counts - mu) ** 2 - mu).sum() / (mu**2).sum()
    assert test.dispersion == pytest.approx(alpha)
    assert test.expected == pytest.approx(level * f[3])
    assert test.p_value == pytest.approx(nb_sf(30, level * f[3], alpha), rel=1e-6)
    # the same count is far less surprising than under Poisson
    assert test.p_value > poisson_sf(30, level * f[3]) * 100


def test_scan_series_alerts_on_the_planted_day_only():
    start = date(2026, 9, 1)
    counts = {start + timedelta(i): 10 for i in range(60)}
    counts[start + timedelta(45)] = 30
    found = scan_series(counts, start, start + timedelta(59))
    assert [(d, n) for d, n, _ in found] == [(start + timedelta(45), 30)]
    # the minimum count holds back a significant rise of a rare series (0 -> 3)
    rare = {start + timedelta(50): 3}
    assert scan_series(rare, start, start + timedelta(59)) == []


def test_alerts_from_the_store(store):
    start = date(2026, 9, 1)
    pairs, n = [], 0
    for i in range(40):
        for _ in range(20 if i == 35 else 4):
            n += 1
            pairs.append((post(str(n), start + timedelta(i)), finding(substances=("cocaine",))))
    put(store, pairs)
    found = alerts(store, "substance", since=start + timedelta(30))
    assert [(a["day"], a["value"], a["count"]) for a in found] == [("2026-10-06", "cocaine", 20)]
    assert found[0]["p_value"] < 1e-3 and found[0]["method"].startswith("negative-binomial")
