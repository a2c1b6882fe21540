"""The service's two handles on the database: one for writes, one for reads.

On SQLite many request threads (and several worker processes) share one file. WAL lets readers
run beside a writer, a busy timeout makes a writer wait for the lock instead of failing, and
write transactions start with BEGIN IMMEDIATE so that two writers never both read under a
shared lock and then deadlock on the upgrade (the case where SQLite gives up at once with
"database is locked" whatever the timeout). Reads keep deferred transactions so that they never
wait for a writer. On PostgreSQL both handles are plain engines.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from narcolex.store.engine import Database, open_db

BUSY_TIMEOUT_MS = 30_000


def _tune_sqlite(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _begin_*)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _begin_immediate(conn) -> None:  # type: ignore[no-untyped-def]
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(conn) -> None:  # type: ignore[no-untyped-def]
    conn.exec_driver_sql("BEGIN")


@dataclass
class Databases:
    """`writer.transaction()` for writes; `read()` for reads. The schema is checked once at
    start-up (`narcolex serve`), not on every request as `Database.reader()` does."""

    writer: Database
    reader: Database
    _reads: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._reads = sessionmaker(self.reader.engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._reads()
        try:
            yield session
        finally:
            session.close()

    @property
    def is_sqlite(self) -> bool:
        return self.writer.url.get_backend_name() == "sqlite"

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def _store_tunes_sqlite(db: Database) -> bool:
    """Whether the store's own engine already sets WAL and BEGIN modes (then adding ours would
    begin every transaction twice)."""
    from narcolex.store import engine as store_engine

    own = getattr(store_engine, "_sqlite_begin", None)
    return own is not None and event.contains(db.engine, "begin", own)


def open_databases(url: str | None) -> Databases:
    """A write handle and a read handle on the database at `url`."""
    writer, reader = open_db(url), open_db(url)
    if writer.url.get_backend_name() == "sqlite" and not _store_tunes_sqlite(writer):
        for db, begin in ((writer, _begin_immediate), (reader, _begin_deferred)):
            event.listen(db.engine, "connect", _tune_sqlite)
            event.listen(db.engine, "begin", begin)
    return Databases(writer, reader)
