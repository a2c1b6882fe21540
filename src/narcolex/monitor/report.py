"""The monitoring report of a period: trends, rising terms, spikes, candidates, prices,
language and platform breakdowns, as one self-contained HTML page (charts inline as SVG) or
a PDF.

Charts are Altair specifications rendered by vl-convert (no browser, no network); the PDF is
the same HTML laid out by WeasyPrint when it is installed (`pip install narcolex[pdf]`, it
needs the Pango library), else the charts and tables are drawn with matplotlib's PDF backend.
The data behind every section is `report_data()`, a plain dict, so the web pages and the API
can show the same report.
"""

from __future__ import annotations

import calendar
import html
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from narcolex.errors import InputError
from narcolex.monitor import emerging, offers, prices, spikes, trends
from narcolex.monitor.store import MonitorStore


def parse_period(period: str) -> tuple[date, date]:
    """'2026-11' (a month), '2026-W45' (an ISO week), '2026-11-01..2026-11-15' (a range) or
    '2026-11-03' (a day) -> (first day, last day)."""
    p = period.strip()
    try:
        if ".." in p:
            a, b = p.split("..", 1)
            first, last = date.fromisoformat(a), date.fromisoformat(b)
        elif "-W" in p:
            year, week = p.split("-W")
            first = date.fromisocalendar(int(year), int(week), 1)
            last = first + timedelta(days=6)
        elif len(p) == 7:
            year, month = (int(x) for x in p.split("-"))
            first = date(year, month, 1)
            last = date(year, month, calendar.monthrange(year, month)[1])
        else:
            first = last = date.fromisoformat(p)
    except ValueError:
        raise InputError(
            f"--period {period!r}: use YYYY-MM, YYYY-Www, YYYY-MM-DD or FIRST..LAST"
        ) from None
    if last < first:
        raise InputError(f"--period {period!r}: the range ends before it starts")
    return first, last


def _breakdown(con: Any, column: str, since: date, until: date) -> list[dict[str, Any]]:
    rows = con.execute(
        f"SELECT coalesce({column}, '(none)'), count(*), count(*) FILTER (verdict = 'sale')"
        " FROM sightings WHERE day BETWEEN ? AND ? GROUP BY 1 ORDER BY 2 DESC",
        [since, until],
    ).fetchall()
    return [{column: v, "sightings": n, "sale": s} for v, n, s in rows]


def rising_terms(con: Any, since: date, until: date, limit: int = 15) -> list[dict[str, Any]]:
    """Terms of sale sightings by their change against the previous period of equal length."""
    days = (until - since).days + 1
    prev = since - timedelta(days=days)
    rows = con.execute(
        """
        WITH t AS (
            SELECT unnest(list_distinct(terms)) AS term, day >= ? AS now
            FROM sightings WHERE verdict = 'sale' AND day BETWEEN ? AND ?
        )
        SELECT term, count(*) FILTER (now) AS n, count(*) FILTER (NOT now) AS before
        FROM t GROUP BY term HAVING count(*) FILTER (now) > 0
        """,
        [since, prev, until],
    ).fetchall()
    out = [
        {
            "term": t,
            "count": n,
            "previous": b,
            "change": n - b,
            "ratio": round((n + 1) / (b + 1), 2),
        }
        for t, n, b in rows
    ]
    out.sort(key=lambda r: (-r["change"], -r["count"], r["term"]))
    return out[:limit]


def report_data(
    store: MonitorStore,
    period: str,
    known: frozenset[str] = frozenset(),
    con: Any = None,
) -> dict[str, Any]:
    """Everything the report shows, as plain data."""
    since, until = parse_period(period)
    own = con is None
    con = con or store.connect()
    try:
        posts = con.execute(
            "SELECT count(*) FROM scanned WHERE day BETWEEN ? AND ?", [since, until]
        ).fetchone()[0]
        n, sale, releases = con.execute(
            "SELECT count(*), count(*) FILTER (verdict = 'sale'), list(DISTINCT release)"
            " FROM sightings WHERE day BETWEEN ? AND ?",
            [since, until],
        ).fetchone()
        every = "day" if (until - since).days <= 62 else "week"
        data = {
            "period": period,
            "since": since.isoformat(),
            "until": until.isoformat(),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "posts": posts,
            "sightings": n,
            "sale": sale,
            "releases": sorted(r for r in (releases or []) if r),
            "every": every,
            "trend": trends.trends(
                store, "substance_group", every, since, until, verdict="sale", con=con
            ),
            "langs": _breakdown(con, "lang", since, until),
            "platforms": _breakdown(con, "platform", since, until),
            "countries": _breakdown(con, "country", since, until),
            "rising": rising_terms(con, since, until),
            "alerts": [
                a
                for by in ("substance_group", "lang", "platform", "country")
                for a in spikes.alerts(store, by, since, until, con=con)
            ],
            "candidates": emerging.candidates(
                store, known, until, days=(until - since).days + 1, limit=15, con=con
            ),
            "prices": prices.price_index(store, since, until, con=con),
        }
    finally:
        if own:
            con.close()
    return data


# -- charts ---------------------------------------------------------------------------------


def top_values(rows: list[dict[str, Any]], field: str, keep: int = 6) -> list[dict[str, Any]]:
    """Trend rows with all but the `keep` largest values (over the period) summed as "other"."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r[field]] = totals.get(r[field], 0) + r["count"]
    kept = set(sorted(totals, key=lambda v: (-totals[v], v))[:keep])
    merged: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["period"], r[field] if r[field] in kept else "other")
        merged[key] = merged.get(key, 0) + r["count"]
    return [{"period": p, field: v, "count": n} for (p, v), n in sorted(merged.items())]


def trend_chart(rows: list[dict[str, Any]], every: str = "day") -> Any:
    import altair as alt

    return (
        alt.Chart(alt.Data(values=top_values(rows, "substance_group")))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=every),
            y=alt.Y("count:Q", title="sale sightings"),
            color=alt.Color("substance_group:N", title="substance"),
        )
        .properties(width=640, height=260, title="Sale sightings by substance")
    )


def bar_chart(rows: list[dict[str, Any]], field: str, title: str) -> Any:
    import altair as alt

    return (
        alt.Chart(alt.Data(values=rows[:20]))
        .mark_bar()
        .encode(
            x=alt.X("sightings:Q", title="sightings"),
            y=alt.Y(f"{field}:N", sort="-x", title=None),
        )
        .properties(width=300, height=max(60, 18 * min(len(rows), 20)), title=title)
    )


def price_chart(rows: list[dict[str, Any]]) -> Any:
    import altair as alt

    values = [{**r, "label": f"{r['substance']} {r['country']} /{r['unit']}"} for r in rows]
    base = alt.Chart(alt.Data(values=values)).encode(y=alt.Y("label:N", title=None))
    return (
        base.mark_rule().encode(x=alt.X("q1_eur:Q", title="EUR per unit"), x2="q3_eur:Q")
        + base.mark_point(filled=True).encode(x="median_eur:Q")
    ).properties(width=400, height=max(60, 18 * len(values)), title="Median price (IQR)")


def svg(chart: Any) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def png(chart: Any, path: str | Path, scale: float = 1.0) -> Path:
    import vl_convert as vlc

    Path(path).write_bytes(vlc.vegalite_to_png(chart.to_dict(), scale=scale))
    return Path(path)


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: .9em; }
th, td { border-bottom: 1px solid #ccc; padding: .2em .6em; text-align: left; }
td.n { text-align: right; } h2 { margin-top: 1.6em; } .note { color: #555; font-size: .85em; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; } svg { max-width: 100%; height: auto; }
"""


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    if not rows:
        return "<p class='note'>none</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            if isinstance(v, dict):
                v = ", ".join(f"{k} {n}" for k, n in list(v.items())[:4])
            elif isinstance(v, list):
                v = " | ".join(str(x) for x in v[:1])
            cls = " class='n'" if isinstance(v, int | float) else ""
            cells.append(f"<td{cls}>{html.escape('' if v is None else str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render_html(data: dict[str, Any]) -> str:
    """The report as one HTML page (charts inline as SVG)."""
    e = html.escape
    charts = []
    if data["trend"]:
        charts.append(svg(trend_chart(data["trend"], data["every"])))
    side = []
    if data["langs"]:
        side.append(svg(bar_chart(data["langs"], "lang", "Languages")))
    if data["platforms"]:
        side.append(svg(bar_chart(data["platforms"], "platform", "Platforms")))
    cands = data["candidates"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>narcolex monitoring report {e(data['period'])}</title><style>{_CSS}</style>",
        "</head><body>",
        f"<h1>Monitoring report {e(data['period'])}</h1>",
        f"<p>{e(data['since'])} to {e(data['until'])}: {data['posts']} posts scanned, "
        f"{data['sightings']} sightings, {data['sale']} with a sale verdict. Releases: "
        f"{e(', '.join(data['releases']) or '-')}. Generated {e(data['generated_at'])}.</p>",
        "<h2>Trends</h2>",
        *charts,
        "<h2>Languages and platforms</h2><div class='charts'>",
        *side,
        "</div>",
        _table(data["countries"][:20], ["country", "sightings", "sale"]),
        "<h2>Rising terms</h2><p class='note'>Terms of sale sightings, against the previous "
        "period of the same length.</p>",
        _table(data["rising"], ["term", "count", "previous", "change", "ratio"]),
        "<h2>Spikes</h2>",
        f"<p class='note'>{e(spikes.METHOD)}; alert when p &lt; {spikes.ALPHA} and the count "
        f"is at least {spikes.MIN_COUNT}.</p>",
        _table(data["alerts"], ["day", "by", "value", "count", "expected", "p_value"]),
        "<h2>Candidate terms</h2>",
        f"<p class='note'>Grams of sale posts unknown to the release, ranked by "
        f"{e(cands['statistic'])}; window {e(cands['window']['since'])} to "
        f"{e(cands['window']['until'])}. Hints for curators, never validated "
        "automatically.</p>",
        _table(
            cands["items"],
            ["gram", "kind", "lang", "g2", "count", "background", "first_seen", "platforms"],
        ),
        "<h2>Price indices</h2>",
    ]
    if data["prices"]:
        parts.append(svg(price_chart(data["prices"])))
    parts += [
        _table(
            data["prices"],
            ["month", "substance", "country", "unit", "median_eur", "q1_eur", "q3_eur", "n"],
        ),
        f"<p class='note'>Prices converted to euro at the {e(offers.RATE_SOURCE)}, at the "
        "rate of the post's day or the last publication before it.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(data: dict[str, Any], path: str | Path, fmt: str = "html") -> Path:
    """Write the report as HTML or PDF."""
    path = Path(path)
    page = render_html(data)
    if fmt == "html":
        path.write_text(page, encoding="utf-8")
        return path
    if fmt != "pdf":
        raise InputError(f"--format must be html or pdf, not {fmt!r}")
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # not installed, or Pango missing
        return _matplotlib_pdf(data, path)
    HTML(string=page).write_pdf(path)
    return path


def _matplotlib_pdf(data: dict[str, Any], path: Path) -> Path:
    """A plainer PDF without WeasyPrint: the charts as images and the tables as text."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt
    import vl_convert as vlc
    from matplotlib.backends.backend_pdf import PdfPages

    charts = [trend_chart(data["trend"], data["every"])] if data["trend"] else []
    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        lines = [
            f"Monitoring report {data['period']}",
            f"{data['posts']} posts, {data['sightings']} sightings, {data['sale']} sale",
        ]
        for title, rows in (
            ("Rising terms", data["rising"]),
            ("Spikes", data["alerts"]),
            ("Candidates", data["candidates"]["items"]),
            ("Prices", data["prices"]),
        ):
            lines.append("")
            lines.append(title)
            lines.extend(
                str({k: v for k, v in r.items() if k != "contexts"})[:110] for r in rows[:12]
            )
        fig.text(0.05, 0.97, "\n".join(lines), va="top", family="monospace", fontsize=6)
        pdf.savefig(fig)
        plt.close(fig)
        for chart in charts:
            img = mpimg.imread(io.BytesIO(vlc.vegalite_to_png(chart.to_dict())), format="png")
            fig = plt.figure(figsize=(8.27, 5))
            plt.imshow(img)
            plt.axis("off")
            pdf.savefig(fig)
            plt.close(fig)
    return path
