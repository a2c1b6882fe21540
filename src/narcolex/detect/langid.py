"""Language identification per post, restricted to the project's languages.

Used to weight language-specific terms ("Gras" in a German post is more likely cannabis than
in an English one; a Polish slang word in an English post is probably an English word) and to
label offers, so it runs lazily: for posts with an ambiguous or language-specific signal term,
and for every `sale` finding, never for clean posts.

Two passes: py3langid (a naive Bayes over byte n-grams, several times faster than lingua; its
byte automaton walked in C, see FirstPass) answers when it is sure (FAST_CONFIDENCE); the rest
go to lingua, built once per process on first use in low-accuracy mode (about 45 MB instead
of 430 MB), whose guesses on short texts are only used when confident. On the 3,000 dev
tweets the first pass answers 86% of the posts, and lingua (about 400 µs a call) is asked
for the rest; below the threshold lingua is the better judge, above it py3langid is right as
often or more (`python bench/traffic.py --langid` prints both, and other thresholds).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

from narcolex import taxonomy
from narcolex.detect import scripts

try:  # the C feature counting is optional, like the rest of the fast path
    from narcolex.detect._fastpath import FeatureCounter as _FeatureCounter
except ImportError:  # pragma: no cover - installs without a compiler
    _FeatureCounter = None

MIN_CHARS = 20  # shorter texts give no reliable language
MIN_CONFIDENCE = 0.8  # low-accuracy mode (45 MB instead of 430 MB) guesses on short texts
LANGID_CHARS = 300  # the language shows in the first lines; the cost grows with the length
# py3langid's probability from which lingua is not asked. On the dev tweets, 0.5 against the
# former 0.9: the first pass answers 86% of posts instead of 61%, and 79.2% of all answers
# are right by the rows' labels instead of 73.2% (social quotes: 92.1% against 91.3%); the
# evaluation tables are identical (`python bench/traffic.py --langid`).
FAST_CONFIDENCE = 0.5


# Japanese, Korean, Chinese, Thai and Hebrew are told by their scripts (script_language): the
# n-gram models are not asked for them, which keeps those languages' models out of memory.
SCRIPT_LANGUAGES = ("ja", "ko", "zh", "th", "he")
_NGRAM_LANGUAGES = tuple(c for c in taxonomy.LANGUAGES if c not in SCRIPT_LANGUAGES)


@lru_cache(maxsize=1)
def _detector() -> tuple[Any, dict[Any, str]]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = []
    back: dict[Any, str] = {}
    for code in _NGRAM_LANGUAGES:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is None:
            continue
        try:
            lang = Language.from_iso_code_639_1(iso)
        except ValueError:
            continue
        langs.append(lang)
        back[lang] = code
    nb = getattr(Language, "BOKMAL", None)  # lingua names Norwegian by its written standards
    if nb is not None and "no" not in back.values():
        langs.append(nb)
        back[nb] = "no"
    detector = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
    return detector, back


def load_py3langid() -> Any:
    """A new py3langid identifier restricted to the project's languages (probabilities
    normalised), or None when it is not installed."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # pragma: no cover - a declared dependency; lingua alone still works
        return None
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(ident.nb_classes)
    ident.set_languages([code for code in _NGRAM_LANGUAGES if code in known])
    # The identifier keeps the full model (97 languages, 28 MB) to allow un-restricting; this
    # one is never widened again, so it keeps only the restricted copy (a fifth of the size).
    if getattr(ident, "_full_model", None) is not None:
        ident._full_model = (ident.nb_ptc, ident.nb_pc, ident.nb_classes)
    return ident


class FirstPass:
    """py3langid's answer with its byte automaton walked in C (narcolex.detect._fastpath).

    The identifier's Python loop over the text's bytes was about a third of its time on the
    dev tweets; the scoring after it is the identifier's own arithmetic (numpy, the same
    operations in the same order on the same float32 and float16 arrays), so code and
    probability are py3langid's (tests/detect/test_langid.py compares them on many texts).
    Without the C module, the identifier itself answers."""

    def __init__(self, ident: Any) -> None:
        self.classes: list[str] = list(ident.nb_classes)
        self._ptc = ident.nb_ptc  # float16, one row per feature, one column per class
        self._pc = ident.nb_pc
        self._counter = None
        self.ident: Any = ident
        if _FeatureCounter is not None:
            self._counter = _FeatureCounter(ident.tk_nextmove, ident.tk_row, ident.tk_output)
            # The counter holds the automaton's arrays; the identifier's lists for its Python
            # loop (a row offset and an output per state: about 7 MB of int objects) are no
            # longer needed here, so it is not kept.
            self.ident = None
        # A label present twice (a language in two scripts) is one answer: the later column's
        # probability is added to the first one's, as py3langid does.
        first: dict[str, int] = {}
        self._aliases: list[tuple[int, int]] = []
        for i, c in enumerate(self.classes):
            if c in first:
                self._aliases.append((first[c], i))
            else:
                first[c] = i

    def probabilities(self, text: str) -> Any:
        """One probability per column of `classes` (float32, summing to 1)."""
        import numpy as np

        if self._counter is None:  # installs without a compiler
            return self.ident._decide(text)
        if text.isupper():  # py3langid reads all-capital text in lower case
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")
        found = self._counter.count(data)
        if found is None:  # no feature: every language alike
            scores = np.zeros(len(self.classes), dtype=np.float32)
        else:
            feats = np.frombuffer(found[0], dtype=np.intp)
            counts = np.frombuffer(found[1], dtype=np.float32)
            scores = np.log1p(counts) @ self._ptc[feats] + self._pc
        # The softmax is tempered by the square root of the length in bytes.
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for i, j in self._aliases:
            scores[i] += scores[j]
            scores[j] = 0.0
        return scores

    def classify(self, text: str) -> tuple[str, float]:
        """(language, probability) of the most probable language, as py3langid.classify."""
        if self._counter is None:  # installs without a compiler
            return self.ident.classify(text)
        scores = self.probabilities(text)
        best = int(scores.argmax())
        return self.classes[best], float(scores[best])


@lru_cache(maxsize=1)
def _fast_detector() -> FirstPass | None:
    """The first pass (py3langid restricted to the project's languages), or None."""
    ident = load_py3langid()
    return None if ident is None else FirstPass(ident)


# Links, handles, hashtags, digits, emoji and punctuation carry no language; removed, they
# neither cost identification time nor pull it towards English (dev-set tweets: 80% -> 85% of
# confident guesses right, a third less time).
_NOT_LANGUAGE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+|[^\w\s'’-]+|\d+")


def language_text(text: str) -> str | None:
    """What of a post identification reads (its first LANGID_CHARS characters of words), or
    None when that is too short to tell a language."""
    text = " ".join(_NOT_LANGUAGE.sub(" ", text[: 2 * LANGID_CHARS]).split())
    if len(text) < MIN_CHARS:
        return None
    return text[:LANGID_CHARS].encode("utf-8", "replace").decode("utf-8")  # lone surrogates


_KANA = re.compile(f"[{scripts.KANA}]")
_HANGUL = re.compile(f"[{scripts.HANGUL}]")
_HAN = re.compile(f"[{scripts.HAN}]")
_THAI = re.compile(f"[{scripts.THAI}]")
_HEBREW = scripts.HEBREW_CHAR
_OWN_SCRIPT = re.compile(f"[{scripts.ASIAN}{scripts.HEBREW}]")
SCRIPT_MIN = 2  # characters of a script that name its language


def script_language(text: str) -> str | None:
    """Japanese, Korean, Chinese, Thai or Hebrew by their scripts, which no other language of
    the project writes, for texts mostly in them: kana is Japanese (which also writes Han),
    Hangul Korean, Han without kana Chinese, Thai script Thai, Hebrew script Hebrew. A short
    post says it as well as a long one ("金沢手押し"), where the n-gram models need MIN_CHARS.
    None for other texts."""
    if _OWN_SCRIPT.search(text) is None:
        return None
    letters = sum(c.isalpha() for c in text)
    kana, hangul, han, thai, hebrew = (
        len(p.findall(text)) for p in (_KANA, _HANGUL, _HAN, _THAI, _HEBREW)
    )
    if 2 * (kana + hangul + han + thai + hebrew) < letters:  # mostly another script: a quote
        return None
    if hebrew >= SCRIPT_MIN and hebrew >= kana + hangul + han + thai:
        return "he"
    if thai >= SCRIPT_MIN and thai >= kana + hangul + han:
        return "th"
    if hangul >= SCRIPT_MIN and hangul >= kana + han:
        return "ko"
    if kana >= 1 and kana + han >= SCRIPT_MIN:
        return "ja"
    if han >= SCRIPT_MIN:
        return "zh"
    return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the post's language, or None when unsure or too short."""
    by_script = script_language(text[: 2 * LANGID_CHARS])
    if by_script is not None:
        return by_script
    prepared = language_text(text)
    if prepared is None:
        return None
    text = prepared
    fast = _fast_detector()
    if fast is not None:
        code, probability = fast.classify(text)
        if probability >= FAST_CONFIDENCE:
            return code
    return _lingua(text)


def _lingua(text: str) -> str | None:
    """lingua's confident answer for a prepared text (the second pass)."""
    detector, back = _detector()
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return back.get(values[0].language)
