"""Fixtures for the detection tests: a small hand-written lexicon (so the tests do not depend
on the bundled content, which grows) and one shared default scanner for end-to-end checks."""

from __future__ import annotations

import pytest

from narcolex.detect import Scanner
from narcolex.package.lexicon import Lexicon, LexiconTerm


def T(
    tid: int,
    term: str,
    lang: str,
    denotes: str,
    *,
    kind: str = "slang",
    amb: str = "low",
    conf: str = "high",
    match: str = "word",
    variants: tuple[str, ...] = (),
) -> LexiconTerm:
    return LexiconTerm(id=tid, term=term, lang=lang, kind=kind, denotes=tuple(denotes.split()),
                       ambiguity=amb, confidence=conf, match=match, variants=variants)  # fmt: skip


TERMS = (
    T(1, "cocaine", "en", "cocaine", kind="street_name", variants=("cocain",)),
    T(2, "coke", "en", "cocaine", amb="medium"),
    T(3, "hash", "en", "cannabis.resin", amb="medium"),
    T(4, "weed", "en", "cannabis.herbal", amb="medium"),
    T(5, "Molly", "en", "mdma", amb="high"),
    T(6, "snow", "en", "cocaine", amb="high"),
    T(7, "speed", "en", "amphetamine", amb="high"),
    T(8, "ice", "en", "methamphetamine", amb="high"),
    T(9, "charlie", "en", "cocaine", amb="high"),
    T(10, "grass", "en", "cannabis.herbal", amb="high"),
    T(11, "MDMA", "en", "mdma", kind="abbreviation"),
    T(12, "for sale", "en", "signal.offer", kind="phrase", amb="medium"),
    T(13, "delivery", "en", "signal.delivery", kind="phrase", amb="high"),
    T(14, "dm me", "en", "signal.contact", kind="phrase", amb="medium"),
    T(15, "Kokain", "de", "cocaine", kind="street_name", match="compound"),
    T(16, "Koks", "de", "cocaine", amb="medium", match="compound"),
    T(17, "Gras", "de", "cannabis.herbal", amb="high"),
    T(18, "Lieferung", "de", "signal.delivery", kind="phrase", amb="high"),
    T(19, "kaufen", "de", "signal.offer", kind="phrase", amb="high"),
    T(20, "wiet", "nl", "cannabis.herbal", amb="medium", match="compound"),
    T(21, "kokain", "cs", "cocaine", kind="street_name", match="prefix"),
    T(22, "kokaina", "pl", "cocaine", kind="street_name", match="prefix"),
    T(23, "sprzedam", "pl", "signal.offer", kind="phrase", amb="medium"),
    T(24, "gräs", "sv", "cannabis.herbal", amb="high"),
    T(25, "кокаин", "ru", "cocaine", kind="street_name", match="prefix"),
    T(26, "κοκαΐνη", "el", "cocaine", kind="street_name"),
    T(27, "❄️", "und", "cocaine", kind="emoji", amb="high"),
    T(28, "🍁", "und", "cannabis.herbal", kind="emoji", amb="high"),
    T(29, "🇳🇱", "und", "drugs.generic", kind="emoji", amb="high"),
    T(30, "👨‍🌾", "und", "cannabis.herbal", kind="emoji_sequence", amb="high"),
    T(31, "4-MMC", "en", "nps.cathinones", kind="abbreviation"),
    T(32, "cocaína", "es", "cocaine", kind="street_name"),
    T(33, "cocaïne", "fr", "cocaine", kind="street_name"),
    T(34, "ketamine", "en", "ketamine", kind="street_name", variants=("ket",)),
    T(35, "ot", "tr", "cannabis.herbal", amb="high"),
    T(36, "E", "en", "mdma", amb="high"),
    T(37, "herbal smoking mixture", "en", "nps.synthetic_cannabinoids", kind="phrase"),
    # reporting words are content (context classes), as in the bundled package
    T(
        38,
        "police",
        "en",
        "context.enforcement",
        kind="phrase",
        amb="high",
        conf="medium",
        variants=("seized", "seize", "ministry", "arrested", "court", "customs"),
    ),
    T(
        39,
        "Polizei",
        "de",
        "context.enforcement",
        kind="phrase",
        amb="high",
        conf="medium",
        variants=("beschlagnahmt", "festgenommen"),
    ),
    T(
        40,
        "study",
        "en",
        "context.study",
        kind="phrase",
        amb="high",
        conf="medium",
        variants=("according to", "reported", "survey"),
    ),
)


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon(terms=TERMS, version="test")


@pytest.fixture(scope="session")
def scanner(lexicon: Lexicon) -> Scanner:
    return Scanner.from_lexicon(lexicon)


@pytest.fixture(scope="session")
def default_scanner() -> Scanner:
    """The bundled release, built once per test session."""
    return Scanner.default()
