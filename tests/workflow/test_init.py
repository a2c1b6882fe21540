"""`init`: schema + bundled (here: fixture) content as release 1, idempotence and --force."""

import pytest
from sqlalchemy import func, select

from narcolex.errors import AlreadyInitialisedError, ContentError, NotInitialisedError
from narcolex.store import queries
from narcolex.store.engine import open_db
from narcolex.store.models import Release, Term
from narcolex.workflow import releases
from narcolex.workflow.setup import initialise

pytestmark = pytest.mark.db


def test_init_loads_content_as_release_1(db_url, mini_content):
    db = open_db(db_url)
    result = initialise(db, content_root=mini_content)
    assert result.release == 1
    assert result.terms == 7 and result.validated == 6
    with db.reader() as s:
        rel = releases.get(s)
        assert rel.version == 1
        assert rel.manifest["counts"]["by_language"] == {"cs": 1, "de": 2, "en": 3}
        assert rel.content_sha256 == result.content_sha256
        assert "## Added (6)" in rel.changelog
        stats = queries.stats(s)
        assert stats["by_status"] == {"proposed": 1, "validated": 6}
        lex = releases.lexicon_of(rel)
        assert {t.term for t in lex.terms} >= {"cocaine", "Kokain", "Gras"}


def test_second_init_refuses_and_changes_nothing(db_url, mini_content):
    db = open_db(db_url)
    first = initialise(db, content_root=mini_content)
    with pytest.raises(AlreadyInitialisedError, match="--force"):
        initialise(db, content_root=mini_content)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Release)) == 1
        assert releases.get(s).content_sha256 == first.content_sha256


def test_force_reinitialises(db_url, mini_content):
    db = open_db(db_url)
    first = initialise(db, content_root=mini_content)
    with db.transaction() as s:
        s.scalar(select(Term).where(Term.term == "weed")).note = "edited"
    again = initialise(db, force=True, wipe_users=True, content_root=mini_content)
    assert again.content_sha256 == first.content_sha256  # same content, same hash
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Release)) == 1
        assert s.scalar(select(Term).where(Term.term == "weed")).note is None


def test_invalid_content_never_touches_the_database(db_url, mini_content, tmp_path):
    db = open_db(db_url)
    initialise(db, content_root=mini_content)
    (mini_content / "en.yaml").write_text("lang: en\nterms:\n  - term: x\n    kind: nope\n")
    with pytest.raises(ContentError):
        initialise(db, force=True, content_root=mini_content)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Term)) == 7


def test_reading_an_empty_database_says_init(db_url):
    db = open_db(db_url)
    with pytest.raises(NotInitialisedError, match="narcolex init"), db.reader():
        pass


def test_search_is_case_and_accent_insensitive(db_url, mini_content):
    db = open_db(db_url)
    initialise(db, content_root=mini_content)
    with db.reader() as s:
        assert [t.term for t in queries.search(s, "KOKAÍN")] == ["Kokain", "kokain"] or [
            t.term for t in queries.search(s, "KOKAÍN")
        ] == ["kokain", "Kokain"]
        assert [t.term for t in queries.search(s, "KOKAÍN", lang="cs")] == ["kokain"]
        assert [t.term for t in queries.search(s, "cocain")] == ["cocaine"]  # via variant
        assert queries.search(s, "100%") == []
