"""Releases: immutable, numbered snapshots of the validated terms.

A release stores its own copy of every term it contains (the snapshot), so later edits to the
knowledge base never change what a platform downloaded as "version N". The content hash is
computed over the snapshot without database ids, so the same content imported into another
database hashes the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from narcolex.errors import ConflictError, ContentError, NarcolexError
from narcolex.package.lexicon import Lexicon, LexiconTerm
from narcolex.package.records import (
    Changes,
    content_hash,
    counts,
    diff_snapshots,
    render_changelog,
    respond_hash,
)
from narcolex.package.respond_content import FILES as RESPOND_FILES
from narcolex.package.respond_content import RespondContent, bundled, from_documents
from narcolex.store.models import CodeLabel, Release, Source, Term
from narcolex.store.queries import get_release as get
from narcolex.store.queries import latest_release as latest
from narcolex.store.queries import term_record
from narcolex.workflow import audit, users

RELEASER_ROLES = ("curator", "admin")


class NothingToRelease(NarcolexError):
    """The validated terms are exactly those of the latest release."""


def respond_documents() -> dict[str, Any]:
    """The response content as it is on disk now (read afresh, not the per-process cache), so
    a release made after a curator edited the files carries the edit."""
    from narcolex.package.respond_content import as_documents, load

    return as_documents(load())


def build_snapshot(session: Session, respond: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything a release freezes: validated terms, the sources they cite, code labels, and
    the response content (help resources, legal grounds, search interventions), so an export
    of the release never changes when the content files do. `respond` is a bundle's content
    when importing one; by default the files' current content."""
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
    return {
        "terms": records,
        "sources": sources,
        "labels": labels,
        "respond": respond if respond is not None else respond_documents(),
    }


def create_release(
    session: Session,
    notes: str | None,
    actor: str,
    version: int | None = None,
    respond: dict[str, Any] | None = None,
) -> Release:
    """Freeze the validated terms as the next version (or `version`, when importing a
    bundle), with manifest and changelog.

    A curator or admin acts; `system` only makes the first release of a database (init and
    import). A release identical to the latest one is refused, and a concurrent release
    that took the same number first is a ConflictError.
    """
    prev = latest(session)
    if actor != users.SYSTEM or prev is not None:
        users.acting_user(session, actor, RELEASER_ROLES)
    snapshot = build_snapshot(session, respond)
    # One read for both: the latest release is the one compared with and numbered after, so a
    # release committed meanwhile by someone else makes this one conflict, never duplicate it.
    newest = prev.version if prev else 0
    if version is not None and version <= newest:
        raise NarcolexError(f"release {version} would not be newer than release {newest}")
    importing = version is not None
    version = version or newest + 1
    changes = diff_snapshots(prev.snapshot["terms"] if prev else [], snapshot["terms"])
    digest = content_hash(snapshot["terms"], snapshot["sources"])
    respond_digest = respond_hash(snapshot["respond"])
    respond_changed = prev is None or (prev.manifest or {}).get("respond_sha256") != respond_digest
    if prev is not None and not importing and prev.content_sha256 == digest and not respond_changed:
        raise NothingToRelease(
            f"nothing to release: the validated terms and the response content are those of "
            f"release {prev.version} (sha256 {digest[:12]}); approve or change terms first"
        )
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
        "respond_sha256": respond_digest,
        "respond_files": sorted(RESPOND_FILES.values()),
    }
    log = render_changelog(version, notes, changes, prev.version if prev else None)
    if prev is not None and respond_changed:
        log += (
            "\nThe response content (help resources, legal grounds, search interventions) "
            f"changed against release {prev.version}.\n"
        )
    rel = Release(
        version=version,
        created_at=created.replace(tzinfo=None),
        created_by=actor,
        notes=notes,
        content_sha256=digest,
        manifest=manifest,
        changelog=log,
        snapshot=snapshot,
    )
    session.add(rel)
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(
            f"release {version} was created by someone else at the same moment; "
            "see `narcolex release list`"
        ) from None
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


def verify_release(release: Release) -> str:
    """The release's content hash, after recomputing it from the stored snapshot: a snapshot
    edited in the database (or a damaged one) is refused instead of scanned with."""
    snap = release.snapshot or {}
    try:
        digest = content_hash(list(snap.get("terms", [])), dict(snap.get("sources", {})))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ContentError(
            f"release {release.version}: the stored snapshot is damaged ({exc})"
        ) from None
    stated = {release.content_sha256, (release.manifest or {}).get("content_sha256")}
    if stated != {digest}:
        raise ContentError(
            f"release {release.version}: the stored snapshot hashes to {digest[:12]}, not to "
            f"its recorded {release.content_sha256[:12]}: it was edited in the database; "
            "refusing to use it"
        )
    recorded = (release.manifest or {}).get("respond_sha256")
    if recorded is not None or "respond" in snap:
        found = respond_hash(snap["respond"]) if isinstance(snap.get("respond"), dict) else None
        if found != recorded:
            raise ContentError(
                f"release {release.version}: its response content does not match the recorded "
                "respond_sha256: it was edited in the database; refusing to use it"
            )
    return digest


_RELEASED: dict[str, RespondContent] = {}  # by respond_sha256: parsed once per process


def respond_content_of(release: Release | None) -> RespondContent:
    """The response content a release was made with (help, legal grounds, interventions).

    A release made before the content was part of releases has none stored; it answers with
    the installed files, the only content there is for it."""
    docs = (release.snapshot or {}).get("respond") if release is not None else None
    if release is None or not isinstance(docs, dict):
        return bundled()
    sha = (release.manifest or {}).get("respond_sha256") or respond_hash(docs)
    if sha not in _RELEASED:
        if len(_RELEASED) >= 8:
            _RELEASED.clear()
        _RELEASED[sha] = from_documents(docs)
    return _RELEASED[sha]


def released_respond_content(session: Session, version: int | None = None) -> RespondContent:
    """The response content of release `version` (default: the latest, the one a service
    scans with); the installed files while the database has no release."""
    rel = latest(session) if version is None else get(session, version)
    return respond_content_of(rel)


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
            rel = get(session, release)
            verify_release(rel)
            return lexicon_of(rel)
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
    "released_respond_content",
    "render_changelog",
    "respond_content_of",
    "respond_documents",
    "term_record",
    "verify_release",
]
