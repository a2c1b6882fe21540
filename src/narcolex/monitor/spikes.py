"""Spike detection: a negative-binomial test of each day's count against a trailing baseline.

Method (named so that an analyst can check it): for a series (sightings per day of one
substance, term, language, country or platform) and a day t,

1. the baseline is the 28 days before t (t-28 … t-1);
2. its level is the baseline mean, with half a sighting added to the total so that a series
   that was silent still has a small positive rate;
3. weekday factors (posting differs by weekday) are each weekday's mean over the level,
   shrunk toward 1 as if `SHRINK` extra baseline weeks had shown no weekday effect:
   f_d = (sum_d + k·level) / ((n_d + k)·level);
4. the expected count is μ_t = level · f_weekday(t);
5. over-dispersion is estimated from the baseline by the method of moments of the NB2
   model (Var = μ + α μ²): α = max(0, Σ((y_i − μ_i)² − μ_i) / Σ μ_i²); α = 0 is Poisson;
6. p = P(Y ≥ y_t) under NB(μ_t, α) (scipy.stats.nbinom; Poisson when α = 0);
7. an alert is raised when p < `alpha` and y_t ≥ `min_count`.

The false-alarm rate on stationary streams and the detection delay of planted spikes are
measured in bench/monitor_eval.py and reported in the README.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from narcolex.monitor.store import MonitorStore
from narcolex.monitor.trends import check, daily_counts

BASELINE_DAYS = 28
SHRINK = 4.0
ALPHA = 0.001
MIN_COUNT = 5
METHOD = "negative-binomial test vs trailing 28-day baseline, shrunk weekday factors"


@dataclass(frozen=True)
class Test:
    expected: float
    dispersion: float
    p_value: float


@dataclass(frozen=True)
class Alert:
    day: str
    by: str
    value: str
    count: int
    expected: float
    p_value: float
    dispersion: float
    method: str = METHOD

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def nb_test(
    baseline: np.ndarray, weekdays: np.ndarray, count: int, weekday: int, shrink: float = SHRINK
) -> Test:
    """The test of `count` (on `weekday`, 0 = Monday) against `baseline` counts observed on
    `weekdays` (steps 2–6 of the module's method)."""
    from scipy import stats

    y = np.asarray(baseline, dtype=float)
    wd = np.asarray(weekdays, dtype=int)
    n = len(y)
    level = (y.sum() + 0.5) / n
    factors = np.ones(7)
    for d in range(7):
        mask = wd == d
        factors[d] = (y[mask].sum() + shrink * level) / ((mask.sum() + shrink) * level)
    mu = level * factors[wd]
    alpha = max(0.0, float(((y - mu) ** 2 - mu).sum() / (mu**2).sum()))
    expected = float(level * factors[weekday])
    if count <= 0:
        p = 1.0
    elif alpha > 0:
        r = 1.0 / alpha
        p = float(stats.nbinom.sf(count - 1, r, r / (r + expected)))
    else:
        p = float(stats.poisson.sf(count - 1, expected))
    return Test(expected, alpha, p)


def scan_series(
    counts: dict[date, int],
    start: date,
    end: date,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
    report_from: date | None = None,
) -> list[tuple[date, int, Test]]:
    """Alerts (day, count, test) of one daily series over [start, end] (missing days are 0);
    days before `report_from` serve as baseline only."""
    days = (end - start).days + 1
    if days <= BASELINE_DAYS:
        return []
    y = np.array([counts.get(start + timedelta(i), 0) for i in range(days)], dtype=float)
    wd = np.array([(start + timedelta(i)).weekday() for i in range(days)])
    out = []
    for t in range(BASELINE_DAYS, days):
        day = start + timedelta(t)
        if report_from is not None and day < report_from:
            continue
        if y[t] < min_count:
            continue
        test = nb_test(y[t - BASELINE_DAYS : t], wd[t - BASELINE_DAYS : t], int(y[t]), wd[t])
        if test.p_value < alpha:
            out.append((day, int(y[t]), test))
    return out


def alerts(
    store: MonitorStore,
    by: str = "substance",
    since: date | None = None,
    until: date | None = None,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
    verdict: str | None = "sale",
    con: Any = None,
) -> list[dict[str, Any]]:
    """Alerts of every series of `by` for the days in [since, until] (the baseline reaches
    28 days before `since`); newest first, then by p-value."""
    check(by)
    start = since - timedelta(days=BASELINE_DAYS) if since else None
    series = daily_counts(store, by, start, until, verdict, con=con)
    if not series:
        return []
    first = min(min(s) for s in series.values())
    last = until or max(max(s) for s in series.values())
    first = start or first
    out = []
    for value, counts in series.items():
        for day, count, test in scan_series(counts, first, last, alpha, min_count, since):
            out.append(
                Alert(
                    day.isoformat(),
                    by,
                    value,
                    count,
                    round(test.expected, 3),
                    float(f"{test.p_value:.3g}"),
                    round(test.dispersion, 4),
                )
            )
    out.sort(key=lambda a: (a.day, -a.count), reverse=False)
    out.sort(key=lambda a: a.day, reverse=True)
    return [a.to_dict() for a in out]
