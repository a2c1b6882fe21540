"""`narcolex export --format tbx|filter-regex` on a real release, and the response content in
the release bundle (the existing bundle files unchanged)."""

from __future__ import annotations

import json
import zipfile

import pytest
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.formats.export import bundle_files, export
from narcolex.store.engine import open_db
from narcolex.workflow import releases
from narcolex.workflow.setup import initialise
from tests.conftest import write_content

pytestmark = pytest.mark.db
EXISTING = ("manifest.json", "terms.jsonl", "substances.json", "sources.json", "CHANGELOG.md",
            "terms.csv", "terms.xlsx", "package.ttl")  # fmt: skip


@pytest.fixture
def release(db_url, tmp_path):
    db = open_db(db_url)
    initialise(db, content_root=write_content(tmp_path / "c"))
    with db.reader() as s:
        rel = releases.get(s)
    yield rel
    db.dispose()


def test_bundle_adds_the_response_content_and_keeps_the_rest(release, tmp_path):
    files = bundle_files(release)
    assert set(EXISTING) <= set(files)
    added = set(files) - set(EXISTING)
    assert added == {
        "respond-help.json",
        "respond-legal-grounds.json",
        "respond-interventions.json",
    }
    help_doc = json.loads(files["respond-help.json"])
    assert help_doc["checked"] == "2026-12-07" and all(r["sources"] for r in help_doc["resources"])
    zipped = export(release, "bundle", tmp_path / "b.zip")
    assert "respond-help.json" in zipfile.ZipFile(zipped).namelist()


def test_export_tbx_and_filter_regex(release, tmp_path):
    from translate.storage import tbx

    path = export(release, "tbx", tmp_path / "r.tbx")
    store = tbx.tbxfile.parsestring(path.read_bytes())
    terms = {t.text for u in store.units for t in u.get_source_terms()}
    assert terms and store.units[0].getid().startswith("nlx-")
    doc = json.loads(export(release, "filter-regex", tmp_path / "r.json").read_text("utf-8"))
    assert doc["release"] == release.version
    assert len(doc["patterns"]) == len(release.snapshot["terms"])


def test_export_command_accepts_the_new_formats(db_env, mini_content, tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--content", str(mini_content)]).exit_code == 0
    for fmt, name in (("tbx", "p.tbx"), ("filter-regex", "p.json")):
        result = runner.invoke(app, ["export", "--format", fmt, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 0
