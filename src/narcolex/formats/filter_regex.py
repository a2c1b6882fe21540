"""Obfuscation-aware regular expressions per term, for filter systems that take a keyword list.

Each term becomes one pattern that also matches the usual disguises: case, leetspeak digits and
symbols, Cyrillic and Greek look-alikes, fullwidth and mathematical letters, accents (composed
or combining), separators and zero-width characters between letters, repeated letters, and a
hashtag glued to the next word. Variants of a term share one letter trie, so a common
beginning is walked once. Each term comes in two dialects:

- `pattern` uses only what RE2, Hyperscan, PCRE, Java and Python share (classes, bounded
  repeats, alternation, no lookaround; word edges are consumed characters, which filter systems
  that only ask "does it match" accept). RE2 and Hyperscan run it in time linear in the text.
- `pattern_pcre` is built for backtracking engines (PCRE, Java, Python 3.11+): it starts with
  one character class (every character that can begin the term), which lets the engine skip
  to candidate positions without entering the matcher (Python's `re` scans for a leading class
  in C); the word edges are one-character lookarounds instead of consumed characters; every
  repeat is bounded and possessive, so the engine never revisits a letter or a gap, and no
  quantifier encloses another unbounded one. Its time grows linearly with the text, with a
  small constant (bench/filter_regex.py measures it).

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

from narcolex.detect.normalize import FAUX_LATIN

LEET: dict[str, str] = {
    "a": "4@", "b": "8", "e": "3€", "g": "9", "i": "1!|", "l": "1|", "o": "0", "s": "5$",
    "t": "7+", "z": "2",
}  # fmt: skip
# Cyrillic and Greek letters that look like Latin ones (lower case; _class_chars adds upper),
# and the shape stand-ins of faux-Latin "fancy text" that the scanner reads (я r, є e, ...).
LOOKALIKE: dict[str, str] = {
    "a": "аα", "b": "Ьβв", "c": "сς", "e": "еε", "h": "һ", "i": "іι", "j": "ј", "k": "кκ",
    "m": "м", "n": "пη", "o": "оοσ", "p": "рρ", "s": "ѕ", "t": "тτ", "u": "υ", "v": "ν",
    "x": "хχ", "y": "уγ",
}  # fmt: skip
for _ch, _latin in FAUX_LATIN.items():
    if _ch.islower() and _ch not in LOOKALIKE.get(_latin, ""):
        LOOKALIKE[_latin] = LOOKALIKE.get(_latin, "") + _ch
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


_SEPARATOR = re.compile(SEPARATORS)


def _letters(form: str) -> list[str]:
    """The form's characters without accents, repeats or separators ("Cóooke" -> c,o,k,e).

    Every separator is left to the gaps between letters ("24/7" -> 2,4,7): a letter that is
    also a separator would be eaten by the possessive gap before it and never matched."""
    out: list[str] = []
    for c in _letters_with_repeats(form):
        if not out or out[-1] != c:
            out.append(c)
    return out


def _tokens(form: str) -> list[str]:
    """The form's letters as trie keys: a letter written twice or more ("weed") becomes the
    letter twice ("ee"), so that a separator may also stand between the two ("w.e.e.d")."""
    out: list[str] = []
    for c in _letters_with_repeats(form):
        if out and out[-1][0] == c:
            out[-1] = c + c
        else:
            out.append(c)
    return out


def _letters_with_repeats(form: str) -> list[str]:
    base = unicodedata.normalize("NFKD", form.casefold())
    return [c for c in base if not unicodedata.combining(c) and not _SEPARATOR.fullmatch(c)]


def _again(ch: str, letter: str, gap: str) -> str:
    """After a doubled letter, the optional second one behind a separator."""
    return f"(?:{gap}{letter})?" if len(ch) == 2 else ""


def _again_flat(ch: str, child: dict[str, Any], gap: str, styled: bool = False) -> str:
    """`_again` for backtracking engines: inside a form, a gap and the letter again zero or
    more times, with no group (one-character repeats are the engine's fast path); where the
    form may end, the optional group, so that no separator is taken past the word's end."""
    if len(ch) != 2:
        return ""
    if _END_MARK in child:
        return f"(?:{gap}{_marked_class(ch[0], styled)}{{1,{MAX_REPEAT}}}+)?"
    return f"{gap}{_marked_class(ch[0], styled)}{{0,{MAX_REPEAT}}}+"


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


def _subtree(node: dict[str, Any], possessive: bool, ends: bool = False) -> str:
    """The alternatives below a trie node: forms that share a beginning share its pattern,
    so a backtracking engine walks a common prefix once, not once per variant. With `ends`,
    every place where a form ends carries its right edge (`_end_after`)."""
    plus = "+" if possessive else ""
    gap = f"{SEPARATORS}{{0,{MAX_GAP}}}{plus}"
    alts = []
    for ch, child in sorted(node.items()):
        if ch == _END_MARK:
            continue
        letter = f"{_char_class(ch[0])}{{1,{MAX_REPEAT}}}{plus}{MARK}{plus}"
        here = letter + _again(ch, letter, gap)
        edge = _end_after(ch[0]) if ends else ""
        if any(k != _END_MARK for k in child):
            rest = gap + _subtree(child, possessive, ends)
            if _END_MARK not in child:
                here += rest
            else:
                here += f"(?:{rest}|{edge})" if edge else f"(?:{rest})?"
        else:
            here += edge
        alts.append(here)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


@cache
def _end_after(ch: str) -> str:
    """The right edge after a form's last letter `ch`, as consumed characters: the end, or a
    non-letter that the letter's own class could not have taken. A consumed edge may otherwise
    be a repeat given back ("U-49900x" read as U-4990 and the edge "0", "coke3x" as coke and
    the edge "3"), where the possessive dialect, which never gives back, sees a letter follow."""
    chars = _class_chars(ch)
    body = "".join("\\" + c if c in "\\]^-[" else c for c in chars)
    free = "".join(c for c in "0123456789_" if c not in chars)
    return f"(?:$|[^\\w{body}]" + (f"|[{free}])" if free else ")")


# The styled letters of _styled beyond the BMP all lie in this block. The leading class of a
# `pattern_pcre` lists the block as one range instead of a literal per letter: a backtracking
# engine tests a character against each non-BMP member in turn, and the leading class is
# tested at every position of the text (the letter classes after it, only at candidates).
MATH_BLOCK = ("\U0001d400", "\U0001d7ff")


def _leading_class(chars: Iterable[str]) -> str:
    """One class of every character that can begin a match (a superset is fine: what follows
    checks the exact letter again)."""
    bmp = sorted({c for c in chars if ord(c) <= 0xFFFF})
    astral = sorted({c for c in chars if ord(c) > 0xFFFF})
    body = "".join("\\" + c if c in "\\]^-[" else c for c in bmp)
    low, high = MATH_BLOCK
    if any(low <= c <= high for c in astral):
        body += f"{low}-{high}"
    body += "".join(re.escape(c) for c in astral if not low <= c <= high)
    return f"[{body}]"


def _part(ch: str, styled: bool) -> str:
    """The characters of `ch`'s class in one plane: without the styled letters beyond the BMP,
    or only those (a letter without styled forms, such as a digit, keeps its class)."""
    chars = _class_chars(ch)
    astral = "".join(c for c in chars if ord(c) > 0xFFFF)
    if styled:
        return astral or chars
    return "".join(c for c in chars if ord(c) <= 0xFFFF)


def _marked_class(ch: str, styled: bool = False) -> str:
    """The class of `ch` (one plane, see `_part`) with the combining accents in it: one
    possessive repeat takes a letter, its repeats and their accents ("cóóke", at most
    MAX_REPEAT characters in all), one test fewer per letter than a separate optional mark."""
    body = "".join("\\" + c if c in "\\]^-[" else c for c in _part(ch, styled))
    return f"[{body}\u0300-\u036f]"


def _pcre_subtree(node: dict[str, Any], styled: bool) -> str:
    """`_subtree` for backtracking engines: possessive repeats of letters with their accents."""
    gap = f"{SEPARATORS}{{0,{MAX_GAP}}}+"
    alts = []
    for ch, child in sorted(node.items()):
        if ch == _END_MARK:
            continue
        here = f"{_marked_class(ch[0], styled)}{{1,{MAX_REPEAT}}}+"
        here += _again_flat(ch, child, gap, styled)
        if any(k != _END_MARK for k in child):
            rest = gap + _pcre_subtree(child, styled)
            here += f"(?:{rest})?" if _END_MARK in child else rest
        alts.append(here)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _after_first(node: dict[str, Any], symbols: list[str]) -> tuple[str, str]:
    """(leading class, the rest): the alternatives below the trie's root and the symbol forms,
    each continuing after its first character, which the leading class consumed and a
    one-character lookbehind identifies.

    A word in mathematical letters ("𝐜𝐨𝐤𝐞") takes its own alternatives, entered only when the
    first letter is one: the other letter classes then hold no character beyond the BMP, which
    a backtracking engine would compare one by one at every failed letter test (about 40% of
    the search time on adversarial text)."""
    first: list[str] = []
    alts = []
    gap = f"{SEPARATORS}{{0,{MAX_GAP}}}+"
    for styled in (False, True):
        for ch, child in sorted(node.items()):
            if ch == _END_MARK or (styled and _part(ch[0], True) == _class_chars(ch[0])):
                continue
            chars = _part(ch[0], styled)
            first += chars
            check = "".join("\\" + c if c in "\\]^-[" else c for c in chars)
            here = f"(?<=[{check}]){_marked_class(ch[0], styled)}{{0,{MAX_REPEAT - 1}}}+"
            here += _again_flat(ch, child, gap, styled)
            if any(k != _END_MARK for k in child):
                rest = gap + _pcre_subtree(child, styled)
                here += f"(?:{rest})?" if _END_MARK in child else rest
            alts.append(here)
    for sym in symbols:
        head = sym[0]
        first.append(head)
        tail = "".join(re.escape(c) + "\ufe0f?+" for c in sym[1:])
        alts.append(f"(?<={re.escape(head)})\ufe0f?+{tail}")
    rest = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return _leading_class(first), rest


def _pcre_term(words: list[list[str]], symbols: list[str]) -> str:
    """The backtracking-engine pattern of a term with letters: the leading class, no letter
    before it (tested first: most candidates fail here), then the rest, with no right edge
    after '#' (hashtags glue words), else with one (no letter follows)."""
    lead, rest = _after_first(_trie(words), symbols)
    return f"{lead}(?<![^\\W\\d_].)(?:(?<=#.){rest}|(?<!#.){rest}(?![^\\W\\d_]))"


def _split_forms(forms: Iterable[str]) -> tuple[list[list[str]], list[str]]:
    """The letter sequences of the forms with a letter or digit, and the symbol forms (emoji)."""
    words: list[list[str]] = []
    symbols: list[str] = []
    for form in forms:
        letters = _letters(form)
        if not letters:
            continue
        if any(c.isalnum() for c in letters):
            words.append(_tokens(form))
        else:
            symbols.append("".join(c for c in letters if c != "\ufe0f"))
    return words, list(dict.fromkeys(s for s in symbols if s))


def forms_pattern(forms: Iterable[str], possessive: bool = False, ends: bool = False) -> str | None:
    """One body for several written forms of a term (a letter trie), or None if all are empty.

    Emoji and other forms without a letter or digit are matched literally (with an optional
    variation selector) and joined as alternatives. `ends` puts the right edge into the body,
    after each form (portable dialect).
    """
    words, raw = _split_forms(forms)
    symbols = ["".join(re.escape(c) + "\ufe0f?" for c in sym) for sym in raw]
    alts = [s + _END if ends else s for s in symbols]
    if words:
        alts.insert(0, _subtree(_trie(words), possessive, ends))
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
    if possessive:
        return _pcre_term(*_split_forms(forms))
    return f"(?:{_EDGE}{forms_pattern(forms, ends=True)}|#{body})"


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
