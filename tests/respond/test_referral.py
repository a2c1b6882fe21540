"""Referral reports: keyed hashes instead of post ids, offer fields, handles, privacy opt-ins."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from narcolex.errors import InputError
from narcolex.respond import referral as rf

SECRET = b"a-deployment-secret-of-32-bytes!"


def _pairs(findings, posts):
    return [(f, posts[f["id"]]) for f in findings if f["verdict"] == "sale"]


def test_referral_refuses_to_run_without_a_secret():
    with pytest.raises(InputError, match="NARCOLEX_POST_KEY_SECRET"):
        rf.secret_from_env({})
    with pytest.raises(InputError):
        rf.secret_from_env({rf.ENV_SECRET: "short"})
    assert rf.secret_from_env({rf.ENV_SECRET: SECRET.decode()}) == SECRET


def test_rows_carry_keyed_hashes_offers_and_handles(example_findings, example_posts):
    rows = list(rf.rows(_pairs(example_findings, example_posts), SECRET))
    assert len(rows) >= 5
    by_key = {r.post_key: r for r in rows}
    key2 = hmac.new(SECRET, b"2", hashlib.sha256).hexdigest()
    row = by_key[key2]
    assert (row.quantity, row.unit, row.price, row.currency) == (1.0, "g", 70.0, "EUR")
    assert row.platform == "example" and row.country == "DE" and "cocaine" in row.substances
    assert any("example_handle" in h for h in row.contact_handles)
    assert row.text is None and row.url is None  # opt-in only
    csv_text = rf.to_csv(rows)
    assert csv_text.splitlines()[0].split(",") == list(rf.COLUMNS)
    for post_id in example_posts:  # no raw post id in the report
        assert f"\n{post_id}," not in csv_text


def test_privacy_controls(example_findings, example_posts):
    pairs = _pairs(example_findings, example_posts)
    plain = list(rf.rows(pairs, SECRET, handles=False))
    assert all(r.contact_handles == () for r in plain)
    texts = list(rf.rows(pairs, SECRET, include_text=True))
    assert any(r.text and "Kokain" in r.text for r in texts)
    assert list(rf.rows(pairs, SECRET, min_score=1.01)) == []
    other = list(rf.rows(pairs, b"another-secret-of-enough-bytes!!"))
    assert {r.post_key for r in other}.isdisjoint({r.post_key for r in plain})
    line = json.loads(rf.to_jsonl(plain[:1]))
    assert set(line) == set(rf.COLUMNS)


@pytest.mark.parametrize(
    ("surfaces", "expected"),
    [
        ([("signal.quantity", "5g"), ("signal.price", "350€")], (5.0, "g", 350.0, "EUR")),
        ([("signal.price", "1g=100zł")], (None, None, 100.0, "PLN")),
        (
            [("signal.price", "€ 35,5"), ("signal.quantity", "10 pills")],
            (10.0, "pills", 35.5, "EUR"),
        ),
        ([("signal.contact", "t.me/x")], (None, None, None, None)),
    ],
)
def test_offer_fields(surfaces, expected):
    got = rf.offer_fields(surfaces)
    assert (got["quantity"], got["unit"], got["price"], got["currency"]) == expected
