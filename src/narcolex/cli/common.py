"""What every command module of the CLI shares: consoles, common options, error translation.

Every command's errors are translated at this edge: a NarcolexError (or a database that cannot
be reached) becomes one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from narcolex.errors import NarcolexError
from narcolex.store.engine import Database, open_db
from narcolex.textsafe import strip_unsafe

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
AsUser = Annotated[
    str,
    typer.Option(
        "--as",
        help="The acting user (must exist and be active; the CLI is for operators with "
        "database access, see README 'Roles').",
    ),
]


def safe(value: object) -> str:
    """Text from the database as it may be shown: no control or bidi characters, and Rich
    markup escaped (a term named "[red]x" is printed as written, not in red)."""
    return escape(strip_unsafe("" if value is None else str(value)))


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr when it is a terminal; a silent callback otherwise.

    Yields `advance(done, total)` for the workflow functions that report progress."""
    if not (err.is_terminal and sys.stderr.isatty()):
        yield lambda _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NarcolexError as exc:
            err.print(f"[red]error:[/red] {safe(exc)}", highlight=False, markup=True)
            raise typer.Exit(exc.exit_code) from None
        except OperationalError as exc:
            err.print(f"[red]error:[/red] database error: {str(exc.orig).strip()}", markup=True)
            raise typer.Exit(1) from None
        except SQLAlchemyError as exc:
            orig = getattr(exc, "orig", None) or exc
            first = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
            err.print(f"[red]error:[/red] database error: {exc.__class__.__name__}: {safe(first)}")
            raise typer.Exit(1) from None

    return wrapper


def print_table(table: Table, min_width: int = 120) -> None:
    """Tables keep their columns readable when the output is piped or the terminal narrow."""
    Console(width=max(out.width, min_width), soft_wrap=True).print(table)


def print_json(data: Any) -> None:
    out.out(json.dumps(data, ensure_ascii=False, indent=2, default=str), highlight=False)


def open_database(url: str | None) -> Database:
    return open_db(url)


@contextmanager
def writing(url: str | None) -> Iterator[Session]:
    """One all-or-nothing write on an initialised database."""
    database = open_database(url)
    database.require_schema()
    with database.transaction() as session:
        yield session
