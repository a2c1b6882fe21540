"""`narcolex kb …`: reading the knowledge base (stats, search, one term, coverage, lint)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from narcolex import taxonomy
from narcolex.cli.common import (
    DbOption,
    JsonOption,
    open_database,
    out,
    print_json,
    print_table,
    safe,
)

kb_app = typer.Typer(help="Inspect the knowledge base.", no_args_is_help=True)


# -- knowledge base -------------------------------------------------------------------------
@kb_app.command("stats")
def kb_stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts of terms by language, kind, substance group and status."""
    from narcolex.store.queries import stats

    with open_database(db).reader() as session:
        data = stats(session)
    if as_json:
        print_json(data)
        return
    out.print(
        f"{data['terms']} terms, {data['variants']} variants, {data['sources']} sources; "
        f"latest release: {data['latest_release']}"
    )
    for title, key in (
        ("language", "by_language"),
        ("kind", "by_kind"),
        ("status", "by_status"),
        ("group", "by_group"),
    ):
        table = Table(title=f"by {title}")
        table.add_column(title)
        table.add_column("terms", justify="right")
        for k, n in data[key].items():
            table.add_row(k, str(n))
        print_table(table)


@kb_app.command("search")
def kb_search(
    query: str,
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find terms and variants (case- and accent-insensitive)."""
    from narcolex.store.queries import search
    from narcolex.workflow.releases import term_record

    with open_database(db).reader() as session:
        rows = [term_record(t) for t in search(session, query, lang=lang, limit=limit)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print(f"no term matches {safe(repr(query))}", highlight=False)
        raise typer.Exit(1)
    table = Table()
    for col in ("id", "term", "lang", "kind", "denotes", "ambiguity", "status", "variants"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]), safe(r["term"]), r["lang"], r["kind"], safe(", ".join(r["denotes"])),
            r["ambiguity"], r["status"], safe(", ".join(r["variants"][:4])),
        )  # fmt: skip
    print_table(table)


@kb_app.command("show")
def kb_show(term_id: int, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Everything about one term: forms, codes, sources, reviews and comments."""
    from narcolex.store.queries import term_detail

    with open_database(db).reader() as session:
        rec = term_detail(session, term_id)
    if as_json:
        print_json(rec)
        return
    out.print(f"[bold]#{rec['id']} {safe(rec['term'])}[/bold] ({rec['lang']}, {rec['kind']})")
    for field in ("denotes", "variants", "countries", "platforms"):
        if rec[field]:
            out.print(f"  {field}: {safe(', '.join(rec[field]))}", highlight=False)
    out.print(
        f"  ambiguity {rec['ambiguity']}, confidence {rec['confidence']}, "
        f"status {rec['status']}, match {rec['match']}"
    )
    if rec["note"]:
        out.print(f"  note: {safe(rec['note'])}", highlight=False)
    for s in rec["sources"]:
        year = f", {s['year']}" if s["year"] else ""
        url = f" <{s['url']}>" if s["url"] else ""
        line = f"  source: {s['title']} ({s['publisher']}{year}){url}"
        out.print(safe(line), highlight=False)
    for r in rec["reviews"]:
        line = f"  review: {r['decision']} by {r['by']} at {r['at']}: {r['comment'] or ''}"
        out.print(safe(line), highlight=False)
    for c in rec["comments"]:
        out.print(safe(f"  comment by {c['by']} at {c['at']}: {c['body']}"), highlight=False)


@kb_app.command("coverage")
def kb_coverage(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Validated terms per language × substance group and signal class; gaps stand out."""
    from narcolex.store.coverage import coverage

    with open_database(db).reader() as session:
        data = coverage(session)
    if as_json:
        print_json(data)
        return
    signal_groups = [g for g in data["groups"] if f"signal.{g}" in taxonomy.SIGNALS]
    substance_groups = [g for g in data["groups"] if g not in signal_groups]
    for title, groups in (("substance groups", substance_groups), ("signals", signal_groups)):
        table = Table(title=f"validated terms: language × {title}", box=box.SIMPLE, padding=(0, 1))
        table.add_column("lang")
        table.add_column("terms", justify="right", no_wrap=True)
        table.add_column("src", justify="right", no_wrap=True)
        for g in groups:
            table.add_column(g[:8], justify="right", no_wrap=True)
        for lang, row in data["languages"].items():
            share = "" if row["sourced_share"] is None else f"{row['sourced_share']:.0%}"
            cells = []
            for g in groups:
                n = row["groups"][g]
                cells.append(str(n) if n else ("[red]·[/red]" if g in data["major"] else "·"))
            table.add_row(lang, str(row["terms"]), share, *cells)
        print_table(table, 150)
    gaps = data["empty_major_cells_large_languages"]
    out.print(
        f"{data['total_validated']} validated terms; empty major cells in large languages: "
        + (", ".join(gaps) if gaps else "none")
    )


@kb_app.command("lint")
def kb_lint(
    content: Annotated[
        Path | None,
        typer.Argument(help="Content folder to check (default: the bundled package)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check citations, confidence ratings and duplicates of the content; exit 1 on problems."""
    from narcolex.package.content import load_content
    from narcolex.package.lint import lint

    problems = lint(load_content(content))
    if as_json:
        print_json([p.as_dict() for p in problems])
    else:
        for p in problems:
            out.print(f"{p.file}: {p.entry}: [{p.rule}] {p.reason}", highlight=False, markup=False)
        out.print(f"{len(problems)} problem(s)" if problems else "lint: no problems")
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")
