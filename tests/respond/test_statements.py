"""Statements of reasons: every one produced validates against the schema written from the
DSA Transparency Database API documentation, and the validator is not vacuous."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from narcolex.respond import statements as st

POLICIES = [
    st.StatementPolicy(),
    st.StatementPolicy(automated_decision="AUTOMATED_DECISION_FULLY"),
    st.StatementPolicy(
        automated_decision="AUTOMATED_DECISION_NOT_AUTOMATED",
        automated_detection="No",
        source_type="SOURCE_ARTICLE_16",
        source_identity="Example notifier",
    ),
    st.StatementPolicy(
        decision_visibility=(),
        decision_account="DECISION_ACCOUNT_SUSPENDED",
        account_type="ACCOUNT_TYPE_PRIVATE",
        territorial_scope=("DE", "AT"),
    ),
    st.StatementPolicy(
        decision_visibility=(
            "DECISION_VISIBILITY_CONTENT_DISABLED",
            "DECISION_VISIBILITY_CONTENT_DEMOTED",
        ),
        terms_url="https://example.org/terms",
        source_type="SOURCE_TRUSTED_FLAGGER",
    ),
]


def _statements(findings, posts, policy):
    pairs = [(f, posts.get(f["id"], {})) for f in findings if f["verdict"] in ("sale", "mention")]
    return [st.from_finding(f, p, policy, i) for i, (f, p) in enumerate(pairs)]


@pytest.mark.parametrize("policy", POLICIES)
def test_every_statement_produced_validates(example_findings, example_posts, policy):
    made = _statements(example_findings, example_posts, policy)
    assert len(made) >= 6  # the example posts hold sale offers in several languages
    for s in made:
        assert st.validate(s.to_dict()) == [], s.to_dict()


def test_substances_without_a_sourced_law_use_the_terms_ground():
    finding = {
        "id": "k1",
        "verdict": "sale",
        "score": 0.9,
        "lang": "en",
        "substances": ["ketamine"],
        "signals": ["signal.price"],
        "matches": [{"term": "ket", "denotes": ["ketamine"]}],
    }
    payload = st.from_finding(finding, {}, st.StatementPolicy(terms_url="https://x.example/t"))
    d = payload.to_dict()
    assert d["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert "illegal_content_legal_ground" not in d and d["incompatible_content_ground"]
    assert st.validate(d) == []
    cannabis = st.from_finding({**finding, "substances": ["cannabis.herbal"]}).to_dict()
    assert cannabis["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert "2004/757/JHA" in cannabis["illegal_content_legal_ground"]
    assert cannabis["decision_ground_reference_url"].startswith("https://eur-lex.europa.eu/")


def test_statements_carry_no_personal_data(example_findings, example_posts):
    for s in _statements(example_findings, example_posts, st.StatementPolicy()):
        text = json.dumps(s.to_dict(), ensure_ascii=False)
        assert "example_handle" not in text  # contact handles are never reproduced
        post = example_posts[s.finding_id]["text"]
        assert post not in text


def test_dates_puid_and_language_follow_the_documentation():
    finding = {
        "id": "post 7/ä",
        "verdict": "sale",
        "score": 0.8,
        "lang": "sv",
        "substances": ["cocaine"],
        "signals": [],
        "matches": [],
    }
    policy = st.StatementPolicy(application_date=dt.date(2026, 12, 7))
    d = st.from_finding(finding, {"created_at": "2026-11-30T23:10:00Z"}, policy).to_dict()
    assert d["content_date"] == "2026-11-30" and d["application_date"] == "2026-12-07"
    assert d["content_language"] == "SV"
    assert d["puid"].startswith("nlx-") and " " not in d["puid"] and "/" not in d["puid"]
    assert st.validate(d) == []
    undated = st.from_finding(finding, {}, policy).to_dict()
    assert (
        undated["content_date"] == "2026-12-07"
        and "posting date was not" in undated["decision_facts"]
    )


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"category": "STATEMENT_CATEGORY_DRUGS"}, "category"),
        ({"decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT"}, "illegal_content_legal_ground"),
        ({"puid": "has space"}, "puid"),
        ({"territorial_scope": ["GB"]}, "territorial_scope"),
        ({"content_date": "1999-12-31"}, "content_date"),
        ({"application_date": "2026-13-01"}, "application_date"),
        ({"automated_decision": "Yes"}, "automated_decision"),
        ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
        ({"decision_facts": "x" * 5001}, "decision_facts"),
        ({"surplus_field": 1}, "surplus_field"),
    ],
)
def test_the_validator_rejects_what_the_documentation_forbids(change, needle):
    good = st.from_finding(
        {
            "id": "1",
            "verdict": "sale",
            "score": 1.0,
            "lang": "en",
            "substances": ["ketamine"],
            "signals": [],
            "matches": [],
        }
    ).to_dict()
    assert st.validate(good) == []
    errors = st.validate({**good, **change})
    assert errors and any(needle in e for e in errors), errors


def test_no_restriction_at_all_is_invalid():
    d = st.from_finding(
        {
            "id": "1",
            "verdict": "sale",
            "score": 1.0,
            "substances": ["cocaine"],
            "signals": [],
            "matches": [],
        }
    ).to_dict()
    d.pop("decision_visibility")
    assert st.validate(d)


def test_batches_fit_the_multiple_endpoint():
    one = st.from_finding(
        {
            "id": "1",
            "verdict": "sale",
            "score": 1.0,
            "substances": ["cocaine"],
            "signals": [],
            "matches": [],
        }
    )
    bodies = list(st.batches([one] * 250))
    assert [len(b["statements"]) for b in bodies] == [100, 100, 50]
    assert all(set(b) == {"statements"} for b in bodies)
    assert all(st.validate(x) == [] for b in bodies for x in b["statements"])
    with pytest.raises(ValueError):
        list(st.batches([one], size=101))


def test_schema_cites_the_documentation_and_its_enumerations():
    schema = st.schema()
    assert st.API_DOCUMENTATION in schema["description"] and "2026-12-07" in schema["description"]
    props = schema["properties"]
    assert "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS" in props["category"]["enum"]
    assert "KEYWORD_PROHIBITED_PRODUCTS" in props["category_specification"]["items"]["enum"]
    assert props["automated_decision"]["enum"] == [
        "AUTOMATED_DECISION_FULLY",
        "AUTOMATED_DECISION_PARTIALLY",
        "AUTOMATED_DECISION_NOT_AUTOMATED",
    ]
    assert len(props["territorial_scope"]["items"]["enum"]) == 30  # EU 27 + IS, LI, NO
