"""Obfuscation-aware regular expressions per term, for filter systems that take a keyword list.

Each term becomes one pattern that also matches the usual disguises: case, leetspeak digits and
symbols, Cyrillic and Greek look-alikes, fullwidth and mathematical letters, accents (composed
or combining), separators and zero-width characters between letters, repeated letters, and a
hashtag glued to the next word. Variants of a term share one letter trie, so a common
beginning is walked once. Each term comes in two dialects:

- `pattern` uses only what RE2, Hyperscan, PCRE, Java and Python share (classes, bounded
  repeats, alternation, no lookaround; word edges are consumed characters, which filter systems
  that only ask "does it match" accept). RE2 and Hyperscan run it in time linear in the text.
- `pattern_pcre` is the same with possessive repeats, for backtracking engines (PCRE, Java,
  Python 3.11+): they never revisit a letter or a gap, so their time also grows linearly.

The scanner does better (it normalizes first); this pack is for systems that cannot run it.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

LEET: dict[str, str] = {
    "a": "4@", "b": "8", "e": "3€", "g": "9", "i": "1!|", "l": "1|", "o": "0", "s": "5$",
    "t": "7+", "z": "2",
}  # fmt: skip
# Cyrillic and Greek letters that look like Latin ones (lower case; _class_chars adds upper).
LOOKALIKE: dict[str, str] = {
    "a": "аα", "b": "Ьβ", "c": "сς", "e": "еε", "h": "һ", "i": "іι", "j": "ј", "k": "кκ",
    "m": "м", "n": "пη", "o": "оο", "p": "рρ", "s": "ѕ", "t": "тτ", "u": "υ", "v": "ν",
    "x": "хχ", "y": "уγ",
}  # fmt: skip
# No character of a letter class may be a separator, so that possessive repeats lose nothing.
# Zero-width and combining characters are written as themselves: RE2 has no \u escape.
SEPARATORS = r"[\s.\-_*·•,/\\'~^" + "\u200b\u200c\u200d\u2060\ufeff" + "]"
MARK = "[\u0300-\u036f]?"  # one combining accent after a letter
MAX_REPEAT = 6  # "cooooke": a letter may appear up to this many times
MAX_GAP = 3  # separators between two letters


@cache
def _accented(base: str) -> str:
    """Precomposed Latin letters whose decomposition starts with `base` (á, à, ä, å …)."""
    out = []
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        if unicodedata.normalize("NFD", ch)[0] == base and ch != base:
            out.append(ch)
    return "".join(out)


def _styled(base: str) -> str:
    """Fullwidth and mathematical bold forms of an ASCII letter."""
    forms = [chr(ord(base) + 0xFEE0), chr(ord(base.upper()) + 0xFEE0)]
    for style in ("BOLD", "ITALIC", "BOLD ITALIC", "SANS-SERIF", "SANS-SERIF BOLD", "MONOSPACE"):
        for case in ("SMALL", "CAPITAL"):
            with contextlib.suppress(KeyError):
                forms.append(unicodedata.lookup(f"MATHEMATICAL {style} {case} {base.upper()}"))
    return "".join(forms)


def _class_chars(ch: str) -> str:
    """Every character that can stand for `ch`, in both cases: the patterns carry no (?i) flag,
    because case-insensitive matching makes a backtracking engine fold every character it tries
    (several times slower), and filter systems differ in how they fold non-ASCII letters."""
    low = ch.lower()
    chars = low
    if "a" <= low <= "z":
        chars += LEET.get(low, "") + LOOKALIKE.get(low, "") + _accented(low) + _styled(low)
    cased = "".join(
        c + c.upper() + c.lower() for c in chars if len(c.upper()) == 1 and len(c.lower()) == 1
    )
    return "".join(dict.fromkeys(cased))


def _char_class(ch: str) -> str:
    chars = _class_chars(ch)
    body = "".join("\\" + c if c in "\\]^-[" else c for c in chars)
    return f"[{body}]" if len(chars) > 1 else re.escape(chars)


def _letters(form: str) -> list[str]:
    """The form's characters without accents, repeats or separators ("Cóooke" -> c,o,k,e)."""
    base = unicodedata.normalize("NFKD", form.casefold())
    chars = [c for c in base if not unicodedata.combining(c) and not c.isspace() and c not in "-_."]
    out: list[str] = []
    for c in chars:
        if not out or out[-1] != c:
            out.append(c)
    return out


def form_pattern(form: str, possessive: bool = False) -> str | None:
    """The obfuscation-aware body of one written form (no anchors), or None if it is empty."""
    return forms_pattern([form], possessive)


_END_MARK = ""  # trie key marking the end of a form


def _trie(forms: Iterable[list[str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for letters in forms:
        node = root
        for c in letters:
            node = node.setdefault(c, {})
        node[_END_MARK] = {}
    return root


def _subtree(node: dict[str, Any], possessive: bool) -> str:
    """The alternatives below a trie node: forms that share a beginning share its pattern,
    so a backtracking engine walks a common prefix once, not once per variant."""
    plus = "+" if possessive else ""
    gap = f"{SEPARATORS}{{0,{MAX_GAP}}}{plus}"
    alts = []
    for ch, child in sorted(node.items()):
        if ch == _END_MARK:
            continue
        here = f"{_char_class(ch)}{{1,{MAX_REPEAT}}}{plus}{MARK}{plus}"
        if any(k != _END_MARK for k in child):
            rest = gap + _subtree(child, possessive)
            here += f"(?:{rest})?" if _END_MARK in child else rest
        alts.append(here)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def forms_pattern(forms: Iterable[str], possessive: bool = False) -> str | None:
    """One body for several written forms of a term (a letter trie), or None if all are empty.

    Emoji and other forms without a letter or digit are matched literally (with an optional
    variation selector) and joined as alternatives.
    """
    words, symbols = [], []
    for form in forms:
        letters = _letters(form)
        if not letters:
            continue
        if any(c.isalnum() for c in letters):
            words.append(letters)
        else:
            symbols.append("".join(re.escape(c) + "\ufe0f?" for c in letters if c != "\ufe0f"))
    alts = list(dict.fromkeys(symbols))
    if words:
        alts.insert(0, _subtree(_trie(words), possessive))
    if not alts:
        return None
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


# A left edge is the text's start or a non-letter, a right edge the end or a non-letter; both
# are consumed characters (RE2 has no lookaround, and a backtracking engine checks a class
# faster than a lookbehind). After '#' no right edge is needed: hashtags glue words together.
_EDGE = r"(?:^|[\W\d_])"
_END = r"(?:$|[\W\d_])"


def term_pattern(forms: Iterable[str], possessive: bool = False) -> str | None:
    """One pattern (both cases built in) for a term and its variants (None when nothing to
    match); `possessive` gives the backtracking-engine dialect.

    A word must stand alone (no letter on either side) except right after '#', where hashtags
    glue words together ("#weedkaufen").
    """
    forms = list(forms)
    body = forms_pattern(forms, possessive)
    if body is None:
        return None
    if not any(ch.isalpha() for ch in "".join(forms)):
        return body
    return f"(?:{_EDGE}{body}{_END}|#{body})"


def patterns(terms: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per term record (release snapshot rows): id, term, language, meaning, and the
    pattern in both dialects."""
    out = []
    for rec in terms:
        forms = [rec["term"], *rec.get("variants", [])]
        pattern = term_pattern(forms)
        if pattern:
            out.append(
                {
                    "id": rec.get("id"),
                    "term": rec["term"],
                    "lang": rec["lang"],
                    "denotes": list(rec.get("denotes", [])),
                    "pattern": pattern,
                    "pattern_pcre": term_pattern(forms, possessive=True),
                }
            )
    return out


def to_document(terms: Iterable[dict[str, Any]], version: Any = None) -> str:
    """The filter-regex pack as JSON: a header describing the dialects, then the patterns."""
    doc = {
        "format": "narcolex filter-regex pack",
        "release": version,
        "dialects": {
            "pattern": "classes (both cases listed),  bounded repeats, alternation, no lookaround: "
            "RE2, Hyperscan, PCRE, Java, Python",
            "pattern_pcre": "the same with possessive repeats: PCRE, Java, Python 3.11+",
        },
        "patterns": patterns(terms),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)
