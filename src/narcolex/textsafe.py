"""Text that is safe to store and to show.

Term fields, comments and user names end up in terminals, spreadsheets and web pages. Control
characters (ANSI escapes start with one) and bidirectional overrides can rewrite what an
operator sees, so they are refused at input and stripped at display; Rich markup is escaped
at display by the CLI. Joiners and variation selectors stay: emoji sequences need them.
"""

from __future__ import annotations

import re

# C0/C1 controls (tab and newline are allowed where a field may span lines) and the
# bidirectional embedding, override and isolate characters.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def unsafe_characters(text: str, multiline: bool = False) -> list[str]:
    """The control or bidi characters in `text` as U+XXXX codes (empty when it is safe)."""
    pattern = _UNSAFE if multiline else _UNSAFE_ONE_LINE
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(pattern.findall(text))]


def strip_unsafe(text: str) -> str:
    """`text` without control and bidi characters (newlines and tabs become spaces)."""
    return _UNSAFE_ONE_LINE.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)
