"""Migrations go up and down cleanly on the configured database."""

import pytest

from narcolex.store.engine import open_db

pytestmark = pytest.mark.db

TABLES = {
    "terms", "variants", "sources", "term_sources", "term_codes", "substances", "signals",
    "code_labels", "submissions", "reviews", "comments", "releases", "users", "api_tokens",
    "audit_log",
}  # fmt: skip


def test_upgrade_downgrade_upgrade(db_url):
    db = open_db(db_url)
    assert db.current_revision() is None
    db.upgrade()
    assert db.current_revision() == db.head_revision()
    assert set(db.table_names()) >= TABLES
    db.downgrade("base")
    assert db.current_revision() is None
    assert not (TABLES & set(db.table_names()))
    db.upgrade()
    assert set(db.table_names()) >= TABLES
    db.dispose()


def test_schema_matches_models(db_url):
    """Autogenerate finds nothing to do: the migration is faithful to the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from narcolex.store.models import Base

    db = open_db(db_url)
    db.upgrade()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    db.dispose()
