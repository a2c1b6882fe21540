"""Exports of a release: JSON, CSV, XLSX, SKOS (Turtle) and the release bundle.

Everything is derived from the release snapshot, never from the live tables, so an export of
release N is the same today and next year. Spreadsheet exports neutralise formula-like cells.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from narcolex import taxonomy
from narcolex.errors import InputError
from narcolex.formats.tabular import safe_cell
from narcolex.package.records import lexicon_records
from narcolex.store.models import Release

FORMATS = ("json", "csv", "xlsx", "skos", "bundle", "tbx", "filter-regex")
CSV_COLUMNS = (
    "id", "term", "language", "kind", "denotes", "ambiguity", "confidence", "status", "match",
    "variants", "countries", "platforms", "source", "first_seen", "last_seen", "note",
)  # fmt: skip
SCHEME_URI = "urn:narcolex:knowledge-package"


def _row(rec: dict[str, Any]) -> list[Any]:
    joined = {
        "language": rec["lang"],
        "denotes": ";".join(rec["denotes"]),
        "variants": ";".join(rec["variants"]),
        "countries": ";".join(rec["countries"]),
        "platforms": ";".join(rec["platforms"]),
        "source": ";".join(rec.get("references") or rec["sources"]),
    }
    return [safe_cell(joined.get(c, rec.get(c))) for c in CSV_COLUMNS]


def substances_doc(release: Release) -> dict[str, Any]:
    labels = release.snapshot.get("labels", {})

    return {
        "substances": [
            {"code": c, "parent": taxonomy.parent(c), "labels": labels.get(c, {})}
            for c in taxonomy.SUBSTANCES
        ],
        "signals": [{"code": c, "labels": labels.get(c, {})} for c in taxonomy.SIGNALS],
    }


def to_json(release: Release) -> str:
    doc = {
        "manifest": release.manifest,
        "terms": release.snapshot["terms"],
        "sources": release.snapshot["sources"],
        **substances_doc(release),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_jsonl(release: Release) -> str:
    return "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in release.snapshot["terms"]
    )


def to_csv(release: Release) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rec in release.snapshot["terms"]:
        writer.writerow(_row(rec))
    return buf.getvalue()


def to_xlsx(release: Release) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "terms"
    ws.append(list(CSV_COLUMNS))
    for rec in release.snapshot["terms"]:
        ws.append(_row(rec))
    src = wb.create_sheet("sources")
    src.append(["id", "title", "publisher", "year", "url", "lang", "kind"])
    for key, s in sorted(release.snapshot["sources"].items()):
        src.append([safe_cell(v) for v in (key, s["title"], s["publisher"], s["year"],
                                            s["url"], s["lang"], s["kind"])])  # fmt: skip
    about = wb.create_sheet("about")
    about.append(["Knowledge Package against drug sales online"])
    about.append(["release", release.version])
    about.append(["content sha256", release.content_sha256])
    about.append(["created", release.manifest.get("created_at")])
    for sheet in (ws, src):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_skos(release: Release) -> str:
    """SKOS in Turtle: one concept per substance/signal code, terms as labels."""
    from rdflib import OWL, RDF, SKOS, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS

    concept = Namespace(SCHEME_URI + ":")
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("nlx", concept)
    scheme = URIRef(SCHEME_URI)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal("Knowledge Package against drug sales online", "en")))
    g.add((scheme, OWL.versionInfo, Literal(str(release.version))))
    labels = release.snapshot.get("labels", {})
    for code in (*taxonomy.SUBSTANCES, *taxonomy.SIGNALS):
        node = concept[code]
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        g.add((node, SKOS.notation, Literal(code)))
        for lang, label in sorted(labels.get(code, {}).items()):
            g.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
        up = taxonomy.parent(code)
        if up:
            g.add((node, SKOS.broader, concept[up]))
        else:
            g.add((node, SKOS.topConceptOf, scheme))
    for rec in lexicon_records(release.snapshot["terms"]):
        for code in rec["denotes"]:
            node = concept[code]
            g.add((node, SKOS.altLabel, Literal(rec["term"], lang=rec["lang"])))
            for form in rec["variants"]:
                g.add((node, SKOS.hiddenLabel, Literal(form, lang=rec["lang"])))
    return g.serialize(format="turtle")


def to_tbx(release: Release) -> bytes:
    """TBX-Basic (ISO 30042), one concept entry per substance/signal code (formats.tbx)."""
    from narcolex.formats.tbx import to_tbx as build

    created = release.manifest.get("created_at")
    return build(
        release.snapshot["terms"],
        labels=release.snapshot.get("labels", {}),
        title=f"Knowledge Package against drug sales online, release {release.version}",
        description=f"narcolex release {release.version} ({created}), content sha256 "
        f"{release.content_sha256}",
    )


def to_filter_regex(release: Release) -> str:
    """Obfuscation-aware regular expressions per term (formats.filter_regex)."""
    from narcolex.formats.filter_regex import to_document

    return to_document(lexicon_records(release.snapshot["terms"]), version=release.version)


def respond_files(release: Release | None = None) -> dict[str, bytes]:
    """The response content released with the package (help resources, legal grounds, search
    interventions), as JSON: the copy stored in the release, so an old release's export never
    changes when the content files do. A release made before that copy existed gets the
    installed content (there is no other)."""
    from narcolex.package.respond_content import FILES, as_documents

    stored = (release.snapshot or {}).get("respond") if release is not None else None
    docs = stored if isinstance(stored, dict) else as_documents()
    return {
        FILES[name]: json.dumps(doc, ensure_ascii=False, indent=1).encode()
        for name, doc in docs.items()
    }


def changelog(release: Release) -> str:
    return release.changelog


Progress = Callable[[int, int], None]


def bundle_files(
    release: Release, signing_key: Path | str | None = None, progress: Progress | None = None
) -> dict[str, bytes]:
    """The files of the release bundle (ARCHITECTURE §4), signed when a key is given."""
    sources = release.snapshot["sources"]
    makers: dict[str, Callable[[], bytes]] = {
        "manifest.json": lambda: json.dumps(
            release.manifest, ensure_ascii=False, indent=2
        ).encode(),
        "terms.jsonl": lambda: to_jsonl(release).encode(),
        "substances.json": lambda: json.dumps(
            substances_doc(release), ensure_ascii=False, indent=1
        ).encode(),
        "sources.json": lambda: json.dumps(
            sources, ensure_ascii=False, indent=1, sort_keys=True
        ).encode(),
        "CHANGELOG.md": lambda: release.changelog.encode(),
        "terms.csv": lambda: to_csv(release).encode(),
        "terms.xlsx": lambda: to_xlsx(release),
        "package.ttl": lambda: to_skos(release).encode(),
        **{name: (lambda data=data: data) for name, data in respond_files(release).items()},
    }
    files: dict[str, bytes] = {}
    for n, (name, make) in enumerate(makers.items(), start=1):
        files[name] = make()
        if progress:
            progress(n, len(makers))
    if signing_key is not None:
        from narcolex.package.signing import load_private_key, sign_files

        files["signature.json"] = sign_files(files, load_private_key(signing_key))
    return files


# Media type and file extension of each format, for downloads over HTTP.
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "skos": ("text/turtle; charset=utf-8", "ttl"),
    "bundle": ("application/zip", "zip"),
    "tbx": ("application/xml", "tbx"),
    "filter-regex": ("application/json", "json"),
}


def render(
    release: Release,
    fmt: str,
    signing_key: Path | str | None = None,
    progress: Progress | None = None,
) -> bytes:
    """One export as bytes (the bundle as a zip file), for files and HTTP downloads alike."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "bundle":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in bundle_files(release, signing_key, progress).items():
                zf.writestr(name, data)
        return buf.getvalue()
    if fmt == "xlsx":
        return to_xlsx(release)
    if fmt == "tbx":
        return to_tbx(release)
    writers = {"json": to_json, "csv": to_csv, "skos": to_skos, "filter-regex": to_filter_regex}
    return writers[fmt](release).encode("utf-8")


def export(
    release: Release,
    fmt: str,
    path: Path | str,
    signing_key: Path | str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write one export; a bundle is signed with `signing_key` when one is given, and written
    as a folder unless the path ends in .zip."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "bundle" and path.suffix.lower() != ".zip":
            path.mkdir(parents=True, exist_ok=True)
            for name, data in bundle_files(release, signing_key, progress).items():
                (path / name).write_bytes(data)
        else:
            path.write_bytes(render(release, fmt, signing_key, progress))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    return path
