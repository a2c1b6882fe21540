"""Trend counts and shares on known input."""

from datetime import date

from narcolex.monitor.trends import trends
from tests.monitor.conftest import finding, post, put

MON, TUE, NEXT_MON = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 9)


def _fill(store):
    put(store, [
        (post("1", MON, "telegram"), finding(substances=("cocaine",), lang="en")),
        (post("2", MON, "telegram"), finding(substances=("cocaine", "cannabis.herbal"), lang="de")),
        (post("3", TUE, "x"), finding(substances=("cannabis.herbal",), lang="de")),
        (post("4", TUE, "x"), finding("mention", substances=("cannabis.resin",), lang="de")),
        (post("5", NEXT_MON, "x"), finding(substances=("cocaine",), lang="en")),
    ])  # fmt: skip


def test_counts_and_shares_by_substance_per_week(store):
    _fill(store)
    rows = trends(store, "substance", "week")
    week1 = {r["substance"]: (r["count"], r["total"], r["share"]) for r in rows
             if r["period"] == "2026-11-02"}  # fmt: skip
    # 4 sightings in week 1; a sighting with two substances counts for both
    assert week1 == {"cocaine": (2, 4, 0.5), "cannabis.herbal": (2, 4, 0.5),
                     "cannabis.resin": (1, 4, 0.25)}  # fmt: skip
    assert [(r["period"], r["substance"], r["count"], r["share"]) for r in rows
            if r["period"] == "2026-11-09"] == [("2026-11-09", "cocaine", 1, 1.0)]  # fmt: skip


def test_substance_group_counts_a_sighting_once(store):
    _fill(store)
    rows = trends(store, "substance_group", "month", verdict="sale")
    assert {r["substance_group"]: (r["count"], r["share"]) for r in rows} == {
        "cocaine": (3, 0.75),
        "cannabis": (2, 0.5),
    }


def test_single_valued_dimensions_share_to_one(store):
    _fill(store)
    rows = trends(store, "platform", "day", since=MON, until=TUE)
    assert [(r["period"], r["platform"], r["count"], r["share"]) for r in rows] == [
        ("2026-11-02", "telegram", 2, 1.0),
        ("2026-11-03", "x", 2, 1.0),
    ]
    langs = trends(store, "lang", "week", since=MON, until=TUE)
    assert {r["lang"]: r["share"] for r in langs} == {"de": 0.75, "en": 0.25}
    assert trends(store, "verdict", "month")[0] == {
        "period": "2026-11-01", "verdict": "sale", "count": 4, "total": 5, "share": 0.8
    }  # fmt: skip


def test_empty_store_has_no_trends(store):
    assert trends(store, "term", "day") == []


def test_daily_counts_agree_with_the_sightings(store):
    from narcolex.monitor.trends import DIMENSIONS, EVERY, raw_trend_sql, trend_sql, where_clause

    _fill(store)
    put(store, [(post("6", TUE, "x", country=None), finding(lang=None, terms=("a", "b", "a")))])
    con = store.connect()
    for by in DIMENSIONS:
        for every in EVERY:
            for verdict in (None, "sale"):
                where, params = where_clause(None, None, verdict)
                fast = con.execute(trend_sql(by, every, where), params * 2).fetchall()
                raw = con.execute(raw_trend_sql(by, every, where), params).fetchall()
                assert fast == raw, (by, every, verdict)
    con.close()
