"""The scanner: a thin orchestrator of normalize → match → signals → score → explain.

Platforms call `scan` on every post, so the clean path is as short as possible: the matcher's
prefilter rejects most posts before any Python-level work, and language identification, signal
patterns and scoring only run for posts that contain a lexicon term. `scan_many` fans out to
worker processes that each build the compiled lexicon once and stream findings back in input
order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narcolex import taxonomy
from narcolex.config import ScanLimits
from narcolex.detect import commonness
from narcolex.detect.commonness import code_like, commonest
from narcolex.detect.explain import explain
from narcolex.detect.finding import Finding, Match, Signal, deferred
from narcolex.detect.langid import detect_language
from narcolex.detect.matcher import RawMatch, compile_lexicon, unspaced_edges
from narcolex.detect.normalize import normalize_key, squeeze_key
from narcolex.detect.scoring import (
    ContextCue,
    ScoringConfig,
    is_foreign,
    retail_offer,
    same_group,
    score,
)
from narcolex.detect.signals import clock_time, find_signals, lists_amount
from narcolex.detect.wordlang import words_language
from narcolex.errors import InputError
from narcolex.package.bundle import read_bundle
from narcolex.package.lexicon import Lexicon, LexiconTerm
from narcolex.taxonomy import is_context, is_substance
from narcolex.textkey import fold

if TYPE_CHECKING:
    from narcolex.detect.parallel import WorkerPool

_AMBIGUITY_RANK = {"low": 0, "medium": 1, "high": 2}
_CLEAN_EXPLANATION = "clean: no drug-related evidence (no lexicon term found)."
_SIGNAL_ONLY_EXPLANATION = "clean: only sale-context words, no substance term."
_READING_CACHE = 50_000  # (readings, language) pairs whose chosen reading is remembered
_MEASURED_CACHE = 20_000  # (reading, form, language) whose commonness is remembered
_CLEAN: dict[str | None, Finding] = {}
# Words this common (Zipf) in the post's language are function words ("og", "and", "per",
# "due"): all a dealer's price list says besides its amounts and sale words.
FUNCTION_WORD_ZIPF = 5.5
# What every retail weight of scoring.retail_offer contains (its patterns are in signals.py):
# one search instead of all the notation patterns for most posts without a drug word.
_WEIGHT_HINT = re.compile(r"\d\s?(?:g|gr|oz)(?![^\W\d_])|gram|ounce|γρ|грам", re.IGNORECASE)

PostLike = str | Mapping[str, Any] | tuple[Any, ...]


def _innocent_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a term's innocent phrases."""
    return re.compile("|".join(map(_innocent_pattern, phrases)), re.IGNORECASE)


def _innocent_pattern(phrase: str) -> str:
    """A phrase as it may be written: its words apart by any space, a word boundary at each
    end except where the script writes no spaces (matcher.unspaced_edges)."""
    body = r"\s+".join(map(re.escape, phrase.split()))
    before, after = unspaced_edges(phrase)
    return (r"(?<!\w)" if before else "") + f"(?:{body})" + (r"(?!\w)" if after else "")


class _PostLanguage:
    """The post's language: the caller's, or identified on first use and kept, since a post
    may need it for several matches and again to label an offer (one identification costs
    more than all the rest of most scans)."""

    __slots__ = ("_known", "_lang", "_text")

    def __init__(self, text: str, lang: str | None) -> None:
        self._text, self._lang, self._known = text, lang, lang is not None

    def __call__(self) -> str | None:
        if not self._known:
            self._lang, self._known = detect_language(self._text), True
        return self._lang


class Scanner:
    """Scans posts against one compiled lexicon (a release)."""

    def __init__(
        self,
        lexicon: Lexicon,
        config: ScoringConfig | None = None,
        limits: ScanLimits | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.config = config or ScoringConfig.from_env()
        self.limits = limits or ScanLimits.from_env()
        self._post_chars = self.limits.post_chars  # read on every post, before the fast path
        main, context = _split(lexicon)
        # Context words ("you", "police") are everywhere: they get their own automaton, run
        # only on posts that already name a substance, so the prefilter never sees them.
        self.compiled = compile_lexicon(main)
        self._context = compile_lexicon(context) if context is not None else None
        self._narrator = NarratorWords(lexicon.terms)  # first-person words, not in `context`
        self._terms = main.terms
        self._term_langs: tuple[str, ...] | None = None  # built when first needed
        self._substance = [any(is_substance(c) for c in t.denotes) for t in self._terms]
        self._names = frozenset(t.id for t in self._terms if t.person_name)  # "Molly", "Charlie"
        # Keys that forms in Cyrillic or Greek letters fold to in Latin letters (see
        # _latin_readings), per term, with the keys of its forms in Latin letters.
        self._lookalike = {i: k for i, t in enumerate(self._terms) if (k := _lookalike_keys(t))}
        self._any_nonlatin = bool(self._lookalike)
        self._innocent: dict[int, re.Pattern[str]] = {}
        self._last_context: tuple[str | None, tuple[RawMatch, ...]] = (None, ())
        self._reading: dict[tuple[tuple[int, ...], str | None], int] = {}  # see _match
        self._measured: dict[tuple[int, str, str | None], tuple[str, str, bool]] = {}  # _match
        self._spellings: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # _bare_word
        # The C prefilter's check, called straight from scan: on a clean post (most of what a
        # platform scans, in any script) the layers of Python calls around it cost more than it
        # does.
        self._fast_check = self.compiled.fast.check if self.compiled.fast is not None else None

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def default(cls, config: ScoringConfig | None = None) -> Scanner:
        """The scanner for the Knowledge Package bundled with narcolex (parsed once per
        process: the YAML takes about a second, the compiled automata are cached anyway)."""
        return cls(_bundled_lexicon(), config)

    @classmethod
    def from_lexicon(
        cls, lexicon: Lexicon, config: ScoringConfig | None = None, limits: ScanLimits | None = None
    ) -> Scanner:
        return cls(lexicon, config, limits)

    @classmethod
    def from_release(
        cls,
        path: str | Path,
        config: ScoringConfig | None = None,
        expect_sha256: str | None = None,
    ) -> Scanner:
        """The scanner for a release bundle (folder or zip), after checking its content hash
        against its manifest (and against `expect_sha256` when the caller knows it)."""
        bundle = read_bundle(path)
        bundle.verify(expect_sha256)
        return cls(bundle.lexicon(), config)

    # -- scanning -----------------------------------------------------------------------------

    def scan(self, text: str, lang: str | None = None, id: str | None = None) -> Finding:
        """The finding for one post; `lang` (ISO 639-1) overrides language identification.

        A post longer than `limits.post_chars` is scanned up to the cap, and at most
        `limits.matches` matches are assessed; such a finding has `truncated` set."""
        if type(text) is str and len(text) > self._post_chars:
            cut = self.scan(text[: self._post_chars], lang, id)
            return _truncated(cut, f"post cut at {self._post_chars} characters")
        fast = None  # the C check's answer, computed once here and handed to the matcher
        # Misspelt names ("Diazapam 10mg", "10 x 2mg Lorazapam") are read in every post that
        # lists a listing's amount, also where the prefilter found no term: 1 in 150 of the
        # dev tweets that it rejects lists one.
        slips: list[RawMatch] | None = None
        if self._fast_check is not None and type(text) is str:
            fast = self._fast_check(text)
            if fast == 0:
                if not lists_amount(text):
                    return _clean_finding(lang, id)
                slips = self.compiled.misspellings(text, [])  # no term to read around
                if not slips:
                    return self._price_list(text, lang, id, (), True) or _clean_finding(lang, id)
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        raw = self.compiled.find(text, fast)
        if slips is None and lists_amount(text):
            slips = self.compiled.misspellings(text, raw)
        if slips:
            raw = sorted((*raw, *slips), key=lambda r: r.start)
        if raw and self._any_nonlatin:
            raw = self._latin_readings(text, raw)
        capped = len(raw) > self.limits.matches
        if capped:
            raw = raw[: self.limits.matches]
        if raw and not self._names_substance(raw):
            # Cost follows evidence: sale-context words alone make a clean post in any
            # language, so no language identification, signals or score (see _signal_only).
            finding = self._signal_only(text, raw, lang, id)
            if capped and finding.matches:
                return _truncated(finding, f"only the first {self.limits.matches} matches")
            return finding
        language = _PostLanguage(text, lang)  # identified once, when first needed
        if raw:  # a look-alike spelling, not a native word of a Cyrillic or Greek post
            raw = [r for r in raw if not self._native_word(text, r)]
            raw = self._without_innocent(text, raw)
            raw = [
                r
                for r in raw
                if not self._code_as_word(text, r, language)
                and not self._bare_word(text, r, language)
                and not self._accented_word(text, r, language)
                and not self._misspelt_word(text, r, language)
            ]
        if not raw:  # findings are immutable: shared when possible
            return self._price_list(text, lang, id, ()) or _clean_finding(lang, id)
        post_lang = lang
        if post_lang is None and self._needs_language(raw):
            post_lang = language() or self._words_language(text, raw)
        finding = self._assess(text, raw, post_lang, id)
        if finding.verdict == "sale" and lang is None and post_lang is None:
            # Offers are what moderators and monitoring act on: they always get a language
            # (and the score is recomputed with it, as for any post whose language is known).
            guess = language()
            if guess is not None:
                finding = self._assess(text, raw, guess, id)
        if capped:
            return _truncated(finding, f"only the first {self.limits.matches} matches")
        return finding

    def _words_language(self, text: str, raw: list[RawMatch]) -> str | None:
        """A short post's language from its words and its terms' languages (wordlang)."""
        terms = self._terms
        return words_language(
            text, ((r.start, r.end, frozenset(terms[i].lang for i in r.terms)) for r in raw)
        )

    def _names_substance(self, raw: list[RawMatch]) -> bool:
        """Some reading of some match denotes a substance (not only sale-context words)."""
        substance = self._substance
        return any(substance[i] for r in raw for i in r.terms)

    def _signal_only(
        self, text: str, raw: list[RawMatch], lang: str | None, id: str | None
    ) -> Finding:
        """The clean finding of a post whose matches are all sale-context words ("shop",
        "DM", "poruka"): no reading names a substance, so no language, signal or score can
        make it anything but clean. The words stay in the finding as matches (monitoring
        counts them as sightings, the try page shows them), after the language-free filters
        only: the filter of codes written as everyday words needs the post's language, and
        whether "dm" is a code or a word changes nothing in a clean post."""
        raw = [r for r in raw if not self._native_word(text, r)]
        raw = self._without_innocent(text, raw)
        matches = tuple(self._match(text, r, lang) for r in raw)
        offer = self._price_list(text, lang, id, matches)
        if offer is not None:
            return offer
        if not raw:
            return _clean_finding(lang, id)
        return Finding("clean", 0.0, lang, (), (), matches, _SIGNAL_ONLY_EXPLANATION, id)

    def warm(self) -> None:
        """Build now what the scanner otherwise builds on first use: the language models, the
        misspelling index, each package language's word frequencies and the patterns of the
        terms' innocent readings. A server calls it
        before its first request, so that no request in a new language waits tens of
        milliseconds for a table (the slowest one percent of requests did)."""
        self.compiled._slips()
        detect_language("a sentence of ordinary words to load the language models")
        for lang in self._languages():
            commonness.zipf("a", lang)
        for i, t in enumerate(self._terms):  # the innocent readings' patterns (0.15 s)
            if t.innocent and i not in self._innocent:
                self._innocent[i] = _innocent_regex(t.innocent)

    def _languages(self) -> tuple[str, ...]:
        """The languages of the package's terms (for words of a post of unknown language)."""
        if self._term_langs is None:
            self._term_langs = tuple(sorted({t.lang for t in self._terms} - {"und"}))
        return self._term_langs

    def _price_list(
        self,
        text: str,
        lang: str | None,
        id: str | None,
        matches: tuple[Match, ...],
        amount: bool | None = None,
    ) -> Finding | None:
        """The sale finding of a post that names no drug but is a dealer's price list by
        weight (scoring.retail_offer), or None. Most posts without a drug word have no
        weight, and end at the first check. `amount`: lists_amount(text), when known."""
        if not _WEIGHT_HINT.search(text):
            return None  # no gram or ounce written anywhere: no price list by weight
        if amount is None:
            amount = lists_amount(text)
        if not amount and not any(m.signal_codes for m in matches):
            return None
        signals = list(_pattern_signals(text))
        taken = [(m.start, m.end) for m in matches]
        if retail_offer(text, signals, self.config, lambda w: True, taken) is None:
            return None  # no list shape, whatever its words: no language needed
        post_lang = lang or _PostLanguage(text, None)()
        # The post's language (and English, the lingua franca of markets), else every
        # language of the package: "og" and "due" are function words, "tea" is a product.
        langs = (post_lang, "en") if post_lang else self._languages()

        def function_word(word: str) -> bool:
            return commonest(word.lower(), langs)[0] >= FUNCTION_WORD_ZIPF

        context = self._context_cues(text, post_lang)
        sc = retail_offer(text, signals, self.config, function_word, taken, context)
        if sc is None or sc.verdict != "sale":
            return None
        shown = ", ".join(f"{s.code.removeprefix('signal.')} {s.surface!r}" for s in signals[:8])
        contrib = "; ".join(f"{c.label} {c.weight:+.2f}" for c in sc.contributions)
        expl = (
            f"sale: looks like an offer to sell or supply drugs (p={sc.probability:.2f}). "
            f"Cues: {shown}. Score: {contrib}."
        )
        return Finding(
            verdict="sale",
            score=sc.probability,
            lang=post_lang,
            substances=(),
            signals=tuple(sorted({s.code for s in signals})),
            matches=matches,
            explanation=expl,
            id=id,
            signal_details=tuple(signals),
            contributions=sc.contributions,
        )

    def _assess(
        self, text: str, raw: list[RawMatch], post_lang: str | None, id: str | None
    ) -> Finding:
        """Signals, score and explanation for a post with matches, in a known language."""
        matches = [self._match(text, r, post_lang) for r in raw]
        subs = [m for m in matches if m.substances]
        if not subs:
            expl = _SIGNAL_ONLY_EXPLANATION  # substance readings were filtered away
            return Finding("clean", 0.0, post_lang, (), (), tuple(matches), expl, id)
        signals = [
            Signal(code, m.surface, m.start, m.end, "lexicon")
            for m in matches
            if not is_foreign(m.lang, post_lang)  # signal words are language-specific
            and not clock_time(text, m.start, m.end)
            for code in m.signal_codes
        ]
        seen = {(s.code, s.start, s.end) for s in signals}
        # A number inside a term is part of its name ("2C-8 blotters" is no 8 blotters).
        inside = [(m.start, m.end) for m in subs if any(c.isdigit() for c in m.surface)]
        signals.extend(
            s
            for s in _pattern_signals(text)
            if (s.code, s.start, s.end) not in seen and not any(a < s.start < b for a, b in inside)
        )
        signals.sort(key=lambda s: s.start)
        context = self._context_cues(text, post_lang)
        sc = score(text, subs, signals, self.config, post_lang, context, self._names)
        substances: tuple[str, ...] = ()
        if sc.verdict != "clean":  # a lone ambiguous word is reported as a match, not a drug
            substances = tuple(
                dict.fromkeys(
                    c
                    for m in subs
                    if m.ambiguity == "low" or not is_foreign(m.lang, post_lang)
                    for c in m.substances
                )
            )
        codes = tuple(sorted({s.code for s in signals}))
        return Finding(
            verdict=sc.verdict,
            score=sc.probability,
            lang=post_lang,
            substances=substances,
            signals=codes,
            matches=tuple(matches),
            explanation=deferred(explain, sc, matches, signals),  # written when first read
            id=id,
            signal_details=tuple(signals),
            contributions=sc.contributions,
        )

    def _context_cues(self, text: str, post_lang: str | None) -> list[ContextCue]:
        """The context words of the post's language (all of them, words of three letters or
        more, when the language is unknown): who speaks to whom, ordinary commerce."""
        out = self._narrator.cues(text, post_lang)
        if self._context is None:
            return out
        terms = self._context.terms
        # An offer is assessed twice (without, then with its language, see scan); where the
        # context words are does not depend on the language: found once per post. The entry
        # is swapped atomically and keyed by the text object it holds (see _pattern_signals).
        last = self._last_context
        if last[0] is text:
            found = last[1]
        else:
            found = tuple(self._context.find(text))
            self._last_context = (text, found)
        for r in found:
            ts = [
                terms[i]
                for i in r.terms
                if (post_lang is None and (r.end - r.start >= 3 or " " in terms[i].term))
                or (post_lang is not None and not is_foreign(terms[i].lang, post_lang))
            ]
            # Unknown language: another language's context word that is an everyday English
            # word as written ("ring", Danish "call!") is read as the English word.
            if (
                post_lang is None
                and ts
                and all(t.lang != "en" for t in ts)
                and commonness.zipf(text[r.start : r.end], "en") >= commonness.MEDIUM
            ):
                ts = []
            surface = text[r.start : r.end]
            if (  # "bán" (sells) is no "bạn" (you): see _accented_word
                ts
                and post_lang
                and _LATIN_ACCENT.search(surface)
                and commonness.zipf(surface, post_lang) >= commonness.MEDIUM
            ):
                ts = [t for t in ts if not _other_diacritics(surface, t)]
            if ts:
                code = ts[0].denotes[0]
                out.append(ContextCue(code, surface, r.start, r.end))
        return out

    def _without_innocent(self, text: str, raw: list[RawMatch]) -> list[RawMatch]:
        """Matches inside an innocent phrase of one of their readings taken away ("snow
        shovel", "crack repair kit"): the phrase is what the post wrote, so it cancels every
        reading of the span, whichever language's entry lists it ("weed killer" is no Norwegian
        weed either)."""
        return [r for r in raw if not any(self._inside_innocent(text, r, i) for i in r.terms)]

    def _inside_innocent(self, text: str, r: RawMatch, i: int) -> bool:
        phrases = self._terms[i].innocent
        if not phrases:
            return False
        pattern = self._innocent.get(i)
        if pattern is None:
            pattern = self._innocent[i] = _innocent_regex(phrases)
        lo = max(0, r.start - 200)
        return any(
            m.start() <= r.start and r.end <= m.end()
            for m in pattern.finditer(text, lo, min(len(text), r.end + 200))
        )

    def _needs_language(self, raw: list[RawMatch]) -> bool:
        """Language only changes the score for ambiguous terms and signal words of a language
        other than English (English is never foreign, see scoring.is_foreign), and only where
        the readings of a form differ in ambiguity or in being a signal word: "weed" is read
        alike in English, Dutch and Swedish. Only posts with such forms pay for identifying
        the language (offers always get one, see scan), and only when some form can name a
        substance: sale-context words alone make a clean post in any language."""
        if not any(self._substance[i] for r in raw for i in r.terms):
            return False
        for r in raw:
            terms = [self._terms[i] for i in r.terms]
            if not any(
                t.lang not in ("und", "en") and (t.ambiguity != "low" or _is_signal_word(t))
                for t in terms
            ):
                continue
            # Confidence moves a term's weight by a tenth at most: not worth a language.
            readings = {(t.ambiguity, _is_signal_word(t)) for t in terms}
            if len(readings) > 1 or not any(t.lang in ("und", "en") for t in terms):
                return True
        return False

    def _latin_readings(self, text: str, raw: list[RawMatch]) -> list[RawMatch]:
        """A word written wholly in Latin letters is no reading of a form written in
        Cyrillic or Greek: folding maps look-alike letters to Latin so that "cσcαιηє" finds
        "cocaine", which also folds Serbian "топ" to "ton" (the reverse of _native_word).
        Such a reading stays only when one of the term's forms in Latin letters has the key."""
        lookalike = self._lookalike
        out = []
        for r in raw:
            if any(i in lookalike for i in r.terms):
                span = text[r.start : r.end]
                if all(_script(c) == "latin" for c in span if c.isalpha()):
                    key = normalize_key(span)
                    keys = {key, squeeze_key(key)}
                    keep = tuple(
                        i
                        for i in r.terms
                        if i not in lookalike
                        or not keys & lookalike[i][0]
                        or keys & lookalike[i][1]
                    )
                    if not keep:
                        continue
                    r = replace(r, terms=keep)
            out.append(r)
        return out

    def _native_word(self, text: str, r: RawMatch) -> bool:
        """A word written wholly in Cyrillic or Greek, in a post mostly in that script, is a
        word of that language ("от" in Bulgarian), not a look-alike spelling of a Latin term
        ("ot"): look-alike evasion happens inside posts written in the other script."""
        letters = [c for c in text[r.start : r.end] if c.isalpha()]
        if not letters:
            return False
        script = _script(letters[0])
        if script not in ("cyrillic", "greek") or any(_script(c) != script for c in letters):
            return False
        for i in r.terms:
            if any(_script(c) == script for c in self._terms[i].term):
                return False  # the term itself is written in that script
        own = sum(1 for c in text if c.isalpha() and _script(c) == script)
        return own * 2 > sum(1 for c in text if c.isalpha())

    def _match(self, text: str, r: RawMatch, post_lang: str | None) -> Match:
        def rank(i: int) -> tuple[int, int, int, int]:
            t = self._terms[i]
            # The post's language first, then language-free and English readings (the lingua
            # franca of online markets: "heroin" is read as English, not as a Polish variant).
            lang_rank = 0 if t.lang == post_lang else 1 if t.lang in ("und", "en") else 2
            has_substance = any(not c.startswith("signal.") for c in t.denotes)
            # Among the rest, the most ambiguous reading wins: a form that is an everyday word
            # in one language must not borrow another's certainty.
            amb = -_AMBIGUITY_RANK.get(t.ambiguity, 1)
            return (lang_rank, 0 if has_substance else 1, amb, 0 if t.lang == "en" else 1)

        # The reading depends only on the readings and the language: chosen once for each
        # (a form such as "coke" has readings in many languages, and posts repeat forms).
        key = (r.terms, post_lang)
        best = self._reading.get(key)
        if best is None:
            best = min(r.terms, key=rank)
            if len(self._reading) < _READING_CACHE:
                self._reading[key] = best
        t = self._terms[best]
        surface = text[r.start : r.end]
        # How common the form is depends only on the reading, the form and the language:
        # measured once for each (posts repeat forms; a listing names its drug many times).
        mkey = (best, surface, post_lang)
        measured = self._measured.get(mkey)
        if measured is None:
            ambiguity, note = self._measured_ambiguity(t, surface, post_lang)
            measured = (ambiguity, note, self._generic_word(t, surface))
            if len(self._measured) < _MEASURED_CACHE:
                self._measured[mkey] = measured
        ambiguity, note, generic = measured
        if r.misspelt and not note:
            note = "a misspelling"
        return Match(
            term_id=t.id,
            term=t.term,
            surface=surface,
            start=r.start,
            end=r.end,
            kind=t.kind,
            denotes=t.denotes,
            lang=t.lang,
            ambiguity=ambiguity,
            confidence=t.confidence,
            note=note,
            generic=generic,
        )

    def _generic_word(self, t: LexiconTerm, surface: str) -> bool:
        """drugs.generic names both the words for drugs in general and medicines without a
        code of their own; the words are common words of their language (wordfreq), the
        medicines are not ("Drogen" Zipf 4.5, "Rauschgift" 3.3; "modafinil" 2.6)."""
        if t.denotes != ("drugs.generic",) or t.lang == "und" or t.kind == "brand":
            return False
        words = {*surface.lower().split(), *t.term.lower().split()}
        return max(commonness.zipf(w, t.lang) for w in words) >= commonness.MEDIUM

    def _measured_ambiguity(
        self, t: LexiconTerm, surface: str, post_lang: str | None
    ) -> tuple[str, str]:
        """The term's ambiguity, raised where the form is measurably an everyday word of the
        post's language (of English and the term's own language when that is unknown):
        `high` when very common, at least `medium` for a reading from another language or a
        language-free code (see detect.commonness)."""
        if t.kind in ("emoji", "emoji_sequence"):
            return t.ambiguity, ""
        form = surface.strip()
        if not form.isalpha():  # one word: wordfreq has no frequency for a phrase as such
            return t.ambiguity, ""
        if t.ambiguity == "high":
            # Already the lowest weight; but another language's slang that is an everyday word
            # of the post ("za", English for cannabis, is Croatian "for") is noted, so that it
            # makes no pair or menu with a real drug name.
            if post_lang and post_lang != t.lang:
                z = commonness.zipf(form, post_lang)
                if z >= commonness.HIGH:
                    return "high", f"an everyday word in {post_lang}, Zipf {z:.1f}"
            return "high", ""
        langs = (post_lang,) if post_lang else ("en", t.lang)
        z, where = commonest(form, langs)
        if z >= commonness.HIGH:
            return "high", f"an everyday word in {where}, Zipf {z:.1f}"
        # A word of another language than the term's: common there for other reasons than
        # the drug ("kokain" is common in Czech because it is the Czech word for it).
        other = tuple(x for x in langs if x != t.lang and not same_group(x, t.lang))
        if t.ambiguity == "low" and other and t.lang not in ("en", post_lang):
            z, where = commonest(form, other)
            if z >= commonness.MEDIUM:
                return "medium", f"a word of {where}, Zipf {z:.1f}"
        return t.ambiguity, ""

    def _code_as_word(self, text: str, r: RawMatch, language: _PostLanguage) -> bool:
        """A language-free code ("DOM", "DOC") written as a word of running text ("dom") in
        a language where that word is common: a word, not the code."""
        surface = text[r.start : r.end]
        if code_like(surface) or not surface.isalpha():
            return False
        if not all(
            self._terms[i].lang == "und" and self._terms[i].kind == "abbreviation" for i in r.terms
        ):
            return False  # strain and brand names are written as words ("Cheese", "Soma")
        return _common_in_post(surface, language)

    def _bare_word(self, text: str, r: RawMatch, language: _PostLanguage) -> bool:
        """A term spelled with diacritics ("šit", "péro", "kübar") found written without them
        ("sit", "pero", "kubar"): sellers drop diacritics, but the bare spelling is also a word
        of its own, and where it is an everyday word of the post's language (English when
        that is unknown) it is that word ("sit down", Spanish "pero"), not the term."""
        surface = text[r.start : r.end]
        if not surface.isascii() or not surface.isalpha():
            return False
        key = surface.casefold()
        bare = False
        for i in r.terms:
            if self._terms[i].lang == "und":
                return False  # a language-free name keeps its spellings
            spelled, folded = self._spellings_of(i)
            if key in spelled:
                return False  # a reading spelled just so: the post wrote the term as it is
            bare = bare or key in folded
        if not bare:
            return False  # another spelling (doubled letters, leet...), not a dropped diacritic
        return _common_in_post(surface, language)

    def _accented_word(self, text: str, r: RawMatch, language: _PostLanguage) -> bool:
        """The reverse of _bare_word: a word written with diacritics that no form of the term
        has ("trên", "kết", "trăm" against "Tren", "ket", "tram"), which matched because
        diacritics are folded away. Where it is a word of the post's language (Vietnamese
        writes a diacritic on most syllables) it is that word; a spelling that is no word
        ("cöcaine") stays the term, and so does any other language's spelling of the term."""
        surface = text[r.start : r.end]
        if surface.isascii() or not surface.isalpha() or not _LATIN_ACCENT.search(surface):
            return False
        if not all(_other_diacritics(surface, self._terms[i]) for i in r.terms):
            return False
        # A word of no language at all ("cöcäïne", a diacritics evasion) is the term: known
        # without identifying the post's language, which costs far more than these lookups.
        if not _a_word_somewhere(surface.casefold()):
            return False
        return _common_in_post(surface, language)

    def _misspelt_word(self, text: str, r: RawMatch, language: _PostLanguage) -> bool:
        """A misspelling of a drug's name ("diazapam") that is a word in its own right in
        the post's language, English or the term's language ("heroine" is one slip from
        "heroin"): the word, not the drug."""
        if not r.misspelt:
            return False
        lang = language()
        langs = dict.fromkeys((lang or "en", "en", *(self._terms[i].lang for i in r.terms)))
        z, _ = commonest(text[r.start : r.end], tuple(x for x in langs if x != "und"))
        return z >= commonness.MEDIUM

    def _spellings_of(self, i: int) -> tuple[frozenset[str], frozenset[str]]:
        """A term's ASCII forms (casefolded) and its other forms with their diacritics folded
        away ("šit" -> "sit"): worked out once per term, on its first match."""
        got = self._spellings.get(i)
        if got is None:
            t = self._terms[i]
            forms = (t.term, *t.variants)
            got = (
                frozenset(f.casefold() for f in forms if f.isascii()),
                frozenset(fold(f) for f in forms if not f.isascii()),
            )
            self._spellings[i] = got
        return got

    def scan_item(self, item: PostLike) -> Finding:
        """Scan a post given as text, a mapping with `text` (and `id`, `lang`), or a tuple."""
        text, lang, pid = _parse_item(item)
        return self.scan(text, lang=lang, id=pid)

    def scan_many(
        self, items: Iterable[PostLike], workers: int = 1, chunksize: int = 64
    ) -> Iterator[Finding]:
        """Findings for `items`, streamed in input order; `workers > 1` uses processes
        (see detect.parallel for how the work is shared)."""
        if workers <= 1:
            for item in items:
                yield self.scan_item(item)
            return
        from narcolex.detect.parallel import scan_in_processes

        yield from scan_in_processes(self, items, workers, chunksize)

    def pool(self, workers: int = 2, chunksize: int = 64) -> WorkerPool:
        """Helper processes kept for several `scan_many` calls: `with scanner.pool(2) as p:
        for batch in batches: p.scan_many(batch)`. `scan_many(workers=N)` starts and stops
        its helpers on every call; a kept pool pays the start once (see detect.parallel)."""
        from narcolex.detect.parallel import WorkerPool

        return WorkerPool(self, workers, chunksize)


# Latin letters with a diacritic (Latin-1, Extended-A and -B, Extended Additional).
_LATIN_ACCENT = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")


def _other_diacritics(surface: str, t: LexiconTerm) -> bool:
    """`surface` is one of the term's forms with diacritics that form does not have: only
    the diacritics differ, and no form is written so."""
    key, bare = surface.casefold(), fold(surface)
    forms = (t.term, *t.variants)
    if any(f.casefold() == key for f in forms):
        return False
    return any(fold(f) == bare for f in forms)


class NarratorWords:
    """The first-person words of someone telling (context.narrator: "I", "my", "ich"), per
    language, found as written wherever they are, also inside a longer context phrase ("I
    have"): a narrative counts every one of them. Read in the post's language only when it is
    known (Italian "i" is "the", Danish "i" is "in"); in every language when it is not, short
    pronouns too, which other context words of three letters or less are not."""

    def __init__(self, terms: Iterable[LexiconTerm]) -> None:
        words: dict[str, set[str]] = {}
        for t in terms:
            if _NARRATOR in t.denotes:
                words.setdefault(t.lang, set()).update((t.term, *t.variants))
        self._by_lang = {lang: _words_pattern(ws) for lang, ws in words.items()}
        every = set().union(*words.values()) if words else set()
        self._every = _words_pattern(every) if every else None

    def cues(self, text: str, post_lang: str | None) -> list[ContextCue]:
        pattern = self._every if post_lang is None else self._by_lang.get(post_lang)
        if pattern is None:
            return []
        found = pattern.finditer(text)
        return [ContextCue(_NARRATOR, m.group(), m.start(), m.end()) for m in found]


_NARRATOR = "context.narrator"


def _words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![\w.\-*_/])(?:{alts})(?![\w.\-*_/])", re.IGNORECASE)


# Languages written in Latin letters with diacritics: where a word with diacritics can be an
# everyday word (the tables of the others, the largest ones, are not read for this).
_NOT_LATIN_DIACRITICS = frozenset(
    {"en", "id", "und", "ar", "bg", "el", "ru", "uk", "ja", "ko", "zh", "th", "he"}
)
_LATIN_DIACRITIC_LANGUAGES = tuple(c for c in taxonomy.LANGUAGES if c not in _NOT_LATIN_DIACRITICS)


@lru_cache(maxsize=8192)
def _a_word_somewhere(word: str) -> bool:
    """`word` is a real word (Zipf >= MEDIUM) of some language that writes diacritics."""
    return commonest(word, _LATIN_DIACRITIC_LANGUAGES)[0] >= commonness.MEDIUM


def _common_in_post(surface: str, language: _PostLanguage) -> bool:
    """`surface` is a real word (Zipf >= MEDIUM) of the post's language, English when that is
    unknown: what makes a code or a bare spelling an everyday word rather than the term."""
    lang = language()
    z, _ = commonest(surface, (lang,) if lang else ("en",))
    return z >= commonness.MEDIUM


_LAST_SIGNALS: tuple[str | None, tuple[Signal, ...]] = (None, ())


def _pattern_signals(text: str) -> tuple[Signal, ...]:
    """find_signals(text), remembered for the post being scanned: an offer is assessed twice
    (without, then with its language, see scan) and the patterns do not depend on the
    language. One entry, swapped atomically, keyed by the text object itself (held here, so
    its identity cannot be reused), so threads sharing a scanner never see another post's."""
    global _LAST_SIGNALS
    last = _LAST_SIGNALS
    if last[0] is text:
        return last[1]
    found = tuple(find_signals(text))
    _LAST_SIGNALS = (text, found)
    return found


def _lookalike_keys(t: LexiconTerm) -> tuple[frozenset[str], frozenset[str]] | None:
    """(the all-ASCII keys of the term's forms written in Cyrillic or Greek, the keys of its
    forms written in Latin letters), or None when no form folds from those scripts to Latin."""
    forms = (t.term, *t.variants)
    if all(f.isascii() for f in forms):  # most terms: nothing to fold from another script
        return None
    scripted = [f for f in forms if any(_script(c) in ("cyrillic", "greek") for c in f)]
    other: set[str] = set()
    for form in scripted:
        key = normalize_key(form)
        if key.isascii():
            other |= {key, squeeze_key(key)}
    if not other:  # accented Latin terms, and words that stay Cyrillic or Greek when folded
        return None
    latin: set[str] = set()
    for form in forms:
        if form not in scripted and any(c.isalpha() for c in form):
            key = normalize_key(form)
            latin |= {key, squeeze_key(key)}
    return frozenset(other), frozenset(latin)


def _script(ch: str) -> str:
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    if "\u0370" <= ch <= "\u03ff":
        return "greek"
    return "latin" if ch.isascii() or "\u00c0" <= ch <= "\u024f" else "other"


_SPLIT: dict[int, tuple[Lexicon, Lexicon, Lexicon | None]] = {}


def _split(lexicon: Lexicon) -> tuple[Lexicon, Lexicon | None]:
    """(the lexicon without context words, the context words or None); the same objects
    for the same lexicon object, so that compiled automata are found by identity. A term that
    also carries a context code ("vendo": an offer word, and a supplier speaking) is in both,
    with the codes of each side; its context codes read the headword only, since its variants
    are other forms ("Verkauf", the noun, is not a supplier's "verkaufe"). A term that is only
    a first-person word is in neither: NarratorWords reads it as written."""
    hit = _SPLIT.get(id(lexicon))
    if hit is not None and hit[0] is lexicon:
        return hit[1], hit[2]
    main_terms: list[LexiconTerm] = []
    ctx: list[LexiconTerm] = []
    for t in lexicon.terms:
        codes = [c for c in t.denotes if is_context(c)]
        if not codes:
            main_terms.append(t)
            continue
        if codes == [_NARRATOR] == list(t.denotes):
            continue  # read as written by NarratorWords, never by the context automaton
        if len(codes) == len(t.denotes):
            ctx.append(t)
        else:
            ctx.append(replace(t, denotes=tuple(codes), variants=()))
        rest = tuple(c for c in t.denotes if not is_context(c))
        if rest:
            main_terms.append(replace(t, denotes=rest))
    if not ctx:
        main, context = lexicon, None
    else:
        main = Lexicon(
            terms=tuple(main_terms),
            version=lexicon.version,
            substance_labels=lexicon.substance_labels,
        )
        context = Lexicon(terms=tuple(ctx), version=f"{lexicon.version}+context")
    if len(_SPLIT) > 8:
        _SPLIT.clear()
    _SPLIT[id(lexicon)] = (lexicon, main, context)
    return main, context


@lru_cache(maxsize=1)
def _bundled_lexicon() -> Lexicon:
    from narcolex.package.content import load_content

    return load_content().lexicon()


def _is_signal_word(t: LexiconTerm) -> bool:
    return all(c.startswith("signal.") for c in t.denotes)


def _parse_item(item: PostLike) -> tuple[Any, str | None, str | None]:
    """(text, lang, id) of a post given as text, a mapping or an (id, text[, lang]) tuple."""
    if type(item) is str:
        return item, None, None
    if isinstance(item, Mapping):
        pid = item.get("id")
        return item.get("text") or "", item.get("lang") or None, None if pid is None else str(pid)
    if isinstance(item, tuple):
        pid, text, *rest = item
        return text, (rest[0] if rest else None), None if pid is None else str(pid)
    if isinstance(item, str):
        return item, None, None
    raise InputError(f"cannot scan a {type(item).__name__}: give text or {{'id', 'text'}}")


def _truncated(finding: Finding, why: str) -> Finding:
    """`finding`, marked as cut by a cap (the explanation says where)."""
    from dataclasses import replace

    note = f" (truncated: {why})"
    return replace(finding, truncated=True, explanation=finding.explanation + note)


def _clean_finding(lang: str | None, id: str | None) -> Finding:
    """The finding of a post with no lexicon term (shared per language when it has no id)."""
    if id is None:
        hit = _CLEAN.get(lang)
        if hit is None:
            hit = Finding("clean", 0.0, lang, (), (), (), _CLEAN_EXPLANATION)
            if len(_CLEAN) < 64:
                _CLEAN[lang] = hit
        return hit
    return Finding("clean", 0.0, lang, (), (), (), _CLEAN_EXPLANATION, id)


def _clean_item(item: PostLike) -> Finding:
    _text, lang, pid = _parse_item(item)
    return _clean_finding(lang, pid)
