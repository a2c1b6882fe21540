"""Price index: price per unit in euro by substance × country × month (median, IQR, n).

Only sale sightings with a euro price per unit count, and only those naming one substance
(at the level asked for): a post offering cocaine and cannabis at one price says nothing
about either. Units are never mixed (a gram and a pill are different goods). Quartiles are
DuckDB's `quantile_cont` (linear interpolation between order statistics, as numpy's default).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from narcolex.monitor.store import MonitorStore
from narcolex.monitor.trends import where_clause


def price_index(
    store: MonitorStore,
    since: date | None = None,
    until: date | None = None,
    group: bool = True,
    min_n: int = 1,
    con: Any = None,
) -> list[dict[str, Any]]:
    """Rows {month, substance, country, unit, median_eur, q1_eur, q3_eur, iqr_eur, n}; with
    `group` substances are rolled up to their top-level group (cannabis.herbal -> cannabis)."""
    where, params = where_clause(since, until, "sale")
    level = "lambda s: split_part(s, '.', 1)" if group else "lambda s: s"
    sql = f"""
        WITH offers AS (
            SELECT strftime(day, '%Y-%m') AS month,
                   list_distinct(list_transform(substances, {level})) AS subs,
                   coalesce(country, '(none)') AS country, unit, unit_price_eur AS p
            FROM sightings
            WHERE {where} AND unit_price_eur IS NOT NULL AND unit IS NOT NULL
        )
        SELECT month, subs[1] AS substance, country, unit,
               median(p), quantile_cont(p, 0.25), quantile_cont(p, 0.75), count(*) AS n
        FROM offers WHERE len(subs) = 1
        GROUP BY ALL HAVING count(*) >= ?
        ORDER BY month, substance, country, unit
    """
    own = con is None
    con = con or store.connect()
    try:
        rows = con.execute(sql, [*params, min_n]).fetchall()
    finally:
        if own:
            con.close()
    return [
        {
            "month": m,
            "substance": s,
            "country": c,
            "unit": u,
            "median_eur": round(med, 2),
            "q1_eur": round(q1, 2),
            "q3_eur": round(q3, 2),
            "iqr_eur": round(q3 - q1, 2),
            "n": n,
        }
        for m, s, c, u, med, q1, q3, n in rows
    ]
