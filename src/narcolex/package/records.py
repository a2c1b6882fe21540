"""The release record format: what one term looks like in a release, how a release's content
is hashed, counted, compared with another and described in its changelog.

Pure functions over plain records (dicts as in terms.jsonl), shared by the workflow that makes
releases, the bundle reader that checks them and every consumer that compares them; nothing
here knows about a database.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from narcolex.textkey import term_key

SNAPSHOT_FIELDS = (
    "term", "lang", "kind", "denotes", "ambiguity", "confidence", "status", "match",
    "variants", "countries", "platforms", "sources", "first_seen", "last_seen", "note",
    "innocent", "references",
)  # fmt: skip
# Fields added after the first releases: part of the hash only when they say something
# (innocent readings, or references carrying locators), so a term without them hashes as it
# always did and bundles made before they existed still verify.
OPTIONAL_FIELDS = ("innocent", "references")


def canonical(rec: dict[str, Any]) -> dict[str, Any]:
    """The id-free record that the content hash and release diffs compare."""
    out = {k: rec[k] for k in SNAPSHOT_FIELDS if k not in OPTIONAL_FIELDS}
    if rec.get("innocent"):
        out["innocent"] = rec["innocent"]
    refs = rec.get("references")
    if refs and sorted(refs) != sorted(rec["sources"]):
        out["references"] = sorted(refs)
    return out


def identity(rec: dict[str, Any]) -> tuple[str, str]:
    return rec["lang"], term_key(rec["term"])


def content_hash(terms: list[dict[str, Any]], sources: dict[str, Any]) -> str:
    """sha256 over the id-free, canonically ordered content."""
    canon_terms = sorted((canonical(r) for r in terms), key=identity)
    payload = json.dumps(
        {"terms": canon_terms, "sources": dict(sorted(sources.items()))},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def is_context_record(rec: dict[str, Any]) -> bool:
    """A context word ("you", "police", "warranty"): released with the lexicon so that every
    scanner built from a release reads posts alike, but never a term on its own — keyword
    packs, concept schemes and term counts leave it out."""
    codes = rec.get("denotes") or ()
    return bool(codes) and all(str(c).startswith("context.") for c in codes)


def lexicon_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records that are terms of the lexicon proper (not context words)."""
    return [r for r in records if not is_context_record(r)]


def respond_hash(documents: dict[str, Any]) -> str:
    """sha256 over the response content released with the terms (help resources, legal
    grounds, search interventions), canonically serialised.

    Kept apart from `content_hash` (terms and sources), which releases and bundles made before
    the response content was part of a release are verified with; the manifest carries both,
    so a signed manifest covers the response files too."""
    payload = json.dumps(documents, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def counts(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of the lexicon's terms; context words are counted apart."""
    terms = lexicon_records(records)
    by_sub: Counter[str] = Counter()
    for r in terms:
        for code in r["denotes"]:
            by_sub[code] += 1
    out: dict[str, Any] = {
        "terms": len(terms),
        "by_language": dict(sorted(Counter(r["lang"] for r in terms).items())),
        "by_kind": dict(sorted(Counter(r["kind"] for r in terms).items())),
        "by_code": dict(sorted(by_sub.items())),
    }
    if len(terms) < len(records):
        out["context_words"] = len(records) - len(terms)
    return out


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
    before = {identity(r): r for r in old}
    after = {identity(r): r for r in new}
    strip = canonical
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
