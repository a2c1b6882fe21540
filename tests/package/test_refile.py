"""Source files named by what they hold: re-filing a folder, and the lint rule that keeps it so."""

from __future__ import annotations

from pathlib import Path

import yaml

from narcolex.package.content import load_content
from narcolex.package.lint import check_source_files
from narcolex.package.refile import refile_sources
from tests.conftest import write_content

BATCH = {
    "sources": [
        {"id": "batch-dictionary", "title": "A dictionary entry", "publisher": "Dict Press",
         "url": "https://dict.example.org/entry/snow", "lang": "en", "kind": "dictionary"},
    ]
}  # fmt: skip


def test_refile_names_files_by_language_and_kind(tmp_path: Path):
    root = write_content(tmp_path / "c")
    (root / "_sources_batch.yaml").write_text(yaml.safe_dump(BATCH), encoding="utf-8")
    before = load_content(root).sources

    counts = refile_sources(root)

    assert counts == {
        "sources/de.yaml": 1,
        "sources/en-dictionaries.yaml": 1,
        "sources/en-glossaries.yaml": 1,
    }
    assert not (root / "sources.yaml").exists()
    assert not (root / "_sources_batch.yaml").exists()
    after = load_content(root)
    assert after.sources == before
    assert after.source_files["test-study"] == "sources/de.yaml"
    assert list(check_source_files(after)) == []


def test_refile_twice_changes_nothing(tmp_path: Path):
    root = write_content(tmp_path / "c")
    refile_sources(root)
    first = {p.name: p.read_bytes() for p in (root / "sources").iterdir()}
    refile_sources(root)
    assert {p.name: p.read_bytes() for p in (root / "sources").iterdir()} == first


def test_misfiled_and_batch_sources_are_reported_once_filed(tmp_path: Path):
    root = write_content(tmp_path / "c")
    # a flat folder (no sources/) is not checked: small and test folders keep one file
    assert list(check_source_files(load_content(root))) == []

    refile_sources(root)
    german = (root / "sources" / "de.yaml").read_text(encoding="utf-8")
    (root / "sources" / "de.yaml").unlink()
    (root / "sources" / "en-articles.yaml").write_text(german, encoding="utf-8")
    (root / "_sources_batch.yaml").write_text(yaml.safe_dump(BATCH), encoding="utf-8")

    problems = [(p.file, p.entry) for p in check_source_files(load_content(root))]
    assert problems == [
        ("sources/en-articles.yaml", "source 'test-study'"),
        ("_sources_batch.yaml", "source 'batch-dictionary'"),
    ]


def test_bundled_sources_are_filed():
    content = load_content()
    assert set(content.source_files.values()) <= {
        p.relative_to(Path(content.root)).as_posix()
        for p in (Path(content.root) / "sources").glob("*.yaml")
    }
    assert list(check_source_files(content)) == []
