"""`narcolex init` and `narcolex db …`: creating the database and moving its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from narcolex.cli.common import (
    DbOption,
    JsonOption,
    err,
    open_database,
    out,
    print_json,
)

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


# -- init and schema ------------------------------------------------------------------------
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
    from narcolex.workflow.setup import initialise

    database = open_database(db)
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
    database = open_database(db)
    database.upgrade(revision)
    out.print(f"{database.display_url} is at revision {database.current_revision()}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base.")],
    db: DbOption = None,
) -> None:
    """Revert migrations down to REVISION (`base` removes the schema)."""
    database = open_database(db)
    database.downgrade(revision)
    out.print(f"{database.display_url} is at revision {database.current_revision() or 'base'}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the schema revision of the database."""
    database = open_database(db)
    rev = database.current_revision()
    out.print(f"{database.display_url}: {rev or 'no schema'} (newest: {database.head_revision()})")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(db_app, name="db")
