"""Schema constraints hold on the real database (SQLite, or PostgreSQL in CI)."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from narcolex.errors import ContentError
from narcolex.store.engine import open_db
from narcolex.store.models import AuditEntry, Term, TermCode, User
from narcolex.textkey import term_key
from narcolex.workflow import audit

pytestmark = pytest.mark.db


@pytest.fixture
def db(db_url):
    database = open_db(db_url)
    database.upgrade()
    yield database
    database.dispose()


def _term(form="kokain", lang="cs", kind="street_name", codes=("cocaine",)):
    t = Term(term=form, key=term_key(form), lang=lang, kind=kind)
    t.codes = [TermCode(code=c) for c in codes]
    return t


def test_valid_term_is_stored(db):
    with db.transaction() as s:
        s.add(_term())
    with db.reader() as s:
        row = s.scalar(select(Term))
        assert row.denotes == ["cocaine"] and row.status == "proposed"


def test_term_needs_a_denoted_code(db):
    with pytest.raises(ContentError, match="at least one code"), db.transaction() as s:
        s.add(_term(codes=()))
    with db.reader() as s:
        assert s.scalar(select(Term)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("lang", None), ("kind", None), ("lang", "xx"), ("kind", "gossip"), ("status", "maybe")],
)
def test_term_language_and_kind_are_enforced_by_the_schema(db, field, value):
    t = _term()
    setattr(t, field, value)
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(t)


def test_language_and_key_are_unique(db):
    with db.transaction() as s:
        s.add(_term("kokain"))
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(_term("KOKAÍN"))
    with db.transaction() as s:  # same key in another language is a different term
        s.add(_term("kokain", lang="sk"))
    with db.reader() as s:
        assert len(s.scalars(select(Term)).all()) == 2


def test_contributor_needs_a_country(db):
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(User(name="anna", role="contributor"))
    with db.transaction() as s:
        s.add(User(name="anna", role="contributor", country="SE"))


def test_audit_log_is_append_only_even_in_sql(db):
    with db.transaction() as s:
        audit.record(s, "tester", "test.write", "thing", 1, note="x")
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    with db.reader() as s:
        assert [e.actor for e in s.scalars(select(AuditEntry))] == ["tester"]
