"""Importing a release bundle into an empty database.

A platform or a second hub can rebuild the knowledge base from a bundle. The bundle's own
hash is checked before anything is written, and the import reproduces the same content hash,
which is how a recipient proves it holds exactly the published package.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from narcolex.db import Database
from narcolex.errors import ContentError, InputError, NarcolexError
from narcolex.knowledge import audit, releases, store
from narcolex.knowledge.content import SourceEntry, TermEntry
from narcolex.knowledge.models import CodeLabel

REQUIRED = ("manifest.json", "terms.jsonl", "sources.json", "substances.json")


def read_bundle(path: Path | str) -> dict[str, bytes]:
    path = Path(path)
    files: dict[str, bytes] = {}
    if path.is_dir():
        for name in (*REQUIRED, "CHANGELOG.md"):
            if (path / name).is_file():
                files[name] = (path / name).read_bytes()
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name in (*REQUIRED, "CHANGELOG.md"):
                if name in names:
                    files[name] = zf.read(name)
    else:
        raise InputError(f"{path}: not a bundle folder or zip file")
    missing = [n for n in REQUIRED if n not in files]
    if missing:
        raise InputError(f"{path}: bundle lacks {', '.join(missing)}")
    return files


def _parse(files: dict[str, bytes], path: str) -> tuple[dict, list[dict], dict, dict]:
    try:
        manifest = json.loads(files["manifest.json"])
        sources = json.loads(files["sources.json"])
        subs = json.loads(files["substances.json"])
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: malformed JSON: {exc}") from None
    terms = []
    for n, line in enumerate(files["terms.jsonl"].decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            terms.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: terms.jsonl line {n}: malformed JSON: {exc.msg}") from None
    return manifest, terms, sources, subs


def import_bundle(db: Database, path: Path | str, actor: str = "system") -> dict[str, Any]:
    """Load a bundle into a database with no content; return the new release's identity."""
    files = read_bundle(path)
    manifest, terms, sources, subs = _parse(files, str(path))
    digest = releases.content_hash(terms, sources)
    if digest != manifest.get("content_sha256"):
        raise ContentError(
            f"{path}: content hash {digest[:12]} does not match the manifest "
            f"({str(manifest.get('content_sha256'))[:12]}): the bundle is damaged or edited"
        )
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
