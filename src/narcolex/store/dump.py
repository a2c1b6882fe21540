"""A portable backup of the whole database: JSON lines, one row per line, in foreign-key order.

The same file restores into SQLite or PostgreSQL (the dump holds values, not SQL), so it is also
how a deployment moves between the two. Restore goes into an empty database at the same schema
revision, in one transaction, and re-points PostgreSQL's id sequences afterwards; a release's
content hash is computed from its stored snapshot, so every hash survives the round trip.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, DateTime, Table, func, select, text, update

from narcolex.errors import DatabaseError, InputError
from narcolex.store.engine import Database
from narcolex.store.models import Base

FORMAT = "narcolex-backup"
VERSION = 1


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decoder(table: Table) -> dict[str, type]:
    kinds: dict[str, type] = {}
    for col in table.columns:
        if isinstance(col.type, DateTime):
            kinds[col.name] = datetime
        elif isinstance(col.type, Date):
            kinds[col.name] = date
    return kinds


def backup(db: Database, out: IO[str]) -> dict[str, int]:
    """Write every table to `out`; returns rows per table. Reads one consistent snapshot."""
    db.require_schema()
    counts: dict[str, int] = {}
    header = {
        "format": FORMAT,
        "version": VERSION,
        "schema": db.current_revision(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": [t.name for t in _tables()],
    }
    out.write(json.dumps(header) + "\n")
    conn_opts = {}
    if db.url.get_backend_name() == "postgresql":
        conn_opts = {"isolation_level": "REPEATABLE READ"}
    with db.engine.connect().execution_options(**conn_opts) as conn, conn.begin():
        for table in _tables():
            n = 0
            order = list(table.primary_key.columns) or list(table.columns)
            result = conn.execution_options(yield_per=1000).execute(select(table).order_by(*order))
            for row in result.mappings():
                rec = {k: _encode(v) for k, v in row.items()}
                out.write(json.dumps({"t": table.name, "r": rec}, ensure_ascii=False) + "\n")
                n += 1
            counts[table.name] = n
    out.write(json.dumps({"end": counts}) + "\n")
    return counts


def _lines(src: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(src, start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"backup line {n}: not JSON ({exc.msg})") from None


def restore(db: Database, src: IO[str], batch: int = 500) -> dict[str, int]:
    """Load a backup into an empty database (created at the current schema when missing)."""
    lines = _lines(src)
    try:
        _, header = next(lines)
    except StopIteration:
        raise InputError("the backup file is empty") from None
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise InputError("not a narcolex backup (missing or unknown header)")
    if db.current_revision() is None:
        db.upgrade("head")
    db.require_schema()
    if header.get("schema") != db.current_revision():
        raise DatabaseError(
            f"the backup is at schema {header.get('schema')}, this database at "
            f"{db.current_revision()}: restore with the narcolex version that made it, then "
            "`narcolex db upgrade`"
        )
    tables = {t.name: t for t in _tables()}
    counts: dict[str, int] = dict.fromkeys(tables, 0)
    ended: dict[str, int] | None = None
    with db.transaction() as session:
        conn = session.connection()
        for name, table in tables.items():
            if conn.scalar(select(func.count()).select_from(table)):
                raise DatabaseError(
                    f"{db.display_url} is not empty (table {name} has rows): restore needs an "
                    "empty database"
                )
        pending: list[dict[str, Any]] = []
        current: Table | None = None
        later: list[tuple[Table, dict[str, Any], dict[str, Any]]] = []

        def flush() -> None:
            if current is not None and pending:
                conn.execute(current.insert(), pending)
                pending.clear()

        for n, doc in lines:
            if "end" in doc:
                ended = doc["end"]
                break
            table = tables.get(doc.get("t", ""))
            if table is None:
                raise InputError(f"backup line {n}: unknown table {doc.get('t')!r}")
            if table is not current:
                flush()
                current = table
                kinds = _decoder(table)
                self_refs = [
                    c.name
                    for c in table.columns
                    for fk in c.foreign_keys
                    if fk.column.table is table
                ]
            row = {
                k: (kinds[k].fromisoformat(v) if k in kinds and v is not None else v)
                for k, v in doc["r"].items()
            }
            # Self-references (a term merged into a later one) are set after all rows exist.
            deferred = {c: row[c] for c in self_refs if row.get(c) is not None}
            if deferred:
                later.append((table, {c.name: row[c.name] for c in table.primary_key}, deferred))
                row = {**row, **dict.fromkeys(deferred)}
            pending.append(row)
            counts[table.name] += 1
            if len(pending) >= batch:
                flush()
        flush()
        if ended is None:
            raise InputError("the backup is truncated (no end line): nothing was restored")
        if {k: v for k, v in ended.items() if k in counts} != counts:
            raise InputError(f"the backup's row counts {ended} do not match its rows {counts}")
        for table, key, values in later:
            where = [table.c[k] == v for k, v in key.items()]
            conn.execute(update(table).where(*where).values(**values))
        if db.url.get_backend_name() == "postgresql":
            for table in tables.values():
                if "id" in table.c and table.c.id.primary_key:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return counts


def backup_file(db: Database, path: Path | str) -> dict[str, int]:
    """Write the backup to a new file (an existing file is never overwritten)."""
    path = Path(path)
    if path.exists():
        raise InputError(f"{path} already exists; choose a new file name")
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            counts = backup(db, out)
        tmp.replace(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    return counts


def restore_file(db: Database, path: Path | str) -> dict[str, int]:
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as src:
            return restore(db, src)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
