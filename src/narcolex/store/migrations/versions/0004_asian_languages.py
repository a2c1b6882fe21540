"""terms may be in Japanese, Korean, Chinese, Vietnamese, Thai and Indonesian

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OLD = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
    "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "no", "is", "ru", "uk", "tr", "ar",
    "sq", "sr",
)  # fmt: skip
_ADDED = ("ja", "ko", "zh", "vi", "th", "id")
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


def _set_check(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _replace_sqlite_check(_check(old), _check(new))
    else:
        op.drop_constraint(op.f(_NAME), "terms", type_="check")
        op.create_check_constraint(op.f(_NAME), "terms", sa.text(_check(new)))


def upgrade() -> None:
    _set_check(_OLD, (*_OLD, *_ADDED))


def downgrade() -> None:
    added = ", ".join(f"'{lang}'" for lang in _ADDED)
    count = (
        op.get_bind()
        .exec_driver_sql(f"SELECT count(*) FROM terms WHERE lang IN ({added})")
        .scalar_one()
    )
    if count:
        raise RuntimeError(
            f"{count} terms are in {', '.join(_ADDED)}: delete them before downgrading"
        )
    _set_check((*_OLD, *_ADDED), _OLD)
