"""Importing a release bundle into an empty database.

A platform or a second hub can rebuild the knowledge base from a bundle. The bundle's own
hash is checked before anything is written, and the import reproduces the same content hash,
which is how a recipient proves it holds exactly the published package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from narcolex.errors import ContentError, NarcolexError
from narcolex.package.bundle import read_bundle
from narcolex.package.content import SourceEntry, TermEntry, source_id
from narcolex.store.engine import Database
from narcolex.store.models import CodeLabel
from narcolex.workflow import audit, releases
from narcolex.workflow import load as store


def import_bundle(
    db: Database,
    path: Path | str,
    actor: str = "system",
    expect_sha256: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Load a bundle into a database with no content; return the new release's identity.

    The bundle's hash (and `expect_sha256`, when the recipient got it from the publisher by
    another channel) and its signature (against the trusted keys) are checked first.
    """
    bundle = read_bundle(path)
    digest = bundle.verify(expect_sha256)
    signature = bundle.signature()
    version = bundle.version
    if version is None or version < 1:
        raise ContentError(f"{path}: manifest.json has no valid release version")
    manifest, terms, sources = bundle.manifest, bundle.terms, bundle.sources
    subs = bundle.substances
    db.upgrade()
    with db.transaction() as session:
        if store.is_populated(session):
            raise NarcolexError(
                f"database {db.display_url} already holds content; import needs an empty one"
            )
        store.ensure_taxonomy(session)
        for entry in (*subs.get("substances", []), *subs.get("signals", [])):
            for lang, label in entry.get("labels", {}).items():
                session.add(CodeLabel(code=entry["code"], lang=lang, label=label))
        rows = {}
        for key, s in sources.items():
            try:
                rows[key] = store.upsert_source(session, SourceEntry(id=key, **s))
            except (TypeError, ValueError) as exc:
                raise ContentError(f"{path}: sources.json {key!r}: {exc}") from None
        session.flush()
        for n, rec in enumerate(terms, start=1):
            try:
                entry = TermEntry(
                    term=rec["term"], kind=rec["kind"], denotes=rec["denotes"],
                    ambiguity=rec["ambiguity"], confidence=rec["confidence"],
                    status=rec["status"], match=rec["match"], variants=rec["variants"],
                    countries=rec["countries"], platforms=rec["platforms"],
                    sources=rec.get("references") or rec["sources"],
                    first_seen=rec.get("first_seen"), last_seen=rec.get("last_seen"),
                    note=rec.get("note"), innocent=rec.get("innocent") or [],
                )  # fmt: skip
                unknown = [r for r in entry.sources if source_id(r) not in rows]
                if unknown:
                    raise ValueError(f"sources not in sources.json: {', '.join(unknown)}")
            except (KeyError, TypeError, ValueError) as exc:
                raise ContentError(f"{path}: terms.jsonl line {n}: {exc}") from None
            store.add_term(session, rec["lang"], entry, rows, status=rec["status"])
            if n % store.CHUNK == 0 or n == len(terms):
                session.flush()
                if progress:
                    progress(n, len(terms))
        session.flush()
        audit.record(
            session,
            actor,
            "bundle.import",
            "knowledge_base",
            None,
            source=str(path),
            version=manifest.get("version"),
            terms=len(terms),
            signed_by=signature.key_id,
            signature_verified=signature.verified,
        )
        rel = releases.create_release(
            session,
            notes=f"Imported from bundle of release {manifest.get('version')}.",
            actor=actor,
            version=version,
            respond=bundle.respond,  # the bundle's own (checked in verify), not the files here
        )
        return {"release": rel.version, "content_sha256": rel.content_sha256,
                "terms": len(terms), "matches_manifest": rel.content_sha256 == digest,
                "signature": signature.note, "signed_by": signature.key_id,
                "signature_verified": signature.verified}  # fmt: skip
