"""Importing a release bundle into an empty database.

A platform or a second hub can rebuild the knowledge base from a bundle. The bundle's own
hash is checked before anything is written, and the import reproduces the same content hash,
which is how a recipient proves it holds exactly the published package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from narcolex.errors import ContentError, NarcolexError
from narcolex.package.bundle import read_bundle
from narcolex.package.content import SourceEntry, TermEntry
from narcolex.store.engine import Database
from narcolex.store.models import CodeLabel
from narcolex.workflow import audit, releases
from narcolex.workflow import load as store


def import_bundle(db: Database, path: Path | str, actor: str = "system") -> dict[str, Any]:
    """Load a bundle into a database with no content; return the new release's identity."""
    bundle = read_bundle(path)
    digest = bundle.verify()
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
            rows[key] = store.upsert_source(session, SourceEntry(id=key, **s))
        session.flush()
        for n, rec in enumerate(terms, start=1):
            try:
                entry = TermEntry(
                    term=rec["term"], kind=rec["kind"], denotes=rec["denotes"],
                    ambiguity=rec["ambiguity"], confidence=rec["confidence"],
                    status=rec["status"], match=rec["match"], variants=rec["variants"],
                    countries=rec["countries"], platforms=rec["platforms"],
                    sources=rec["sources"], first_seen=rec.get("first_seen"),
                    last_seen=rec.get("last_seen"), note=rec.get("note"),
                )  # fmt: skip
            except (KeyError, ValueError) as exc:
                raise ContentError(f"{path}: terms.jsonl line {n}: {exc}") from None
            store.add_term(session, rec["lang"], entry, rows, status=rec["status"])
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
        )
        rel = releases.create_release(
            session,
            notes=f"Imported from bundle of release {manifest.get('version')}.",
            actor=actor,
            version=int(manifest.get("version") or 1),
        )
        return {"release": rel.version, "content_sha256": rel.content_sha256,
                "terms": len(terms), "matches_manifest": rel.content_sha256 == digest}  # fmt: skip
