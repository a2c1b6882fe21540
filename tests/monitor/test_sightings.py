"""Ingest records one sighting per post with a match or a sale, idempotently; purge enforces
retention."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq

from narcolex.detect.engine import Scanner
from narcolex.detect.io import read_posts
from narcolex.monitor.sightings import ingest, purge
from tests.monitor.conftest import finding, post, put

POSTS = [
    {"id": "1", "text": "Gras 10g 100 euro, Lieferung heute, Telegram @x_de",
     "created_at": "2026-11-03T12:00:00Z", "platform": "Telegram", "country": "de", "lang": "de"},
    {"id": "2", "text": "cocaine 1g 90 euro wickr: coke_uk discreet shipping",
     "created_at": "2026-11-02T23:30:00-02:00", "platform": "instagram", "country": "IE"},
    {"id": "3", "text": "lovely weather today in the park with friends",
     "created_at": "2026-11-03T09:00:00Z", "platform": "instagram", "country": "IE"},
]  # fmt: skip


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _count(store, sql):
    con = store.connect()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_ingest_records_sightings_and_reingesting_adds_nothing(store, tmp_path):
    scanner = Scanner.default()
    src = _write(tmp_path / "posts.jsonl", POSTS)
    first = ingest(store, read_posts(src), scanner)
    assert (first.posts, first.new_posts, first.sightings) == (3, 3, 2)
    files = sorted(p.name for p in store.root.rglob("*.parquet"))
    again = ingest(store, read_posts(src), scanner)
    assert (again.new_posts, again.duplicates, again.sightings, again.files) == (0, 3, 0, 0)
    assert sorted(p.name for p in store.root.rglob("*.parquet")) == files
    # an overlapping export with one new post adds exactly that post
    more = {**POSTS[0], "id": "4", "created_at": "2026-11-04T08:00:00Z"}
    third = ingest(store, read_posts(_write(tmp_path / "more.jsonl", [*POSTS, more])), scanner)
    assert (third.new_posts, third.duplicates, third.sightings) == (1, 3, 1)
    rows = _count(
        store, "SELECT day, platform, country, verdict, substances, price_eur, text FROM sightings"
        " ORDER BY day"
    )  # fmt: skip
    assert [r[0] for r in rows] == [date(2026, 11, 3), date(2026, 11, 3), date(2026, 11, 4)]
    assert rows[0][1:3] in {("telegram", "DE"), ("instagram", "IE")}  # codes normalised
    assert all(r[6] is None for r in rows)  # no text without --keep-text
    assert _count(store, "SELECT count(*) FROM scanned") == [(4,)]
    # the 23:30 at UTC-2 post is a sighting of 3 November (UTC)
    assert ("instagram", "IE") in {r[1:3] for r in rows if r[0] == date(2026, 11, 3)}


def test_a_price_list_that_names_no_drug_is_a_sighting(store, tmp_path):
    # A sale is always a sighting, also one with no lexicon term (a dealer's price list).
    row = {"id": "9", "text": "Prices: 1 g 60 €, 2 g 110 € and 5 g 250 €",
           "created_at": "2026-11-05T10:00:00Z", "platform": "telegram"}  # fmt: skip
    report = ingest(store, read_posts(_write(tmp_path / "list.jsonl", [row])), Scanner.default())
    assert report.sightings == 1
    assert _count(store, "SELECT verdict, substances FROM sightings") == [("sale", [])]


def test_stored_rows_hold_keyed_hashes_not_ids(store):
    put(store, [(post("secret-id-42", date(2026, 11, 1)), finding())])
    table = pq.read_table(store.files("sightings")[0])
    key = table.column("post_key")[0].as_py()
    assert key == store.post_key("telegram", "secret-id-42")
    raw = b"".join(Path(f).read_bytes() for f in store.files("sightings") + store.files("scanned"))
    assert b"secret-id-42" not in raw


def test_purge_removes_text_after_its_retention_date(store):
    now = datetime(2026, 11, 10, tzinfo=UTC)
    put(store, [(post("a", date(2026, 11, 1), text="coke 1g"), finding())],
        keep_text=True, retention_days=7, now=now)  # fmt: skip
    put(store, [(post("b", date(2026, 11, 1), text="coke 2g"), finding())],
        keep_text=True, retention_days=30, now=now)  # fmt: skip
    texts = "SELECT text FROM sightings ORDER BY text"
    assert _count(store, texts) == [("coke 1g",), ("coke 2g",)]
    assert purge(store, today=date(2026, 11, 17)).texts_removed == 0  # until the 17th: kept
    report = purge(store, today=date(2026, 11, 18))
    assert report.texts_removed == 1
    assert _count(store, texts) == [("coke 2g",), (None,)]
    assert purge(store, today=date(2026, 11, 18), all_text=True).texts_removed == 1
    assert _count(store, "SELECT count(*) FROM sightings WHERE text IS NOT NULL") == [(0,)]
    assert _count(store, "SELECT count(*) FROM sightings") == [(2,)]  # sightings stay


def test_purge_before_deletes_old_days(store):
    put(store, [(post(str(i), date(2026, 11, 1) + timedelta(days=i)), finding())
                for i in range(3)])  # fmt: skip
    report = purge(store, before=date(2026, 11, 3))
    assert report.days_deleted == ["2026-11-01", "2026-11-02"]
    assert _count(store, "SELECT day FROM sightings") == [(date(2026, 11, 3),)]
