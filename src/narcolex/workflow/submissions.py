"""Submissions: a contributor's spreadsheet of proposed terms, validated row by row.

A contributor must see every problem of a file at once (file, row, column, value, hint), and
a rejected file must leave the knowledge base exactly as it was: validation runs before any
write, and the writes share one transaction.

Validation reads only, so it runs before the write transaction: a long file holds the write
lock only while its rows are inserted (flushed in chunks), and curators can approve meanwhile.
A term that someone else submitted between the two phases makes the unique key refuse the
write, which the database layer reports as a ConflictError (nothing is written).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from narcolex.errors import ContentError
from narcolex.formats.tabular import read_table
from narcolex.store.engine import Database, conflict
from narcolex.store.models import Source, Submission, Term
from narcolex.textkey import term_key
from narcolex.workflow import audit, users
from narcolex.workflow import load as store
from narcolex.workflow.review import term_state
from narcolex.workflow.validation import RowProblem, ValidRow, validate_sheet

__all__ = ["RowProblem", "SubmissionRejected", "SubmissionReport", "ValidRow", "submit"]

SUBMITTER_ROLES = ("contributor", "curator", "admin")


class SubmissionRejected(ContentError):
    """The file had invalid rows and --partial was not given: nothing was written."""

    def __init__(self, file: str, problems: list[RowProblem]) -> None:
        self.row_problems = problems
        super().__init__(
            f"{file}: {len(problems)} problem(s); nothing was submitted "
            "(fix them, or use --partial to keep the valid rows)",
            [str(p) for p in problems],
        )

    def __str__(self) -> str:  # the rows are printed one per line by the caller
        return str(self.args[0])


@dataclass(frozen=True)
class SubmissionReport:
    submission_id: int
    file: str
    rows: int
    accepted: int
    problems: tuple[RowProblem, ...]
    terms: tuple[dict[str, Any], ...]
    encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission_id,
            "file": self.file,
            "encoding": self.encoding,
            "rows": self.rows,
            "accepted": self.accepted,
            "problems": [p.to_dict() for p in self.problems],
            "terms": list(self.terms),
        }


def _new_source_key(session: Session, info: dict[str, Any], taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", term_key(info["title"])).strip("-")[:60] or "source"
    base = f"{slug}-{info['year']}" if info.get("year") else slug
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def submit(
    db: Database,
    path: Path | str,
    as_user: str,
    partial: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> SubmissionReport:
    """Validate and store a contributor's file as one submission of proposed terms.

    `progress(phase, done, total)` is called while rows are checked and written."""
    sheet = read_table(path)
    name = Path(sheet.path).name
    with db.reader() as session:
        user = users.acting_user(session, as_user, SUBMITTER_ROLES)
        step = (lambda d, t: progress("checking", d, t)) if progress else None
        valid, problems = validate_sheet(session, sheet, user, step)
    if problems and not partial:
        raise SubmissionRejected(name, problems)
    if not valid:
        raise SubmissionRejected(
            name, problems or [RowProblem(name, None, None, None, "the file has no data rows")]
        )
    with db.transaction() as session:
        user = users.acting_user(session, as_user, SUBMITTER_ROLES)
        sub = Submission(
            user_id=user.id,
            country=user.country,
            filename=name,
            status="pending",
            row_count=len(sheet.rows),
            accepted_count=len(valid),
            problems=[str(p) for p in problems],
        )
        session.add(sub)
        session.flush()
        sources = {s.key: s for s in session.scalars(select(Source))}
        taken = set(sources)
        out_terms = []
        added: list[tuple[ValidRow, Term]] = []
        for done, v in enumerate(valid, start=1):
            if v.new_source is not None:
                key = _new_source_key(session, v.new_source, taken)
                src = Source(key=key, kind="report", **v.new_source)
                session.add(src)
                sources[key] = src
                ids = [s for s in v.entry.sources if s != "__new__"] + [key]
                v.entry = v.entry.model_copy(update={"sources": ids})
            term = store.add_term(
                session, v.lang, v.entry, sources, status="proposed", submission_id=sub.id
            )
            added.append((v, term))
            if done % store.CHUNK == 0 or done == len(valid):
                _flush(session)
                if progress:
                    progress("writing", done, len(valid))
        _flush(session)
        for v, term in added:
            out_terms.append(
                {
                    "id": term.id,
                    "row": v.row,
                    "term": term.term,
                    "lang": term.lang,
                    "possible_duplicates": [{"id": i, "term": f} for i, f in v.possible_duplicates],
                }
            )
        audit.record(
            session,
            user.name,
            "submission.create",
            "submission",
            sub.id,
            file=name,
            accepted=len(valid),
            rejected_rows=len(problems),
            encoding=sheet.encoding,
        )
        return SubmissionReport(
            sub.id,
            name,
            len(sheet.rows),
            len(valid),
            tuple(problems),
            tuple(out_terms),
            sheet.encoding,
        )


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        raise conflict(exc, "a term of this file was stored by someone else meanwhile") from None


def submissions_of(session: Session, as_user: str) -> list[dict[str, Any]]:
    """Where each of a user's submissions stands, term by term."""
    user = users.acting_user(session, as_user)
    out = []
    for sub in session.scalars(
        select(Submission).where(Submission.user_id == user.id).order_by(Submission.id)
    ):
        terms = session.scalars(select(Term).where(Term.submission_id == sub.id).order_by(Term.id))
        items = [
            {"id": t.id, "term": t.term, "lang": t.lang, **term_state(session, t)} for t in terms
        ]
        out.append(
            {
                "submission": sub.id,
                "file": sub.filename,
                "created_at": sub.created_at.isoformat(timespec="seconds"),
                "rows": sub.row_count,
                "accepted": sub.accepted_count,
                "rejected_rows": len(sub.problems),
                "terms": items,
            }
        )
    return out
