"""Curators' decisions on proposed terms, and feedback-phase comments.

Two rules protect the package: only curators decide, and nobody decides on a term from their
own submission (four eyes). Every decision is a Review row plus an audit entry.

Two curators may act on the same proposal at the same moment, so a decision is a
compare-and-set on the term's status (UPDATE … WHERE status = 'proposed'): on SQLite and
PostgreSQL alike exactly one of them changes the row, and the other is told who decided first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.errors import ConflictError, NarcolexError, PermissionDenied
from narcolex.store import queries
from narcolex.store.models import (
    Review,
    Submission,
    Term,
    TermCode,
    User,
    Variant,
    utcnow,
)
from narcolex.textkey import term_key
from narcolex.workflow import audit, users
from narcolex.workflow.duplicates import similar

REVIEWER_ROLES = ("curator",)
DECISIONS = {"approve": "validated", "reject": "deprecated", "request_changes": "proposed"}


def term_state(session: Session, term: Term) -> dict[str, Any]:
    """What happened to a term so far, as a contributor wants to see it."""
    last = session.scalar(
        select(Review).where(Review.term_id == term.id).order_by(Review.id.desc()).limit(1)
    )
    state = {
        "validated": "approved",
        "deprecated": "merged" if term.merged_into_id else "rejected",
        "proposed": "changes requested"
        if last and last.decision == "request_changes"
        else "pending review",
    }[term.status]
    return {
        "state": state,
        "comment": last.comment if last else None,
        "merged_into": term.merged_into_id,
    }


def pending(
    session: Session,
    lang: str | None = None,
    country: str | None = None,
    status: str | None = "proposed",
) -> list[dict[str, Any]]:
    stmt = (
        select(Term, Submission, User)
        .outerjoin(Submission, Submission.id == Term.submission_id)
        .outerjoin(User, User.id == Submission.user_id)
    )
    if status:
        stmt = stmt.where(Term.status == taxonomy.validate_status(status))
    if lang:
        stmt = stmt.where(Term.lang == taxonomy.validate_language(lang))
    if country:
        stmt = stmt.where(Submission.country == taxonomy.validate_country(country))
    out = []
    for term, sub, user in session.execute(stmt.order_by(Term.id)):
        out.append({
            "id": term.id, "term": term.term, "lang": term.lang, "kind": term.kind,
            "denotes": term.denotes, "status": term.status,
            "submission": sub.id if sub else None, "by": user.name if user else None,
            "country": sub.country if sub else None,
            **{k: v for k, v in term_state(session, term).items() if k == "state"},
        })  # fmt: skip
    return out


def possible_duplicates(session: Session, term: Term) -> list[dict[str, Any]]:
    """Terms of the same language whose form is close to this one (for the reviewer)."""
    rows = session.execute(
        select(Term.id, Term.key, Term.term).where(Term.lang == term.lang, Term.id != term.id)
    ).all()
    choices = {tid: key for tid, key, _ in rows}
    forms = {tid: form for tid, _, form in rows}
    for tid, key in session.execute(
        select(Variant.term_id, Variant.key)
        .join(Term)
        .where(Term.lang == term.lang, Term.id != term.id)
    ):
        choices.setdefault(-tid, key)  # variants keyed apart, mapped back below
        forms.setdefault(-tid, forms.get(tid, key))
    seen: dict[int, dict[str, Any]] = {}
    for tid, key, score in similar(term.key, choices, limit=5):
        real = abs(tid)
        if real not in seen:
            seen[real] = {"id": real, "term": forms.get(real, key), "similarity": score}
    return list(seen.values())


def show(session: Session, term_id: int) -> dict[str, Any]:
    rec = queries.term_detail(session, term_id)
    term = queries.get_term(session, term_id)
    rec.update(term_state(session, term))
    rec["possible_duplicates"] = possible_duplicates(session, term)
    return rec


def _already_decided(session: Session, term_id: int, status: str) -> NarcolexError:
    """The error for a decision on a term that is no longer proposed: who decided, when."""
    last = session.execute(
        select(Review, User.name)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.term_id == term_id)
        .order_by(Review.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return NarcolexError(f"term {term_id} is {status}, not awaiting review")
    review, name = last
    at = review.created_at.isoformat(sep=" ", timespec="seconds")
    return ConflictError(
        f"term {term_id} was already decided by {name} at {at} UTC "
        f"({review.decision.replace('_', ' ')}; it is now {status})"
    )


def _claim(session: Session, term: Term, new_status: str, **values: Any) -> None:
    """Compare-and-set: move `term` out of `proposed`, or fail if someone else did first."""
    result = session.execute(
        update(Term)
        .where(Term.id == term.id, Term.status == "proposed")
        .values(status=new_status, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.expire(term)
        current = session.scalar(select(Term.status).where(Term.id == term.id)) or "gone"
        raise _already_decided(session, term.id, current)
    session.expire(term, ["status", "updated_at", *values])


def _reviewable(session: Session, term_id: int, reviewer: User) -> Term:
    term = queries.get_term(session, term_id)
    if term.status != "proposed":
        raise _already_decided(session, term_id, term.status)
    if term.submission_id is not None:
        sub = session.get(Submission, term.submission_id)
        if sub is not None and sub.user_id == reviewer.id:
            raise PermissionDenied(
                f"{reviewer.name} submitted term {term_id}; another curator must review it"
            )
    return term


def decide(
    session: Session, term_id: int, decision: str, as_user: str, comment: str | None = None
) -> Review:
    if decision not in DECISIONS:
        raise NarcolexError(f"unknown decision {decision!r}")
    reviewer = users.acting_user(session, as_user, REVIEWER_ROLES)
    term = _reviewable(session, term_id, reviewer)
    if decision in ("reject", "request_changes") and not (comment and comment.strip()):
        raise NarcolexError(f"{decision.replace('_', ' ')} needs a --comment for the contributor")
    _claim(session, term, DECISIONS[decision])
    review = Review(term_id=term.id, reviewer_id=reviewer.id, decision=decision, comment=comment)
    session.add(review)
    session.flush()
    audit.record(session, reviewer.name, f"review.{decision}", "term", term.id,
                 comment=comment, term=term.term, lang=term.lang)  # fmt: skip
    return review


def merge(
    session: Session, term_id: int, into_id: int, as_user: str, comment: str | None = None
) -> Review:
    """Fold a proposed term into an existing one: its form becomes a variant there and its
    codes, countries, platforms and sources are added to the target."""
    reviewer = users.acting_user(session, as_user, REVIEWER_ROLES)
    term = _reviewable(session, term_id, reviewer)
    target = queries.get_term(session, into_id)
    if target.id == term.id:
        raise NarcolexError("cannot merge a term into itself")
    if target.lang != term.lang:
        raise NarcolexError(
            f"term {term_id} is {term.lang} and term {into_id} is {target.lang}: "
            "merge only within a language"
        )
    if target.status == "deprecated":
        raise NarcolexError(f"term {into_id} is deprecated; merge into a live term")
    have = {target.key, *(v.key for v in target.variants)}
    for form in (term.term, *(v.form for v in term.variants)):
        if term_key(form) not in have:
            have.add(term_key(form))
            target.variants.append(Variant(form=form, key=term_key(form)))
    codes = {c.code for c in target.codes}
    target.codes.extend(TermCode(code=c) for c in term.denotes if c not in codes)
    target.countries = sorted({*(target.countries or []), *(term.countries or [])})
    target.platforms = sorted({*(target.platforms or []), *(term.platforms or [])})
    if target.source_refs or term.source_refs:  # keep the locators of both, and every source
        refs = [r for t in (target, term) for r in (t.source_refs or [s.key for s in t.sources])]
        target.source_refs = sorted(dict.fromkeys(refs))
    target.sources = list({s.id: s for s in (*target.sources, *term.sources)}.values())
    _claim(session, term, "deprecated", merged_into_id=target.id)
    review = Review(term_id=term.id, reviewer_id=reviewer.id, decision="merge",
                    comment=comment, merged_into_id=target.id)  # fmt: skip
    session.add(review)
    session.flush()
    audit.record(session, reviewer.name, "review.merge", "term", term.id, into=target.id)
    return review
