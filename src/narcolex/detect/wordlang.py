"""A short post's language from its words, where identification cannot tell.

Offers are short ("Kup kryształ", "Juu Cph", "спайс, скорость, соль"): below
langid.MIN_CHARS of words no identifier is reliable, so such a post had no language and every
slang word in it counted as unconfirmed, as if it could be an English word spelled alike. The
words themselves still say something: a post whose every other word is a real word (wordfreq,
Zipf >= commonness.MEDIUM) of one of its terms' languages, and of no rival language as well,
is most likely written in that language. A place name is a word of no language, but it
breaks a tie between its country's language and other languages with the same slang word
("Dop Oslo": Norwegian, not Icelandic); never a tie with English ("snow Oslo" may be English).
The answer is only as good as that agreement, so there is no answer when two languages explain
the post equally well (English among them: a word found in an English post is never foreign,
so English wins no tie it would lose on evidence) or when no word besides the terms says
anything and the terms themselves belong to several languages alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from narcolex.detect.commonness import MEDIUM, zipf

_LETTERS = re.compile(r"[^\W\d_]{2,}")


def words_language(
    text: str, terms: Iterable[tuple[int, int, frozenset[str]]], max_chars: int = 100
) -> str | None:
    """The language of a short `text` given its term matches as (start, end, languages of
    the readings), or None (see the module docstring)."""
    if len(text) > max_chars:
        return None
    from narcolex.detect.places import is_place, place_languages

    spans: list[tuple[int, int]] = []
    votes: dict[str, int] = {"en": 0}
    for start, end, langs in terms:
        spans.append((start, end))
        if zipf(text[start:end], "en") >= MEDIUM:
            langs = langs | {"en"}  # an English word as written ("here"), whatever it reads as
        for lang in langs - {"und"}:
            votes[lang] = votes.get(lang, 0) + 1
    # Words outside the terms; place names are words of no language ("Kbh", "Milano"), but
    # they break ties for their countries' languages.
    rest = []
    placed: dict[str, int] = {}
    for w in _LETTERS.finditer(text):
        if any(a <= w.start() < b for a, b in spans):
            continue
        if is_place(w.group(), None):
            for lang in place_languages(w.group()):
                placed[lang] = placed.get(lang, 0) + 1
        else:
            rest.append(w.group())
    scores = {lang: n for lang, n in votes.items() if all(zipf(w, lang) >= MEDIUM for w in rest)}
    if not scores:
        return None
    best = max(scores.values())
    winners = [lang for lang, n in scores.items() if n == best]
    if len(winners) > 1 and "en" not in winners and placed:
        most = max(placed.get(lang, 0) for lang in winners)
        winners = [lang for lang in winners if placed.get(lang, 0) == most]
    return winners[0] if len(winners) == 1 and winners[0] != "en" and best else None
