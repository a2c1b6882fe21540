"""Language identification: the fast first pass answers confident posts without lingua."""

from __future__ import annotations

import pytest

from narcolex.detect import langid


@pytest.fixture
def fresh_lingua(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the texts that reach lingua (the second pass), which still answers them."""
    calls: list[str] = []
    real = langid._lingua
    monkeypatch.setattr(langid, "_lingua", lambda text: calls.append(text) or real(text))
    return calls


def test_confident_posts_skip_lingua(fresh_lingua: list[str]) -> None:
    text = "Heute gehen wir mit den Kindern in den Park und danach essen wir zusammen Kuchen"
    assert langid.detect_language(text) == "de"
    assert fresh_lingua == []


def test_unsure_posts_go_to_lingua(fresh_lingua: list[str]) -> None:
    mixed = "ok ok super cool nice party tonight ja"
    langid.detect_language(mixed)
    assert fresh_lingua  # the first pass was not sure: lingua decided


def test_short_or_empty_texts_have_no_language(fresh_lingua: list[str]) -> None:
    assert langid.detect_language("@someone https://example.com/x #tag 123") is None
    assert langid.detect_language("") is None
    assert fresh_lingua == []
