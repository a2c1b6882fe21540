"""Opening the database and moving its schema (Alembic) — the one place that knows URLs.

Every write goes through `Database.transaction()`, a single transaction that commits at the
end or rolls back on any exception, so an import that fails half-way leaves nothing behind.

SQLite is shared by several shells at once (a long submit while a curator approves and a
platform scans), so it runs in WAL mode (readers never wait for a writer), with a busy timeout
sized for the longest write, and write transactions start with BEGIN IMMEDIATE: a writer takes
the write lock before reading, so two writers queue instead of failing with "database is
locked" when one of them tries to upgrade a read lock.
"""

from __future__ import annotations

import functools
import os
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
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from narcolex.config import resolve_database_url
from narcolex.errors import ConflictError, DatabaseError, NotInitialisedError

ENV_BUSY_TIMEOUT = "NARCOLEX_SQLITE_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 300.0  # seconds: a 100k-row submit writes for well under a minute


def sqlite_busy_timeout() -> float:
    """How long a SQLite writer waits for another one (NARCOLEX_SQLITE_BUSY_TIMEOUT seconds)."""
    raw = os.environ.get(ENV_BUSY_TIMEOUT)
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise DatabaseError(f"{ENV_BUSY_TIMEOUT} is not a number of seconds: {raw!r}") from None


def _sqlite_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # pysqlite's own implicit BEGIN is switched off so that `_sqlite_begin` decides the mode.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    mode = "IMMEDIATE" if conn.get_execution_options().get("narcolex_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """An engine plus the operations the CLI and API need on it."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.is_sqlite = url.get_backend_name() == "sqlite"
        connect_args = {"timeout": sqlite_busy_timeout()} if self.is_sqlite else {}
        try:
            self.engine: Engine = create_engine(url, future=True, connect_args=connect_args)
        except ImportError as exc:
            raise DatabaseError(
                f"cannot use {url.get_backend_name()}: the driver is not installed ({exc.name}); "
                "for PostgreSQL install narcolex[postgres]"
            ) from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(narcolex_write=True), expire_on_commit=False
        )

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database).expanduser()

    def exists(self) -> bool:
        """False for a SQLite file that is not there yet (asking must not create it)."""
        path = self.sqlite_path
        return path is None or path.exists()

    def _ensure_parent(self) -> None:
        path = self.sqlite_path
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create {path}: {exc.strerror}") from None

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # -- sessions ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One all-or-nothing unit of work (on SQLite it holds the write lock from the start)."""
        self._ensure_parent()
        session = self._writers()
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
        if not self.exists():
            return None
        try:
            with self.engine.connect() as conn:
                return MigrationContext.configure(conn).get_current_revision()
        except OperationalError as exc:
            raise DatabaseError(f"cannot open {self.display_url}: {exc.orig}") from None

    def head_revision(self) -> str:
        return _head_revision()

    def upgrade(self, revision: str = "head") -> None:
        self._ensure_parent()
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
        if not self.exists():
            return []
        try:
            return inspect(self.engine).get_table_names()
        except SQLAlchemyError as exc:
            raise DatabaseError(f"cannot open {self.display_url}: {exc}") from None

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of a SQLite database (the online backup API: safe while others
        write). PostgreSQL has its own tool for this, pg_dump."""
        import sqlite3

        source = self.sqlite_path
        if source is None:
            raise DatabaseError(
                f"{self.display_url}: copy a PostgreSQL database with pg_dump (e.g. pg_dump -Fc "
                "DBNAME), or make a portable dump with `narcolex db backup FILE`"
            )
        if not source.exists():
            raise DatabaseError(f"{source} does not exist: nothing to back up")
        target = Path(target)
        if target.exists():
            raise DatabaseError(f"{target} already exists; choose a new file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source, timeout=sqlite_busy_timeout())
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        except sqlite3.Error as exc:
            raise DatabaseError(f"backup of {source} failed: {exc}") from None
        finally:
            src.close()
            dst.close()
        return target

    def dispose(self) -> None:
        self.engine.dispose()


def conflict(exc: IntegrityError, what: str) -> ConflictError:
    """A unique key that a concurrent writer got to first, as a domain error (no SQL)."""
    detail = str(exc.orig).strip().splitlines()[0][:160] if exc.orig is not None else ""
    return ConflictError(f"{what} ({detail}); nothing was written: look again and retry")


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
