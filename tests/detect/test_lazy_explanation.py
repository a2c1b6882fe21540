"""Explanations written on first read (issue 15): every way of reading a finding sees the text
the scanner used to write at once, and a finding nobody reads the text of never writes it."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from narcolex.detect import Scanner, engine
from narcolex.detect.finding import Finding

POSTS = (
    "cocaine 5g 50e, dm me",  # sale (assessed twice: without, then with its language)
    "coke, hash, speed, MDMA",  # a menu
    "I took some coke at a party last year",  # mention
    "snow on the road again",  # an ambiguous term alone: clean, with a score
    "Fresh charlie and weed, text me for prices",
    "hello world",  # no term: the shared clean finding
)
READS: dict[str, Callable[[Finding], Any]] = {
    "attribute": lambda f: f.explanation,
    "to_dict": lambda f: f.to_dict(),
    "repr": repr,
    "hash": hash,
    "pickle": lambda f: pickle.loads(pickle.dumps(f)).to_dict(),
    "replace": lambda f: replace(f, id="x").explanation,
    "with_id": lambda f: f.with_id("x").to_dict(),
}


def _slot(f: Finding) -> Any:
    """The stored value, read past the descriptor (the text, or what will write it)."""
    return Finding.__dict__["explanation"]._slot.__get__(f, Finding)


def _eager(scanner: Scanner, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    with monkeypatch.context() as m:
        m.setattr(engine, "deferred", lambda write, *args: write(*args))
        found = [scanner.scan(p) for p in POSTS]
    assert all(type(_slot(f)) is str for f in found)
    return found


@pytest.mark.parametrize("read", sorted(READS))
def test_every_read_sees_the_eager_text(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    eager = _eager(scanner, monkeypatch)
    lazy = [scanner.scan(p) for p in POSTS]
    assert any(type(_slot(f)) is not str for f in lazy)  # something is left to write
    for lz, eg in zip(lazy, eager, strict=True):
        assert READS[read](lz) == READS[read](eg)
        assert type(_slot(lz)) is str  # written by that read, and kept
        assert lz == eg and repr(lz) == repr(eg) and lz.to_dict() == eg.to_dict()


def test_default_scanner_lazy_equals_eager(
    default_scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    eager = _eager(default_scanner, monkeypatch)
    lazy = [default_scanner.scan(p) for p in POSTS]
    assert [pickle.dumps(f) for f in lazy] == [pickle.dumps(f) for f in eager]


def test_unread_explanation_is_never_written(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = engine.explain

    def counting(*args: Any) -> str:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(engine, "explain", counting)
    f = scanner.scan("cocaine 5g 50e, dm me")
    assert f.verdict == "sale" and not calls  # neither the first assessment's nor this one's
    assert f.explanation.startswith("sale: ") and len(calls) == 1
    f.to_dict(), repr(f), f.explanation
    assert len(calls) == 1  # written once, then kept


def test_truncated_finding_explains_the_cut(scanner: Scanner) -> None:
    f = Scanner(scanner.lexicon, scanner.config, replace(scanner.limits, post_chars=12)).scan(
        "cocaine 5g 50e, dm me"
    )
    assert f.truncated and f.explanation.endswith("(truncated: post cut at 12 characters)")
