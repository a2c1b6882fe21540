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


def _insert_term():  # type: ignore[no-untyped-def]
    """A bare INSERT of one term (id, term, lang), below the models, at any revision."""
    import sqlalchemy as sa

    return sa.text(
        "INSERT INTO terms (id, term, key, lang, kind, ambiguity, confidence, status, "
        "match_mode, countries, platforms, created_at, updated_at) VALUES (:id, :term, :term, "
        ":lang, 'slang', 'high', 'medium', 'validated', 'word', '[]', '[]', '2026-12-07', "
        "'2026-12-07')"
    )


def test_new_languages_keep_existing_terms(db_url):
    """0004 widens the terms' language check without touching their rows: SQLite cannot alter a
    CHECK, and rebuilding `terms` would cascade-delete the variants that reference it."""
    import sqlalchemy as sa

    db = open_db(db_url)
    db.upgrade("0003")
    insert = _insert_term()
    with db.engine.begin() as conn:
        conn.execute(insert, {"id": 1, "term": "gras", "lang": "de"})
        conn.execute(
            sa.text("INSERT INTO variants (term_id, form, key) VALUES (1, 'Grass', 'grass')")
        )
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(insert, {"id": 2, "term": "野菜", "lang": "ja"})
    db.upgrade()
    with db.engine.begin() as conn:
        conn.execute(insert, {"id": 2, "term": "野菜", "lang": "ja"})
        assert conn.execute(sa.text("SELECT form FROM variants")).scalars().all() == ["Grass"]
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(insert, {"id": 3, "term": "x", "lang": "xx"})
    with pytest.raises(RuntimeError, match="1 terms are in ja"):
        db.downgrade("0003")
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM terms WHERE id = 2"))
    db.downgrade("0003")
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(insert, {"id": 2, "term": "野菜", "lang": "ja"})
    with db.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT form FROM variants")).scalars().all() == ["Grass"]
    db.dispose()


def test_hebrew_terms_after_0005(db_url):
    """0005 adds Hebrew the same way (one helper for every widening, store.lang_check)."""
    import sqlalchemy as sa

    db = open_db(db_url)
    db.upgrade("0004")
    insert = _insert_term()
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(insert, {"id": 1, "term": "גראס", "lang": "he"})
    db.upgrade()
    with db.engine.begin() as conn:
        conn.execute(insert, {"id": 1, "term": "גראס", "lang": "he"})
    with pytest.raises(RuntimeError, match="1 terms are in he"):
        db.downgrade("0004")
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM terms WHERE id = 1"))
    db.downgrade("0004")
    assert db.current_revision() == "0004"
    db.dispose()
