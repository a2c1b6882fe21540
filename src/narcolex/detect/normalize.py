"""Normalization for matching, with an offset map back to the original text.

Sellers dodge filters by writing `C0C@INE`, `c.o.k.e`, `cooocaaaine`, Cyrillic look-alikes or
zero-width characters inside words. Every such trick is undone here, in stages, so that one
automaton over *normalized* term forms finds them. Each stage that changes the length of the
text records its edits; `Normalized.span_to_original` walks them back so that a match always
reports `start`/`end` in the text the platform gave us (ARCHITECTURE §4).

Speed matters more than elegance: the per-character work is done by `str.translate` and
compiled regular expressions (C code); Python loops only touch the few places that changed,
and the edit lists are turned into offsets lazily, only for posts that have a match.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import confusables

from narcolex.detect import scripts
from narcolex.textkey import THAI_MARKS
from narcolex.textkey import fold as _textkey_fold

# --- character tables -----------------------------------------------------------------------

_DROP = {0x00AD, 0x034F, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060,
         0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF}  # fmt: skip
_LEET_A = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
           "@": "a", "$": "s", "€": "e", "!": "i", "|": "l"}  # fmt: skip
_LEET_B = {**_LEET_A, "1": "l", "|": "i"}  # the second reading of the ambiguous ones
LEET_CHARS = "".join(_LEET_A)


def _is_dropped(cp: int) -> bool:
    """Invisible characters and emoji modifiers: they carry no letters, only evasion or tone."""
    return (
        cp in _DROP
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0xE0100 <= cp <= 0xE01EF  # variation selectors supplement
        or 0x1F3FB <= cp <= 0x1F3FF  # skin tones
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
    )


# Faux-Latin lettering: text generators (and sellers) spell English with Cyrillic and Greek
# letters of similar shape ("gяαм σƒ ρυяє"). Unicode's confusables data pairs letters that a
# reader could mistake for each other, which leaves out these shape stand-ins (я for r, є for
# e) and reads lower-case eta and upsilon by their capitals (H, Y) rather than by their shape
# (n, u). Capitals fold like their small letters (a Greek word must match whatever its case),
# so Greek capital eta and upsilon read n and u too, not H and Y.
FAUX_LATIN = {"я": "r", "є": "e", "η": "n", "Η": "n", "υ": "u", "Υ": "u", "ƒ": "f", "ω": "w",
               "ч": "y", "и": "n", "п": "n", "ш": "w", "ц": "u"}  # fmt: skip


def _homoglyph(ch: str) -> str:
    """The ASCII letter that `ch` is confusable with (Unicode confusables data, and the
    faux-Latin shapes above), else `ch`."""
    if ch.isascii() or not ch.isalpha():
        return ch
    if ch in FAUX_LATIN:
        return FAUX_LATIN[ch]
    low = ch.lower()
    if low != ch and len(low) == 1:
        # A capital reads like its small letter when that has a Latin look-alike: the
        # confusables data lists odd first pairs for some capitals (Cyrillic DZE "Ѕ" with
        # "f", GHE "Г" with "y"), while "ѕ" is s and "г" is r.
        folded = _homoglyph(low)
        if folded.isascii():
            return folded
    cands = [
        x.lower()
        for x in confusables.CONFUSABLE_MAP.get(ch, ())
        if len(x) == 1 and x.isascii() and x.isalpha()
    ]
    if not cands:
        return ch
    for pref in ("i", "v"):  # iota / Ukrainian i look like i; nu looks like v
        if pref in cands:
            return pref
    return cands[0]


_MARKS = {0x2122, 0x2120, 0x00AE, 0x00A9}  # ™ ℠ ® ©: brand marks beside a name, not letters


class _FoldTable(dict):
    """str.translate table computed on first use per code point and then cached."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        if _is_dropped(cp):
            out = ""
        elif cp in _MARKS:
            out = " "  # NFKC would spell "DOMINO™" as "dominotm"
        elif 0x1F1E6 <= cp <= 0x1F1FF:  # regional indicators are flag halves, never letters
            out = ch
        elif unicodedata.category(ch).startswith("M") and ch not in THAI_MARKS:
            out = ""
        else:
            # Look-alikes of other scripts are judged on the character as written (a lunate
            # sigma looks like c, its case-folded sigma does not); Latin letters fold first.
            folded = _textkey_fold(ch)
            if folded.isascii():  # fullwidth, mathematical and accented Latin letters
                out = folded
            elif scripts.HEBREW_CHAR.match(ch):
                # Hebrew letters are read as Hebrew: the confusables data pairs vav and final
                # nun with "l", samekh with "o", which would turn Hebrew words into Latin ones.
                out = folded
            else:
                direct = _homoglyph(ch) if "LATIN" not in unicodedata.name(ch, "LATIN") else ch
                out = direct if direct != ch else "".join(_homoglyph(c) for c in folded)
        self[cp] = out
        return out


class _PunctTable(dict):
    """Letters, digits, emoji and '#' stay; everything else becomes a space (a word boundary)."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        cat = unicodedata.category(ch)
        keep = cat[0] in "LN" or cat == "So" or ch == "#" or ch in THAI_MARKS
        out = ch if keep else " "
        self[cp] = out
        return out


class _SkeletonTable(dict):
    """Fold, read leet, merge i/l, and delete every non-letter: the prefilter's view."""

    def __missing__(self, cp: int) -> str:
        out = []
        for c in FOLD[cp]:
            c = _LEET_A.get(c, c)
            if c == "l":
                c = "i"
            cat = unicodedata.category(c)
            if cat[0] in "LN" or cat == "So" or c in THAI_MARKS:
                out.append(c)
        s = "".join(out)
        self[cp] = s
        return s


class _WordSkeletonTable(dict):
    """Like the skeleton, but word boundaries stay (as spaces) and leet symbols are boundaries
    too; posts where a symbol sits inside a word take the full path instead (see matcher)."""

    def __init__(self, fold: dict[int, str] | None = None) -> None:
        super().__init__()
        self.fold = fold  # the fold table to read (None: FOLD, shared by every stage)

    def __missing__(self, cp: int) -> str:
        out = []
        for c in (FOLD if self.fold is None else self.fold)[cp]:
            c = _LEET_A.get(c, c) if c.isdigit() else c
            if c == "l":
                c = "i"
            cat = unicodedata.category(c)
            # A symbol is a word of its own: written against a word ("weed🔥") it ends the
            # word, as in the matcher's readings (normalize._split_glued).
            letter = cat[0] in "LN" or c in THAI_MARKS
            out.append(c if letter else f" {c} " if cat == "So" else " ")
        s = "".join(out)
        self[cp] = s
        return s


FOLD = _FoldTable()
PUNCT = _PunctTable()
SKELETON = _SkeletonTable()
WORD_SKELETON = _WordSkeletonTable()


def skeleton(text: str) -> str:
    """Letters only, leet read, i and l merged: if a term can match, its skeleton is in here."""
    return text.translate(SKELETON)


def _ascii_table(table: dict) -> bytes | None:
    """The byte table equal to `table` on ASCII, or None if some character maps to other
    than one ASCII character (bytes.translate needs one byte per byte)."""
    out = [table[cp] for cp in range(128)]
    if not all(len(c) == 1 and c.isascii() for c in out):
        return None
    return "".join(out).encode("ascii") + bytes(range(128, 256))


_WORD_SKELETON_ASCII = _ascii_table(WORD_SKELETON)
_PUNCT_ASCII = _ascii_table(PUNCT)


def _translate(text: str, table: dict, ascii_table: bytes | None) -> str:
    """str.translate; most posts are ASCII, and a byte table translates them several times
    faster than the per-character lookups of a dict table."""
    if ascii_table is not None and text.isascii():
        return text.encode("ascii").translate(ascii_table).decode("ascii")
    return text.translate(table)


# Pages of 256 code points that the C prefilter reads itself (matcher.CompiledLexicon.fast):
# Latin, Greek, Cyrillic, Arabic and the other alphabets up to U+2FFF, punctuation, symbols
# and dingbats, CJK punctuation, ligatures and presentation forms, variation selectors,
# fullwidth forms, mathematical letters, emoji and tag characters. A post with a code point
# elsewhere takes the Python prefilter (2 of the 22,097 dev rows).
SKELETON_PAGES: tuple[int, ...] = (
    *range(0x00, 0x31),
    *range(0xFB, 0x100),
    *range(0x1D4, 0x1D8),
    *range(0x1F0, 0x1FB),
    0xE00,
    0xE01,
)
FLAG_SPACE, FLAG_WORD, FLAG_UPPER, FLAG_LEET, FLAG_HASH, FLAG_ASIAN = 1, 2, 4, 8, 16, 32
# Scripts whose words are not set apart from a Latin word by a space ("DMください", "K粉",
# "ขายยาบ้าXTC"): Thai, kana, Hangul and Han. A word of another script written against one
# of them ends there, as against a symbol (_GLUED); the prefilter's skeleton cannot show that
# boundary, so such a post takes the full path (ASIAN_GLUE, and FLAG_ASIAN in the C pass).
ASIAN_SCRIPTS = scripts.ASIAN
_ASIAN = scripts.ASIAN_CHAR
ASIAN_GLUE = re.compile(
    f"[^\\W_{ASIAN_SCRIPTS}][{ASIAN_SCRIPTS}]|[{ASIAN_SCRIPTS}][^\\W_{ASIAN_SCRIPTS}]"
)
_IS_SPACE = re.compile(r"\s")
_IS_WORD = re.compile(r"[^\W_]")
_IS_LETTER = re.compile(r"[^\W\d_]")
_U32 = next(t for t in "IL" if array(t).itemsize == 4)


@lru_cache(maxsize=1)
def word_skeleton_pages() -> tuple[tuple[int, ...], bytes, bytes, bytes]:
    """The word skeleton of every code point of SKELETON_PAGES, for the C prefilter:
    (pages, starts, pool, flags). Code point j of the i-th page has the skeleton
    pool[starts[i*256+j] : starts[i*256+j+1]] (uint32 code points) and the FLAG_* bits of the
    prefilter's checks on the original text, each taken from the very table or character
    classes that the Python prefilter uses (WORD_SKELETON; whitespace, word characters and
    letters as its regular expressions read them), so that both read every code point alike.
    Built once per process (about 0.05 s), with tables of its own: WORD_SKELETON and FOLD
    keep what they compute, and 18,176 code points that the Python path never meets would
    stay there (about 5 MB)."""
    table = _WordSkeletonTable(_FoldTable())  # the same code, computing from scratch
    starts = array(_U32, [0])
    pool = array(_U32)
    flags = bytearray()
    for page in SKELETON_PAGES:
        for cp in range(page << 8, (page + 1) << 8):
            ch = chr(cp)
            pool.extend(map(ord, table[cp]))
            starts.append(len(pool))
            f = FLAG_SPACE if _IS_SPACE.match(ch) else 0
            f |= FLAG_WORD if _IS_WORD.match(ch) else 0
            f |= FLAG_UPPER if _IS_LETTER.match(ch) and ch.isupper() else 0
            f |= FLAG_LEET if ch in "@$€!|" else 0
            f |= FLAG_HASH if ch == "#" else 0
            f |= FLAG_ASIAN if _ASIAN.match(ch) else 0
            flags.append(f)
    return SKELETON_PAGES, starts.tobytes(), pool.tobytes(), bytes(flags)


def word_skeleton(text: str) -> str:
    """The skeleton with word boundaries kept as spaces (the prefilter's view of a post)."""
    return _translate(text, WORD_SKELETON, _WORD_SKELETON_ASCII)


def punct(text: str) -> str:
    """Every character that is not a letter, digit, emoji or '#' becomes a space."""
    return _translate(text, PUNCT, _PUNCT_ASCII)


# --- regular expressions ----------------------------------------------------------------------

# Links and e-mail addresses are not prose: "http://t.co/hAsj9" must not read as words.
# A link starts a word: "cokewww.x" is one token, as the prefilter sees it.
_URL = re.compile(r"(?<![^\W_])(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)
# _URL's two branches apart: its e-mail branch tries every position of every word (a run of
# word characters up to the next character that is not one, then no "@"), which made _URL
# the largest single cost of normalizing a tweet; _blank_links finds the same matches from the
# "@" signs instead.
_LINK = re.compile(r"(?<![^\W_])(?:https?://|www\.)\S+", re.IGNORECASE)
_MAIL_TAIL = re.compile(r"@[\w-]+\.[\w.-]+", re.IGNORECASE)


def _mail_char(c: str) -> bool:
    return c.isalnum() or c in "_.+-"  # [\w.+-]


def _blank_links(text: str) -> str:
    """_URL.sub(spaces of the match's length, text): the same matches, leftmost first with
    the link branch winning a tie, as the regular expression's scan finds them."""
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    at = text.find("@")
    while pos < n:
        link = _LINK.search(text, pos)
        mail = None
        while at != -1:
            # The leftmost e-mail match from pos: the first "@" (at or after pos) with a
            # domain after it and a run of [\w.+-] before it, from the start of that run.
            if at >= pos:
                j = at
                while j > pos and _mail_char(text[j - 1]):
                    j -= 1
                if j < at:
                    tail = _MAIL_TAIL.match(text, at)
                    if tail is not None:
                        mail = (j, tail.end())
                        break
            at = text.find("@", at + 1)
        if link is not None and (mail is None or link.start() <= mail[0]):
            span = link.span()
        elif mail is not None:
            span = mail
        else:
            break
        spans.append(span)
        pos = span[1]
        if at != -1 and at < pos:
            at = text.find("@", pos)
    if not spans:
        return text
    parts = []
    last = 0
    for a, b in spans:
        parts.append(text[last:a])
        parts.append(" " * (b - a))
        last = b
    parts.append(text[last:])
    return "".join(parts)


_CAMEL = re.compile(r"(?<=[a-zß-öø-ÿа-яё]{2})(?=[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zß-öø-ÿа-яё])")
_SEP = r"[\s.\-_*·•,/\\+~:'’\"]"
_UNIT = r"(?:[^\W_]|[@$€])"
# Three or more single characters separated by separators: c.o.c.a.i.n.e, c o k e, c_o_k_e.
# The same separator throughout, so that "a p_o_l_i_r" does not swallow the article "a".
_SPACED = re.compile(
    rf"(?<![^\W_]){_UNIT}(?P<sep>{_SEP}{{1,3}}){_UNIT}(?![^\W_])(?:(?P=sep){_UNIT}(?![^\W_]))+"
)
_SEP_RUN = re.compile(rf"{_SEP}+")
_MIXED = re.compile(r"[^\W\d_][0-9@$€!|]|[0-9@$€!|][^\W\d_]")
TRIPLE = re.compile(r"(.)\1\1")  # on folded (lower-case) text; the group must be a letter
_LEET_ANY = re.compile(r"[0-9@$€!|]")
_LEET_DIGIT = re.compile(r"[01345789]")  # the digits _LEET_A reads, wherever they are
_INNER_SYMBOL = re.compile(r"[^\W_][@$€!|]+[^\W_]")  # a symbol between two letters or digits
# What makes the word skeleton unreliable sends a post down the full path (matcher.might_match):
# a tripled letter or letters spaced out (both seen in the skeleton), a hashtag, or a leet
# symbol inside a word. Three small searches are much cheaper than one alternation.
# i and l are merged in the skeleton, so "will" reads "wiii": an i-run there must be four long,
# and three i or three l as written in the post count apart.
SKELETON_TRIPLE = re.compile(r"(.)\1\1")  # fast; its i and space hits are checked again
_SKELETON_TRIPLE_LETTER = re.compile(r"([^ i])\1\1")
SKELETON_SPACED = re.compile(r" \S +\S +\S(?!\S)")
_SYMBOL = re.compile(r"[@$€!|#]")
_TRIPLE_I = re.compile(r"[iI]{3}|[lL]{3}")  # three i or l as written: kiiiller, "lll"
_SYMBOL_IN_WORD = re.compile(r"[^\W_][@$€!|]+[^\W_]")


# Letter runs the prefilter automaton itself reports for ASCII skeletons (no regex needed).
SKELETON_TRIPLE_KEYS: tuple[str, ...] = (
    *(c * 3 for c in "abcdefghjklmnopqrstuvwxyz"),
    "iiii",
)


# Letters doubled to dodge a filter ("ccoccaiinne"): three doubled letters in one word of the
# skeleton, which few words have ("bookkeeper", "committee"); such posts take the full path
# and are also matched in their squeezed reading.
DOUBLES_MIN = 3
_LETTER_PAIR = re.compile(r"([^\W\d_])\1")
_SKELETON_PAIR = re.compile(r"(\S)\1")
_NOT_WORD = re.compile(r"[\W_]")
_SPACE = re.compile(" ")


def doubled_word(
    text: str, pair: re.Pattern[str] = _LETTER_PAIR, gap: re.Pattern[str] = _NOT_WORD
) -> bool:
    """DOUBLES_MIN disjoint doubled characters in one word (pairs found left to right, as
    the C fast path counts them). Linear: posts can be a megabyte of one "word"."""
    count, prev = 0, -1
    for m in pair.finditer(text):
        if prev < 0 or gap.search(text, prev, m.start()) is not None:
            count = 0
        count += 1
        if count >= DOUBLES_MIN:
            return True
        prev = m.end()
    return False


def needs_full_path(text: str, word_skel: str) -> bool:
    """True when the prefilter cannot vouch for `text` (see the comment above)."""
    if _TRIPLE_I.search(text):  # the skeleton's i-runs need four (see above)
        return True
    if doubled_word(word_skel, _SKELETON_PAIR, _SPACE):
        return True
    m = None if word_skel.isascii() else SKELETON_TRIPLE.search(word_skel)
    if m and (
        m.group(1) not in " i"
        or "iiii" in word_skel
        or _SKELETON_TRIPLE_LETTER.search(word_skel, m.start())
    ):
        return True
    if SKELETON_SPACED.search(word_skel):
        return True
    if not word_skel.isascii() and _ASIAN.search(text) and ASIAN_GLUE.search(text):
        return True
    if _SYMBOL.search(text) is None:
        return False
    return "#" in text or _SYMBOL_IN_WORD.search(text) is not None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SQUEEZE = re.compile(r"([^\W\d_])\1+")
_SPACES = re.compile(r"  +")
_HASHTAG = re.compile(r"#([^\W_]+)")


# --- offset maps ------------------------------------------------------------------------------


@dataclass
class Stage:
    """One length-changing step: edits as (out_start, out_end, in_start, in_end), sorted."""

    edits: list[tuple[int, int, int, int]]
    _keys: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._keys = [e[0] for e in self.edits]
        self._in_keys: list[int] | None = None

    def in_keys(self) -> list[int]:
        """The input starts of the edits (sorted like the edits), built on first use."""
        if self._in_keys is None:
            self._in_keys = [e[2] for e in self.edits]
        return self._in_keys

    def start(self, p: int) -> int:
        """Input position of the character at output position `p`."""
        i = bisect_right(self._keys, p) - 1
        if i < 0:
            return p
        oa, ob, ia, ib = self.edits[i]
        if p < ob:  # inside a replacement
            return ia + min(p - oa, max(ib - ia - 1, 0)) if ob - oa == ib - ia else ia
        return ib + (p - ob)

    def end(self, q: int) -> int:
        """Input position just after the character that ends at output position `q`."""
        i = bisect_right(self._keys, q - 1) - 1
        if i < 0:
            return q
        oa, ob, ia, ib = self.edits[i]
        if q <= ob:
            return ia + (q - oa) if ob - oa == ib - ia else ib
        return ib + (q - ob)


def _sub_with_edits(
    pattern: re.Pattern[str], text: str, repl: Callable[[re.Match[str]], str]
) -> tuple[str, Stage | None]:
    parts: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    last = 0
    out_len = 0
    for m in pattern.finditer(text):
        a, b = m.span()
        r = repl(m)
        if r == text[a:b]:
            continue
        parts.append(text[last:a])
        oa = out_len + (a - last)
        parts.append(r)
        edits.append((oa, oa + len(r), a, b))
        out_len = oa + len(r)
        last = b
    if not edits:
        return text, None
    parts.append(text[last:])
    return "".join(parts), Stage(edits)


class _OddFoldTable(dict):
    """str.translate table that keeps the code points whose fold is not one character
    (dropped, or spelled with several) and deletes every other: one C pass tells whether a
    post's fold changes its length anywhere (most non-ASCII posts: nowhere)."""

    def __missing__(self, cp: int) -> str | None:
        out = None if len(FOLD[cp]) == 1 else chr(cp)
        self[cp] = out
        return out


_ODD_FOLD = _OddFoldTable()


def _fold_stage(text: str) -> tuple[str, Stage | None]:
    if text.isascii():  # ASCII folds one-to-one, to lower case (a test pins this)
        return text.lower(), None
    out = text.translate(FOLD)
    if len(out) == len(text) and not text.translate(_ODD_FOLD):
        return out, None  # every character folds to one: offsets are unchanged
    edits = []
    shift = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        r = FOLD[ord(text[i])]
        if len(r) != 1:
            o = i + shift
            edits.append((o, o + len(r), i, i + 1))
            shift += len(r) - 1
    return out, (Stage(edits) if edits else None)


# --- stages -----------------------------------------------------------------------------------


def _insert_spaces(text: str, points: list[int]) -> tuple[str, Stage | None]:
    """`text` with a space inserted at each of the ascending `points`, and the stage that maps
    the result back (None when there are none)."""
    if not points:
        return text, None
    parts = []
    edits = []
    last = 0
    for k, p in enumerate(points):
        parts.append(text[last:p])
        parts.append(" ")
        edits.append((p + k, p + k + 1, p, p))
        last = p
    parts.append(text[last:])
    return "".join(parts), Stage(edits)


def _split_hashtags(text: str) -> tuple[str, Stage | None]:
    """Insert a space at each lower-to-upper case change inside hashtags."""
    points = [
        c.start()
        for m in _HASHTAG.finditer(text)
        for c in _CAMEL.finditer(text, m.start(1), m.end(1))
    ]
    return _insert_spaces(text, points)


# A symbol written against a word ("weed🔥", "HASHISH★★★", "🔥weed"): after `punct` the only
# characters that are neither letters, digits, spaces nor '#' are symbols (emoji, stars, check
# marks), which end a word as a space does, while the symbol stays for emoji terms. A word
# written against an Asian script ends there too (ASIAN_SCRIPTS).
_GLUED = re.compile(rf"(?<=[^\W_])(?=[^\w\s#{scripts.THAI}])|(?<=[^\w\s#{scripts.THAI}])(?=[^\W_])")
_GLUED_ASIAN = re.compile(
    f"{_GLUED.pattern}|(?<=[^\\W_{ASIAN_SCRIPTS}])(?=[{ASIAN_SCRIPTS}])"
    f"|(?<=[{ASIAN_SCRIPTS}])(?=[^\\W_{ASIAN_SCRIPTS}])"
)


def _split_glued(text: str) -> tuple[str, Stage | None]:
    """A space inserted between a word and a symbol written against it."""
    glued = _GLUED if _ASIAN.search(text) is None else _GLUED_ASIAN
    points = [m.start() for m in glued.finditer(text)]
    return _insert_spaces(text, points)


def _collapse_separators(text: str) -> tuple[str, Stage | None, list[tuple[int, int]]]:
    """Letters spaced out joined up (c.o.k.e -> coke), with the output span of each run: a
    run may spell several words ("C a n n a b i s S p i c e"), segmented like a hashtag."""
    if not _SPACED.search(text):
        return text, None, []
    # Record each separator run as its own deletion so letters keep exact offsets.
    parts: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    runs: list[tuple[int, int]] = []
    last = 0
    out_len = 0
    for m in _SPACED.finditer(text):
        run_start = out_len + (m.start() - last)
        for s in _SEP_RUN.finditer(text, m.start(), m.end()):
            a, b = s.span()
            parts.append(text[last:a])
            oa = out_len + (a - last)
            edits.append((oa, oa, a, b))
            out_len = oa
            last = b
        runs.append((run_start, out_len + (m.end() - last)))
    parts.append(text[last:])
    return "".join(parts), Stage(edits), runs


def _forward(stage: Stage | None, p: int) -> int:
    """The output position of input position `p` through a stage of replacements."""
    if stage is None:
        return p
    keys = stage.in_keys()
    i = bisect_right(keys, p) - 1
    if i < 0:
        return p
    oa, ob, _ia, ib = stage.edits[i]
    return oa if p < ib else ob + (p - ib)


def _leet_readings(text: str) -> list[str]:
    """Leet undone inside tokens that mix letters and digits/symbols; two readings if ambiguous.

    Symbols count only inside a token ('h@sh'), never at its edges ('@handle', 'wow!!', '50€'),
    and a token needs two letters so that prices and sizes ('50e', '1g') stay as they are.
    """
    changes: list[tuple[int, str, str]] = []  # (position, first reading, second reading)
    ambiguous = False
    done_until = -1
    n = len(text)
    rev = None  # the text reversed, to find where a token starts with one regex match
    # The tokens holding a letter next to a digit or symbol (_MIXED), in order, found from
    # the digits and symbols (a charset search, where _MIXED's alternation tries every
    # position of a long post).
    for m in _LEET_ANY.finditer(text):
        j = m.start()
        if j < done_until:
            continue
        if not ((j > 0 and _is_letter(text[j - 1])) or (j + 1 < n and _is_letter(text[j + 1]))):
            continue
        if rev is None:
            rev = text[::-1]
        start = n - _LEET_TOKEN.match(rev, n - j).end()  # type: ignore[union-attr]
        end = _LEET_TOKEN.match(text, j).end()  # type: ignore[union-attr]
        done_until = end
        tok = text[start:end]
        if _LEET_DIGIT.search(tok) is None and _INNER_SYMBOL.search(tok) is None:
            continue  # nothing to read ("@handle", "wow!!"): the loops below would change nothing
        if sum(c.isalpha() for c in tok) < 2:
            continue
        # A symbol is a letter only between two letters or digits of the token: "kush!!" and
        # "!!kush" are emphasis, "h@sh" is not.
        first = next(j for j, c in enumerate(tok) if c.isalnum())
        last = max(j for j, c in enumerate(tok) if c.isalnum())
        for j, c in enumerate(tok):
            if c not in _LEET_A or (not c.isdigit() and not first < j < last):
                continue
            changes.append((start + j, _LEET_A[c], _LEET_B[c]))
            ambiguous = ambiguous or c in "1|"
    if not changes:
        return [text]
    out = [_spliced(text, changes, 1)]
    if ambiguous:
        out.append(_spliced(text, changes, 2))
    return out


def _is_letter(c: str) -> bool:
    return c.isalnum() and not c.isdecimal()  # [^\W\d_]


_LEET_TOKEN = re.compile(r"(?:[^\W_]|[@$€!|])*")  # characters of a token: str.isalnum or LEET_CHARS


def _spliced(text: str, changes: list[tuple[int, str, str]], k: int) -> str:
    """`text` with the character at each change's position (ascending) replaced by its k-th
    reading."""
    parts = []
    last = 0
    for ch in changes:
        i = ch[0]
        parts.append(text[last:i])
        parts.append(ch[k])
        last = i + 1
    parts.append(text[last:])
    return "".join(parts)


@dataclass
class Variant:
    """One reading of the post: the string the automaton runs on and how to map it back."""

    text: str
    stages: list[Stage]
    squeezed: bool = False
    hashtags: list[tuple[int, int]] = field(default_factory=list)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        for st in reversed(self.stages):
            start, end = st.start(start), st.end(end)
        return start, max(start, end)


def _collapse_spaces(text: str) -> tuple[str, Stage | None]:
    """_sub_with_edits(_SPACES, text, " "): each run of spaces becomes one, recorded as an
    edit (the runs are found by one C pass; no callback per run)."""
    if _c_collapse_spaces is not None:
        got = _c_collapse_spaces(text)
        return (text, None) if got is None else (got[0], Stage(got[1]))
    spans = [m.span() for m in _SPACES.finditer(text)]
    if not spans:
        return text, None
    edits = []
    removed = 0
    for a, b in spans:
        oa = a - removed
        edits.append((oa, oa + 1, a, b))
        removed += b - a - 1
    return _SPACES.sub(" ", text), Stage(edits)


def _finish(
    text: str, stages: list[Stage], squeezed: bool, runs: list[tuple[int, int]] | None = None
) -> Variant:
    runs = runs or []
    stages = list(stages)
    if "  " in text:
        text, st = _collapse_spaces(text)
        if st:
            stages.append(st)
            runs = [(_forward(st, a), _forward(st, b)) for a, b in runs]
    tags: list[tuple[int, int]] = []
    if "#" in text:
        tags = [m.span(1) for m in _HASHTAG.finditer(text)]
        text = text.replace("#", " ")
    # Runs of spaced letters are segmented into terms like hashtags (a run that is one term
    # is matched as a word already): only whole words of the reading.
    for a, b in runs:
        while a < b and not text[a].isalnum():
            a += 1
        while b > a and not text[b - 1].isalnum():
            b -= 1
        if b - a > 1 and (a == 0 or text[a - 1] == " ") and (b == len(text) or text[b] == " "):
            tags.append((a, b))
    return Variant(text, stages, squeezed, tags)


def _has_letter_triple(text: str) -> bool:
    return any(m.group(1).isalpha() for m in TRIPLE.finditer(text))


def needs_squeeze(text: str) -> bool:
    """The squeezed reading is made: a letter three times in a row (cooocaaaine) or letters
    doubled throughout a word (ccoccaiinne). The C module answers the same in one pass (on
    a review, the Python loop over its doubled letters took about 15 µs)."""
    return _has_letter_triple(text) or doubled_word(text)


try:  # the C fast path is optional (see matcher)
    from narcolex.detect._fastpath import collapse_spaces as _c_collapse_spaces
    from narcolex.detect._fastpath import needs_squeeze as _needs_squeeze
except ImportError:  # pragma: no cover - installs without a compiler
    _needs_squeeze = needs_squeeze
    _c_collapse_spaces = None


def normalize(text: str, squeeze: bool | None = None, spaced: bool | None = None) -> list[Variant]:
    """All readings of `text` to match against (usually one).

    `squeeze=None` squeezes repeated letters only when the text has a run of three or more
    (cooocaaaine); the squeezed reading is then matched against squeezed term forms.
    `spaced=False` skips the spaced-letters stage (the caller saw none in the word skeleton).
    """
    stages: list[Stage] = []
    s = text
    if "http" in s or "www." in s or "@" in s:
        s = _blank_links(s)  # same length: no offset change
    if "#" in s:  # #KokainKaufen -> #Kokain Kaufen
        s, st = _split_hashtags(s)
        if st:
            stages.append(st)
    s, st = _fold_stage(s)
    if st:
        stages.append(st)
    runs: list[tuple[int, int]] = []
    if spaced is not False:  # the prefilter may already know there are no spaced letters
        s, st, runs = _collapse_separators(s)
        if st:
            stages.append(st)
    out: list[Variant] = []
    do_squeeze = _needs_squeeze(s) if squeeze is None else squeeze
    for reading in _leet_readings(s):
        r = punct(reading)
        r_stages, r_runs = stages, runs
        if not r.isascii():  # symbols are never ASCII after punct
            r, st = _split_glued(r)
            if st:
                r_stages = [*stages, st]
                r_runs = [(_forward(st, a), _forward(st, b)) for a, b in runs]
        out.append(_finish(r, r_stages, False, r_runs))
        if do_squeeze:
            sq, st = _sub_with_edits(_SQUEEZE, r, lambda m: m.group(1))
            if st:
                moved = [(_forward(st, a), _forward(st, b)) for a, b in r_runs]
                out.append(_finish(sq, [*r_stages, st], True, moved))
    return out


def normalize_key(form: str) -> str:
    """The normalized form of a lexicon term (the same pipeline, first reading, trimmed)."""
    v = normalize(form, squeeze=False)[0]
    return " ".join(v.text.split())


def squeeze_key(key: str) -> str:
    return _SQUEEZE.sub(lambda m: m.group(1), key)
