"""Which patterns cannot match a post, from the literal text every match of each must contain.

Python's `re` tries a pattern that opens with a look-behind and a case-insensitive list of
words at every position of the post: on a 2,000-character listing each counter-evidence
pattern (reporting words, feedback, accounts of taking a drug) costs 10-30 µs, and most
posts contain none of their words. Every match of such a pattern contains one of a few
strings ("police", "seize", "court", ...), read off the pattern's parse tree; one automaton
pass over the post finds which of those strings occur, and a pattern none of whose strings
occurs is not run at all. The answer is a superset by construction (no pattern that could
match is ever skipped), and it is given only for ASCII posts, where lower-casing the text is
exactly how `re.IGNORECASE` compares letters; other posts run every pattern as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import ahocorasick

EXACT_MAX = 256  # strings a run of the pattern may spell before it is cut into parts
FACTOR_MIN = 2  # shorter strings are in every post: the pattern is then not gated

# Whitespace that `\s` matches in an ASCII text, read as one space: so `\s?` spells " " or ""
# and a pattern's whitespace needs no list of every kind of space.
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
_FOLD_SPACE = str.maketrans(dict.fromkeys(_SPACES, " "))
_DIGITS = frozenset("0123456789")

Strings = frozenset[str]
# (every string the node can match, if few; else strings one of which every match contains)
Info = tuple[Strings | None, Strings | None]


def fold(text: str) -> str:
    """An ASCII text as the gate reads it: lower case, every kind of whitespace one space."""
    return text.lower().translate(_FOLD_SPACE)


class _Unreadable(Exception):
    """The pattern has a letter the gate cannot read (see _char)."""


@lru_cache(maxsize=1024)
def _char(code: int) -> str:
    """A pattern's letter as `fold` writes it. A letter outside ASCII that re.IGNORECASE
    equates with an ASCII one (the Kelvin sign and "k", long s and "s", "İ" and "i") would
    match an ASCII post where its lower case does not occur: such a pattern is not gated."""
    c = chr(code)
    if not c.isascii() and any(
        re.fullmatch(re.escape(c), chr(a), re.IGNORECASE) for a in range(128)
    ):
        raise _Unreadable(c)
    return c.lower().translate(_FOLD_SPACE)


def _product(a: Strings, b: Strings) -> Strings | None:
    if len(a) * len(b) > EXACT_MAX:
        return None
    return frozenset(x + y for x in a for y in b)


def _required(info: Info) -> Strings | None:
    exact, contains = info
    if exact is not None:
        return None if "" in exact else exact
    return contains


def _best(candidates: list[Strings]) -> Strings | None:
    """The most selective requirement: the longest shortest string, then the fewest."""
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)))


def _sequence(items: Iterable[tuple[object, object]]) -> Info:
    """A concatenation: consecutive exact parts spell longer strings; anything else (a class
    of many characters, an unbounded repeat) ends the run, and the sequence requires the most
    selective of the runs and the parts' own requirements."""
    candidates: list[Strings] = []
    run: Strings = frozenset({""})
    exact_all = True

    def close(r: Strings) -> None:
        if "" not in r:
            candidates.append(r)

    for op, av in items:
        exact, contains = _node(op, av)
        repeat = op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
        # X+ begins and ends with one X: the run before it continues into its first X, and
        # what follows continues from its last ("\d+e" -> "5e")
        once = _sequence(av[2].data)[0] if repeat and contains is not None else None  # type: ignore[index]
        if exact is not None:
            joined = _product(run, exact)
            if joined is not None:
                run = joined
                continue
            exact_all = False
            close(run)
            run = exact
            continue
        exact_all = False
        if once is not None and (into := _product(run, once)) is not None:
            close(into)
        close(run)
        run = frozenset({""})
        if contains is not None:
            candidates.append(contains)
            if once is not None and "" not in once:
                run = once
    if exact_all:
        return run, None
    close(run)
    return None, _best(candidates)


def _node(op: object, av: object) -> Info:
    if op is sre.LITERAL:
        return frozenset({_char(av)}), None  # type: ignore[arg-type]
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset({""}), None  # zero width: spells nothing, requires nothing
    if op is sre.IN:
        return _class(av), None  # type: ignore[arg-type]
    if op is sre.CATEGORY:
        return _category(av), None
    if op is sre.SUBPATTERN:
        _group, add, delete, sub = av  # type: ignore[misc]
        if add or delete:
            return None, None  # flags changed inside: not read
        return _sequence(sub.data)
    if op is sre.BRANCH:
        alts = [_sequence(sub.data) for sub in av[1]]  # type: ignore[index]
        if all(exact is not None for exact, _ in alts):
            union = frozenset().union(*(exact for exact, _ in alts))  # type: ignore[misc]
            if len(union) <= EXACT_MAX:
                return union, None
        needs = [_required(a) for a in alts]
        if any(n is None for n in needs):
            return None, None  # one alternative requires nothing
        return None, frozenset().union(*needs)  # type: ignore[arg-type]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        lo, hi, sub = av  # type: ignore[misc]
        inner = _sequence(sub.data)
        if lo == hi == 1:
            return inner
        if lo == 0:
            if hi == 1 and inner[0] is not None:
                return inner[0] | {""}, None
            return None, None
        return None, _required(inner)
    return None, None  # any character, back-references...: nothing known


def _class(items: list[tuple[object, object]]) -> Strings | None:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(_char(av))  # type: ignore[arg-type]
        elif op is sre.RANGE and av[1] - av[0] < 16:  # type: ignore[index,operator]
            chars.update(_char(c) for c in range(av[0], av[1] + 1))  # type: ignore[index,operator]
        elif op is sre.CATEGORY and (cat := _category(av)) is not None:
            chars.update(cat)
        else:
            return None  # a negated class, a large range, \w...
    return frozenset(chars)


def _category(av: object) -> Strings | None:
    if av is sre.CATEGORY_SPACE:
        return frozenset({" "})
    if av is sre.CATEGORY_DIGIT:
        return _DIGITS
    return None


def required_strings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains, as `fold` writes them in an
    ASCII text (None: no useful set, e.g. a pattern that can match an empty string)."""
    if not pattern.flags & re.IGNORECASE or pattern.flags & re.LOCALE:
        return None  # the gate reads lower-cased text
    try:
        need = _required(_sequence(sre_parse.parse(pattern.pattern, pattern.flags).data))
    except _Unreadable:
        return None
    if not need or min(map(len, need)) < FACTOR_MIN:
        return None
    # A string containing another is implied by it.
    return frozenset(s for s in need if not any(t != s and t in s for t in need))


class LiteralGate:
    """One automaton over the required strings of several patterns; `possible(text)` is the
    set of those patterns that may match `text` (all of them for a non-ASCII text). Patterns
    with no useful required strings are always possible."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self.patterns = tuple(dict.fromkeys(patterns))
        self._always = 0
        bits: dict[str, int] = {}
        for k, p in enumerate(self.patterns):
            need = required_strings(p)
            if need is None:
                self._always |= 1 << k
                continue
            for s in need:
                bits[s] = bits.get(s, 0) | 1 << k
        self._all = (1 << len(self.patterns)) - 1
        self._bit = {p: 1 << k for k, p in enumerate(self.patterns)}
        self._auto = ahocorasick.Automaton()
        for s, b in bits.items():
            self._auto.add_word(s, b)
        if bits:
            self._auto.make_automaton()
        self._has_words = bool(bits)
        self._last: tuple[str | None, int] = (None, self._all)

    def gated(self, pattern: re.Pattern[str]) -> bool:
        """True when `pattern` has required strings (so a gate can rule it out)."""
        bit = self._bit.get(pattern, 0)
        return bool(bit) and not self._always & bit

    def may_match(self, pattern: re.Pattern[str], text: str) -> bool:
        """False only when `pattern` cannot match `text`. Remembered for the last text (a post
        is scored and searched by several patterns in turn): one entry, swapped atomically and
        keyed by the text object itself, so threads never see another post's answer."""
        bit = self._bit.get(pattern)
        if bit is None:
            return True
        last = self._last
        if last[0] is text:
            return bool(last[1] & bit)
        found = self._found(text)
        self._last = (text, found)
        return bool(found & bit)

    def _found(self, text: str) -> int:
        if not text.isascii() or not self._has_words:
            return self._all
        found = self._always
        for _end, b in self._auto.iter(fold(text)):
            found |= b
            if found == self._all:
                break
        return found
