"""`narcolex db backup FILE` and `narcolex db restore FILE` (portable JSON-lines dumps)."""

from __future__ import annotations

from pathlib import Path

import typer

from narcolex.cli.common import DbOption, open_database, out


def backup(file: Path, db: DbOption = None) -> None:
    """Write every table to FILE (JSON lines; restores into SQLite or PostgreSQL)."""
    from narcolex.store.dump import backup_file

    database = open_database(db)
    counts = backup_file(database, file)
    out.print(f"wrote {sum(counts.values())} rows of {len(counts)} tables to {file}")


def restore(file: Path, db: DbOption = None) -> None:
    """Load FILE (made by `db backup`) into an empty database."""
    from narcolex.store.dump import restore_file

    database = open_database(db)
    counts = restore_file(database, file)
    out.print(
        f"restored {sum(counts.values())} rows of {len(counts)} tables into {database.display_url}"
    )


def register(app: typer.Typer) -> None:
    from narcolex.cli.setup import db_app

    db_app.command("backup")(backup)
    db_app.command("restore")(restore)
