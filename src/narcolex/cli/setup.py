"""`narcolex init`, `narcolex db …` and `narcolex keys …`: creating the database, moving and
backing up its schema, and the keys that sign release bundles."""

from __future__ import annotations

import sys
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
    progress_bar,
)
from narcolex.errors import NarcolexError

db_app = typer.Typer(help="Database schema (Alembic migrations) and backups.", no_args_is_help=True)
keys_app = typer.Typer(help="Ed25519 keys that sign release bundles.", no_args_is_help=True)


def _confirm_wipe(database, yes: bool) -> None:  # type: ignore[no-untyped-def]
    """`init --force` erases everything: ask for the database's name (or take --yes)."""
    if yes:
        return
    name = Path(database.url.database or "").name or str(database.url.database)
    if not sys.stdin.isatty():
        raise NarcolexError(
            f"init --force erases {database.display_url}: confirm with --yes "
            "(back up first with `narcolex db backup FILE`)"
        )
    err.print(
        f"init --force erases everything in {database.display_url}, including users, "
        "releases and the audit log. Back up first with `narcolex db backup FILE`."
    )
    typed = typer.prompt(f"Type the database name ({name}) to confirm", err=True)
    if typed.strip() != name:
        raise NarcolexError("the name did not match; nothing was changed")


# -- init and schema ------------------------------------------------------------------------
def init(
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Wipe an initialised database and load again.")
    ] = False,
    wipe_users: Annotated[
        bool,
        typer.Option("--wipe-users", help="With --force: also erase users, releases, audit log."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="With --force: do not ask for the database name.")
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
    if force and database.current_revision() is not None:
        _confirm_wipe(database, yes)
    with progress_bar("Loading the Knowledge Package") as advance:
        result = initialise(
            database, force=force, content_root=content, wipe_users=wipe_users, progress=advance
        )
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


@db_app.command("copy")
def db_copy(
    target: Annotated[Path, typer.Argument(help="New file to write the copy to.")],
    db: DbOption = None,
) -> None:
    """Copy a SQLite database file safely while it is in use (a portable dump of SQLite or
    PostgreSQL: `db backup`)."""
    database = open_database(db)
    written = database.backup(target)
    out.print(f"backed up {database.display_url} to {written}")


@keys_app.command("generate")
def keys_generate(
    private_key: Annotated[Path, typer.Argument(help="Where to write the private key (PEM).")],
) -> None:
    """Make an Ed25519 key pair: KEY (private, mode 0600) and KEY.pub (give it to recipients).

    Export signs bundles with NARCOLEX_SIGNING_KEY=KEY; recipients trust KEY.pub through
    NARCOLEX_TRUSTED_KEYS (files or folders) or the trusted_keys folder of their config dir."""
    from narcolex.package.signing import generate_keypair

    private, public, kid = generate_keypair(private_key)
    out.print(f"key {kid}: private {private} (keep it secret), public {public}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(db_app, name="db")
    app.add_typer(keys_app, name="keys")
