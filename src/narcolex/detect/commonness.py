"""Measured commonness of a form in a language (wordfreq), for the readings of ambiguous terms.

Curators judge a term's ambiguity in its own language; they cannot foresee every language in
which the same letters are an everyday word ("piece" read as a French resin word, a Dutch verb
spelled like a phenethylamine code). wordfreq ships per-language word frequencies (Zipf scale:
6 is "the", 3 is a word seen once per million words), so the scanner measures instead of
guessing. Word lists load lazily, once per language and process, and only for posts that
already hold a lexicon term: clean posts never pay.

Only the "small" lists are read: they hold every word at Zipf 3 or above, which is all the
thresholds here ask about (a word below MEDIUM counts as 0.0), and take a tenth of the memory
of the large ones (German 4 MB against 66 MB). With the large lists a process that had met
the languages of ordinary traffic held 860 MB; readings are the same but for words at exactly
the rounding edge of Zipf 3.0.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

# Zipf >= HIGH: an everyday word ("speed", "ice", "piece", "drugs"), at least as ambiguous as
# a curator's `high`. Drug names sit below it in English ("cocaine" 4.0, "heroin" 3.9).
HIGH = 4.5
# Zipf >= MEDIUM: a real word of the language; a reading from another language (or a
# language-free code) is at least `medium` there.
MEDIUM = 3.0
# wordfreq names Norwegian by its written standard, and Croatian, Serbian and Bosnian as one
# language, Serbo-Croatian ("sh", Latin script).
_WORDFREQ_LANG = {"no": "nb", "hr": "sh", "sr": "sh", "bs": "sh"}
WORDLIST = "small"  # every word at Zipf >= 3 (see above)


def wordfreq_code(lang: str) -> str:
    """wordfreq's name for a narcolex language code."""
    return _WORDFREQ_LANG.get(lang, lang)


def zipf(form: str, lang: str) -> float:
    """The Zipf frequency of `form` (lower case) in `lang`; 0.0 for unknown languages.

    One word is looked up in wordfreq's frequency table directly (a dict lookup, where
    `zipf_frequency` would tokenize first: 20 µs a call); phrases go through wordfreq."""
    table = _table(wordfreq_code(lang))
    if table is None:
        return 0.0
    low = form.lower()
    if low.isalpha():
        f = table.get(unicodedata.normalize("NFC", low))
        return round(math.log10(f) + 9, 2) if f else 0.0
    return _phrase(low, wordfreq_code(lang))


@lru_cache(maxsize=64)
def _table(code: str) -> dict[str, float] | None:
    """wordfreq's frequency table of a language (loaded once, on first use), or None."""
    if code not in _available():
        return None
    from wordfreq import get_frequency_dict

    return get_frequency_dict(code, wordlist=WORDLIST)


@lru_cache(maxsize=4096)
def _phrase(form: str, code: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(form, code, wordlist=WORDLIST)


@lru_cache(maxsize=1)
def _available() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages(wordlist=WORDLIST))


def commonest(form: str, langs: tuple[str, ...]) -> tuple[float, str | None]:
    """The highest Zipf frequency of `form` over `langs`, and that language."""
    best, where = 0.0, None
    for lang in dict.fromkeys(langs):
        z = zipf(form, lang)
        if z > best:
            best, where = z, lang
    return best, where


def code_like(surface: str) -> bool:
    """Written as a code is written in running text: a capital after the first letter, a
    digit or a hyphen ("DOM", "2C-B", "4-FA"), not as a word ("dom", "Dom")."""
    return (
        any(c.isdigit() or c == "-" for c in surface) or sum(c.isupper() for c in surface[1:]) > 0
    )
