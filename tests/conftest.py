"""Shared fixtures: a fresh database per test (SQLite file, or the PostgreSQL server named by
NARCOLEX_TEST_DATABASE_URL with its schema reset) and a small content folder written here."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from narcolex.config import resolve_database_url
from narcolex.package.content import bundled_root

PG_URL = os.environ.get("NARCOLEX_TEST_DATABASE_URL")


def _reset_postgres(url: str) -> None:
    engine = create_engine(resolve_database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("DROP FUNCTION IF EXISTS narcolex_audit_append_only() CASCADE"))
    engine.dispose()


@pytest.fixture(autouse=True)
def _no_user_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's own database or environment."""
    from narcolex import config

    monkeypatch.delenv("NARCOLEX_DATABASE_URL", raising=False)
    monkeypatch.setattr(config, "default_database_path", lambda: tmp_path / "default.sqlite3")


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty database for one test."""
    if PG_URL:
        _reset_postgres(PG_URL)
        yield PG_URL
        _reset_postgres(PG_URL)
    else:
        yield f"sqlite:///{tmp_path / 'kb.sqlite3'}"


@pytest.fixture
def db_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI's default database at the test database."""
    monkeypatch.setenv("NARCOLEX_DATABASE_URL", db_url)
    return db_url


MINI_SOURCES = {
    "sources": [
        {
            "id": "test-glossary",
            "title": "Test glossary written for the narcolex test suite",
            "publisher": "narcolex tests",
            "year": 2026,
            "lang": "en",
            "kind": "glossary",
        },
        {
            "id": "test-study",
            "title": "Second test source",
            "publisher": "narcolex tests",
            "year": 2025,
            "lang": "de",
            "kind": "study",
        },
    ]
}

MINI_TERMS = {
    "en": [
        {"term": "cocaine", "kind": "street_name", "denotes": ["cocaine"],
         "confidence": "high", "sources": ["test-glossary"], "variants": ["cocain"]},
        {"term": "weed", "kind": "slang", "denotes": ["cannabis.herbal"], "ambiguity": "medium",
         "sources": ["test-glossary"], "countries": ["GB", "IE"]},
        {"term": "for sale", "kind": "phrase", "denotes": ["signal.offer"], "ambiguity": "high",
         "sources": ["test-glossary"]},
        {"term": "unsourced guess", "kind": "slang", "denotes": ["drugs.generic"],
         "confidence": "low", "sources": ["test-glossary"]},
    ],
    "de": [
        {"term": "Kokain", "kind": "street_name", "denotes": ["cocaine"], "confidence": "high",
         "sources": ["test-study"], "match": "compound"},
        {"term": "Gras", "kind": "slang", "denotes": ["cannabis.herbal"], "ambiguity": "high",
         "sources": ["test-study", "test-glossary"]},
    ],
    "cs": [
        {"term": "kokain", "kind": "street_name", "denotes": ["cocaine"], "confidence": "high",
         "sources": ["test-glossary"], "match": "prefix"},
    ],
}  # fmt: skip


def write_content(root: Path, terms: dict[str, list[dict]] | None = None) -> Path:
    """Write a small, valid content folder (the bundled taxonomy + test terms)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundled_root() / "substances.yaml", root / "substances.yaml")
    (root / "sources.yaml").write_text(yaml.safe_dump(MINI_SOURCES), encoding="utf-8")
    for lang, items in (terms or MINI_TERMS).items():
        (root / f"{lang}.yaml").write_text(
            yaml.safe_dump({"lang": lang, "terms": items}, allow_unicode=True), encoding="utf-8"
        )
    return root


@pytest.fixture
def mini_content(tmp_path: Path) -> Path:
    return write_content(tmp_path / "content")


@pytest.fixture
def crash_on_call(monkeypatch: pytest.MonkeyPatch):
    """Make `owner.name` raise on its n-th call, to inject a crash in the middle of a write."""

    def arm(owner: object, name: str, n: int) -> dict[str, int]:
        real = getattr(owner, name)
        calls = {"n": 0}

        def flaky(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == n:
                raise RuntimeError("crash (injected)")
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, flaky)
        return calls

    return arm
