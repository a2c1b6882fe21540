"""The Asian scripts that the scanner reads by rules of their own, as character-class ranges.

One place for every module that needs them (matching, readings, amounts, language, scoring),
so that they agree on which characters a script has: Han and kana and Thai put no space
between words, Hangul writes particles onto its words, and a word of another script glued to
any of them ends there.
"""

from __future__ import annotations

import re

THAI = "\u0e00-\u0e7f"
KATAKANA = "\u30a0-\u30ff\uff66-\uff9f"  # with the half-width forms
KANA = "\u3040-\u309f" + KATAKANA
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # jamo, compatibility jamo, syllables
UNSPACED = THAI + KANA + HAN  # written without spaces between words
ASIAN = UNSPACED + HANGUL
ASIAN_CHAR = re.compile(f"[{ASIAN}]")

# Hebrew letters (with the Yiddish ligatures and the presentation forms). Hebrew puts spaces
# between words but writes "and", "the", "in", "to", "from", "that" and "as" as one letter
# onto the next word ("והקוקאין"): its forms are found after such letters too (matcher).
HEBREW = "\u05d0-\u05ea\u05f0-\u05f2\ufb1d-\ufb4f"
HEBREW_CHAR = re.compile(f"[{HEBREW}]")
HEBREW_PROCLITICS = frozenset("ובהלמשכ")
