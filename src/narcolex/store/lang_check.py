"""Widening (or narrowing) the terms' language CHECK in a migration, on SQLite and PostgreSQL.

Each migration that adds languages to the taxonomy calls `set_terms_lang_check` with the lists
before and after, and refuses its downgrade while terms in the added languages exist."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

_NAME = "ck_terms_lang"


def _check(langs: tuple[str, ...]) -> str:
    return "lang IN (" + ", ".join(f"'{lang}'" for lang in (*langs, "und")) + ")"


def _replace_sqlite_check(old: str, new: str) -> None:
    """SQLite cannot alter a CHECK constraint, and rebuilding `terms` (Alembic's batch copy)
    would cascade-delete every row that references it. Widening a CHECK does not change the
    stored format, so the table's definition is edited in place, the procedure SQLite's
    ALTER TABLE documentation gives for such changes (schema version bumped, then checked)."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'terms'"
    ).scalar_one()
    if sql.count(old) != 1:
        raise RuntimeError(f"terms: constraint {_NAME} is not the expected one")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'terms'",
        (sql.replace(old, new),),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.exec_driver_sql("PRAGMA integrity_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"terms: integrity check after the constraint change: {problems}")


def set_terms_lang_check(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Replace the CHECK that lists `old` languages by one that lists `new` ones."""
    if op.get_bind().dialect.name == "sqlite":
        _replace_sqlite_check(_check(old), _check(new))
    else:
        op.drop_constraint(op.f(_NAME), "terms", type_="check")
        op.create_check_constraint(op.f(_NAME), "terms", sa.text(_check(new)))


def refuse_while_terms_in(langs: tuple[str, ...]) -> None:
    """A downgrade that drops languages must not leave rows its CHECK would reject."""
    listed = ", ".join(f"'{lang}'" for lang in langs)
    count = (
        op.get_bind()
        .exec_driver_sql(f"SELECT count(*) FROM terms WHERE lang IN ({listed})")
        .scalar_one()
    )
    if count:
        raise RuntimeError(
            f"{count} terms are in {', '.join(langs)}: delete them before downgrading"
        )
