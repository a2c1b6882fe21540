"""Language identification per post, restricted to the project's languages.

Used to weight language-specific terms ("Gras" in a German post is more likely cannabis than
in an English one; a Polish slang word in an English post is probably an English word) and to
label offers, so it runs lazily: for posts with an ambiguous or language-specific signal term,
and for every `sale` finding, never for clean posts.

Two passes: py3langid (a naive Bayes over byte n-grams, about five times faster than lingua)
answers when it is sure (FAST_CONFIDENCE); the rest go to lingua, built once per process on
first use in low-accuracy mode (about 45 MB instead of 430 MB), whose guesses on short texts
are only used when confident. On the 3,000 dev tweets the first pass answers 61% of the posts
and agrees with lingua on 99% of those both answer; the dev-set evaluation table is unchanged
(`python bench/traffic.py --langid` prints both).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from narcolex import taxonomy

MIN_CHARS = 20  # shorter texts give no reliable language
MIN_CONFIDENCE = 0.8  # low-accuracy mode (45 MB instead of 430 MB) guesses on short texts
LANGID_CHARS = 300  # the language shows in the first lines; the cost grows with the length
FAST_CONFIDENCE = 0.9  # py3langid's probability above which lingua is not asked


@lru_cache(maxsize=1)
def _detector() -> tuple[Any, dict[Any, str]]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = []
    back: dict[Any, str] = {}
    for code in taxonomy.LANGUAGES:
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


@lru_cache(maxsize=1)
def _fast_detector() -> Any:
    """py3langid restricted to the project's languages, or None when it is not installed."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # pragma: no cover - a declared dependency; lingua alone still works
        return None
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(ident.nb_classes)
    ident.set_languages([code for code in taxonomy.LANGUAGES if code in known])
    # The identifier keeps the full model (97 languages, 28 MB) to allow un-restricting; this
    # one is never widened again, so it keeps only the restricted copy (a fifth of the size).
    if getattr(ident, "_full_model", None) is not None:
        ident._full_model = (ident.nb_ptc, ident.nb_pc, ident.nb_classes)
    return ident


# Links, handles, hashtags, digits, emoji and punctuation carry no language; removed, they
# neither cost identification time nor pull it towards English (dev-set tweets: 80% -> 85% of
# confident guesses right, a third less time).
_NOT_LANGUAGE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+|[^\w\s'’-]+|\d+")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the post's language, or None when unsure or too short."""
    text = " ".join(_NOT_LANGUAGE.sub(" ", text[: 2 * LANGID_CHARS]).split())
    if len(text) < MIN_CHARS:
        return None
    text = text[:LANGID_CHARS].encode("utf-8", "replace").decode("utf-8")  # lone surrogates
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
