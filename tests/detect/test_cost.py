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


def test_a_post_is_normalized_once_for_both_automata(
    monkeypatch: pytest.MonkeyPatch, lexicon: Lexicon
) -> None:
    """The lexicon's and the context words' automata read the same readings of the post, and
    an offer assessed twice finds its context words once; the finding is the one it was."""
    from narcolex.detect import matcher
    from narcolex.package.lexicon import LexiconTerm

    ctx = LexiconTerm(90, "write me", "en", "phrase", ("context.address",), "medium", "high")
    scanner = Scanner.from_lexicon(Lexicon(terms=(*lexicon.terms, ctx), version="test+ctx"))
    assert scanner._context is not None
    text = "cocaine 1g 80€, discreet delivery, write me on telegram for more today"
    before = scanner.scan(text)
    readings: list[str] = []
    real_normalize = matcher.normalize
    monkeypatch.setattr(
        matcher, "normalize", lambda t, **kw: readings.append(t) or real_normalize(t, **kw)
    )
    monkeypatch.setattr(matcher, "_LAST_READINGS", (None, False, ()))
    finds: list[str] = []
    real_find = scanner._context.find
    monkeypatch.setattr(scanner._context, "find", lambda t: finds.append(t) or real_find(t))
    fresh = "".join(text)  # a new text object: nothing remembered for it
    after = scanner.scan(fresh)
    assert after.verdict == "sale" and after.lang is not None  # assessed twice
    assert after == before
    assert len(readings) == 1
    assert len(finds) == 1


class _Counted:
    """A compiled pattern that counts its searches (re.Pattern's methods are read-only)."""

    def __init__(self, pattern, runs: list[str]) -> None:  # type: ignore[no-untyped-def]
        self.pattern, self.runs = pattern, runs

    def finditer(self, text: str):  # type: ignore[no-untyped-def]
        self.runs.append(self.pattern.pattern[:20])
        return self.pattern.finditer(text)


def test_an_offer_reads_each_counter_evidence_pattern_once(
    monkeypatch: pytest.MonkeyPatch, lexicon: Lexicon
) -> None:
    """An offer is scored twice (without, then with its language): each counter-evidence
    pattern runs once per post, same finding."""
    from narcolex.detect import scoring

    scanner = Scanner.from_lexicon(lexicon)
    text = "cocaine 1g 80€, discreet delivery, write me on telegram for more today"
    before = scanner.scan(text)
    runs: list[str] = []
    for name in ("TREATMENT_STORY", "REVIEW"):
        monkeypatch.setattr(scoring, name, _Counted(getattr(scoring, name), runs))
    monkeypatch.setattr(scoring, "_LAST_CUES", (None, {}))
    fresh = "".join(text)  # a new text object: nothing remembered for it
    after = scanner.scan(fresh)
    assert after.verdict == "sale" and after.lang is not None  # scored twice
    assert after == before
    assert sorted(runs) == sorted(set(runs)) and len(runs) == 2
