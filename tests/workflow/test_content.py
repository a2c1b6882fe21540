"""The content schema and validator, on fixture folders and on the bundled package."""

from pathlib import Path

import pytest
import yaml

from narcolex import taxonomy
from narcolex.errors import ContentError
from narcolex.package.content import load_content, source_id
from narcolex.textkey import term_key
from tests.conftest import MINI_TERMS, write_content


def test_mini_content_loads(mini_content: Path):
    content = load_content(mini_content)
    assert len(content.terms) == sum(len(v) for v in MINI_TERMS.values())
    lex = content.lexicon()
    assert "unsourced guess" not in {t.term for t in lex.terms}  # low confidence → proposed
    assert {t.term for t in content.lexicon(include_proposed=True).terms} >= {"unsourced guess"}


def test_every_problem_is_reported_at_once(tmp_path: Path):
    bad = {
        "en": [
            {"term": "x1", "kind": "slangg", "denotes": ["cocaine"], "sources": ["test-glossary"]},
            {"term": "x2", "kind": "slang", "denotes": ["cocain"], "sources": ["test-glossary"]},
            {"term": "x3", "kind": "slang", "denotes": ["mdma"], "sources": ["nowhere"]},
            {"term": "x4", "kind": "slang", "denotes": [], "sources": ["test-glossary"]},
            {"term": "X3", "kind": "slang", "denotes": ["mdma"], "sources": ["test-glossary"]},
        ]
    }
    root = write_content(tmp_path / "c", bad)
    with pytest.raises(ContentError) as info:
        load_content(root)
    text = "\n".join(info.value.problems)
    assert "did you mean slang" in text
    assert "did you mean cocaine" in text
    assert "source 'nowhere' is not defined" in text
    assert "terms[3]" in text  # empty denotes
    assert "duplicates" in text  # X3 vs x3
    assert all(p.startswith("en.yaml") for p in info.value.problems)


def test_file_name_must_match_lang(tmp_path: Path):
    root = write_content(tmp_path / "c")
    (root / "fr.yaml").write_text(yaml.safe_dump({"lang": "de", "terms": []}))
    with pytest.raises(ContentError) as info:
        load_content(root)
    assert any("fr.yaml" in p and "does not match" in p for p in info.value.problems)


def test_broken_yaml_is_named(tmp_path: Path):
    root = write_content(tmp_path / "c")
    (root / "it.yaml").write_text("lang: it\nterms: [\n")
    with pytest.raises(ContentError) as info:
        load_content(root)
    assert any(p.startswith("it.yaml: not valid YAML") for p in info.value.problems)


# -- the bundled package ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled():
    return load_content()


def test_bundled_content_validates(bundled):
    assert bundled.sources, "sources.yaml lists the cited sources"
    for t in bundled.terms:
        assert t.entry.sources
        assert all(source_id(s) in bundled.sources for s in t.entry.sources)


def test_bundled_substances_cover_taxonomy(bundled):
    codes = {s.code for s in bundled.substances.substances}
    assert codes == set(taxonomy.SUBSTANCES)
    assert {s.code for s in bundled.substances.signals} == set(taxonomy.SIGNALS)


def test_bundled_no_duplicate_forms(bundled):
    seen: dict[tuple[str, str], str] = {}
    for t in bundled.terms:
        for form in (t.entry.term, *t.entry.variants):
            key = (t.lang, term_key(form))
            assert seen.get(key, t.entry.term) == t.entry.term, key
            seen[key] = t.entry.term


def test_bundled_labels_every_code_in_every_language(bundled):
    langs = [lang for lang in taxonomy.LANGUAGES if lang != "und"]
    for entry in (*bundled.substances.substances, *bundled.substances.signals):
        missing = [lang for lang in langs if not entry.labels.get(lang)]
        assert not missing, (entry.code, missing)


def test_bundled_targets(bundled):
    """Issue 4 targets: sizes per language and emoji entries (validated terms only)."""
    from collections import Counter

    validated = [t for t in bundled.terms if t.entry.effective_status == "validated"]
    per_lang = Counter(t.lang for t in validated)
    assert len(validated) >= 3000
    assert set(per_lang) == set(taxonomy.LANGUAGES)
    for lang in taxonomy.LARGE_LANGUAGES:
        assert per_lang[lang] >= 150, lang
    for lang in set(taxonomy.LANGUAGES) - set(taxonomy.LARGE_LANGUAGES):
        assert per_lang[lang] >= 40, lang
    emoji = [t for t in validated if t.entry.kind in ("emoji", "emoji_sequence")]
    assert len(emoji) >= 60


def test_bundled_confidence_rule(bundled):
    """Low confidence never ships as validated; every validated entry cites a source."""
    for t in bundled.terms:
        if t.entry.confidence == "low":
            assert t.entry.effective_status != "validated", t.entry.term
