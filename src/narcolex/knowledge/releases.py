"""Releases: immutable, numbered snapshots of the validated terms.

A release stores its own copy of every term it contains (the snapshot), so later edits to the
knowledge base never change what a platform downloaded as "version N". The content hash is
computed over the snapshot without database ids, so the same content imported into another
database hashes the same.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from narcolex.errors import NarcolexError, NotFoundError
from narcolex.knowledge import audit
from narcolex.knowledge.lexicon import Lexicon, LexiconTerm
from narcolex.knowledge.models import CodeLabel, Release, Source, Term
from narcolex.textkey import term_key

SNAPSHOT_FIELDS = (
    "term", "lang", "kind", "denotes", "ambiguity", "confidence", "status", "match",
    "variants", "countries", "platforms", "sources", "first_seen", "last_seen", "note",
)  # fmt: skip


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
    }


def _identity(rec: dict[str, Any]) -> tuple[str, str]:
    return rec["lang"], term_key(rec["term"])


def content_hash(terms: list[dict[str, Any]], sources: dict[str, Any]) -> str:
    """sha256 over the id-free, canonically ordered content."""
    canon_terms = sorted(
        ({k: r[k] for k in SNAPSHOT_FIELDS} for r in terms), key=lambda r: _identity(r)
    )
    payload = json.dumps(
        {"terms": canon_terms, "sources": dict(sorted(sources.items()))},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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


def counts(records: list[dict[str, Any]]) -> dict[str, Any]:
    by_sub: Counter[str] = Counter()
    for r in records:
        for code in r["denotes"]:
            by_sub[code] += 1
    return {
        "terms": len(records),
        "by_language": dict(sorted(Counter(r["lang"] for r in records).items())),
        "by_kind": dict(sorted(Counter(r["kind"] for r in records).items())),
        "by_code": dict(sorted(by_sub.items())),
    }


@dataclass(frozen=True)
class Changes:
    added: list[dict[str, Any]]
    changed: list[tuple[dict[str, Any], dict[str, Any]]]
    removed: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [f"{r['lang']}:{r['term']}" for r in self.added],
            "changed": [f"{b['lang']}:{b['term']}" for _, b in self.changed],
            "removed": [f"{r['lang']}:{r['term']}" for r in self.removed],
        }


def diff_snapshots(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Changes:
    before = {_identity(r): r for r in old}
    after = {_identity(r): r for r in new}
    strip = lambda r: {k: r[k] for k in SNAPSHOT_FIELDS}  # noqa: E731
    added = [after[k] for k in sorted(after.keys() - before.keys())]
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    changed = [
        (before[k], after[k])
        for k in sorted(after.keys() & before.keys())
        if strip(before[k]) != strip(after[k])
    ]
    return Changes(added, changed, removed)


def render_changelog(
    version: int, notes: str | None, changes: Changes, previous: int | None
) -> str:
    lines = [f"# Knowledge Package release {version}", ""]
    if notes:
        lines += [notes.strip(), ""]
    against = f"release {previous}" if previous else "an empty package"
    lines.append(f"Changes against {against}:")
    for title, items in (
        ("Added", [f"{r['lang']}: {r['term']} ({', '.join(r['denotes'])})" for r in changes.added]),
        ("Changed", [f"{b['lang']}: {b['term']}" for _, b in changes.changed]),
        ("Deprecated or removed", [f"{r['lang']}: {r['term']}" for r in changes.removed]),
    ):
        lines += ["", f"## {title} ({len(items)})", ""]
        lines += [f"- {item}" for item in items] or ["- none"]
    return "\n".join(lines) + "\n"


def latest(session: Session) -> Release | None:
    return session.scalar(select(Release).order_by(Release.version.desc()).limit(1))


def get(session: Session, version: int | None = None) -> Release:
    rel = (
        latest(session)
        if version is None
        else session.scalar(select(Release).where(Release.version == version))
    )
    if rel is None:
        what = "no release yet" if version is None else f"release {version} does not exist"
        raise NotFoundError(what)
    return rel


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
    from narcolex.db import open_db

    db = open_db(url)
    try:
        with db.reader() as session:
            return lexicon_of(get(session, release))
    finally:
        db.dispose()
