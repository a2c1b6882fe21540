"""`narcolex db backup` / `db restore`: a portable dump that restores into an empty database
(SQLite, or PostgreSQL in CI) with every row and every release hash intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.errors import DatabaseError, InputError
from narcolex.package.records import content_hash
from narcolex.store.dump import restore_file
from narcolex.store.engine import open_db
from narcolex.store.models import Base, Release
from narcolex.workflow import releases, review, users
from narcolex.workflow.setup import initialise
from narcolex.workflow.submissions import submit
from tests.conftest import PG_URL, _reset_postgres

pytestmark = pytest.mark.db


def _fill(url: str, content: Path, tmp: Path) -> None:
    db = open_db(url)
    initialise(db, content_root=content)
    with db.transaction() as s:
        users.add_user(s, "ada", "admin")  # the first admin (bootstrap)
        users.add_user(s, "cora", "curator", actor="ada")
        users.add_user(s, "sven", "contributor", "SE", actor="ada")
    sheet = tmp / "sv.csv"
    sheet.write_text(
        "term,language,kind,denotes,countries,source\n"
        "snöflinga,sv,slang,cocaine,SE,test-glossary\n"
        "tjack,sv,slang,amphetamine,SE,test-glossary\n",
        encoding="utf-8",
    )
    report = submit(db, sheet, "sven")
    with db.transaction() as s:
        review.decide(s, report.terms[0]["id"], "approve", "cora")
        review.merge(s, report.terms[1]["id"], report.terms[0]["id"], "cora", "same concept")
        releases.create_release(s, "second", "cora")
    db.dispose()


def _snapshot(url: str) -> dict[str, object]:
    db = open_db(url)
    with db.reader() as s:
        counts = {
            t.name: s.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }
        rels = {
            r.version: (r.content_sha256, r.manifest, r.changelog, r.snapshot)
            for r in s.scalars(select(Release))
        }
    db.dispose()
    return {"counts": counts, "releases": rels}


def test_backup_restore_round_trip_keeps_every_release_hash(
    db_url: str, mini_content: Path, tmp_path: Path
) -> None:
    _fill(db_url, mini_content, tmp_path)
    before = _snapshot(db_url)
    dump = tmp_path / "backup.jsonl"
    run = CliRunner().invoke(app, ["db", "backup", str(dump), "--db", db_url])
    assert run.exit_code == 0, run.output

    target = db_url
    if PG_URL:
        _reset_postgres(PG_URL)  # restore into the same server, emptied
    else:
        target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    run = CliRunner().invoke(app, ["db", "restore", str(dump), "--db", target])
    assert run.exit_code == 0, run.output
    after = _snapshot(target)
    assert after == before
    assert len(after["releases"]) == 2  # type: ignore[arg-type]
    for sha, _manifest, _log, snap in after["releases"].values():  # type: ignore[union-attr]
        assert content_hash(snap["terms"], snap["sources"]) == sha

    # the restored database keeps working: ids continue after the restored ones
    db = open_db(target)
    with db.transaction() as s:
        users.add_user(s, "newcomer", "reader", actor="ada")
    sheet = tmp_path / "more.csv"
    sheet.write_text(
        "term,language,kind,denotes,countries,source\nkola,sv,slang,cocaine,SE,test-glossary\n",
        encoding="utf-8",
    )
    new_term = submit(db, sheet, "sven").terms[0]["id"]
    with db.transaction() as s:
        review.decide(s, new_term, "approve", "cora")
        assert releases.create_release(s, "after restore", "cora").version == 3
    db.dispose()

    again = CliRunner().invoke(app, ["db", "restore", str(dump), "--db", target])
    assert again.exit_code == 1 and "not empty" in again.output
    twice = CliRunner().invoke(app, ["db", "backup", str(dump), "--db", target])
    assert twice.exit_code == 1 and "already exists" in twice.output


def test_truncated_backup_restores_nothing(db_url: str, mini_content: Path, tmp_path: Path) -> None:
    db = open_db(db_url)
    initialise(db, content_root=mini_content)
    dump = tmp_path / "b.jsonl"
    assert CliRunner().invoke(app, ["db", "backup", str(dump), "--db", db_url]).exit_code == 0
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(dump.read_text().splitlines(keepends=True)[:-5]))
    db.dispose()
    if PG_URL:
        _reset_postgres(PG_URL)
        target = PG_URL
    else:
        target = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    empty = open_db(target)
    with pytest.raises(InputError, match="truncated"):
        restore_file(empty, cut)
    with empty.reader() as s:
        assert s.scalar(select(func.count()).select_from(Release)) == 0
    with pytest.raises((InputError, DatabaseError)):
        restore_file(empty, tmp_path / "missing.jsonl")
    empty.dispose()
