"""Concurrent curators, releases and submissions, with real threads on the test database
(SQLite by default, PostgreSQL in CI): decisions are serialized, unique conflicts are domain
errors, and a long submit never makes another shell fail with "database is locked"."""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from narcolex.errors import NarcolexError
from narcolex.formats.columns import COLUMN_NAMES
from narcolex.store.engine import open_db
from narcolex.store.models import Release, Review, Term
from narcolex.workflow import comments, releases, review, users
from narcolex.workflow.setup import initialise
from narcolex.workflow.submissions import submit

pytestmark = pytest.mark.db


@pytest.fixture
def db(db_url, mini_content):
    database = open_db(db_url)
    initialise(database, content_root=mini_content)
    with database.transaction() as s:
        users.add_user(s, "admin", "admin")
        users.add_user(s, "carla", "curator", actor="admin")
        users.add_user(s, "cora", "curator", actor="admin")
        users.add_user(s, "sven", "contributor", "SE", actor="admin")
        users.add_user(s, "stina", "contributor", "SE", actor="admin")
    yield database
    database.dispose()


def write_rows(path: Path, forms: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        for form in forms:
            writer.writerow({"term": form, "language": "sv", "kind": "slang",
                             "denotes": "cannabis.herbal", "countries": "SE",
                             "source": "test-glossary"})  # fmt: skip
    return path


def race(*calls: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run the calls in threads released at the same instant; ('ok', value) or ('err', exc)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("none", None)] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = ("ok", call())
        except Exception as exc:  # the test inspects what each thread got
            results[i] = ("err", exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def decide(db, term_id: int, decision: str, who: str) -> str:
    with db.transaction() as s:
        review.decide(s, term_id, decision, who, "checked" if decision != "approve" else None)
    return decision


def test_approve_and_reject_at_once_one_wins_the_other_is_told(db, tmp_path):
    forms = [f"racetest{i}" for i in range(12)]
    report = submit(db, write_rows(tmp_path / "r.csv", forms), "sven")
    for item in report.terms:
        tid = item["id"]
        outcome = race(
            lambda tid=tid: decide(db, tid, "approve", "carla"),
            lambda tid=tid: decide(db, tid, "reject", "cora"),
        )
        wins = [v for kind, v in outcome if kind == "ok"]
        errors = [v for kind, v in outcome if kind == "err"]
        assert len(wins) == 1 and len(errors) == 1, outcome
        assert isinstance(errors[0], NarcolexError), repr(errors[0])
        winner = "carla" if wins[0] == "approve" else "cora"
        assert f"already decided by {winner} at " in str(errors[0])
        with db.reader() as s:
            status = s.get(Term, tid).status
            assert status == ("validated" if wins[0] == "approve" else "deprecated")
            n = s.scalar(select(func.count()).select_from(Review).where(Review.term_id == tid))
            assert n == 1


def test_concurrent_release_create_gives_one_release_and_domain_errors(db, tmp_path):
    report = submit(db, write_rows(tmp_path / "r.csv", ["releaserace"]), "sven")
    decide(db, report.terms[0]["id"], "approve", "carla")

    def create() -> int:
        with db.transaction() as s:
            return releases.create_release(s, "race", "carla").version

    outcome = race(create, create, create)
    assert sorted(v for kind, v in outcome if kind == "ok") == [2]
    for kind, value in outcome:
        if kind == "err":
            assert isinstance(value, NarcolexError), repr(value)
            assert "IntegrityError" not in str(value) and "INSERT" not in str(value)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Release)) == 2


def test_identical_concurrent_submits_store_once_and_refuse_the_rest(db, tmp_path):
    files = [write_rows(tmp_path / f"s{i}.csv", ["samtidig", "parallell"]) for i in range(3)]
    outcome = race(*(lambda f=f, who=who: submit(db, f, who)
                     for f, who in zip(files, ("sven", "stina", "sven"), strict=True)))  # fmt: skip
    assert [kind for kind, _ in outcome].count("ok") == 1, outcome
    for kind, value in outcome:
        if kind == "err":
            assert isinstance(value, NarcolexError), repr(value)
            assert "INSERT" not in str(value)
    with db.reader() as s:
        stored = s.scalars(select(Term.term).where(Term.lang == "sv")).all()
        assert sorted(stored) == ["parallell", "samtidig"]


def test_long_submit_never_locks_out_scan_approve_or_comment(db, tmp_path):
    """A 3000-row submit (seconds of work) while another shell scans, approves and comments."""
    pending = submit(db, write_rows(tmp_path / "p.csv", [f"vänta{i}" for i in range(20)]), "sven")
    to_approve = [t["id"] for t in pending.terms]
    big = write_rows(tmp_path / "big.csv", [f"storfil{i}x" for i in range(3000)])
    done = threading.Event()
    failures: list[str] = []
    counts = {"scan": 0, "approve": 0, "comment": 0}

    def long_submit() -> None:
        try:
            submit(db, big, "stina")
        except Exception as exc:
            failures.append(f"submit: {exc}")
        finally:
            done.set()

    def other_shell() -> None:
        url = db.url.render_as_string(hide_password=False)
        while not done.is_set() and to_approve:
            try:
                releases.lexicon_from_db(url)
                counts["scan"] += 1
                decide(db, to_approve.pop(), "approve", "carla")
                counts["approve"] += 1
                with db.transaction() as s:
                    comments.add_comment(s, "seen again", "cora", term_id=1)
                counts["comment"] += 1
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                return
            time.sleep(0.05)

    writer = threading.Thread(target=long_submit)
    reader = threading.Thread(target=other_shell)
    writer.start()
    time.sleep(0.3)  # the submit is under way
    reader.start()
    writer.join(300)
    reader.join(300)
    assert not failures, failures
    assert counts["approve"] >= 1 and counts["scan"] >= 1 and counts["comment"] >= 1, counts
    assert not any("locked" in f for f in failures)
