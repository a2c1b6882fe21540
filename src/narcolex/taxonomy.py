"""Substance, signal and language codes (ARCHITECTURE §5) and their validation.

Codes are the shared vocabulary of the knowledge base, the scanner and the exports, so every
entry point validates through here; an unknown code is rejected with the nearest valid codes
so that a contributor can fix a typo without reading documentation.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pycountry

from narcolex.errors import UnknownCodeError

SUBSTANCE_TREE: dict[str, tuple[str, ...]] = {
    "cannabis": ("herbal", "resin", "edibles", "concentrates"),
    "cocaine": ("crack",),
    "opioids": (
        "heroin",
        "fentanyl",
        "oxycodone",
        "codeine",
        "tramadol",
        "nitazenes",
        "methadone",
    ),
    "amphetamine": (),
    "methamphetamine": (),
    "mdma": (),
    "hallucinogens": ("lsd", "psilocybin", "dmt", "mescaline"),
    "ketamine": (),
    "ghb": (),
    "benzodiazepines": ("alprazolam", "diazepam", "clonazepam"),
    "pregabalin": (),
    "nps": ("cathinones", "synthetic_cannabinoids"),
    "nitrous_oxide": (),
    "steroids": (),
    "drugs.generic": (),
}

SUBSTANCES: tuple[str, ...] = tuple(
    code
    for root, children in SUBSTANCE_TREE.items()
    for code in (root, *(f"{root}.{child}" for child in children))
)

SIGNALS: tuple[str, ...] = (
    "signal.offer",
    "signal.contact",
    "signal.platform",
    "signal.delivery",
    "signal.price",
    "signal.quantity",
    "signal.quality",
    "signal.payment",
    "signal.menu",
    "signal.dealer",
    "signal.discreet",
)

# Context classes (not substances, not sale signals): who speaks to whom. An offer addresses
# the reader (second person) and its supplier speaks (first person of selling, imperatives of
# contact and ordering); a report describes third
# parties (reporting verbs, police/court/agency/study words); ordinary commerce names model
# numbers, materials and sizes. They are read only in posts that already name a substance, and
# only move the score (ARCHITECTURE §4); their words live in knowledge/context/<lang>.yaml.
CONTEXTS: tuple[str, ...] = (
    "context.address",  # second person, a speaker who has something ("you", "ich habe")
    "context.supply",  # a supplier's first person, calls to act ("vendo", "hit me up")
    "context.report",
    # reports on enforcement (police, courts, customs, arrests, seizures): news, weighed more
    # than other reporting words (scoring's counter-evidence)
    "context.enforcement",
    # sources cited ("according to", "study", "reported"): reports, but also how product texts
    # cite effects, so weighed less than enforcement words
    "context.study",
    # an explanation of how something is said or done ("for example", "zum Beispiel"): a report
    # or a guide citing an instance, which counts as a reporting word and more (scoring)
    "context.explain",
    "context.commerce",
    # the first person of someone telling ("I", "my", "ich"): a narrative, whose quantities
    # are what someone took or was prescribed, not stock (scoring's counter-evidence)
    "context.narrator",
)

EU_LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
EFTA_LANGUAGES: tuple[str, ...] = ("no", "is")
OTHER_LANGUAGES: tuple[str, ...] = (
    "ru", "uk", "tr", "ar", "sq", "sr", "ja", "ko", "zh", "vi", "th", "id", "he",
)  # fmt: skip
UNDETERMINED = "und"
LANGUAGES: tuple[str, ...] = (*EU_LANGUAGES, *EFTA_LANGUAGES, *OTHER_LANGUAGES, UNDETERMINED)
LARGE_LANGUAGES: tuple[str, ...] = (
    "en", "de", "fr", "es", "it", "nl", "pl", "pt", "sv", "da", "no", "fi",
)  # fmt: skip

TERM_KINDS: tuple[str, ...] = (
    "slang",
    "street_name",
    "brand",
    "abbreviation",
    "emoji",
    "emoji_sequence",
    "hashtag",
    "phrase",
)
AMBIGUITY_LEVELS: tuple[str, ...] = ("low", "medium", "high")
CONFIDENCE_LEVELS: tuple[str, ...] = ("low", "medium", "high")
STATUSES: tuple[str, ...] = ("proposed", "validated", "deprecated")
MATCH_MODES: tuple[str, ...] = ("word", "prefix", "compound")
ROLES: tuple[str, ...] = ("admin", "curator", "contributor", "reader")

# ISO 3166-1 alpha-2 codes. The countries whose contributors and sightings we expect come
# first (EU, EFTA, candidate and neighbouring countries, the large English-speaking markets),
# so that a spreadsheet's drop-down opens on them; every other ISO country follows, because
# sources place production, transit and markets worldwide (tramadol and codeine syrups in West
# Africa and South Asia, say) and a sighting's country must not be forced into a note.
# Kosovo (XK) is the user-assigned code that the EU and its agencies use.
_EXPECTED_COUNTRIES: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    "NO", "IS", "CH", "LI", "GB", "UA", "RU", "BY", "MD", "TR", "AL", "XK", "RS", "BA",
    "ME", "MK", "GE", "AM", "AZ", "US", "CA", "AU", "NZ", "MA", "DZ", "TN", "EG", "LB",
    "SY", "IQ", "JO", "SA", "AE", "IL", "ZA", "CO", "MX", "BR", "AR",
)  # fmt: skip
COUNTRIES: tuple[str, ...] = _EXPECTED_COUNTRIES + tuple(
    sorted({c.alpha_2 for c in pycountry.countries} - set(_EXPECTED_COUNTRIES))
)


def _check(kind: str, value: str, valid: Iterable[str]) -> str:
    valid = tuple(valid)
    if value in valid:
        return value
    suggestions = difflib.get_close_matches(value, valid, n=3, cutoff=0.5)
    if not suggestions:
        # Fall back to codes that share the value's first segment (e.g. "opioids.xyz").
        head = value.split(".")[0]
        suggestions = [v for v in valid if v.split(".")[0] == head][:3]
    raise UnknownCodeError(kind, value, suggestions)


def validate_choice(kind: str, value: str, choices: Iterable[str]) -> str:
    """Any enumerated value (a template column's choices, say) with nearest-value hints."""
    return _check(kind, value, choices)


def validate_substance(code: str) -> str:
    """Return `code` if it is a substance code, else raise with the nearest codes."""
    return _check("substance code", code, SUBSTANCES)


def validate_signal(code: str) -> str:
    return _check("signal code", code, SIGNALS)


def validate_code(code: str) -> str:
    """A denoted code: a substance, a signal or a context class."""
    if code.startswith("signal."):
        return validate_signal(code)
    if code.startswith("context."):
        return _check("context code", code, CONTEXTS)
    return _check("substance or signal code", code, (*SUBSTANCES, *SIGNALS))


def validate_language(code: str) -> str:
    return _check("language code", code, LANGUAGES)


def validate_kind(kind: str) -> str:
    return _check("term kind", kind, TERM_KINDS)


def validate_ambiguity(level: str) -> str:
    return _check("ambiguity level", level, AMBIGUITY_LEVELS)


def validate_confidence(level: str) -> str:
    return _check("confidence level", level, CONFIDENCE_LEVELS)


def validate_status(status: str) -> str:
    return _check("status", status, STATUSES)


def validate_match_mode(mode: str) -> str:
    return _check("match mode", mode, MATCH_MODES)


def validate_role(role: str) -> str:
    return _check("role", role, ROLES)


def validate_country(code: str) -> str:
    return _check("country code", code.upper(), COUNTRIES)


def is_signal(code: str) -> bool:
    return code.startswith("signal.")


def is_context(code: str) -> bool:
    return code.startswith("context.")


def is_substance(code: str) -> bool:
    """Neither a sale signal nor a context class."""
    return not code.startswith(("signal.", "context."))


def substance_group(code: str) -> str:
    """The top-level group of a substance code (`opioids.fentanyl` → `opioids`)."""
    return parent(code) or code


def parent(code: str) -> str | None:
    """The broader substance code (`cannabis.resin` → `cannabis`), None for top-level codes."""
    if is_signal(code) or code == "drugs.generic" or "." not in code:
        return None
    return code.split(".")[0]


def ancestors(code: str) -> tuple[str, ...]:
    """The code and its parents, most specific first."""
    up = parent(code)
    return (code,) if up is None else (code, up)
