"""Release integrity: a snapshot edited in the database is refused by the scanner, bundles are
signed (Ed25519) and checked against trusted keys on import and on Scanner.from_release,
`--expect-sha256` pins a bundle; innocent readings and source locators travel through the
database (migration 0002), the release record, bundles and the scanner's Lexicon."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from narcolex.cli import app
from narcolex.detect.engine import Scanner
from narcolex.errors import ContentError
from narcolex.formats.export import export
from narcolex.package.bundle import read_bundle
from narcolex.package.records import content_hash
from narcolex.package.signing import generate_keypair
from narcolex.store.engine import open_db
from narcolex.store.models import Term
from narcolex.workflow import releases
from narcolex.workflow.bundles import import_bundle
from narcolex.workflow.setup import initialise
from tests.conftest import MINI_TERMS, write_content

pytestmark = pytest.mark.db
runner = CliRunner()

WITH_READINGS = {
    **MINI_TERMS,
    "en": [
        *MINI_TERMS["en"],
        {"term": "snow", "kind": "slang", "denotes": ["cocaine"], "ambiguity": "high",
         "sources": ["test-glossary#p. 3", "test-study"],
         "innocent": [{"kind": "phrase", "text": "snow tyres", "sources": ["test-study#s. 2"]},
                      {"kind": "sense", "text": "frozen precipitation",
                       "sources": ["test-glossary"]}]},
    ],
}  # fmt: skip


@pytest.fixture
def db(db_url, tmp_path):
    database = open_db(db_url)
    initialise(database, content_root=write_content(tmp_path / "c", WITH_READINGS))
    yield database
    database.dispose()


def _edit_snapshot(db, version: int = 1) -> None:
    """What someone with database access could do behind narcolex's back."""
    with db.reader() as s:
        snap = releases.get(s, version).snapshot
    snap["terms"][0]["term"] = "coffee"
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE releases SET snapshot = :snap WHERE version = :v"),
            {"snap": json.dumps(snap), "v": version},
        )


def test_innocent_readings_and_locators_reach_record_lexicon_and_bundle(db, db_url, tmp_path):
    with db.reader() as s:
        term = s.scalar(select(Term).where(Term.term == "snow"))
        assert term.source_refs == ["test-glossary#p. 3", "test-study"]
        assert term.innocent[0] == {"kind": "phrase", "text": "snow tyres",
                                    "sources": ["test-study#s. 2"]}  # fmt: skip
        rel = releases.get(s)
        rec = next(r for r in rel.snapshot["terms"] if r["term"] == "snow")
        assert rec["references"] == ["test-glossary#p. 3", "test-study"]
        assert rec["sources"] == ["test-glossary", "test-study"]
        assert [r["text"] for r in rec["innocent"]] == ["snow tyres", "frozen precipitation"]
        plain = next(r for r in rel.snapshot["terms"] if r["term"] == "weed")
        assert plain["innocent"] == [] and plain["references"] == ["test-glossary"]
        export(rel, "bundle", tmp_path / "b")
        export(rel, "csv", tmp_path / "t.csv")
    lex = releases.lexicon_from_db(db_url)
    assert next(t for t in lex.terms if t.term == "snow").innocent == ("snow tyres",)
    assert Scanner.from_release(tmp_path / "b").lexicon == lex
    assert "test-glossary#p. 3" in (tmp_path / "t.csv").read_text(encoding="utf-8")
    other = open_db(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    result = import_bundle(other, tmp_path / "b")
    assert result["content_sha256"] == rel.content_sha256
    with other.reader() as s:
        assert s.scalar(select(Term).where(Term.term == "snow")).source_refs[0].endswith("p. 3")


def test_records_without_the_new_fields_hash_as_before():
    """Terms without readings or locators hash as they did before the fields existed."""
    old = {"term": "weed", "lang": "en", "kind": "slang", "denotes": ["cannabis.herbal"],
           "ambiguity": "medium", "confidence": "medium", "status": "validated",
           "match": "word", "variants": [], "countries": ["GB"], "platforms": [],
           "sources": ["g"], "first_seen": None, "last_seen": None, "note": None}  # fmt: skip
    new = {**old, "innocent": [], "references": ["g"]}
    assert content_hash([old], {}) == content_hash([new], {})
    assert content_hash([old], {}) != content_hash([{**new, "references": ["g#p. 1"]}], {})


def test_migration_0002_goes_down_and_up_keeping_terms(db):
    with db.reader() as s:
        before = s.scalar(text("SELECT count(*) FROM term_sources"))
    db.downgrade("0001")
    with db.engine.connect() as conn:
        cols = {c["name"] for c in __import__("sqlalchemy").inspect(conn).get_columns("terms")}
        assert "innocent" not in cols and "source_refs" not in cols
        assert conn.execute(text("SELECT count(*) FROM term_sources")).scalar() == before
    db.upgrade()
    with db.reader() as s:
        assert s.scalar(text("SELECT count(*) FROM term_sources")) == before


def test_scanner_refuses_a_release_edited_in_the_database(db, db_url, mini_content):
    releases.lexicon_from_db(db_url)  # intact: fine
    _edit_snapshot(db)
    with pytest.raises(ContentError, match="edited in the database"):
        releases.lexicon_from_db(db_url)
    result = runner.invoke(app, ["scan", "-", "--db", db_url], input='{"text": "x"}\n')
    assert result.exit_code == 1 and "edited in the database" in result.stderr


@pytest.fixture
def signed_bundle(db, tmp_path, monkeypatch):
    key, pub, kid = generate_keypair(tmp_path / "keys" / "hub.key")
    with db.reader() as s:
        export(releases.get(s), "bundle", tmp_path / "signed", signing_key=key)
    monkeypatch.setenv("NARCOLEX_TRUSTED_KEYS", str(pub))
    return tmp_path / "signed", kid


def _forge(src: Path, dst: Path) -> Path:
    """Edit a term and recompute the content hash in the manifest, as an attacker would."""
    shutil.copytree(src, dst)
    rows = [json.loads(x) for x in (dst / "terms.jsonl").read_text("utf-8").splitlines()]
    rows[0]["term"] = "coffee"
    (dst / "terms.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    manifest = json.loads((dst / "manifest.json").read_text("utf-8"))
    sources = json.loads((dst / "sources.json").read_text("utf-8"))
    manifest["content_sha256"] = content_hash(rows, sources)
    (dst / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    read_bundle(dst).verify(trusted={})  # the hash alone is satisfied
    return dst


def test_signed_bundle_is_verified_and_a_forged_one_refused(signed_bundle, tmp_path):
    bundle, kid = signed_bundle
    assert Scanner.from_release(bundle).lexicon.version == "1"
    forged = _forge(bundle, tmp_path / "forged")
    with pytest.raises(ContentError, match="changed after signing"):
        Scanner.from_release(forged)
    target = open_db(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    with pytest.raises(ContentError, match="changed after signing"):
        import_bundle(target, forged)
    result = import_bundle(target, bundle)
    assert result["signature_verified"] and result["signed_by"] == kid


def test_unsigned_or_untrusted_bundles_are_refused_when_keys_are_trusted(
    signed_bundle, tmp_path, monkeypatch
):
    bundle, _ = signed_bundle
    unsigned = tmp_path / "unsigned"
    shutil.copytree(bundle, unsigned)
    (unsigned / "signature.json").unlink()
    with pytest.raises(ContentError, match="not signed"):
        Scanner.from_release(unsigned)
    _, other_pub, _ = generate_keypair(tmp_path / "other.key")
    monkeypatch.setenv("NARCOLEX_TRUSTED_KEYS", str(other_pub))
    with pytest.raises(ContentError, match="not among the trusted keys"):
        Scanner.from_release(bundle)
    monkeypatch.delenv("NARCOLEX_TRUSTED_KEYS")
    monkeypatch.setattr("narcolex.package.signing.default_trusted_dir", lambda: tmp_path / "no")
    assert Scanner.from_release(unsigned).lexicon.version == "1"  # no trust configured


def test_cli_keys_export_import_and_expect_sha256(db_env, mini_content, tmp_path, monkeypatch):
    assert runner.invoke(app, ["init", "--content", str(mini_content)]).exit_code == 0
    made = runner.invoke(app, ["keys", "generate", str(tmp_path / "k" / "hub.key")])
    assert made.exit_code == 0 and "hub.pub" in made.stdout
    monkeypatch.setenv("NARCOLEX_SIGNING_KEY", str(tmp_path / "k" / "hub.key"))
    out = runner.invoke(app, ["export", "--format", "bundle", "-o", str(tmp_path / "b.zip")])
    assert out.exit_code == 0 and "(signed)" in out.stdout
    monkeypatch.setenv("NARCOLEX_TRUSTED_KEYS", str(tmp_path / "k"))
    target = f"sqlite:///{tmp_path / 'o.sqlite3'}"
    wrong = runner.invoke(
        app, ["import", str(tmp_path / "b.zip"), "--db", target, "--expect-sha256", "0" * 64]
    )
    assert wrong.exit_code == 1 and "not the expected" in wrong.stderr
    digest = read_bundle(tmp_path / "b.zip").computed_sha256()
    good = runner.invoke(
        app, ["import", str(tmp_path / "b.zip"), "--db", target, "--expect-sha256", digest]
    )
    assert good.exit_code == 0, good.output
    assert "verified" in good.stdout


def test_malformed_bundles_are_one_line_errors(db, tmp_path):
    with db.reader() as s:
        export(releases.get(s), "bundle", tmp_path / "b")
    cases = {
        "manifest.json": lambda d: {**d, "version": "x"},
        "terms.jsonl": None,
        "sources.json": lambda d: {k: {"title": 1} for k in d},
    }
    for name, change in cases.items():
        bad = tmp_path / f"bad-{name}"
        shutil.copytree(tmp_path / "b", bad)
        if change is None:
            (bad / name).write_text('{"term": "x"}\n', "utf-8")
        else:
            doc = json.loads((bad / name).read_text("utf-8"))
            (bad / name).write_text(json.dumps(change(doc)), "utf-8")
            if name == "sources.json":  # keep the hash right so the import gets that far
                m = json.loads((bad / "manifest.json").read_text("utf-8"))
                rows = [json.loads(x) for x in (bad / "terms.jsonl").read_text().splitlines()]
                m["content_sha256"] = content_hash(rows, change(doc))
                (bad / "manifest.json").write_text(json.dumps(m), "utf-8")
        result = runner.invoke(
            app, ["import", str(bad), "--db", f"sqlite:///{tmp_path / (name + '.db')}"]
        )
        assert result.exit_code == 1, (name, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), name
        assert len(result.stderr.strip().splitlines()) == 1, (name, result.stderr)


def test_merge_keeps_the_locators_and_every_source(db, tmp_path):
    from narcolex.workflow import review, users
    from narcolex.workflow.submissions import submit
    from tests.workflow.test_workflow import row, write_csv

    with db.transaction() as s:
        users.add_user(s, "root", "admin")
        users.add_user(s, "carla", "curator", actor="root")
        users.add_user(s, "sven", "contributor", "SE", actor="root")
    f = write_csv(tmp_path / "m.csv", [row("snowz", language="en", denotes="cocaine")])
    tid = submit(db, f, "sven").terms[0]["id"]
    with db.transaction() as s:
        snow = s.scalar(select(Term).where(Term.term == "snow"))
        review.merge(s, tid, snow.id, "carla")
    with db.reader() as s:
        snow = s.scalar(select(Term).where(Term.term == "snow"))
        assert snow.source_refs == ["test-glossary", "test-glossary#p. 3", "test-study"]
        assert sorted(x.key for x in snow.sources) == ["test-glossary", "test-study"]
