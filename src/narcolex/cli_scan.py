"""`narcolex scan` and `narcolex eval` (issue 3), registered on the main Typer app.

Kept apart from cli.py so that the detection commands can be developed and tested on their
own; user errors are raised as NarcolexError subclasses and printed by the main CLI as one
line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Annotated

import typer

from narcolex.errors import InputError


def _scanner(db: str | None, release: int | None):  # type: ignore[no-untyped-def]
    from narcolex.detect.engine import Scanner

    if db:
        return Scanner.from_db(db, release)
    return Scanner.default()


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
    ) -> None:
        """Scan posts and write one finding per post (ARCHITECTURE §4)."""
        from narcolex.detect.finding import VERDICTS
        from narcolex.detect.io import guess_format, read_posts, write_findings

        if only is not None and only not in VERDICTS:
            raise InputError(f"--only must be one of {', '.join(VERDICTS)}, not {only!r}")
        out_fmt = guess_format(output, fmt) if output and output != "-" else (fmt or "jsonl")
        guess_format(input)  # fail early on an unknown input type
        scanner = _scanner(db, release)
        posts = read_posts(input)
        findings = scanner.scan_many(_progress(posts, "scanning"), workers=workers)
        if only:
            findings = (f for f in findings if f.verdict == only)
        write_findings(findings, output, out_fmt)

    @app.command("eval")
    def eval_(
        labelled: Annotated[str, typer.Argument(help="JSONL with id, text, label[, lang, subset]")],
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
        workers: Annotated[int, typer.Option("--workers", min=1, help="processes")] = 1,
        db: Annotated[str | None, typer.Option("--db", help="evaluate a database release")] = None,
        release: Annotated[int | None, typer.Option("--release", help="release number")] = None,
    ) -> None:
        """Precision, recall and F1 per verdict, language and subset; the confusion matrix."""
        from narcolex.detect.evaluate import evaluate, format_report
        from narcolex.detect.io import read_posts

        scanner = _scanner(db, release)
        rows = list(read_posts(labelled, keep_extra=True))
        findings = scanner.scan_many(_progress(rows, "evaluating"), workers=workers)
        report = evaluate(zip(rows, findings, strict=True))
        if as_json:
            typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        else:
            typer.echo(format_report(report))
