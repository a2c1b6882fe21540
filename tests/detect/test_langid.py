"""Language identification: the fast first pass answers confident posts without lingua."""

from __future__ import annotations

import numpy as np
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
    mixed = "hallo hola hello ciao salut hej"  # a greeting in six languages
    assert langid._fast_detector().classify(mixed)[1] < langid.FAST_CONFIDENCE
    langid.detect_language(mixed)
    assert fresh_lingua  # the first pass was not sure: lingua decided


def test_short_or_empty_texts_have_no_language(fresh_lingua: list[str]) -> None:
    assert langid.detect_language("@someone https://example.com/x #tag 123") is None
    assert langid.detect_language("") is None
    assert fresh_lingua == []


def _texts_of_every_kind() -> list[str]:
    """Texts in many scripts and shapes: empty, emoji only, capitals, lone surrogates,
    combining marks, long runs, and generated strings over wide code point ranges."""
    import random

    fixed = [
        "",
        " ",
        "a",
        "🙂🙂🔥",
        "HEUTE GEHEN WIR INS KINO",
        "Heute gehen wir ins Kino und danach essen",
        "Dzisiaj jest piękny dzień, idziemy do domu",
        "Днес е хубав ден, отиваме у дома утре",
        "Σήμερα είναι μια όμορφη μέρα για βόλτα",
        "Bugün hava çok güzel, parka gidiyoruz",
        "Tänään on kaunis päivä ja menemme kotiin",
        "今日はいい天気ですね",
        "اليوم يوم جميل جدا",
        "e\u0301te\u0301 cafe\u0301 nai\u0308ve",  # combining marks (NFC composes them)
        "broken \ud800 surrogate \udfff here",
        "x" * 5000,
        "ok ok super cool nice party tonight ja",
    ]
    rng = random.Random(15)
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
              (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0x1F300, 0x1F64F), (0xD800, 0xDFFF)]  # fmt: skip
    made = []
    for _ in range(400):
        parts = []
        for _ in range(rng.randint(1, 6)):
            lo, hi = rng.choice(ranges)
            parts.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(0, 40))))
        made.append(" ".join(parts))
    return fixed + made


def test_first_pass_gives_py3langids_answer() -> None:
    """The first pass with its C feature counting answers exactly as py3langid does: the same
    language and the same probability, on every kind of text."""
    fast = langid._fast_detector()
    ident = langid.load_py3langid()  # py3langid itself, on its own copy of the model
    assert fast is not None and ident is not None
    for text in _texts_of_every_kind():
        code, p = fast.classify(text)
        want_code, want_p = ident.classify(text)
        assert code == want_code, text
        assert abs(p - want_p) <= 1e-6, text


def test_feature_counter_refuses_a_model_it_could_read_out_of_bounds() -> None:
    from array import array

    fastpath = pytest.importorskip("narcolex.detect._fastpath")
    nextmove = array("H", [0] * 256)
    with pytest.raises(ValueError):
        fastpath.FeatureCounter(nextmove, array("H", [1]), [-1])  # row 1 does not exist
    with pytest.raises(ValueError):
        fastpath.FeatureCounter(array("H", [1] * 256), array("H", [0]), [-1])  # no state 1
    with pytest.raises(TypeError):
        fastpath.FeatureCounter(array("d", [0.0] * 256), array("H", [0]), [-1])
    counter = fastpath.FeatureCounter(array("H", [0] * 256), array("H", [0]), [3])
    assert counter.count(b"") is None
    feats, counts = counter.count(b"abc")  # every byte completes feature 3
    assert np.frombuffer(feats, dtype=np.intp).tolist() == [3]
    assert np.frombuffer(counts, dtype=np.float32).tolist() == [3.0]


def test_first_pass_without_the_c_module_is_py3langid(monkeypatch: pytest.MonkeyPatch) -> None:
    """An install without a compiler has no FeatureCounter: py3langid itself answers."""
    monkeypatch.setattr(langid, "_FeatureCounter", None)
    ident = langid.load_py3langid()
    plain = langid.FirstPass(ident)
    for text in _texts_of_every_kind()[:40]:
        assert plain.classify(text) == ident.classify(text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("金沢手押し", "ja"),  # short: the script says it where n-grams cannot
        ("今日も都内で野菜の手押しやってます", "ja"),
        ("처음 맛보는 아이스 팝니다", "ko"),
        ("深夜限定美食", "zh"),
        ("ขายยาบ้าราคาถูก", "th"),
        ("I love 寿司 and sushi bars in Berlin", None),  # mostly Latin: not by script
        ("Ich verkaufe Gras in Berlin", None),
    ],
)
def test_east_asian_languages_are_told_by_their_script(text: str, lang: str | None) -> None:
    assert langid.script_language(text) == lang
