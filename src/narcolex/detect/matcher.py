"""One compiled Aho-Corasick automaton per lexicon, and the rules for what counts as a match.

Word boundaries are part of the automaton keys (`" coke "`), so a term inside a longer word
("cokernut", "hashtag") never even produces a hit and costs nothing in Python. Prefix terms
(`" kokain"` plus up to a few letters of ending) and compound terms (a part of a longer word,
for de/nl/sv/da/no/fi) are checked in Python, which is cheap because hits are rare.

A second automaton is the *prefilter*: it runs over a word skeleton of the post (one
`str.translate`: folded, leet digits read, i and l merged, every non-letter a space) looking
for the longest word of each term at a word start, and most clean posts stop there. It is a
superset of the real matcher by construction (the skeleton maps characters the way every
normalization step can); the few things it cannot see (letters spaced out, tripled letters,
hashtags, symbols inside words) send the post down the full path instead.

Compiled lexicons are cached by the lexicon's content hash (one build per release).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from itertools import pairwise

import ahocorasick

from narcolex.detect import normalize as _normalize
from narcolex.detect import scripts
from narcolex.detect.normalize import (
    _CAMEL,
    _WORD_SKELETON_ASCII,
    FOLD,
    SKELETON_SPACED,
    SKELETON_TRIPLE_KEYS,
    Variant,
    _split_hashtags,
    needs_full_path,
    normalize,
    normalize_key,
    squeeze_key,
    word_skeleton,
    word_skeleton_pages,
)
from narcolex.package.lexicon import Lexicon, LexiconTerm
from narcolex.taxonomy import is_substance

try:  # the C fast path is optional: built by `pip install` where a compiler is available
    from narcolex.detect._fastpath import Prefilter as _FastPrefilter
except ImportError:  # pragma: no cover - exercised by installs without a compiler
    _FastPrefilter = None

PREFIX_MAX_ENDING = 6  # letters an inflected form may add to a `prefix` stem
COMPOUND_INNER_MIN = 6  # a compound part with no boundary on either side needs this many letters
HASHTAG_INNER_MIN = 5  # a low-ambiguity term found inside a hashtag needs this many letters
HASHTAG_MAX = 60  # longer "hashtags" are not segmented (and would make the search costly)
_SIMPLE = re.compile(r"^[a-zA-Z]{2,}(?: [a-zA-Z]{2,})*$")  # no spaced single letters
# The characters that fold to "#" (every code point checked by a test): each starts a hashtag
# on the full path.
_HASH_LIKE = re.compile("[#\ufe5f\uff03]")
_HASH_RUN = re.compile("[#\ufe5f\uff03]\\S*")
_PLAIN_TAG = re.compile(r"#([A-Za-z]+)[.,:;!?)\"']*")  # letters, then punctuation at most
# Scripts written without spaces between words (Han, kana, Thai): a form of them is found
# anywhere in the text. Hangul puts spaces between words but writes particles and endings onto them
# ("아이스를"): a Hangul form is found at the start of a word, whatever follows it.
_UNSPACED_CHAR = re.compile(f"[{scripts.UNSPACED}]")
_HANGUL_CHAR = re.compile(f"[{scripts.HANGUL}]")
_UNSPACED_OR_HANGUL = scripts.ASIAN_CHAR


HANGUL_INNER_MIN = 3  # syllables of a Hangul form found inside a word ("아이스작대기")
HEBREW_PROCLITICS_MAX = 3  # one-letter words written onto a Hebrew form ("וכשה...")


def script_mode(key: str, mode: str) -> str:
    """The match mode a form's script imposes: "unspaced" for a form with Han, kana or Thai,
    "hangul" for a Hangul form, "hebrew" for a whole-word form that starts with a Hebrew
    letter (found after one-letter proclitics too), otherwise the term's own. Korean also
    writes nouns together without a space, as sellers do to hide them ("아이스작대기"): a
    Hangul form of HANGUL_INNER_MIN syllables or more is found inside a word too, as long
    compound parts are in German (COMPOUND_INNER_MIN); a shorter one only at a word's start."""
    if _UNSPACED_CHAR.search(key):
        return "unspaced"
    if _HANGUL_CHAR.search(key):
        return "unspaced" if len(_HANGUL_CHAR.findall(key)) >= HANGUL_INNER_MIN else "hangul"
    if mode == "word" and scripts.HEBREW_CHAR.match(key):
        return "hebrew"
    return mode


def unspaced_edges(phrase: str) -> tuple[bool, bool]:
    """Whether `phrase` needs a word boundary before and after it: not on a side that is a
    Han, kana or Thai character, nor after a Hangul one (see script_mode)."""
    first, last = phrase[:1], phrase[-1:]
    before = not _UNSPACED_CHAR.match(first)
    after = not _UNSPACED_OR_HANGUL.match(last)
    return before, after


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A match in original-text offsets with every lexicon term that has this form."""

    start: int
    end: int
    terms: tuple[int, ...]
    emoji: bool = False
    misspelt: bool = False  # one slip away from the terms' form (CompiledLexicon.misspellings)


_JOINED_LETTER = re.compile(r"[^\W\d_][-‐‑–]\w")  # "a-PVP", "K-hole": one letter, then a hyphen
_APART_LETTER = re.compile(r"[^\W\d_]\s+\w")  # "a PVP": one letter, then a space


def _key_of(form: str) -> str:
    """normalize_key with a fast path for plain words (most of a large lexicon)."""
    if _SIMPLE.match(form):
        return " ".join(form.lower().split())
    return normalize_key(form)


_CODE_SEP = re.compile(r"(?<=[^\W_])[- ](?=[^\W_])")
_HAS_DIGIT_AND_LETTER = re.compile(r"(?=.*\d)(?=.*[^\W\d_])")


def code_spellings(form: str) -> list[str]:
    """The other spellings of a code name with its hyphens or spaces left out: sellers write
    "5F-PB-22" as "5F-PB22" or "5FPB22", "4-HO-MiPT" as "4HO-MiPT" (letters and digits both,
    at most three separators)."""
    seps = [m.start() for m in _CODE_SEP.finditer(form)]
    if not seps or len(seps) > 3 or len(form) > 24 or not _HAS_DIGIT_AND_LETTER.match(form):
        return []
    out = []
    for mask in range(1, 1 << len(seps)):
        drop = {p for j, p in enumerate(seps) if mask >> j & 1}
        out.append("".join(c for i, c in enumerate(form) if i not in drop))
    return out


_DIGIT_FOR = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7", "b": "8", "g": "9"}
LEET_CODE_MAX = 6  # letters of a code that get a digit spelling (longer codes: the first six)


def leet_code_spellings(form: str) -> list[str]:
    """A code name with one of its letters written as the digit that looks like it ("4-F4"
    for 4-FA, "2C-8" for 2C-B, "4-H0-MET"), and with all of them at once: read only where
    the code has a letter, so a code's own digits never become letters. A spelling keeps at
    least one letter: all digits, it is a number ("7-20" for T-20 reads every "720 euro").
    The caller drops a spelling that is another term's form (one code never turns into
    another)."""
    if len(form) > 24 or not _HAS_DIGIT_AND_LETTER.match(form):
        return []
    spots = [i for i, c in enumerate(form) if c.lower() in _DIGIT_FOR][:LEET_CODE_MAX]
    if not spots:
        return []
    out = []
    for i in spots:
        out.append(form[:i] + _DIGIT_FOR[form[i].lower()] + form[i + 1 :])
    if len(spots) > 1:
        chars = list(form)
        for i in spots:
            chars[i] = _DIGIT_FOR[form[i].lower()]
        out.append("".join(chars))
    return [o for o in out if any(c.isalpha() for c in o)]


_LAST_WORD = re.compile(r"(?<= )([A-Za-z]{3,})$")


def number_spellings(form: str) -> list[str]:
    """The other grammatical number of an English several-word name: a menu lists "Girl Scout
    Cookie" for the strain "Girl Scout Cookies", "magic mushroom" for "magic mushrooms". Only
    the last word changes, only by a plain -s, and never for one-word terms, where the other
    number is often an everyday word of its own."""
    m = _LAST_WORD.search(form)
    if m is None:
        return []
    last = m.group(1)
    head = form[: m.start()]
    if last[-1] in "sS":
        if last[-2:].lower() in ("ss", "us", "is"):
            return []
        return [head + last[:-1]]
    if last[-1] in "xzXZ" or last[-2:].lower() in ("ch", "sh"):
        return []
    return [head + last + ("S" if last.isupper() else "s")]


MISSPELT_MIN = 8  # letters of a drug's name that a misspelling is read for
_MISSPELT_FORM = re.compile(rf"[^\W\d_]{{{MISSPELT_MIN},}}")
_WORD_7 = re.compile(rf"(?<![\w\-])[^\W\d_]{{{MISSPELT_MIN - 1},40}}(?![\w\-])")
_VOWELS = frozenset("aeiouyáéíóúàèìòùäëïöüåæøœ")


# (deletion -> names, name -> terms, the names' first three letters, their last three)
_SlipIndex = tuple[
    dict[str, tuple[str, ...]],
    dict[str, tuple[int, ...]],
    frozenset[tuple[str, int]],
    frozenset[tuple[str, int]],
]


def _near(n: int) -> tuple[int, int, int]:
    """The lengths of a word one slip from a name of `n` letters."""
    return (n - 1, n, n + 1)


def _deletions(word: str) -> set[str]:
    return {word[:k] + word[k + 1 :] for k in range(len(word))}


def one_slip(word: str, form: str) -> bool:
    """`word` is `form` with one slip: a letter left out or added, two neighbours swapped, or
    one vowel written as another. Consonant substitutions are not slips here: one consonant
    turns a name into other words too often ("codeine"/"cocaine" are two apart anyway)."""
    if word == form:
        return False
    n, m = len(word), len(form)
    if abs(n - m) > 1:
        return False
    if n + 1 == m:
        return word in _deletions(form)
    if n == m + 1:
        return form in _deletions(word)
    diff = [k for k in range(n) if word[k] != form[k]]
    if len(diff) == 1:
        k = diff[0]
        return word[k] in _VOWELS and form[k] in _VOWELS
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        a, b = diff
        return word[a] == form[b] and word[b] == form[a]
    return False


def _misspellable(term: LexiconTerm) -> bool:
    """A drug's unambiguous name (not a sale word, an emoji or a code): one slip in it still
    names the drug, which a slip in an everyday word would not."""
    return (
        term.ambiguity == "low"
        and term.kind not in ("emoji", "emoji_sequence", "abbreviation", "hashtag")
        and any(is_substance(d) for d in term.denotes)
    )


_ANY_DIGIT = re.compile(r"\d")
# A name of two or more plain words, together at least RUN_TOGETHER_MIN letters: written as one
# word it is still that name ("girlscoutcookies"); shorter ones run together into other words.
RUN_TOGETHER_MIN = 8
_RUN_TOGETHER = re.compile(
    rf"(?=(?:[^\W\d_] ?){{{RUN_TOGETHER_MIN},}}$)[^\W\d_]{{2,}}(?: [^\W\d_]{{2,}})+"
)


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


def _is_emoji_key(key: str) -> bool:
    return not any(c.isalnum() for c in key)


class CompiledLexicon:
    """The automata for one lexicon; build once, share between scans (read-only)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.terms: tuple[LexiconTerm, ...] = lexicon.terms
        self.always_full = False
        main: dict[str, tuple[list[tuple[int, str]], list[tuple[int, str]]]] = {}
        inner: dict[str, list[int]] = {}
        joined: set[str] = set()  # keys of several-word terms written together ("bluedream")
        skeletons: set[str] = set()
        lone: set[str] = set()
        # Terms with a doubled letter ("AAS", "weed") match a squeezed reading only where the
        # post repeats a letter too; otherwise their squeezed key is another word.
        doubled: set[int] = set()
        # Keys in which normalization read a code's digits as letters ("5IT" -> "sit", "4FA"
        # -> "afa"): they stand for the code only where the post wrote a digit there too,
        # otherwise they are everyday words ("we sit down").
        digit_keys: set[tuple[str, int]] = set()
        own = {_key_of(f) for t in self.terms for f in (t.term, *t.variants)}
        # Names of several words written as one ("GirlScoutCookies", "sourdiesel", "BubbaKush"
        # in a listing or a channel name) are words of their own, as in hashtags.
        written_together: dict[str, list[int]] = {}
        for i, term in enumerate(self.terms):
            forms = (term.term, *term.variants)
            extra = [c for f in forms for c in code_spellings(f)]
            if term.kind != "emoji" and any(_HAS_DIGIT_AND_LETTER.match(f) for f in forms):
                mine = {_key_of(f) for f in forms}
                extra.extend(
                    x
                    for f in (*forms, *extra)
                    for x in leet_code_spellings(f)
                    if (k := _key_of(x)) in mine or k not in own
                )
            if term.lang in ("en", "und") and any(
                not d.startswith("signal.") for d in term.denotes
            ):
                extra.extend(n for f in forms for n in number_spellings(f))
            for form in dict.fromkeys((*forms, *extra)):
                key = _key_of(form)
                if not key:
                    continue
                emoji = term.kind in ("emoji", "emoji_sequence") or _is_emoji_key(key)
                mode = "emoji" if emoji else script_mode(key, term.match)
                sq = key if emoji else squeeze_key(key)
                if sq != key:
                    doubled.add(i)
                if _ANY_DIGIT.search(form) and _digits(key) < _digits(form):
                    digit_keys.update(((key, i), (sq, i), (key.replace(" ", ""), i)))
                for k, slot in ((key, 0), (sq, 1)):
                    padded = self._padded(k, mode)
                    entry = main.setdefault(padded, ([], []))
                    if (i, mode) not in entry[slot]:
                        entry[slot].append((i, mode))
                if not emoji:
                    together = key.replace(" ", "")
                    inner.setdefault(together, []).append(i)
                    if together != key:
                        joined.add(together)
                        if mode == "word" and _RUN_TOGETHER.fullmatch(key) and together not in own:
                            written_together.setdefault(together, []).append(i)
                sk = self._prefilter_key(key, mode)
                if len(sk) == 3 and mode == "word":  # " e ": a lone capital, checked apart
                    lone.add(sk[1])
                elif sk.strip():
                    skeletons.add(sk)
                else:
                    self.always_full = True
        for together, idx in written_together.items():
            entry = main.setdefault(f" {together} ", ([], []))
            entry[0].extend((i, "word") for i in dict.fromkeys(idx) if (i, "word") not in entry[0])
            skeletons.add(self._prefilter_key(together, "word"))
        self._own = frozenset(own)
        # Codes whose first part is one letter joined by a hyphen ("a-PVP", "K-hole", "N-bomb"):
        # written apart, that letter is a word of its own, an article or a preposition ("a PVP
        # account", "a PHP developer"), so a match written apart keeps only the terms that
        # list such a spelling themselves.
        self._joined_only = frozenset(
            i
            for i, t in enumerate(self.terms)
            if any(_JOINED_LETTER.match(f) for f in (t.term, *t.variants))
            and not any(_APART_LETTER.match(f) for f in (t.term, *t.variants))
        )
        self._slip_index: _SlipIndex | None = None  # built on first use (misspellings)
        self._doubled = frozenset(doubled)
        self._digit_keys = frozenset(digit_keys)
        self._digit_terms = frozenset(i for _, i in digit_keys)
        self._lone = frozenset(lone)
        self.main = ahocorasick.Automaton()
        for k, (exact, squeezed) in main.items():
            self.main.add_word(k, (len(k), tuple(exact), tuple(squeezed)))
        self.inner = ahocorasick.Automaton()
        for k, idx in inner.items():
            self.inner.add_word(k, (len(k), tuple(dict.fromkeys(idx)), k in joined))
        self.prefilter = ahocorasick.Automaton()
        for sk in (*skeletons, *SKELETON_TRIPLE_KEYS):  # tripled letters need the full path
            self.prefilter.add_word(sk, None)
        for a in (self.main, self.inner, self.prefilter):
            if len(a):
                a.make_automaton()
        self._has_main = len(self.main) > 0
        # The same prefilter in C (see _fastpath.c), for ASCII posts and for posts whose code
        # points are all in normalize.SKELETON_PAGES; not built when every post takes the
        # full path anyway or none can match.
        self.fast = None
        usable = self._has_main and not self.always_full
        if usable and _FastPrefilter is not None and _WORD_SKELETON_ASCII is not None:
            capitals = bytes(
                int(chr(b).isupper() and word_skeleton(chr(b)) in self._lone) for b in range(256)
            )
            self.fast = _FastPrefilter(
                [*skeletons, *SKELETON_TRIPLE_KEYS],
                _WORD_SKELETON_ASCII,
                capitals,
                word_skeleton_pages(),
                "".join(sorted(self._lone)),
            )

    @staticmethod
    def _prefilter_key(key: str, mode: str) -> str:
        """The longest word of the key as the word skeleton shows it, anchored at a word start
        unless the term may sit inside a word (compound) or is an emoji."""
        if mode == "emoji":  # each symbol a word of the skeleton: "🍁🍁" reads "🍁 🍁"
            return " ".join(word_skeleton(key).split())
        words = word_skeleton(key).split()
        if not words:
            return ""
        if mode == "unspaced":  # a part in another script is glued on in the skeleton ("5仔")
            return max((w for w in words if _UNSPACED_OR_HANGUL.search(w)), key=len)
        if mode == "compound":
            return max(words, key=len)
        if mode == "hangul":
            return f" {' '.join(words)}"
        if mode == "hebrew":  # open at its start, where proclitics are written onto it
            return f"{' '.join(words)} "
        # The whole phrase, anchored where the term is: a whole-word term is whole words of
        # the skeleton too (symbols at a word's edge are spaces there, and in the matcher they
        # are emphasis, not letters), so " herbal smoking mixture " rather than every post
        # that says "smoking"; a prefix term is open at its end.
        phrase = " ".join(words)
        return f" {phrase}" if mode == "prefix" else f" {phrase} "

    @staticmethod
    def _padded(key: str, mode: str) -> str:
        if mode == "word":
            return f" {key} "
        if mode in ("prefix", "hangul"):
            return f" {key}"
        if mode == "hebrew":
            return f"{key} "
        return key

    # -- matching -----------------------------------------------------------------------------

    def might_match(self, text: str) -> bool:
        """False only when no term can match (the prefilter); cheap, C-level."""
        if self.fast is not None:
            verdict = self.fast.check(text)
            if verdict >= 0:
                return verdict == 1
        return self._might_match(text, prefilter_view(text))

    def _might_match(self, text: str, skel: str) -> bool:
        if self.always_full:
            return True
        if not self._has_main:
            return False
        for _ in self.prefilter.iter(skel):
            return True
        if self._lone and _has_lone_capital(text, self._lone):
            return True
        return needs_full_path(text, skel)

    def find(self, text: str, fast: int | None = None) -> list[RawMatch]:
        """Longest non-overlapping matches in `text`, offsets in `text`. `fast` is the C
        check's answer for `text` when the caller already has it."""
        if not text:
            return []
        if fast is None:
            fast = self.fast.check(text) if self.fast is not None else -1
        if fast == 0:  # a post that no term can match: most posts end here
            return []
        # The same view from the C tables (about 1 µs instead of 10 for a tweet in another
        # script, where str.translate looks up every character in a dict).
        skel = self.fast.view(text) if self.fast is not None else None
        if skel is None:
            skel = prefilter_view(text)
        if fast < 0 and not self._might_match(text, skel):
            return []
        if self._only_hashtags(text):
            return []
        cands: list[tuple[int, int, tuple[int, ...], bool]] = []
        spaced = SKELETON_SPACED.search(skel) is not None
        for v in _readings(text, spaced):
            cands.extend(self._find_variant(v, text))
        if not cands:
            return []
        found = _longest_non_overlapping(text, cands)
        if self._joined_only:
            found = self._without_apart_letters(text, found)
        return found

    def _without_apart_letters(self, text: str, found: list[RawMatch]) -> list[RawMatch]:
        """`found` without the readings of a one-letter code part written apart (see
        _joined_only): "a PVP account" is no α-PVP."""
        out = []
        for r in found:
            if _APART_LETTER.match(text, r.start, r.end) and not self._joined_only.isdisjoint(
                r.terms
            ):
                terms = tuple(i for i in r.terms if i not in self._joined_only)
                if not terms:
                    continue
                r = RawMatch(r.start, r.end, terms, r.emoji, r.misspelt)
            out.append(r)
        return out

    def _slips(self) -> _SlipIndex:
        """(each long name's key and its one-letter deletions -> the keys, key -> terms, the
        keys' first and last three letters with each length a slip can give): a word one slip
        from a name shares a deletion with it, is at most one letter longer or shorter, and
        keeps its first or its last three letters (a slip in a name of 8 letters or more
        leaves one end whole). Built once, when first read."""
        if self._slip_index is None:
            slips: dict[str, set[str]] = {}
            slip_terms: dict[str, list[int]] = {}
            for i, term in enumerate(self.terms):
                if not _misspellable(term):
                    continue
                for form in (term.term, *term.variants):
                    key = _key_of(form)
                    if _MISSPELT_FORM.fullmatch(key):
                        if key not in slip_terms:
                            for d in (key, *_deletions(key)):
                                slips.setdefault(d, set()).add(key)
                        slip_terms.setdefault(key, []).append(i)
            self._slip_index = (
                {d: tuple(sorted(keys)) for d, keys in slips.items()},
                {k: tuple(dict.fromkeys(v)) for k, v in slip_terms.items()},
                frozenset((k[:3], n) for k in slip_terms for n in _near(len(k))),
                frozenset((k[-3:], n) for k in slip_terms for n in _near(len(k))),
            )
        return self._slip_index

    def misspellings(self, text: str, taken: list[RawMatch]) -> list[RawMatch]:
        """Words of `text` outside `taken` that are one slip (`one_slip`) from a long drug
        name: "Diazapam", "Klonipin", "Addearll", "Mirtazapin". Whether such a word is a word
        in its own right ("heroine") the scanner decides with the post's language."""
        slips, slip_terms, heads, tails = self._slips()
        out: list[RawMatch] = []
        for w in _WORD_7.finditer(text):
            # The set lookups first: they rule out nearly every word, the overlap with the
            # matches (as many as a listing names) only the few left.
            word = w.group().casefold()
            n = len(word)
            if ((word[:3], n) not in heads and (word[-3:], n) not in tails) or word in self._own:
                continue
            s, e = w.span()
            if any(r.start < e and s < r.end for r in taken):
                continue
            cands: set[str] = set()
            for d in (word, *_deletions(word)):
                cands.update(slips.get(d, ()))
            terms = tuple(i for f in sorted(cands) if one_slip(word, f) for i in slip_terms[f])
            if terms:
                out.append(RawMatch(s, e, tuple(dict.fromkeys(terms)), misspelt=True))
        return out

    def _only_hashtags(self, text: str) -> bool:
        """True when hashtags are what sends `text` down the full path and none can hold a
        term: a hashtag makes the word skeleton unreliable (its camel-case words, and terms run
        together inside it, are not words of the skeleton), and 60% of the dev tweets that take
        the full path for nothing take it for a hashtag ("#love", "#NowPlaying").

        The rest of the post is checked by the prefilter with every hashtag opened up as the
        full path reads it (camel case split, "#" a space); the squeezed reading is not made
        (see normalize), so the post's readings are those of each hashtag; and each hashtag,
        with what follows it up to a space, gets the full matching on its own (words and
        segments, as in the post: tokens end at "#" and at spaces). Any candidate, or any
        doubt, and the post takes the full path. False when `text` has no hashtag."""
        if _HASH_LIKE.search(text) is None:
            return False
        opened = _HASH_LIKE.sub(" ", _split_hashtags(text)[0])
        if self.might_match(opened):
            return False
        folded = text.lower() if text.isascii() else text.translate(FOLD)
        if _normalize._needs_squeeze(folded):  # _has_letter_triple or doubled_word, in C
            return False  # a squeezed reading of the whole post: the full path decides
        for m in _HASH_RUN.finditer(text):
            snippet = m.group()
            plain = _PLAIN_TAG.fullmatch(snippet)
            if plain is None:  # the reading of the hashtag as the full path makes it
                if any(self._find_variant(v, snippet) for v in normalize(snippet)):
                    return False
                continue
            # "#NowPlaying!": its reading is its first camel-case word in lower case, the
            # other words are words of the opened post; only the segments are left to find.
            body = plain.group(1)
            cut = _CAMEL.search(body)
            tag = (body if cut is None else body[: cut.start()]).lower()
            if self._hashtag(Variant(tag, []), tag, f" {tag} ", 1, len(tag) + 1):
                return False
        return True

    def _find_variant(self, v: Variant, text: str) -> list[tuple[int, int, tuple[int, ...], bool]]:
        padded = f" {v.text} "
        n = len(padded)
        out: list[tuple[int, int, tuple[int, ...], bool]] = []
        for end, (klen, exact, squeezed) in self.main.iter(padded):
            entries = squeezed if v.squeezed else exact
            if not entries:
                continue
            start = end - klen + 1
            mapped = None  # (s, e, original span) of the last entry: most entries of a key share it
            for i, mode in entries:
                if mode == "word":  # _check's answer for a whole-word key, without the call
                    s, e = start + 1, end
                else:
                    span = _check(padded, n, start, end + 1, mode)
                    if span is None:
                        continue
                    s, e = span
                if mapped is not None and mapped[0] == s and mapped[1] == e:
                    os_, oe = mapped[2]
                else:
                    os_, oe = v.span_to_original(s - 1, e - 1)
                    mapped = (s, e, (os_, oe))
                if e - s == 1 and mode == "word" and not _lone_capital(text, os_, oe):
                    continue  # a one-letter term is only ever a capital standing alone
                if v.squeezed and i in self._doubled and not _has_double(text, os_, oe):
                    continue  # "as" is not "AAS" squeezed: only "aaas" is
                if i in self._digit_terms and self._digit_missing(
                    padded, start, end, i, text, os_, oe
                ):
                    continue
                out.append((os_, oe, (i,), mode == "emoji"))
        for hs, he in v.hashtags:
            out.extend(self._hashtag(v, text, padded, hs + 1, he + 1))
        return out

    def _digit_missing(
        self, padded: str, start: int, end: int, i: int, text: str, os_: int, oe: int
    ) -> bool:
        """True when the automaton key padded[start:end+1] is a code's key whose digits were
        read as letters and the post wrote no digit in the original span text[os_:oe]."""
        key = padded[start : end + 1].strip()
        return (key, i) in self._digit_keys and not any(c.isdigit() for c in text[os_:oe])

    def _hashtag(
        self, v: Variant, text: str, padded: str, hs: int, he: int
    ) -> list[tuple[int, int, tuple[int, ...], bool]]:
        """Terms inside a run-together hashtag (#cokeforsale): accepted when the tag splits
        entirely into known terms, or when the term is unambiguous and long enough."""
        if he - hs > HASHTAG_MAX:
            return []
        segs: list[tuple[int, int, tuple[int, ...]]] = []
        joined: set[tuple[int, int]] = set()
        for end, (klen, idx, together) in self.inner.iter(padded, hs, he):
            if not self._digit_terms.isdisjoint(idx):
                os_, oe = v.span_to_original(end - klen, end)
                idx = tuple(
                    i
                    for i in idx
                    if i not in self._digit_terms
                    or not self._digit_missing(padded, end - klen + 1, end, i, text, os_, oe)
                )
                if not idx:
                    continue
            segs.append((end - klen + 1, end + 1, idx))
            if together:
                joined.add((end - klen + 1, end + 1))
        if not segs:
            return []
        by_start: dict[int, list[tuple[int, int, tuple[int, ...]]]] = {}
        for seg in segs:
            by_start.setdefault(seg[0], []).append(seg)
        # Cover [hs, he) with segments, preferring long ones (depth-first, small inputs).
        best: list[tuple[int, int, tuple[int, ...]]] | None = None
        dead: set[int] = set()

        def cover(pos: int, path: list[tuple[int, int, tuple[int, ...]]]) -> bool:
            nonlocal best
            if pos == he:
                best = list(path)
                return True
            if pos in dead:
                return False
            for seg in sorted(by_start.get(pos, ()), key=lambda s: s[0] - s[1]):
                path.append(seg)
                if cover(seg[1], path):
                    return True
                path.pop()
            dead.add(pos)
            return False

        # A tag that is one several-word term written together ("#sourdiesel") counts like
        # the spaced form; a tag that is one single-word term was matched as a word already.
        covered = cover(hs, []) and best
        chosen = best if covered and (len(best) > 1 or (best[0][0], best[0][1]) in joined) else []
        if not chosen:
            chosen = [
                s
                for s in segs
                if s[1] - s[0] >= HASHTAG_INNER_MIN
                and any(self.terms[i].ambiguity == "low" for i in s[2])
            ]
        out = []
        for s, e, idx in chosen:
            os_, oe = v.span_to_original(s - 1, e - 1)
            out.append((os_, oe, idx, False))
        return out


_LAST_READINGS: tuple[str | None, bool, tuple[Variant, ...]] = (None, False, ())


def _readings(text: str, spaced: bool) -> tuple[Variant, ...]:
    """normalize(text, spaced=spaced), remembered for the post being scanned: the scanner
    runs the lexicon's automaton and then the context words' automaton over the same post,
    and normalization is the larger part of either. One entry, swapped atomically, keyed by
    the text object itself (held here, so that its identity cannot be reused), so that
    threads sharing a scanner never read another post's readings; the readings are only
    read, never changed, by the matchers."""
    global _LAST_READINGS
    last = _LAST_READINGS
    if last[0] is text and last[1] == spaced:
        return last[2]
    out = tuple(normalize(text, spaced=spaced))
    _LAST_READINGS = (text, spaced, out)
    return out


def prefilter_view(text: str) -> str:
    """The word skeleton with runs of spaces as one and a space at each end: phrase keys are
    anchored on both sides and match whatever separates their words."""
    return f" {' '.join(word_skeleton(text).split())} "


_LONE = re.compile(r"(?<!\S)([^\W\d_])(?=[\s,.!?:;]|\Z)")


def _has_lone_capital(text: str, letters: frozenset[str]) -> bool:
    """A capital standing alone whose skeleton is a one-letter term ("E", "K")."""
    for m in _LONE.finditer(text):
        c = m.group(1)
        if c.isupper() and word_skeleton(c) in letters:
            return True
    return False


def _has_double(text: str, start: int, end: int) -> bool:
    """A letter written twice or more in a row in text[start:end], ignoring case and
    anything between the repeats that normalization drops (zero-width, separators)."""
    letters = [c.casefold() for c in text[start:end] if c.isalpha()]
    return any(a == b for a, b in pairwise(letters))


def _check(padded: str, n: int, start: int, end: int, mode: str) -> tuple[int, int] | None:
    """The matched core [s, e) in padded coordinates if the match mode allows it here."""
    if mode == "word":
        return start + 1, end - 1
    if mode == "prefix":
        e = end
        limit = min(n, end + PREFIX_MAX_ENDING)
        while e < limit and padded[e].isalpha():
            e += 1
        if padded[e].isalnum():
            return None
        return start + 1, e
    if mode == "hangul":  # a word's start, then any particle or ending
        return start + 1, end
    if mode == "hebrew":  # a word's end, after a word's start or one to three proclitics
        s = start
        while start - s < HEBREW_PROCLITICS_MAX and padded[s - 1] in scripts.HEBREW_PROCLITICS:
            s -= 1
        if padded[s - 1].isalnum():
            return None
        return start, end - 1
    if mode == "unspaced":  # an edge in another script ("K粉") is a word's edge
        if padded[start - 1].isalnum() and not _UNSPACED_OR_HANGUL.match(padded[start]):
            return None
        if padded[end].isalnum() and not _UNSPACED_OR_HANGUL.match(padded[end - 1]):
            return None
        return start, end
    if mode == "compound":
        left = not padded[start - 1].isalnum()
        right = not padded[end].isalnum()
        if left or right or end - start >= COMPOUND_INNER_MIN:
            return start, end
        return None
    return start, end  # emoji: unit boundaries are checked on the original text


def _longest_non_overlapping(
    text: str, cands: list[tuple[int, int, tuple[int, ...], bool]]
) -> list[RawMatch]:
    merged: dict[tuple[int, int], tuple[list[int], bool]] = {}
    for s, e, idx, emoji in cands:
        if e <= s:
            continue
        slot = merged.get((s, e))
        if slot is None:
            slot = merged[(s, e)] = ([], emoji)
        terms = slot[0]
        for i in idx:  # each term once, in the order found
            if i not in terms:
                terms.append(i)
    units = _emoji_units(text) if any(em for _, em in merged.values()) else None
    starts: list[int] = []  # taken intervals, sorted and disjoint
    ends: list[int] = []
    taken: list[RawMatch] = []
    order = sorted(merged.items(), key=lambda kv: (kv[0][0] - kv[0][1], kv[0][0]))
    for (s, e), (idx, emoji) in order:
        if e - s == 1 and text[s].isalpha() and not _lone_capital(text, s, e):
            continue
        if emoji and units is not None:
            span = _emoji_span(text, units, s, e)
            if span is None:
                continue
            s, e = span
        k = bisect_right(starts, s)
        if (k > 0 and ends[k - 1] > s) or (k < len(starts) and starts[k] < e):
            continue
        starts.insert(k, s)
        ends.insert(k, e)
        taken.append(RawMatch(s, e, tuple(idx), emoji))
    taken.sort(key=lambda m: m.start)
    return taken


def _lone_capital(text: str, s: int, e: int) -> bool:
    """A one-letter term ("E", "K", "X") counts only as a capital standing alone between
    spaces: lower-case single letters are articles, initials and URL fragments."""
    n = len(text)
    return (
        e - s == 1
        and text[s].isupper()
        and (s == 0 or text[s - 1].isspace())
        and (s + 1 == n or text[s + 1].isspace() or text[s + 1] in ",.!?:;")
    )


def _emoji_units(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    import emoji as emoji_lib

    units = [(d["match_start"], d["match_end"]) for d in emoji_lib.emoji_list(text)]
    return [u[0] for u in units], units


def _is_ri(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


_MODIFIERS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\u20e3]*")


def _emoji_span(
    text: str, units: tuple[list[int], list[tuple[int, int]]], s: int, e: int
) -> tuple[int, int] | None:
    """An emoji term must be whole emoji units: a flag is not its halves, and a ZWJ sequence
    is not its parts; trailing skin tones and variation selectors join the match."""
    if _is_ri(text[s]):  # regional indicators pair up from the start of their run
        k = s
        while k > 0 and _is_ri(text[k - 1]):
            k -= 1
        if (s - k) % 2:
            return None
    keys, spans = units
    i = max(bisect_right(keys, s) - 1, 0)
    while i < len(spans) and spans[i][0] < e:
        us, ue = spans[i]
        i += 1
        if ue <= s:
            continue
        if us < s:
            return None
        if ue > e:
            if _MODIFIERS.fullmatch(text, e, ue) is None:
                return None
            e = ue
    return s, _MODIFIERS.match(text, e).end()  # type: ignore[union-attr]


_CACHE: OrderedDict[str, CompiledLexicon] = OrderedDict()
_CACHE_SIZE = 4


_BY_ID: dict[int, tuple[Lexicon, CompiledLexicon]] = {}


def compile_lexicon(lexicon: Lexicon) -> CompiledLexicon:
    """The compiled automata for `lexicon`, built once per content hash.

    The same Lexicon object (e.g. in a forked scan_many worker) skips even the hash, which
    costs a JSON dump of every term."""
    same = _BY_ID.get(id(lexicon))
    if same is not None and same[0] is lexicon:
        return same[1]
    compiled = _compile_by_hash(lexicon)
    _BY_ID.clear()  # keep only the most recent object: ids are reused after collection
    _BY_ID[id(lexicon)] = (lexicon, compiled)
    return compiled


def _compile_by_hash(lexicon: Lexicon) -> CompiledLexicon:
    key = lexicon.content_hash
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    compiled = CompiledLexicon(lexicon)
    _CACHE[key] = compiled
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return compiled
