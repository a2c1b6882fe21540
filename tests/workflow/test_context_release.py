"""Context words travel with releases: a scanner built from a database release or from an
exported bundle reads who speaks to whom exactly as the one built from the content folder,
while term counts, coverage and keyword packs leave context words out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.detect.engine import Scanner
from narcolex.package.content import load_content
from narcolex.workflow.releases import lexicon_from_db
from tests.conftest import write_content

pytestmark = pytest.mark.db
runner = CliRunner()

POSTS = (
    "weed for sale, you know where",
    "cocaine for sale DM you",
    "Police seized cocaine and weed for sale in the city",
    "Gras und Kokain",
)


def _verdicts(scanner: Scanner) -> list[tuple[str, float, str]]:
    out = []
    for text in POSTS:
        f = scanner.scan(text, lang="de" if "Gras" in text else "en")
        out.append((f.verdict, round(f.score, 9), f.explanation))
    return out


@pytest.fixture
def content_with_context(tmp_path: Path) -> Path:
    root = write_content(tmp_path / "content")
    (root / "context").mkdir()
    (root / "context" / "en.yaml").write_text(
        yaml.safe_dump({"lang": "en", "terms": [
            {"term": "you", "kind": "phrase", "denotes": ["context.address"],
             "ambiguity": "high", "sources": ["test-glossary#you"]},
            {"term": "police", "kind": "phrase", "denotes": ["context.report"],
             "ambiguity": "high", "sources": ["test-glossary#police"]},
        ]}),
        encoding="utf-8",
    )  # fmt: skip
    return root


@pytest.fixture
def initialised(db_env: str, content_with_context: Path) -> str:
    result = runner.invoke(app, ["init", "--content", str(content_with_context)])
    assert result.exit_code == 0, result.output
    return db_env


def test_database_release_scans_like_the_content_folder(initialised, content_with_context):
    from_content = Scanner(load_content(content_with_context).lexicon())
    from_db = Scanner(lexicon_from_db(initialised))
    assert _verdicts(from_db) == _verdicts(from_content)
    # the check can fail: without its context words the release scores these posts otherwise
    lexicon = load_content(content_with_context).lexicon()
    bare = type(lexicon)(
        terms=tuple(t for t in lexicon.terms if not t.denotes[0].startswith("context.")),
        version="bare",
        substance_labels=lexicon.substance_labels,
    )
    assert _verdicts(Scanner(bare)) != _verdicts(from_content)


def test_exported_bundle_scans_like_the_content_folder(initialised, content_with_context, tmp_path):
    out = tmp_path / "bundle"
    result = runner.invoke(app, ["export", "--format", "bundle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    from_content = Scanner(load_content(content_with_context).lexicon())
    assert _verdicts(Scanner.from_release(out)) == _verdicts(from_content)


def test_counts_coverage_and_keyword_packs_leave_context_words_out(initialised, tmp_path):
    cov = json.loads(runner.invoke(app, ["kb", "coverage", "--json"]).stdout)
    en = cov["languages"]["en"]
    assert en["terms"] == 3  # cocaine, weed, for sale (the low-confidence guess is proposed)
    assert en["context_words"] == 2
    pack = tmp_path / "pack.json"
    result = runner.invoke(app, ["export", "--format", "filter-regex", "-o", str(pack)])
    assert result.exit_code == 0, result.output
    terms = {p["term"] for p in json.loads(pack.read_text(encoding="utf-8"))["patterns"]}
    assert "cocaine" in terms
    assert not terms & {"you", "police"}
    bundle = tmp_path / "bundle"
    assert runner.invoke(app, ["export", "--format", "bundle", "-o", str(bundle)]).exit_code == 0
    counts = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert counts["terms"] == 6  # the validated terms of all three languages
    assert counts["context_words"] == 2
    assert not any(code.startswith("context.") for code in counts["by_code"])
