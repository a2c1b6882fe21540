"""The normalized key of a term: what makes two spellings "the same term".

Used for the knowledge base's uniqueness rule (language, key), for case- and
accent-insensitive search (`KOKAÍN` finds `kokain`) and for duplicate detection in
submissions. The scanner's normalizer (narcolex.detect.normalize) goes much further
(leetspeak, homoglyphs, separators); this key is deliberately conservative so that two
distinct words of a language are rarely merged.
"""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not decompose but that readers treat as accented variants.
_EXTRA_FOLDS = str.maketrans(
    {"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th",
     # Modifier-letter apostrophes are letters to Unicode, so a word written with them would
     # never split or match like one written with "'": Ukrainian spells its apostrophe so.
     "\u02bc": "'", "\u02bb": "'", "\u02bd": "'"}
)  # fmt: skip


# Thai writes its vowels and tones as combining marks: they are letters ("ยาอี", ecstasy, is
# not "ยาอ"; "ข่าย", net, is not "ขาย", sell), not diacritics to fold away.
THAI_MARKS = frozenset(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))


def fold(text: str) -> str:
    """Casefold and strip combining marks (not Thai ones), keeping everything else."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch in THAI_MARKS)
    return unicodedata.normalize("NFC", stripped.translate(_EXTRA_FOLDS))


def term_key(text: str) -> str:
    """Folded form with runs of white space collapsed; the unit of uniqueness."""
    return " ".join(fold(text).split())
