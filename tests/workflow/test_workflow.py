"""Collection and curation: roles, submissions, validation errors, review, releases."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from narcolex.errors import NarcolexError, PermissionDenied
from narcolex.formats.columns import COLUMN_NAMES
from narcolex.store.engine import open_db
from narcolex.store.models import AuditEntry, Release, Source, Submission, Term
from narcolex.workflow import comments, releases, review, tokens, users
from narcolex.workflow import load as store
from narcolex.workflow.setup import initialise
from narcolex.workflow.submissions import SubmissionRejected, submissions_of, submit

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
        users.add_user(s, "rita", "reader", actor="admin")
    yield database
    database.dispose()


def write_csv(path: Path, rows: list[dict], delimiter: str = ",", encoding: str = "utf-8"):
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMN_NAMES, delimiter=delimiter)
        writer.writeheader()
        for r in rows:
            writer.writerow(r)
    return path


def row(form: str, **kw) -> dict:
    base = {"term": form, "language": "sv", "kind": "slang", "denotes": "cannabis.herbal",
            "countries": "SE", "source": "test-glossary"}  # fmt: skip
    base.update(kw)
    return base


def counts(db) -> tuple[int, int, int, int]:
    with db.reader() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (Term, Submission, Source, AuditEntry)
        )


# -- roles ----------------------------------------------------------------------------------
def test_contributor_needs_country_and_roles_are_checked(db):
    with db.transaction() as s, pytest.raises(NarcolexError, match="--country"):
        users.add_user(s, "x", "contributor", actor="admin")
    with db.transaction() as s, pytest.raises(NarcolexError, match="unknown role"):
        users.add_user(s, "x", "boss", actor="admin")


def test_reader_cannot_submit(db, tmp_path):
    f = write_csv(tmp_path / "a.csv", [row("testord")])
    with pytest.raises(PermissionDenied, match="reader"):
        submit(db, f, "rita")


def test_disabled_user_cannot_act(db, tmp_path):
    with db.transaction() as s:
        users.disable_user(s, "sven", actor="admin")
    with pytest.raises(PermissionDenied, match="disabled"):
        submit(db, write_csv(tmp_path / "a.csv", [row("testord")]), "sven")


def test_tokens_are_hashed_shown_once_and_revocable(db):
    with db.transaction() as s:
        tok, secret = tokens.create_token(s, "rita", actor="admin")
        assert secret not in tok.token_hash and len(tok.token_hash) == 64
        tid = tok.id
    with db.reader() as s:
        assert tokens.authenticate(s, secret).name == "rita"
    with db.transaction() as s:
        tokens.revoke_token(s, tid, actor="admin")
    with db.reader() as s, pytest.raises(PermissionDenied):
        tokens.authenticate(s, secret)


# -- submissions ----------------------------------------------------------------------------
def test_valid_submission_creates_proposed_terms(db, tmp_path):
    f = write_csv(tmp_path / "ok.csv", [
        row("testgräs", variants="testgräset", ambiguity="medium"),
        row("testkoks", denotes="cocaine", source="",
            source_title="Test report", source_publisher="Test agency", source_year="2024"),
    ])  # fmt: skip
    report = submit(db, f, "sven")
    assert report.accepted == 2 and not report.problems
    with db.reader() as s:
        terms = s.scalars(select(Term).where(Term.submission_id == report.submission_id)).all()
        assert {t.status for t in terms} == {"proposed"}
        assert {t.term for t in terms} == {"testgräs", "testkoks"}
        koks = next(t for t in terms if t.term == "testkoks")
        assert koks.sources[0].title == "Test report" and koks.countries == ["SE"]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "submission.create")).one()
        assert entry.actor == "sven"


@pytest.mark.parametrize(
    ("bad", "column", "needle"),
    [
        ({"language": "sw"}, "language", "sv"),
        ({"kind": "slng"}, "kind", "slang"),
        ({"denotes": "cannabis.herb"}, "denotes", "cannabis.herbal"),
        ({"ambiguity": "hgh"}, "ambiguity", "high"),
        ({"countries": "DK"}, "countries", "wrong country"),
        ({"countries": "SE;XX"}, "countries", "unknown country"),
        ({"source": ""}, "source", "missing source"),
        ({"source": "test-glosary"}, "source", "test-glossary"),
        ({"term": ""}, "term", "required"),
        ({"first_seen": "yesterday"}, "first_seen", "not a date"),
        ({"source": "", "source_title": "T"}, "source_publisher", "title and a publisher"),
        ({"term": "weed", "language": "en", "countries": "SE"}, "term", "duplicate of term"),
    ],
)
def test_each_validation_error_names_file_row_column(db, tmp_path, bad, column, needle):
    f = write_csv(tmp_path / "bad.csv", [row("testord1"), row("testord2", **bad)])
    before = counts(db)
    with pytest.raises(SubmissionRejected) as info:
        submit(db, f, "sven")
    problems = info.value.row_problems
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.file, p.row, p.column) == ("bad.csv", 3, column)
    assert needle in (p.message + " " + (p.hint or ""))
    assert counts(db) == before  # whole file rejected: nothing written


def test_all_problems_reported_at_once(db, tmp_path):
    f = write_csv(tmp_path / "bad.csv", [
        row("a1", kind="x"), row("a2", denotes="y"), row("a3", language="zz"),
    ])  # fmt: skip
    with pytest.raises(SubmissionRejected) as info:
        submit(db, f, "sven")
    assert [p.row for p in info.value.row_problems] == [2, 3, 4]


def test_duplicate_inside_file(db, tmp_path):
    f = write_csv(tmp_path / "d.csv", [row("Testord"), row("testörd")])
    with pytest.raises(SubmissionRejected) as info:
        submit(db, f, "sven")
    assert "same form as row 2" in info.value.row_problems[0].message


def test_partial_keeps_valid_rows(db, tmp_path):
    f = write_csv(tmp_path / "p.csv", [row("testord1"), row("testord2", kind="nope")])
    report = submit(db, f, "sven", partial=True)
    assert report.accepted == 1 and len(report.problems) == 1
    assert report.problems[0].row == 3


def test_pending_submission_counts_as_duplicate(db, tmp_path):
    submit(db, write_csv(tmp_path / "a.csv", [row("testord")]), "sven")
    with pytest.raises(SubmissionRejected) as info:
        submit(db, write_csv(tmp_path / "b.csv", [row("TESTORD")]), "sven")
    assert "pending in submission" in info.value.row_problems[0].message


def test_close_forms_are_flagged_as_possible_duplicates(db, tmp_path):
    report = submit(db, write_csv(tmp_path / "a.csv", [
        row("weeds", language="en", countries="SE")
    ]), "sven")  # fmt: skip
    dups = report.terms[0]["possible_duplicates"]
    assert [d["term"] for d in dups] == ["weed"]
    with db.reader() as s:
        shown = review.show(s, report.terms[0]["id"])
        assert shown["possible_duplicates"][0]["term"] == "weed"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";")],
)
def test_encodings_and_delimiters(db, tmp_path, encoding, delimiter):
    f = write_csv(tmp_path / "e.csv", [row("testgräs")], delimiter, encoding)
    report = submit(db, f, "sven")
    assert report.terms[0]["term"] == "testgräs"


def test_xlsx_submission(db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "terms"
    ws.append(list(COLUMN_NAMES))
    r = row("testgräs")
    ws.append([r.get(c, "") for c in COLUMN_NAMES])
    ws.append([row("x", kind="bad").get(c, "") for c in COLUMN_NAMES])
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(SubmissionRejected) as info:
        submit(db, tmp_path / "s.xlsx", "sven")
    assert (info.value.row_problems[0].row, info.value.row_problems[0].column) == (3, "kind")


def test_failure_in_the_middle_leaves_database_unchanged(db, tmp_path, crash_on_call):
    f = write_csv(tmp_path / "m.csv", [row(f"testord{i}") for i in range(5)])
    before = counts(db)
    calls = crash_on_call(store, "add_term", 3)
    with pytest.raises(RuntimeError, match="injected"):
        submit(db, f, "sven")
    assert calls["n"] == 3
    assert counts(db) == before


# -- review ---------------------------------------------------------------------------------
def _submitted(db, tmp_path, by="sven", *rows):
    rows = rows or (row("testgräs"),)
    return submit(db, write_csv(tmp_path / f"{by}.csv", list(rows)), by)


def test_only_curators_review(db, tmp_path):
    tid = _submitted(db, tmp_path).terms[0]["id"]
    for who in ("sven", "rita", "admin"):
        with db.transaction() as s, pytest.raises(PermissionDenied):
            review.decide(s, tid, "approve", who)


def test_nobody_reviews_their_own_submission(db, tmp_path):
    tid = _submitted(db, tmp_path, "carla", row("testgräs")).terms[0]["id"]
    with db.transaction() as s, pytest.raises(PermissionDenied, match="another curator"):
        review.decide(s, tid, "approve", "carla")
    with db.transaction() as s:
        review.decide(s, tid, "approve", "cora")


def test_reject_and_request_changes_need_a_comment(db, tmp_path):
    tid = _submitted(db, tmp_path).terms[0]["id"]
    with db.transaction() as s, pytest.raises(NarcolexError, match="comment"):
        review.decide(s, tid, "reject", "carla")
    with db.transaction() as s:
        review.decide(s, tid, "request_changes", "carla", "Which country?")
    with db.reader() as s:
        state = submissions_of(s, "sven")[0]["terms"][0]
        assert state["state"] == "changes requested" and state["comment"] == "Which country?"


def test_merge_folds_the_form_into_the_target(db, tmp_path):
    rep = _submitted(db, tmp_path, "sven", row("weedz", language="en", countries="SE"))
    tid = rep.terms[0]["id"]
    with db.reader() as s:
        weed = s.scalar(select(Term).where(Term.term == "weed"))
    with db.transaction() as s:
        review.merge(s, tid, weed.id, "carla")
    with db.reader() as s:
        target = s.get(Term, weed.id)
        assert "weedz" in [v.form for v in target.variants]
        assert "SE" in target.countries
        merged = s.get(Term, tid)
        assert merged.status == "deprecated" and merged.merged_into_id == weed.id
        assert submissions_of(s, "sven")[0]["terms"][0]["state"] == "merged"


def test_comments_are_shown_with_the_term(db):
    with db.reader() as s:
        weed = s.scalar(select(Term).where(Term.term == "weed"))
    with db.transaction() as s:
        comments.add_comment(s, "Also seen in Finland.", "sven", term_id=weed.id)
        comments.add_comment(s, "Good first release.", "rita", release=1)
    with db.reader() as s:
        from narcolex.store.queries import term_detail

        assert term_detail(s, weed.id)["comments"][0]["body"] == "Also seen in Finland."
        assert comments.release_comments(s, 1)[0]["by"] == "rita"


# -- releases -------------------------------------------------------------------------------
def test_release_changelog_and_immutability(db, tmp_path):
    rep = _submitted(
        db, tmp_path, "sven", row("testgräs"), row("testhasch", denotes="cannabis.resin")
    )
    a, b = (t["id"] for t in rep.terms)
    with db.transaction() as s:
        review.decide(s, a, "approve", "carla")
        review.decide(s, b, "reject", "carla", "no source for this reading")
        weed = s.scalar(select(Term).where(Term.term == "weed"))
        weed.ambiguity = "high"
    with db.transaction() as s:
        rel = releases.create_release(s, "second", "carla")
        assert rel.version == 2
        assert "## Added (1)" in rel.changelog and "sv: testgräs" in rel.changelog
        assert "## Changed (1)" in rel.changelog and "en: weed" in rel.changelog
        assert rel.manifest["previous"] == 1
    with pytest.raises(NarcolexError, match="immutable"), db.transaction() as s:
        releases.get(s, 1).notes = "rewritten"
    with pytest.raises(NarcolexError, match="immutable"), db.transaction() as s:
        s.delete(releases.get(s, 1))
    with db.reader() as s:
        assert releases.get(s, 1).notes != "rewritten"
        diff = releases.diff_snapshots(
            releases.get(s, 1).snapshot["terms"], releases.get(s, 2).snapshot["terms"]
        )
        assert [r["term"] for r in diff.added] == ["testgräs"]
        assert s.scalar(select(func.count()).select_from(Release)) == 2
