"""Opening the database and moving its schema (Alembic) — the one place that knows URLs.

Every write goes through `Database.transaction()`, a single transaction that commits at the
end or rolls back on any exception, so an import that fails half-way leaves nothing behind.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from narcolex.config import resolve_database_url
from narcolex.errors import DatabaseError, NotInitialisedError


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class Database:
    """An engine plus the operations the CLI and API need on it."""

    def __init__(self, url: URL) -> None:
        self.url = url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            try:
                Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create {url.database}: {exc.strerror}") from None
        self.engine: Engine = create_engine(url, future=True)
        if url.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # -- sessions ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One all-or-nothing unit of work."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except OperationalError as exc:
            raise DatabaseError(f"database error at {self.display_url}: {exc.orig}") from None
        finally:
            session.close()

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reads; refuses to run against a database with no schema."""
        self.require_schema()
        session = self._sessions()
        try:
            yield session
        finally:
            session.close()

    # -- schema -----------------------------------------------------------------------------
    def alembic_config(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", _migrations_dir())
        cfg.attributes["engine"] = self.engine
        return cfg

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return MigrationContext.configure(conn).get_current_revision()
        except OperationalError as exc:
            raise DatabaseError(f"cannot open {self.display_url}: {exc.orig}") from None

    def head_revision(self) -> str:
        return _head_revision()

    def upgrade(self, revision: str = "head") -> None:
        try:
            command.upgrade(self.alembic_config(), revision)
        except OperationalError as exc:
            raise DatabaseError(f"cannot migrate {self.display_url}: {exc.orig}") from None

    def downgrade(self, revision: str) -> None:
        try:
            command.downgrade(self.alembic_config(), revision)
        except OperationalError as exc:
            raise DatabaseError(f"cannot migrate {self.display_url}: {exc.orig}") from None

    def require_schema(self) -> None:
        rev = self.current_revision()
        if rev is None:
            raise NotInitialisedError(
                f"database {self.display_url} is not initialised: run `narcolex init`"
            )
        head = self.head_revision()
        if rev != head:
            raise NotInitialisedError(
                f"database {self.display_url} is at schema {rev}, expected "
                f"{head}: run `narcolex db upgrade`"
            )

    def table_names(self) -> list[str]:
        try:
            return inspect(self.engine).get_table_names()
        except SQLAlchemyError as exc:
            raise DatabaseError(f"cannot open {self.display_url}: {exc}") from None

    def dispose(self) -> None:
        self.engine.dispose()


def _migrations_dir() -> str:
    return str(resources.files("narcolex") / "store" / "migrations")


@functools.cache
def _head_revision() -> str:
    """The newest migration; the scripts ship with the package, so reading them once is enough."""
    cfg = Config()
    cfg.set_main_option("script_location", _migrations_dir())
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def open_db(url: str | None = None) -> Database:
    """Open (not create) the database at `url`, the environment's URL, or the default file."""
    return Database(resolve_database_url(url))
