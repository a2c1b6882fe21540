"""Builders for monitoring tests: real Finding objects with chosen fields, recorded through the
same writer path as `ingest`, so statistics can be checked on input whose answer is known."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from narcolex.detect.finding import Finding, Match, Signal
from narcolex.monitor.sightings import record
from narcolex.monitor.store import MonitorStore, open_store

SECRET = "test-secret-for-the-monitoring-suite-0123456789"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MonitorStore:
    monkeypatch.setenv("NARCOLEX_MONITOR_SECRET", SECRET)
    return open_store(tmp_path / "store")


def finding(
    verdict: str = "sale",
    substances: tuple[str, ...] = ("cocaine",),
    terms: tuple[str, ...] = ("coke",),
    lang: str | None = "en",
    signals: tuple[Signal, ...] = (),
) -> Finding:
    matches = tuple(
        Match(i + 1, t, t, 0, len(t), "slang", substances, lang or "und")
        for i, t in enumerate(terms)
    )
    codes = tuple(dict.fromkeys(s.code for s in signals))
    return Finding(verdict, 0.9, lang, substances, codes, matches, "test", None, signals)


def post(pid: str, day: date, platform: str = "telegram", country: str | None = "DE",
         text: str = "") -> dict:  # fmt: skip
    when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return {"id": pid, "text": text, "created_at": when.isoformat(), "platform": platform,
            "country": country}  # fmt: skip


def put(store: MonitorStore, pairs: list[tuple[dict, Finding]], **kw) -> int:
    return record(store, pairs, "test", **kw).sightings
