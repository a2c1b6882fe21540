"""Legal grounds per substance group, and Article 16 notices with every element of 16(2)."""

from __future__ import annotations

import datetime as dt

import pytest

from narcolex.errors import InputError
from narcolex.package import respond_content as rc
from narcolex.respond import notices as nt
from narcolex.respond.legal import grounds_for

NOTIFIER = nt.Notifier("Example Trust & Safety Desk", "notices@example.org")


def test_every_substance_group_has_sourced_grounds_or_says_national_law():
    legal = rc.bundled().legal
    ids = {s.id for s in legal.sources}
    for key, ins in legal.instruments.items():
        assert ins.sources and set(ins.sources) <= ids, key
    g = grounds_for(["cannabis.resin", "mdma", "signal.price"])
    assert g.complete and {i.key for i in g.instruments} == {"un-1961", "un-1971", "eu-fd-2004-757"}
    k = grounds_for(["ketamine", "cocaine"])
    assert not k.complete and k.unsourced_groups == ("ketamine",)
    assert len(g.summary(500)) <= 500


def _sale(example_findings):
    return next(f for f in example_findings if f["id"] == "2")


def test_notice_holds_every_element_of_article_16_2(example_findings, example_posts):
    post = {**example_posts["2"], "url": "https://example.org/posts/2"}
    n = nt.from_finding(
        _sale(example_findings), post, NOTIFIER, now=dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    )
    d = n.to_dict()
    # (a) substantiated explanation, with the evidence: substances, signals, matched spans
    assert "cocaine" in d["explanation"] and d["evidence"]["substances"]
    spans = d["evidence"]["spans"]
    assert any(s["kind"] == "term" and s["surface"] == "Kokain" for s in spans)
    assert any(s["kind"] == "signal" and s["meaning"] == "price" for s in spans)
    text = post["text"]
    assert all(text[s["start"] : s["end"]] == s["surface"] for s in spans)
    assert any("2004/757/JHA" in g for g in d["legal_grounds"])
    # (b) exact electronic location
    assert d["location"] == {"value": "https://example.org/posts/2", "is_url": True, "post_id": "2"}
    # (c) notifier's name and e-mail, (d) statement of good faith
    assert d["notifier"] == {"name": NOTIFIER.name, "email": NOTIFIER.email}
    assert "good faith" in d["good_faith_statement"]
    body = n.to_text()
    for heading in (
        "Exact electronic location",
        "Why the content is considered illegal",
        "Notifier",
        "Statement of good faith",
        "https://example.org/posts/2",
    ):
        assert heading in body


def test_notice_without_url_names_platform_and_post(example_findings, example_posts):
    n = nt.from_finding(_sale(example_findings), example_posts["2"], NOTIFIER)
    assert not n.location_is_url and "post id 2" in n.location
    with pytest.raises(InputError):
        nt.from_finding({**_sale(example_findings), "id": None}, {}, NOTIFIER)


@pytest.mark.parametrize(("name", "email"), [("", "a@b.org"), ("Desk", "not-an-email")])
def test_notifier_must_be_identified(name, email):
    with pytest.raises(InputError):
        nt.Notifier(name, email)


def test_pdf_renders_one_page_per_notice(example_findings, example_posts):
    sales = [f for f in example_findings if f["verdict"] == "sale"][:3]
    notices = [nt.from_finding(f, example_posts[f["id"]], NOTIFIER) for f in sales]
    assert len(nt.pdf_document(notices).pages) == len(notices)
    pdf = nt.to_pdf(notices)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
