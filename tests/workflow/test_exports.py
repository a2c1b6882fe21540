"""Exports (JSON, CSV, XLSX, SKOS, bundle), the template, and bundle import."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from narcolex import taxonomy
from narcolex.errors import ContentError, InputError
from narcolex.formats.columns import COLUMN_NAMES
from narcolex.formats.export import export, to_csv, to_skos, to_xlsx
from narcolex.formats.template import write_template
from narcolex.store.engine import open_db
from narcolex.store.models import Term
from narcolex.workflow import load as store
from narcolex.workflow import releases
from narcolex.workflow.bundles import import_bundle
from narcolex.workflow.setup import initialise
from tests.conftest import MINI_TERMS, write_content

pytestmark = pytest.mark.db

TRICKY = {
    **MINI_TERMS,
    "und": [
        {"term": "=HYPERLINK(\"x\")", "kind": "abbreviation", "denotes": ["drugs.generic"],
         "sources": ["test-glossary"]},
        {"term": "❄️", "kind": "emoji", "denotes": ["cocaine"], "ambiguity": "high",
         "sources": ["test-glossary"], "variants": ["❄"]},
    ],
}  # fmt: skip


@pytest.fixture
def release(db_url, tmp_path):
    db = open_db(db_url)
    initialise(db, content_root=write_content(tmp_path / "c", TRICKY))
    with db.reader() as s:
        rel = releases.get(s)
    yield rel
    db.dispose()


def test_csv_and_xlsx_neutralise_formulas(release):
    rows = list(csv.DictReader(io.StringIO(to_csv(release))))
    formula = next(r for r in rows if "HYPERLINK" in r["term"])
    assert formula["term"].startswith("'=")
    wb = load_workbook(io.BytesIO(to_xlsx(release)))
    terms = [c.value for c in wb["terms"]["B"]]
    assert '\'=HYPERLINK("x")' in terms
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in terms if v)


def test_skos_parses_back_with_counts(release):
    from rdflib import OWL, RDF, SKOS, Graph, Literal

    g = Graph().parse(data=to_skos(release), format="turtle")
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == len(taxonomy.SUBSTANCES) + len(taxonomy.SIGNALS)
    n_alt = sum(len(r["denotes"]) for r in release.snapshot["terms"])
    assert len(list(g.triples((None, SKOS.altLabel, None)))) == n_alt
    hidden = {str(o) for o in g.objects(None, SKOS.hiddenLabel)}
    assert "❄" in hidden and "cocain" in hidden
    assert (None, SKOS.altLabel, Literal("Kokain", lang="de")) in g
    assert (None, SKOS.prefLabel, Literal("cocaine", lang="en")) in g
    assert str(next(g.objects(None, OWL.versionInfo))) == str(release.version)
    broader = {str(o).rsplit(":", 1)[-1] for o in g.objects(None, SKOS.broader)}
    assert "opioids" in broader


def test_bundle_round_trip_reproduces_hash(release, tmp_path, db_url):
    export(release, "bundle", tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"manifest.json", "terms.jsonl", "substances.json", "sources.json", "CHANGELOG.md",
            "terms.csv", "terms.xlsx", "package.ttl"} <= names  # fmt: skip
    assert manifest["content_sha256"] == release.content_sha256
    export(release, "bundle", tmp_path / "folder")
    other = open_db(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    result = import_bundle(other, tmp_path / "b.zip")
    assert result["content_sha256"] == release.content_sha256
    assert result["release"] == release.version
    with other.reader() as s:
        again = releases.get(s)
        assert again.content_sha256 == release.content_sha256
        assert again.snapshot["labels"]["cocaine"]["en"] == "cocaine"


def test_import_refuses_a_tampered_bundle(release, tmp_path):
    export(release, "bundle", tmp_path / "b")
    terms = (tmp_path / "b" / "terms.jsonl").read_text().replace("weed", "wheat")
    (tmp_path / "b" / "terms.jsonl").write_text(terms)
    other = open_db(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with pytest.raises(ContentError, match="does not match the manifest"):
        import_bundle(other, tmp_path / "b")


def test_import_refuses_non_empty_database(release, tmp_path, db_url):
    export(release, "bundle", tmp_path / "b")
    with pytest.raises(Exception, match="already holds content"):
        import_bundle(open_db(db_url), tmp_path / "b")


def test_failure_mid_import_leaves_nothing(release, tmp_path, monkeypatch, crash_on_call):
    export(release, "bundle", tmp_path / "b")
    target = open_db(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    real = store.add_term
    assert crash_on_call(store, "add_term", 4)
    with pytest.raises(RuntimeError, match="injected"):
        import_bundle(target, tmp_path / "b")
    with target.reader() as s:
        assert s.scalar(select(func.count()).select_from(Term)) == 0
    monkeypatch.setattr(store, "add_term", real)
    assert import_bundle(target, tmp_path / "b")["content_sha256"] == release.content_sha256


def test_unknown_format(release, tmp_path):
    with pytest.raises(InputError, match="unknown export format"):
        export(release, "pdf", tmp_path / "x")


def test_xlsx_template_validations(tmp_path):
    path = write_template(tmp_path / "t.xlsx", "xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["terms", "explanations"]
    ws = wb["terms"]
    assert [c.value for c in ws[1]] == list(COLUMN_NAMES)
    by_col = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(":")[0].rstrip("0123456789")
        by_col[ws[f"{col}1"].value] = dv
    assert {"language", "kind", "denotes", "ambiguity", "confidence", "match"} <= set(by_col)
    assert all(dv.type == "list" for dv in by_col.values())
    lang_range = by_col["language"].formula1.lstrip("=").split("!")[1].replace("$", "")
    langs = [c.value for row in wb["codes"][lang_range] for c in row]
    assert langs == list(taxonomy.LANGUAGES)
    explained = {r[0].value for r in wb["explanations"].iter_rows(min_row=2) if r[0].value}
    assert set(COLUMN_NAMES) <= explained


def test_csv_template_round_trips_as_header(tmp_path):
    path = write_template(tmp_path / "t.csv", "csv")
    assert path.read_text(encoding="utf-8-sig").strip().split(",") == list(COLUMN_NAMES)
