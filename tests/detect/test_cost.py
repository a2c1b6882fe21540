"""Cost follows evidence: work done once per post, findings unchanged."""

from __future__ import annotations

import pytest

from narcolex.detect import Scanner, engine
from narcolex.package.lexicon import Lexicon


def test_an_offer_finds_its_pattern_signals_once(
    monkeypatch: pytest.MonkeyPatch, lexicon: Lexicon
) -> None:
    """An offer without a given language is assessed twice (then with its language); the
    language-free pattern search runs once, and the finding is the one it was."""
    scanner = Scanner.from_lexicon(lexicon)
    text = "cocaine 1g 80€, discreet delivery, write me on telegram for more today"
    before = scanner.scan(text)
    calls: list[str] = []
    real = engine.find_signals
    monkeypatch.setattr(engine, "find_signals", lambda t: calls.append(t) or real(t))
    monkeypatch.setattr(engine, "_LAST_SIGNALS", (None, ()))
    fresh = "".join(text)  # a new text object: nothing remembered for it
    after = scanner.scan(fresh)
    assert after.verdict == "sale" and after.lang is not None
    assert after == before
    assert len(calls) == 1
