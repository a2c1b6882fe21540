"""Counts and shares of sightings per day, week or month, by one dimension.

A sighting names several terms, substances and signals, so for those list columns the
count of a value is the number of sightings that contain it and the shares of one period
can add up to more than 1; for the single-valued columns (language, country, platform,
verdict) they add up to 1. `share` is always count / all sightings of the period (of the
verdict asked for, when one is).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from narcolex.errors import InputError
from narcolex.monitor.store import MonitorStore

# dimension -> (column, is a list column, SQL of one value)
DIMENSIONS: dict[str, tuple[str, bool, str]] = {
    "term": ("terms", True, "v"),
    "substance": ("substances", True, "v"),
    "substance_group": ("substances", True, "split_part(v, '.', 1)"),
    "signal": ("signals", True, "v"),
    "lang": ("lang", False, "v"),
    "country": ("country", False, "v"),
    "platform": ("platform", False, "v"),
    "verdict": ("verdict", False, "v"),
}
EVERY = ("day", "week", "month")


def check(by: str, every: str = "day") -> None:
    if by not in DIMENSIONS:
        raise InputError(f"--by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    if every not in EVERY:
        raise InputError(f"--every must be one of {', '.join(EVERY)}, not {every!r}")


def where_clause(since: date | None, until: date | None, verdict: str | None) -> tuple[str, list]:
    parts, params = ["TRUE"], []
    if since is not None:
        parts.append("day >= ?")
        params.append(since)
    if until is not None:
        parts.append("day <= ?")
        params.append(until)
    if verdict is not None:
        parts.append("verdict = ?")
        params.append(verdict)
    return " AND ".join(parts), params


def trend_sql(by: str, every: str, where: str) -> str:
    """The query behind `trends`, over the `daily` counts (parameters: `where`'s twice)."""
    check(by, every)
    period = f"CAST(date_trunc('{every}', day) AS DATE)"
    return (
        f"WITH t AS (SELECT {period} AS period, sum(n) AS total FROM daily"
        f" WHERE dim = '*' AND {where} GROUP BY 1), "
        f"c AS (SELECT {period} AS period, value, sum(n) AS n FROM daily"
        f" WHERE dim = '{by}' AND {where} GROUP BY 1, 2) "
        "SELECT c.period, c.value, c.n, t.total, c.n / t.total AS share "
        "FROM c JOIN t USING (period) ORDER BY c.period, c.n DESC, c.value"
    )


def raw_trend_sql(by: str, every: str, where: str) -> str:
    """The same answer computed from the sightings themselves (one value per row of a list
    column, counted once): what the `daily` counts must always agree with."""
    check(by, every)
    column, is_list, expr = DIMENSIONS[by]
    period = f"CAST(date_trunc('{every}', day) AS DATE)"
    if is_list:
        values = (
            f"SELECT {period} AS period, list_distinct(list_transform({column}, lambda v: {expr}))"
            f" AS vs FROM sightings WHERE {where}"
        )
        exploded = "SELECT period, unnest(vs) AS value FROM picked"
    else:
        values = f"SELECT {period} AS period, {column} AS v FROM sightings WHERE {where}"
        exploded = "SELECT period, coalesce(v, '(none)') AS value FROM picked"
    return (
        f"WITH picked AS ({values}), "
        "totals AS (SELECT period, count(*) AS total FROM picked GROUP BY period), "
        f"counts AS (SELECT period, value, count(*) AS n FROM ({exploded}) GROUP BY period, value) "
        "SELECT c.period, c.value, c.n, t.total, c.n / t.total AS share "
        "FROM counts c JOIN totals t USING (period) ORDER BY c.period, c.n DESC, c.value"
    )


def trends(
    store: MonitorStore,
    by: str = "substance",
    every: str = "week",
    since: date | None = None,
    until: date | None = None,
    verdict: str | None = None,
    con: Any = None,
) -> list[dict[str, Any]]:
    """Rows {period, <by>, count, total, share} (what GET /v1/trends returns as items)."""
    check(by, every)
    where, params = where_clause(since, until, verdict)
    own = con is None
    con = con or store.connect()
    try:
        rows = con.execute(trend_sql(by, every, where), params * 2).fetchall()
    finally:
        if own:
            con.close()
    return [
        {"period": p.isoformat(), by: v, "count": n, "total": t, "share": round(s, 6)}
        for p, v, n, t, s in rows
    ]


def daily_counts(
    store: MonitorStore,
    by: str,
    since: date | None = None,
    until: date | None = None,
    verdict: str | None = None,
    con: Any = None,
) -> dict[str, dict[date, int]]:
    """value -> {day: count} (days without a sighting are absent)."""
    where, params = where_clause(since, until, verdict)
    own = con is None
    con = con or store.connect()
    try:
        rows = con.execute(trend_sql(by, "day", where), params * 2).fetchall()
    finally:
        if own:
            con.close()
    out: dict[str, dict[date, int]] = {}
    for p, v, n, _t, _s in rows:
        out.setdefault(v, {})[p] = n
    return out


def data_range(store: MonitorStore, con: Any = None) -> tuple[date | None, date | None]:
    """The first and last day with a sighting."""
    own = con is None
    con = con or store.connect()
    try:
        first, last = con.execute("SELECT min(day), max(day) FROM sightings").fetchone()
    finally:
        if own:
            con.close()
    return first, last
