"""The `narcolex` command line (Typer + Rich).

Every command's errors are translated at this edge: a NarcolexError (or a database that cannot
be reached) becomes one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.db import Database, open_db
from narcolex.errors import NarcolexError

app = typer.Typer(
    name="narcolex",
    help="Knowledge Package against drug sales online: build, curate, release and apply it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
kb_app = typer.Typer(help="Inspect the knowledge base.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(kb_app, name="kb")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="NARCOLEX_DATABASE_URL",
        help="Database URL (default: SQLite file in the user data dir).",
        show_envvar=True,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NarcolexError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
            raise typer.Exit(exc.exit_code) from None
        except OperationalError as exc:
            err.print(f"[red]error:[/red] database error: {str(exc.orig).strip()}", markup=True)
            raise typer.Exit(1) from None
        except SQLAlchemyError as exc:
            err.print(f"[red]error:[/red] database error: {exc.__class__.__name__}: {exc}")
            raise typer.Exit(1) from None

    return wrapper


def print_table(table: Table, min_width: int = 120) -> None:
    """Tables keep their columns readable when the output is piped or the terminal narrow."""
    Console(width=max(out.width, min_width), soft_wrap=True).print(table)


def print_json(data: Any) -> None:
    out.out(json.dumps(data, ensure_ascii=False, indent=2, default=str), highlight=False)


def _db(url: str | None) -> Database:
    return open_db(url)


@contextmanager
def writing(url: str | None) -> Iterator[Session]:
    """One all-or-nothing write on an initialised database."""
    database = _db(url)
    database.require_schema()
    with database.transaction() as session:
        yield session


# -- init and schema ------------------------------------------------------------------------
@app.command()
def init(
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Wipe an initialised database and load again.")
    ] = False,
    content: Annotated[
        Path | None,
        typer.Option(help="Content folder to load instead of the bundled package."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create the database and load the bundled Knowledge Package as release 1."""
    from narcolex.knowledge.setup import initialise

    database = _db(db)
    with err.status("Loading the Knowledge Package…"):
        result = initialise(database, force=force, content_root=content)
    if as_json:
        print_json(result.to_dict())
        return
    out.print(
        f"Initialised {result.url}: {result.terms} terms ({result.validated} validated), "
        f"{result.sources} sources; release {result.release} sha256 {result.content_sha256[:12]}"
    )


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    db: DbOption = None,
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    database = _db(db)
    database.upgrade(revision)
    out.print(f"{database.display_url} is at revision {database.current_revision()}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base.")],
    db: DbOption = None,
) -> None:
    """Revert migrations down to REVISION (`base` removes the schema)."""
    database = _db(db)
    database.downgrade(revision)
    out.print(f"{database.display_url} is at revision {database.current_revision() or 'base'}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the schema revision of the database."""
    database = _db(db)
    rev = database.current_revision()
    out.print(f"{database.display_url}: {rev or 'no schema'} (newest: {database.head_revision()})")


# -- knowledge base -------------------------------------------------------------------------
@kb_app.command("stats")
def kb_stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts of terms by language, kind, substance group and status."""
    from narcolex.knowledge.queries import stats

    with _db(db).reader() as session:
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
    from narcolex.knowledge.queries import search
    from narcolex.knowledge.releases import term_record

    with _db(db).reader() as session:
        rows = [term_record(t) for t in search(session, query, lang=lang, limit=limit)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print(f"no term matches {query!r}")
        raise typer.Exit(1)
    table = Table()
    for col in ("id", "term", "lang", "kind", "denotes", "ambiguity", "status", "variants"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]), r["term"], r["lang"], r["kind"], ", ".join(r["denotes"]),
            r["ambiguity"], r["status"], ", ".join(r["variants"][:4]),
        )  # fmt: skip
    print_table(table)


@kb_app.command("show")
def kb_show(term_id: int, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Everything about one term: forms, codes, sources, reviews and comments."""
    from narcolex.knowledge.queries import term_detail

    with _db(db).reader() as session:
        rec = term_detail(session, term_id)
    if as_json:
        print_json(rec)
        return
    out.print(f"[bold]#{rec['id']} {rec['term']}[/bold] ({rec['lang']}, {rec['kind']})")
    for field in ("denotes", "variants", "countries", "platforms"):
        if rec[field]:
            out.print(f"  {field}: {', '.join(rec[field])}")
    out.print(
        f"  ambiguity {rec['ambiguity']}, confidence {rec['confidence']}, "
        f"status {rec['status']}, match {rec['match']}"
    )
    if rec["note"]:
        out.print(f"  note: {rec['note']}")
    for s in rec["sources"]:
        year = f", {s['year']}" if s["year"] else ""
        url = f" <{s['url']}>" if s["url"] else ""
        out.print(f"  source: {s['title']} ({s['publisher']}{year}){url}", highlight=False)
    for r in rec["reviews"]:
        out.print(f"  review: {r['decision']} by {r['by']} at {r['at']}: {r['comment'] or ''}")
    for c in rec["comments"]:
        out.print(f"  comment by {c['by']} at {c['at']}: {c['body']}")


@kb_app.command("coverage")
def kb_coverage(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Validated terms per language × substance group and signal class; gaps stand out."""
    from narcolex.knowledge.coverage import coverage

    with _db(db).reader() as session:
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


def _register_optional() -> None:
    """Attach command groups that live in their own modules."""
    import importlib

    for module in ("narcolex.cli_scan", "narcolex.cli_curation"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app)


def _wrap_all(typer_app: typer.Typer) -> None:
    for cmd in typer_app.registered_commands:
        if cmd.callback is not None and not getattr(cmd.callback, "__wrapped__", None):
            cmd.callback = _friendly(cmd.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _wrap_all(group.typer_instance)


_register_optional()
_wrap_all(app)


def main() -> None:
    app()
