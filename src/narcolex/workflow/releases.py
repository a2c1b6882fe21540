"""Releases: immutable, numbered snapshots of the validated terms.

A release stores its own copy of every term it contains (the snapshot), so later edits to the
knowledge base never change what a platform downloaded as "version N". The content hash is
computed over the snapshot without database ids, so the same content imported into another
database hashes the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from narcolex.errors import NarcolexError
from narcolex.package.lexicon import Lexicon, LexiconTerm
from narcolex.package.records import (
    Changes,
    content_hash,
    counts,
    diff_snapshots,
    render_changelog,
)
from narcolex.store.models import CodeLabel, Release, Source, Term
from narcolex.store.queries import get_release as get
from narcolex.store.queries import latest_release as latest
from narcolex.store.queries import term_record
from narcolex.workflow import audit


def build_snapshot(session: Session) -> dict[str, Any]:
    """Everything a release freezes: validated terms, the sources they cite, code labels."""
    terms = list(session.scalars(select(Term).where(Term.status == "validated").order_by(Term.id)))
    records = [term_record(t) for t in terms]
    cited = {k for r in records for k in r["sources"]}
    sources = {
        s.key: {
            "title": s.title,
            "publisher": s.publisher,
            "year": s.year,
            "url": s.url,
            "lang": s.lang,
            "kind": s.kind,
        }
        for s in session.scalars(select(Source).where(Source.key.in_(cited)))
    }
    labels: dict[str, dict[str, str]] = {}
    for row in session.scalars(select(CodeLabel).order_by(CodeLabel.code, CodeLabel.lang)):
        labels.setdefault(row.code, {})[row.lang] = row.label
    return {"terms": records, "sources": sources, "labels": labels}


def create_release(
    session: Session, notes: str | None, actor: str, version: int | None = None
) -> Release:
    """Freeze the validated terms as the next version (or `version`, when importing a
    bundle), with manifest and changelog."""
    snapshot = build_snapshot(session)
    prev = latest(session)
    newest = session.scalar(select(func.max(Release.version))) or 0
    if version is not None and version <= newest:
        raise NarcolexError(f"release {version} would not be newer than release {newest}")
    version = version or newest + 1
    changes = diff_snapshots(prev.snapshot["terms"] if prev else [], snapshot["terms"])
    digest = content_hash(snapshot["terms"], snapshot["sources"])
    created = datetime.now(UTC).replace(microsecond=0)
    manifest = {
        "name": "Knowledge Package against drug sales online",
        "version": version,
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "content_sha256": digest,
        "counts": counts(snapshot["terms"]),
        "languages": sorted({r["lang"] for r in snapshot["terms"]}),
        "sources": len(snapshot["sources"]),
        "previous": prev.version if prev else None,
    }
    rel = Release(
        version=version,
        created_at=created.replace(tzinfo=None),
        created_by=actor,
        notes=notes,
        content_sha256=digest,
        manifest=manifest,
        changelog=render_changelog(version, notes, changes, prev.version if prev else None),
        snapshot=snapshot,
    )
    session.add(rel)
    session.flush()
    audit.record(
        session,
        actor,
        "release.create",
        "release",
        version,
        sha256=digest,
        **changes.to_dict() if len(snapshot["terms"]) < 50 else {},
    )
    return rel


def lexicon_of(release: Release) -> Lexicon:
    terms = tuple(LexiconTerm.from_record(r) for r in release.snapshot.get("terms", []))
    return Lexicon(
        terms=terms,
        version=str(release.version),
        substance_labels=release.snapshot.get("labels", {}),
    )


def lexicon_from_db(url: str | None = None, release: int | None = None) -> Lexicon:
    """The scanner's view of a release stored in the database at `url` (latest by default)."""
    from narcolex.store.engine import open_db

    db = open_db(url)
    try:
        with db.reader() as session:
            return lexicon_of(get(session, release))
    finally:
        db.dispose()


__all__ = [
    "Changes",
    "build_snapshot",
    "content_hash",
    "counts",
    "create_release",
    "diff_snapshots",
    "get",
    "latest",
    "lexicon_from_db",
    "lexicon_of",
    "render_changelog",
    "term_record",
]
