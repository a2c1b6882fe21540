"""Interface languages: gettext catalogues kept as .po files and compiled in memory at start-up.

No .mo file is committed or shipped: Babel reads each messages.po and writes its compiled form
into memory, so a translator edits one text file and a restart shows the change. English is the
source language; a message without a translation falls back to it.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "de", "fr")
DEFAULT = "en"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English: the identity)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def choose(chosen: str | None, accept_language: str | None) -> str:
    """The user's choice if it is one we have, else the best match of Accept-Language."""
    if chosen in LANGUAGES:
        return chosen
    wanted = []
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag and tag != "*":
            wanted.append(tag)
    found = negotiate_locale(wanted, list(LANGUAGES), sep="_") if wanted else None
    if found is None:  # "de_AT" against "de"
        for tag in wanted:
            if tag.split("_")[0].lower() in LANGUAGES:
                return tag.split("_")[0].lower()
    return found or DEFAULT


def language_name(lang: str) -> str:
    """The language's name in itself (for the language switcher)."""
    return Locale.parse(lang).get_display_name(lang).capitalize()
