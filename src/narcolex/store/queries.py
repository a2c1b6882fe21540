"""Read-side questions about the knowledge base: stats, search, one term in full."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.errors import NotFoundError
from narcolex.package.records import SNAPSHOT_FIELDS  # noqa: F401  (the record's fields)
from narcolex.store.models import Comment, Release, Review, Source, Term, TermCode, User, Variant
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
