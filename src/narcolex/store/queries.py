"""Read-side questions about the knowledge base: stats, search, one term in full."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.errors import NotFoundError
from narcolex.package.records import SNAPSHOT_FIELDS  # noqa: F401  (the record's fields)
from narcolex.store.models import (
    ApiToken,
    AuditEntry,
    Comment,
    Release,
    Review,
    Source,
    Submission,
    Term,
    TermCode,
    User,
    Variant,
)
from narcolex.textkey import term_key


def stats(session: Session) -> dict[str, Any]:
    def grouped(column) -> dict[str, int]:  # type: ignore[no-untyped-def]
        rows = session.execute(select(column, func.count()).group_by(column)).all()
        return {str(k): int(n) for k, n in sorted(rows, key=lambda r: str(r[0]))}

    by_code = grouped(TermCode.code)
    by_group: Counter[str] = Counter()
    for code, n in by_code.items():
        by_group[taxonomy.substance_group(code)] += n
    latest = latest_release(session)
    return {
        "terms": session.scalar(select(func.count()).select_from(Term)) or 0,
        "variants": session.scalar(select(func.count()).select_from(Variant)) or 0,
        "sources": session.scalar(select(func.count()).select_from(Source)) or 0,
        "by_language": grouped(Term.lang),
        "by_kind": grouped(Term.kind),
        "by_status": grouped(Term.status),
        "by_code": by_code,
        "by_group": dict(sorted(by_group.items())),
        "latest_release": latest.version if latest else None,
    }


def search(session: Session, query: str, lang: str | None = None, limit: int = 50) -> list[Term]:
    """Terms whose form or a variant contains the query, case- and accent-insensitively."""
    key = term_key(query)
    if not key:
        return []
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = "%" + escaped + "%"
    variant_hit = select(Variant.term_id).where(Variant.key.like(pattern, escape="\\"))
    stmt = select(Term).where(or_(Term.key.like(pattern, escape="\\"), Term.id.in_(variant_hit)))
    if lang:
        stmt = stmt.where(Term.lang == taxonomy.validate_language(lang))
    # exact hits first, then shorter keys (closer to the query)
    stmt = stmt.order_by((Term.key != key), func.length(Term.key), Term.id).limit(limit)
    return list(session.scalars(stmt))


def get_term(session: Session, term_id: int) -> Term:
    term = session.get(Term, term_id)
    if term is None:
        raise NotFoundError(f"term {term_id} does not exist")
    return term


def term_detail(session: Session, term_id: int) -> dict[str, Any]:
    term = get_term(session, term_id)
    rec = term_record(term)
    rec["sources"] = [
        {"id": s.key, "title": s.title, "publisher": s.publisher, "year": s.year, "url": s.url}
        for s in sorted(term.sources, key=lambda s: s.key)
    ]
    rec["merged_into"] = term.merged_into_id
    rec["submission"] = term.submission_id
    rec["reviews"] = [
        {
            "decision": r.decision,
            "by": name,
            "comment": r.comment,
            "at": r.created_at.isoformat(timespec="seconds"),
        }
        for r, name in session.execute(
            select(Review, User.name)
            .join(User, User.id == Review.reviewer_id)
            .where(Review.term_id == term_id)
            .order_by(Review.id)
        )
    ]
    rec["comments"] = [
        {"by": name, "body": c.body, "at": c.created_at.isoformat(timespec="seconds")}
        for c, name in session.execute(
            select(Comment, User.name)
            .join(User, User.id == Comment.user_id)
            .where(Comment.term_id == term_id)
            .order_by(Comment.id)
        )
    ]
    return rec


def term_record(term: Term) -> dict[str, Any]:
    """The release representation of one term (also the row of terms.jsonl)."""
    return {
        "id": term.id,
        "term": term.term,
        "lang": term.lang,
        "kind": term.kind,
        "denotes": term.denotes,
        "ambiguity": term.ambiguity,
        "confidence": term.confidence,
        "status": term.status,
        "match": term.match_mode,
        "variants": sorted(v.form for v in term.variants),
        "countries": sorted(term.countries or []),
        "platforms": sorted(term.platforms or []),
        "sources": sorted(s.key for s in term.sources),
        "first_seen": term.first_seen.isoformat() if term.first_seen else None,
        "last_seen": term.last_seen.isoformat() if term.last_seen else None,
        "note": term.note,
        "innocent": list(term.innocent or []),
        "references": sorted(term.source_refs or (s.key for s in term.sources)),
    }


def latest_release(session: Session) -> Release | None:
    return session.scalar(select(Release).order_by(Release.version.desc()).limit(1))


def get_release(session: Session, version: int | None = None) -> Release:
    rel = (
        latest_release(session)
        if version is None
        else session.scalar(select(Release).where(Release.version == version))
    )
    if rel is None:
        what = "no release yet" if version is None else f"release {version} does not exist"
        raise NotFoundError(what)
    return rel


# -- reads for the HTTP API (filters and pages) -------------------------------------------
def find_terms(
    session: Session,
    query: str | None = None,
    lang: str | None = None,
    substance: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    country: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Term]:
    """Terms matching every given filter; `query` as in `search` (accent-insensitive, also on
    variants), `substance` including its narrower codes. Exact hits first, then by id."""
    stmt = select(Term)
    order: list[Any] = []
    if query is not None:
        key = term_key(query)
        if not key:
            return []
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = "%" + escaped + "%"
        variant_hit = select(Variant.term_id).where(Variant.key.like(pattern, escape="\\"))
        stmt = stmt.where(or_(Term.key.like(pattern, escape="\\"), Term.id.in_(variant_hit)))
        order.append(Term.key != key)
    if lang:
        stmt = stmt.where(Term.lang == taxonomy.validate_language(lang))
    if substance:
        code = taxonomy.validate_code(substance)
        coded = select(TermCode.term_id).where(
            or_(TermCode.code == code, TermCode.code.like(code + ".%"))
        )
        stmt = stmt.where(Term.id.in_(coded))
    if kind:
        stmt = stmt.where(Term.kind == taxonomy.validate_kind(kind))
    if status:
        stmt = stmt.where(Term.status == taxonomy.validate_status(status))
    if country:
        cc = taxonomy.validate_country(country)
        stmt = stmt.where(cast(Term.countries, String).like(f'%"{cc}"%'))
    stmt = stmt.order_by(*order, Term.id).offset(offset).limit(limit)
    return list(session.scalars(stmt))


def submission_rows(
    session: Session, user_id: int | None = None, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Submissions (all, or one user's), newest first, with who made them."""
    stmt = select(Submission, User.name).outerjoin(User, User.id == Submission.user_id)
    if user_id is not None:
        stmt = stmt.where(Submission.user_id == user_id)
    rows = session.execute(stmt.order_by(Submission.id.desc()).offset(offset).limit(limit))
    return [submission_summary(sub, name) for sub, name in rows]


def submission_summary(sub: Submission, by: str | None) -> dict[str, Any]:
    return {
        "submission": sub.id,
        "file": sub.filename,
        "by": by,
        "country": sub.country,
        "created_at": sub.created_at.isoformat(timespec="seconds"),
        "status": sub.status,
        "rows": sub.row_count,
        "accepted": sub.accepted_count,
        "rejected_rows": len(sub.problems or []),
        "problems": list(sub.problems or []),
    }


def get_submission(session: Session, submission_id: int) -> tuple[Submission, str | None]:
    row = session.execute(
        select(Submission, User.name)
        .outerjoin(User, User.id == Submission.user_id)
        .where(Submission.id == submission_id)
    ).first()
    if row is None:
        raise NotFoundError(f"submission {submission_id} does not exist")
    return row[0], row[1]


def terms_of_submission(session: Session, submission_id: int) -> list[Term]:
    return list(
        session.scalars(select(Term).where(Term.submission_id == submission_id).order_by(Term.id))
    )


def releases(session: Session) -> list[Release]:
    return list(session.scalars(select(Release).order_by(Release.version)))


def tokens(session: Session, user: str | None = None) -> list[tuple[ApiToken, str]]:
    stmt = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
    if user is not None:
        stmt = stmt.where(User.name == user)
    return [(t, n) for t, n in session.execute(stmt.order_by(ApiToken.id))]


def audit_page(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[AuditEntry]:
    """Audit entries in order, filtered; `action` may end in '.' to match a family."""
    stmt = select(AuditEntry).where(AuditEntry.id > after_id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(
            AuditEntry.action.startswith(action) if action.endswith(".") else
            AuditEntry.action == action
        )  # fmt: skip
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    return list(session.scalars(stmt.order_by(AuditEntry.id).limit(limit)))


# -- reads for the web pages ----------------------------------------------------------------
def code_labels(session: Session, codes: list[str], lang: str) -> dict[str, str]:
    """The name of each code in `lang`, falling back to English, then to the code itself."""
    from narcolex.store.models import CodeLabel

    found: dict[str, dict[str, str]] = {}
    for code, lg, label in session.execute(
        select(CodeLabel.code, CodeLabel.lang, CodeLabel.label).where(
            CodeLabel.code.in_(codes), CodeLabel.lang.in_((lang, "en"))
        )
    ):
        found.setdefault(code, {})[lg] = label
    return {c: found.get(c, {}).get(lang) or found.get(c, {}).get("en") or c for c in codes}


RECENT_ACTIONS = ("review.", "release.", "submission.")


def recent_changes(session: Session, limit: int = 10) -> list[AuditEntry]:
    """The newest curation events (reviews, releases, submissions), newest first."""
    stmt = select(AuditEntry).where(or_(*(AuditEntry.action.startswith(a) for a in RECENT_ACTIONS)))
    return list(session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit)))
