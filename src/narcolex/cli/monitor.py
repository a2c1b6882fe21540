"""`narcolex monitor …`: record sightings and read developments from them (issue 16)."""

from __future__ import annotations

import csv
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from narcolex.cli.common import DbOption, JsonOption, err, out, print_json, print_table
from narcolex.errors import InputError

monitor_app = typer.Typer(
    help="Monitoring: record sightings, then trends, alerts, candidates, prices, reports.",
    no_args_is_help=True,
)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="NARCOLEX_MONITOR_DIR",
        help="Monitoring store folder (default: in the user data dir).",
        show_envvar=True,
    ),
]
SinceOption = Annotated[str | None, typer.Option("--since", help="First day (YYYY-MM-DD).")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
ReleaseOption = Annotated[int | None, typer.Option("--release", help="Release number.")]
BundledOption = Annotated[
    bool, typer.Option("--bundled", help="Use the bundled package, not the database.")
]


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _store(path: str | None) -> Any:
    from narcolex.monitor.store import open_store

    return open_store(path)


def _emit(rows: list[dict[str, Any]], as_json: bool, as_csv: bool, title: str) -> None:
    if as_json:
        print_json(rows)
        return
    if as_csv:
        columns = list(rows[0]) if rows else []
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _cell(v) for k, v in r.items()})
        return
    if not rows:
        out.print(f"{title}: none", highlight=False)
        return
    table = Table(title=title)
    for c in rows[0]:
        table.add_column(c, justify="right" if isinstance(rows[0][c], int | float) else "left")
    for r in rows:
        table.add_row(*(_cell(v) for v in r.values()))
    print_table(table)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict):
        return ", ".join(f"{k} {n}" for k, n in v.items())
    if isinstance(v, list):
        return " | ".join(str(x) for x in v)
    return str(v)


@monitor_app.command("ingest")
def ingest_cmd(
    input: Annotated[str, typer.Argument(help="JSONL, CSV or Parquet posts; '-' for stdin")],
    keep_text: Annotated[
        bool, typer.Option("--keep-text", help="Store post text (for contexts), until purged.")
    ] = False,
    retention_days: Annotated[
        int, typer.Option("--retention-days", min=1, help="Days kept text may stay.")
    ] = 30,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Scanning processes.")] = 1,
    store: StoreOption = None,
    db: DbOption = None,
    release: ReleaseOption = None,
    bundled: BundledOption = False,
    as_json: JsonOption = False,
) -> None:
    """Scan posts (id, text, created_at, platform, country[, lang]) and record one sighting per
    post with a match. Post ids are kept only as keyed hashes; posts already recorded are
    skipped, so re-ingesting the same file adds nothing."""
    from narcolex.cli.scan import _progress, _scanner
    from narcolex.detect.io import guess_format, read_posts
    from narcolex.monitor.sightings import ingest

    guess_format(input)
    st = _store(store)
    scanner = _scanner(db, release, bundled)
    report = ingest(
        st,
        read_posts(input),
        scanner,
        keep_text=keep_text,
        retention_days=retention_days,
        workers=workers,
        progress=lambda rows: _progress(rows, "ingesting"),
    )
    if as_json:
        print_json(report.to_dict())
        return
    days = sorted(report.days)
    span = f"{days[0]} .. {days[-1]}" if days else "-"
    out.print(
        f"{report.posts} posts read, {report.new_posts} new, {report.duplicates} already "
        f"recorded; {report.sightings} sightings written ({span}) to {st.root} "
        f"with release {report.release}",
        highlight=False,
    )


@monitor_app.command("trends")
def trends_cmd(
    by: Annotated[
        str,
        typer.Option(
            "--by", help="term|substance|substance_group|signal|lang|country|platform|verdict"
        ),
    ] = "substance",
    every: Annotated[str, typer.Option("--every", help="day|week|month")] = "week",
    since: SinceOption = None,
    until: UntilOption = None,
    verdict: Annotated[
        str | None, typer.Option("--verdict", help="Only sightings with this verdict.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="At most this many values a period.")] = 0,
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Counts and shares of sightings per period by one dimension."""
    from narcolex.monitor.trends import trends

    rows = trends(_store(store), by, every, _day(since, "--since"), _day(until, "--until"), verdict)
    if top:
        kept: dict[str, int] = {}
        picked = []
        for r in rows:
            kept[r["period"]] = kept.get(r["period"], 0) + 1
            if kept[r["period"]] <= top:
                picked.append(r)
        rows = picked
    _emit(rows, as_json, as_csv, f"sightings by {by} per {every}")


@monitor_app.command("alerts")
def alerts_cmd(
    by: Annotated[str, typer.Option("--by", help="Series: substance_group, term, lang, …")] = (
        "substance_group"
    ),
    since: SinceOption = None,
    until: UntilOption = None,
    days: Annotated[int, typer.Option("--days", help="Without --since: the last N days.")] = 7,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.")] = 0.001,
    min_count: Annotated[int, typer.Option("--min-count", help="Smallest alerting count.")] = 5,
    verdict: Annotated[str, typer.Option("--verdict", help="sale|mention|clean|any")] = "sale",
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Spikes: days whose count is improbably high against the trailing 28 days
    (negative-binomial test with weekday factors; see narcolex.monitor.spikes)."""
    from datetime import timedelta

    from narcolex.monitor.spikes import METHOD, alerts
    from narcolex.monitor.trends import data_range

    st = _store(store)
    first, last = _day(since, "--since"), _day(until, "--until")
    if first is None:
        _, end = data_range(st)
        end = last or end
        first = end - timedelta(days=days - 1) if end else None
    rows = alerts(st, by, first, last, alpha, min_count, None if verdict == "any" else verdict)
    if not (as_json or as_csv):  # the method is in the title, not on every row
        rows = [{k: v for k, v in r.items() if k not in ("method", "by")} for r in rows]
    _emit(rows, as_json, as_csv, f"alerts by {by} ({METHOD}, p < {alpha})")


@monitor_app.command("candidates")
def candidates_cmd(
    until: UntilOption = None,
    days: Annotated[int, typer.Option("--days", help="Window length in days.")] = 7,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 20,
    min_count: Annotated[int, typer.Option("--min-count", help="Posts in the window.")] = 5,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Do not count earlier sale posts as background.")
    ] = False,
    propose: Annotated[
        bool, typer.Option("--propose", help="Put them into the review queue as proposed terms.")
    ] = False,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Curator or admin who proposes (with --propose).")
    ] = None,
    store: StoreOption = None,
    db: DbOption = None,
    release: ReleaseOption = None,
    bundled: BundledOption = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Emerging terms: grams of sale posts unknown to the release, over-represented against
    clean posts, earlier sale posts and general word frequency (Dunning's G2)."""
    from narcolex.cli.scan import _scanner
    from narcolex.monitor.emerging import candidates, known_forms

    if propose and not as_user:
        raise InputError("--propose needs --as USER (a curator or admin)")
    scanner = _scanner(db, release, bundled)
    result = candidates(
        _store(store),
        known_forms(scanner.lexicon.terms),
        _day(until, "--until"),
        days=days,
        history=not no_history,
        min_count=min_count,
        limit=limit,
    )
    if propose:
        from narcolex.cli.common import writing
        from narcolex.workflow.proposals import propose_candidates

        with writing(db) as session:
            done = propose_candidates(session, as_user or "", result)
        if as_json:
            print_json({**result, "proposed": done})
            return
        err.print(
            f"submission {done['submission']}: {len(done['created'])} proposed terms "
            f"({len(done['skipped'])} already in the knowledge base); source {done['source']}",
            highlight=False,
        )
    if as_json:
        print_json(result)
        return
    w = result["window"]
    rows = [
        {
            k: c[k]
            for k in (
                "gram",
                "kind",
                "lang",
                "g2",
                "count",
                "background",
                "first_seen",
                "platforms",
            )
        }
        | {"context": c["contexts"][0] if c["contexts"] else ""}
        for c in result["items"]
    ]
    _emit(rows, False, as_csv, f"candidates {w['since']} .. {w['until']} ({result['statistic']})")


@monitor_app.command("prices")
def prices_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    exact: Annotated[
        bool, typer.Option("--exact", help="Substance codes as recorded, not their group.")
    ] = False,
    min_n: Annotated[
        int, typer.Option("--min-n", help="Cells with fewer offers are left out.")
    ] = 1,
    store: StoreOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Price index: EUR per g, ml or unit by substance × country × month (median, IQR, n)."""
    from narcolex.monitor.prices import price_index

    rows = price_index(
        _store(store), _day(since, "--since"), _day(until, "--until"), not exact, min_n
    )
    _emit(rows, as_json, as_csv, "price index (EUR per unit; ECB reference rates)")


@monitor_app.command("report")
def report_cmd(
    period: Annotated[str, typer.Option("--period", help="YYYY-MM, YYYY-Www or A..B")],
    fmt: Annotated[str, typer.Option("--format", help="html|pdf")] = "html",
    output: Annotated[str | None, typer.Option("-o", "--output", help="Output file.")] = None,
    trend_png: Annotated[
        str | None, typer.Option("--trend-png", help="Also write the trend chart as PNG.")
    ] = None,
    store: StoreOption = None,
    db: DbOption = None,
    release: ReleaseOption = None,
    bundled: BundledOption = False,
) -> None:
    """A report of a period: trends, rising terms, spikes, candidates, prices, languages and
    platforms, with charts."""
    from narcolex.cli.scan import _scanner
    from narcolex.monitor.emerging import known_forms
    from narcolex.monitor.report import report_data, write_report

    if fmt not in ("html", "pdf"):
        raise InputError(f"--format must be html or pdf, not {fmt!r}")
    scanner = _scanner(db, release, bundled)
    data = report_data(_store(store), period, known_forms(scanner.lexicon.terms))
    path = write_report(data, output or f"narcolex-monitor-{period}.{fmt}", fmt)
    out.print(f"wrote {path}", highlight=False)
    if trend_png:
        from narcolex.monitor.report import png, trend_chart

        png(trend_chart(data["trend"], data["every"]), trend_png)
        out.print(f"wrote {trend_png}", highlight=False)


@monitor_app.command("purge")
def purge_cmd(
    all_text: Annotated[
        bool, typer.Option("--all-text", help="Remove all kept text, not only expired text.")
    ] = False,
    before: Annotated[
        str | None, typer.Option("--before", help="Also delete all days before this date.")
    ] = None,
    today: Annotated[str | None, typer.Option("--today", help="Date to purge as of.")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enforce the retention period: remove post text kept past its date (and old days)."""
    from narcolex.monitor.sightings import purge

    report = purge(_store(store), _day(today, "--today"), all_text, _day(before, "--before"))
    if as_json:
        print_json(report.to_dict())
        return
    out.print(
        f"removed {report.texts_removed} kept texts from {report.files_rewritten} files; "
        f"deleted {len(report.days_deleted)} days",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")
