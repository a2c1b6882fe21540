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
import re
import unicodedata
from array import array
from bisect import bisect_left
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
# Languages whose words wordfreq segments with a dictionary tokenizer (MeCab, jieba): a form's
# parts are the words it is written with, looked up as they are.
_SEGMENTED = frozenset({"ja", "ko", "zh"})
# Vietnamese writes a space between the syllables of one word, and wordfreq counts syllables:
# the product of their frequencies says nothing of the word's ("cần sa", cannabis, would get
# Zipf 5.1 from "cần", need). A form of several syllables is not measured (0.0) and keeps its
# curator's ambiguity; commonness only ever raises it.
_SYLLABIC = frozenset({"vi"})


def wordfreq_code(lang: str) -> str:
    """wordfreq's name for a narcolex language code."""
    return _WORDFREQ_LANG.get(lang, lang)


def zipf(form: str, lang: str) -> float:
    """The Zipf frequency of `form` (lower case) in `lang`; 0.0 for unknown languages.

    One word is looked up in the language's table directly (see _Table; `zipf_frequency`
    would tokenize first: 20 µs a call); a phrase combines its words as wordfreq does."""
    table = _table(wordfreq_code(lang))
    if table is None:
        return 0.0
    low = form.lower()
    if low.isalpha():
        return table.zipf(unicodedata.normalize("NFC", low))
    return _phrase(low, wordfreq_code(lang))


class _Table:
    """One language's wordfreq list as two parallel arrays: the sorted hashes of its words and
    their frequency in centibels. wordfreq's own dict of a list (its `get_frequency_dict`,
    cached for the life of the process) takes about ten times the memory; with the twenty-odd
    languages that ordinary traffic brings, the dicts alone held over 100 MB. The hashes are
    Python's 64-bit string hashes of this process; two words sharing one is left to chance."""

    __slots__ = ("_cb", "_keys")

    def __init__(self, pack: list[list[str]]) -> None:
        index: dict[int, int] = {}
        for cb, bucket in enumerate(pack):  # a word listed twice keeps its lower frequency,
            for word in bucket:  # as in wordfreq's dict
                index[hash(word)] = cb
        keys = sorted(index)
        self._keys = array("q", keys)
        self._cb = array("H", (index[k] for k in keys))

    def zipf(self, word: str) -> float:
        """The word's Zipf frequency (9 minus its centibels over 100), 0.0 when not listed."""
        cb = self.centibels(word)
        return 0.0 if cb is None else round(9 - cb / 100, 2)

    def centibels(self, word: str) -> int | None:
        h = hash(word)
        i = bisect_left(self._keys, h)
        if i < len(self._keys) and self._keys[i] == h:
            return self._cb[i]
        return None


@lru_cache(maxsize=64)
def _table(code: str) -> _Table | None:
    """A language's frequency table (read once, on first use), or None."""
    if code not in _available():
        return None
    from wordfreq import available_languages, read_cBpack

    return _Table(read_cBpack(available_languages(wordlist=WORDLIST)[code]))


@lru_cache(maxsize=4096)
def _phrase(form: str, code: str) -> float:
    """wordfreq's `zipf_frequency` of a phrase, on our tables: 1/f = 1/f1 + 1/f2 + ..., 0.0
    when a word is missing, rounded as wordfreq rounds (three significant digits, then
    hundredths of a Zipf unit)."""
    import wordfreq

    table = _table(code)
    if code in _SYLLABIC:
        return 0.0
    if code in _SEGMENTED:  # wordfreq segments these with MeCab or jieba, which we do not ship
        tokens = [t for t in re.split(r"[\W_]+", form) if t]
    else:
        tokens = wordfreq.lossy_tokenize(form, code)
    if table is None or not tokens:
        return 0.0
    one_over = 0.0
    for token in tokens:
        smashed = wordfreq.smash_numbers(token)
        cb = table.centibels(smashed)
        if cb is None:
            return 0.0
        freq = 10 ** (-cb / 100)
        if smashed != token:
            freq *= wordfreq.digit_freq(token)
        one_over += 1.0 / freq
    freq = 1.0 / one_over
    freq = round(freq, math.floor(-math.log10(freq)) + 3)
    return round(math.log10(freq) + 9, 2)


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
