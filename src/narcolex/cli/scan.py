"""`narcolex scan` and `narcolex eval` (issue 3), registered on the main Typer app.

Kept apart from cli.py so that the detection commands can be developed and tested on their
own; user errors are raised as NarcolexError subclasses and printed by the main CLI as one
line.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Annotated

import typer

from narcolex.errors import InputError


def _scanner(db: str | None, release: int | None, bundled: bool = False):  # type: ignore[no-untyped-def]
    """The knowledge base's release when there is one, else the bundled package.

    An explicit --db (or NARCOLEX_DATABASE_URL) must hold a release; the embedded default
    database is used when `narcolex init` has filled it, and the bundled package otherwise,
    so that scanning works before (and without) any database.
    """
    from narcolex.detect.engine import Scanner

    if bundled:
        _note("scanning with the bundled Knowledge Package")
        return Scanner.default()
    from narcolex.config import ENV_DATABASE_URL, default_database_path, resolve_database_url
    from narcolex.store.engine import open_db
    from narcolex.workflow.releases import lexicon_from_db

    explicit = db or os.environ.get(ENV_DATABASE_URL)
    if not explicit:
        if not default_database_path().exists():
            _note("scanning with the bundled Knowledge Package (no database yet)")
            return Scanner.default()
        database = open_db()
        initialised = database.current_revision() is not None
        database.dispose()
        if not initialised:
            _note("scanning with the bundled Knowledge Package (database not initialised)")
            return Scanner.default()
    lexicon = lexicon_from_db(explicit, release)
    where = resolve_database_url(explicit).render_as_string(hide_password=True)
    _note(f"scanning with release {lexicon.version} from {where}")
    return Scanner.from_lexicon(lexicon)


def _note(message: str) -> None:
    typer.echo(message, err=True)


def _progress(items: Iterable, label: str) -> Iterator:  # type: ignore[type-arg]
    """A Rich progress bar on a terminal (stderr), a plain pass-through otherwise."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed} posts"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task(label, total=None)
        for item in items:
            progress.advance(task)
            yield item


def register(app: typer.Typer) -> None:
    """Add `scan` and `eval` to `app`."""

    @app.command("scan")
    def scan(
        input: Annotated[str, typer.Argument(help="JSONL, CSV or Parquet file; '-' for stdin")],
        output: Annotated[str | None, typer.Option("-o", "--output", help="output file")] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", help="jsonl|csv|parquet (default: from -o)")
        ] = None,
        workers: Annotated[int, typer.Option("--workers", min=1, help="processes")] = 1,
        only: Annotated[
            str | None, typer.Option("--only", help="write only this verdict (sale|mention|clean)")
        ] = None,
        db: Annotated[
            str | None, typer.Option("--db", help="scan with a release from this database")
        ] = None,
        release: Annotated[int | None, typer.Option("--release", help="release number")] = None,
        bundled: Annotated[
            bool, typer.Option("--bundled", help="use the bundled package, not the database")
        ] = False,
        on_error: Annotated[
            str,
            typer.Option(
                "--on-error",
                help="skip: write bad input rows to the rejects file and go on; stop: fail",
            ),
        ] = "skip",
        rejects_path: Annotated[
            str | None,
            typer.Option(
                "--rejects",
                help="where skipped rows go (JSONL: line, error, raw; default OUTPUT.rejects.jsonl"
                " or narcolex-rejects.jsonl)",
            ),
        ] = None,
    ) -> None:
        """Scan posts and write one finding per post (ARCHITECTURE §4).

        Uses the latest release of the knowledge base (--db, NARCOLEX_DATABASE_URL or the
        embedded default once initialised), else the bundled Knowledge Package."""
        from narcolex.detect.finding import VERDICTS
        from narcolex.detect.io import ON_ERROR, Rejects, guess_format, read_posts, write_findings

        if only is not None and only not in VERDICTS:
            raise InputError(f"--only must be one of {', '.join(VERDICTS)}, not {only!r}")
        if on_error not in ON_ERROR:
            raise InputError(f"--on-error must be skip or stop, not {on_error!r}")
        out_fmt = guess_format(output, fmt) if output and output != "-" else (fmt or "jsonl")
        guess_format(input)  # fail early on an unknown input type
        scanner = _scanner(db, release, bundled)
        where = rejects_path or (
            f"{output}.rejects.jsonl" if output and output != "-" else "narcolex-rejects.jsonl"
        )
        rejects = Rejects(where)
        try:
            posts = read_posts(input, on_error=on_error, rejects=rejects)
            findings = scanner.scan_many(_progress(posts, "scanning"), workers=workers)
            if only:
                findings = (f for f in findings if f.verdict == only)
            written = write_findings(findings, output, out_fmt)
        finally:
            rejects.close()
        if rejects.count:
            _note(f"{rejects.count} bad input row(s) skipped, written to {where}; "
                  f"{written} finding(s) written")  # fmt: skip

    @app.command("eval")
    def eval_(
        labelled: Annotated[str, typer.Argument(help="JSONL with id, text, label[, lang, subset]")],
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
        workers: Annotated[int, typer.Option("--workers", min=1, help="processes")] = 1,
        db: Annotated[str | None, typer.Option("--db", help="evaluate a database release")] = None,
        release: Annotated[int | None, typer.Option("--release", help="release number")] = None,
        bundled: Annotated[
            bool, typer.Option("--bundled", help="use the bundled package, not the database")
        ] = False,
    ) -> None:
        """Precision, recall and F1 per verdict, language and subset; the confusion matrix."""
        from narcolex.detect.evaluate import evaluate, format_report
        from narcolex.detect.io import read_posts

        scanner = _scanner(db, release, bundled)
        rows = list(read_posts(labelled, keep_extra=True))
        findings = scanner.scan_many(_progress(rows, "evaluating"), workers=workers)
        report = evaluate(zip(rows, findings, strict=True))
        if as_json:
            typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        else:
            typer.echo(format_report(report))
