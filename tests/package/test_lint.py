"""`narcolex kb lint`: each rule on a small content folder, and the bundled package is clean."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.package.content import load_content
from narcolex.package.lint import is_home_page, lint, publisher_key
from tests.conftest import write_content

SOURCES = [
    {"id": "dict-home", "title": "A dictionary", "publisher": "Dict Press",
     "url": "https://dictionary.example.org/", "lang": "en", "kind": "dictionary"},
    {"id": "dict-entry", "title": "A dictionary, entry snow", "publisher": "Dict Press",
     "url": "https://dictionary.example.org/entry/snow", "lang": "en", "kind": "dictionary"},
    {"id": "agency-page", "title": "Agency drug page", "publisher": "Health Agency",
     "url": "https://agency.example.gov/drugs/cocaine?lang=en", "lang": "en", "kind": "glossary"},
    {"id": "press-article", "title": "Press article", "publisher": "Daily Paper",
     "url": "https://paper.example.com/news/2024/drugs", "lang": "en", "kind": "article"},
]  # fmt: skip
POLICE = {"id": "police-report", "title": "Police slang report", "publisher": "Police",
          "lang": "en", "kind": "report"}  # fmt: skip


def _content(tmp_path: Path, terms: list[dict], extra_sources: list[dict] = ()):
    root = write_content(tmp_path / "c", {"en": terms})
    doc = {"sources": [*SOURCES, *extra_sources]}
    (root / "sources.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return load_content(root)


def _term(term: str, sources: list[str], **kw) -> dict:
    return {"term": term, "kind": "slang", "denotes": ["cocaine"], "sources": sources, **kw}


def _rules(problems) -> list[tuple[str, str]]:
    return [(p.rule, p.entry) for p in problems]


def test_home_page_urls():
    assert is_home_page("https://dictionary.example.org")
    assert is_home_page("https://dictionary.example.org/")
    assert not is_home_page("https://dictionary.example.org/?q=snow")
    assert not is_home_page("https://dictionary.example.org/entry/snow")


def test_publisher_variants_are_one_publisher():
    dea = "U.S. Drug Enforcement Administration"
    assert publisher_key(f"{dea}, Diversion Control Division") == publisher_key(dea)
    assert publisher_key("US Drug Enforcement Administration (Federal Register)") == publisher_key(
        dea
    )
    assert publisher_key("National Institute on Drug Abuse") != publisher_key(dea)


def test_home_page_citation_needs_a_locator(tmp_path: Path):
    content = _content(
        tmp_path,
        [
            _term("snow", ["dict-home"]),
            _term("flake", ["dict-home#flake"]),
            _term("blow", ["dict-entry"]),
        ],
    )
    problems = lint(content)
    assert _rules(problems) == [("home-page", "terms[0] ('snow')")]
    assert problems[0].file == "en.yaml"
    assert "dict-home" in problems[0].reason


def test_innocent_readings_are_checked_too(tmp_path: Path):
    reading = {"kind": "phrase", "text": "snow tyres", "sources": ["dict-home"]}
    content = _content(tmp_path, [_term("snow", ["dict-entry"], innocent=[reading])])
    assert _rules(lint(content)) == [("home-page", "terms[0] ('snow')")]


def test_source_without_url_needs_locators(tmp_path: Path):
    content = _content(tmp_path, [_term("charlie", ["police-report"])], [POLICE])
    assert _rules(lint(content)) == [
        ("no-url", "terms[0] ('charlie')"),
        ("unlocatable-source", "source 'police-report'"),
    ]
    fixed = _content(tmp_path / "b", [_term("charlie", ["police-report#p. 4"])], [POLICE])
    assert lint(fixed) == []
    uncited = _content(tmp_path / "c", [_term("blow", ["dict-entry"])], [POLICE])
    assert _rules(lint(uncited)) == [("unlocatable-source", "source 'police-report'")]
    # cited only by an entry still waiting for review: the curators' backlog, not a lint error
    waiting = _term("charlie", ["police-report"], status="proposed")
    assert lint(_content(tmp_path / "d", [waiting], [POLICE])) == []


def test_proposed_entries_may_keep_a_home_page_citation(tmp_path: Path):
    content = _content(tmp_path, [_term("snow", ["dict-home"], status="proposed")])
    assert lint(content) == []


def test_high_needs_two_independent_specific_sources(tmp_path: Path):
    terms = [
        _term("one", ["agency-page"], confidence="high"),
        _term("same-publisher", ["dict-entry", "dict-home#one"], confidence="high"),
        _term("home-only", ["agency-page", "dict-home"], confidence="high"),
        _term("two", ["agency-page", "press-article"], confidence="high"),
        _term("two-medium", ["agency-page"], confidence="medium"),
    ]
    problems = [p for p in lint(_content(tmp_path, terms)) if p.rule == "confidence"]
    assert [p.entry for p in problems] == [
        "terms[0] ('one')",
        "terms[1] ('same-publisher')",
        "terms[2] ('home-only')",
    ]


def test_high_signal_word_needs_a_non_dictionary_source(tmp_path: Path):
    other_dict = {"id": "dict2", "title": "Another dictionary", "publisher": "Other Press",
                  "url": "https://other.example.org/word/deal", "lang": "en",
                  "kind": "dictionary"}  # fmt: skip
    signal = {"denotes": ["signal.offer"], "confidence": "high"}
    terms = [
        {**_term("deal", ["dict-entry", "dict2"]), **signal},
        {**_term("hmu", ["dict-entry", "press-article"]), **signal},
        # a substance name may rest on two dictionaries
        _term("coke", ["dict-entry", "dict2"], confidence="high"),
    ]
    problems = lint(_content(tmp_path, terms, [other_dict]))
    assert _rules(problems) == [("confidence", "terms[0] ('deal')")]
    assert "dictionar" in problems[0].reason


def test_two_sources_with_one_url(tmp_path: Path):
    twin = {**SOURCES[-1], "id": "press-article-again",
            "url": "http://www.paper.example.com/news/2024/drugs/"}  # fmt: skip
    content = _content(tmp_path, [_term("blow", ["press-article"])], [twin])
    problems = lint(content)
    assert _rules(problems) == [("duplicate-url", "source 'press-article-again'")]
    assert problems[0].file == "sources.yaml"


def test_cli_prints_each_problem_and_fails(tmp_path: Path):
    content = _content(tmp_path, [_term("snow", ["dict-home"])])
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "lint", content.root])
    assert result.exit_code == 1
    assert "en.yaml: terms[0] ('snow'): [home-page]" in result.stdout
    result = runner.invoke(app, ["kb", "lint", content.root, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["rule"] == "home-page"


def test_cli_clean_content_exits_zero(tmp_path: Path):
    content = _content(tmp_path, [_term("blow", ["dict-entry", "agency-page"])])
    result = CliRunner().invoke(app, ["kb", "lint", content.root])
    assert result.exit_code == 0, result.stdout
    assert "no problems" in result.stdout


def test_bundled_content_is_clean():
    """The shipped package passes every rule (issue 18): the test suite runs `kb lint`."""
    assert [str(p) for p in lint(load_content())] == []


def test_context_words_are_checked_like_terms(tmp_path: Path):
    """Context words ship in releases, so their citations meet the same rules as terms'."""
    context = {"term": "arrested", "kind": "phrase", "denotes": ["context.report"],
               "ambiguity": "high", "confidence": "medium"}  # fmt: skip
    content = _content(tmp_path, [_term("blow", ["dict-entry"])], [POLICE])
    root = Path(content.root)
    (root / "context").mkdir()

    def with_context(sources: list[str]):
        doc = {"lang": "en", "terms": [{**context, "sources": sources}]}
        (root / "context" / "en.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
        return load_content(root)

    assert _rules(lint(with_context(["dict-home"]))) == [
        ("home-page", "terms[0] ('arrested')"),
        ("unlocatable-source", "source 'police-report'"),
    ]
    # a context word's locator makes a source without URL findable
    assert lint(with_context(["police-report#p. 2"])) == []


def test_an_innocent_phrase_may_not_be_the_term_itself(tmp_path: Path):
    """Such a phrase would cancel every match of the term."""
    same = {"kind": "phrase", "text": "Snow", "sources": ["dict-entry"]}
    longer = {"kind": "phrase", "text": "snow shovel", "sources": ["dict-entry"]}
    content = _content(tmp_path, [_term("snow", ["dict-entry"], innocent=[same, longer])])
    assert _rules(lint(content)) == [("innocent-is-form", "terms[0] ('snow')")]
    ok = _content(tmp_path / "b", [_term("snow", ["dict-entry"], innocent=[longer])])
    assert lint(ok) == []


def test_a_given_name_reading_names_one_of_the_terms_forms(tmp_path: Path):
    """A `name` reading says which spelling is also a person's name: another word is none."""
    name = {"kind": "name", "text": "Molly", "sources": ["dict-entry"]}
    other = {"kind": "name", "text": "Mary", "sources": ["dict-entry"]}
    ok = _content(tmp_path, [_term("molly", ["dict-entry"], innocent=[name])])
    assert lint(ok) == []
    bad = _content(tmp_path / "b", [_term("molly", ["dict-entry"], innocent=[other])])
    assert _rules(lint(bad)) == [("name-not-form", "terms[0] ('molly')")]


def test_a_signal_phrase_may_not_hide_a_drug_name(tmp_path: Path):
    """The scanner keeps the longest match: an offer phrase that spells out the drug would
    leave the post with the offer and without the drug."""
    drug = _term("kokain", ["dict-entry"], ambiguity="low", variants=["here"])
    offer = {"term": "summer offer", "kind": "phrase", "denotes": ["signal.offer"],
             "ambiguity": "medium", "sources": ["dict-entry"]}  # fmt: skip
    hides = {**offer, "variants": ["summer offer on kokain"]}
    content = _content(tmp_path, [drug, hides])
    problems = lint(content)
    assert _rules(problems) == [("hides-substance", "terms[1] ('summer offer')")]
    assert "'kokain'" in problems[0].reason
    # an everyday word of the phrase's own language is meant to be hidden ("shop here")
    shop_here = {**offer, "term": "shop here"}
    assert lint(_content(tmp_path / "b", [drug, offer, shop_here])) == []
