"""From matches and signals to a probability of a sale offer, and then to a verdict.

The model is a hand-set logistic score so that every point is explainable: a bias, plus
substance evidence (each term's ambiguity and confidence), plus one weight per sale-signal
class (weighted down when the cue is far from any substance term), plus a bonus when a stock
quantity is attached to a term ("5g of X"; a number of units next to each unit's strength,
"10x 220mg", is such a quantity too, and so is a strength in a listing's title, "X 54 mg"),
minus counter-evidence (first-person narrative, an account of taking a drug or of a
treatment, information products such as guides, reporting words such as police or court,
feedback on a purchase such as ratings or thanks) when the cues alone would make a sale.
`sigmoid(sum)` is the score.
Gates then cap the verdict: no sale cue means no sale (emoji cues alone are none); ambiguous
terms and emoji need a plausibly priced drug quantity attached.
Weights were set on the principle "a listing with a substance and a stock quantity or price is
an offer" and checked against the development set; the thresholds are deployment settings
(`ScoringConfig`, environment `NARCOLEX_SALE_THRESHOLD`).
"""

from __future__ import annotations

import math
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from narcolex.detect import scripts
from narcolex.detect.finding import Contribution, Match, Signal
from narcolex.detect.signals import (
    DIGITAL,
    GATE,
    REVIEW,
    TREATMENT_STORY,
    USE_STORY,
)
from narcolex.taxonomy import substance_group

NARRATIVE_MIN = 60  # shorter texts are titles or one-liners, not narratives


def _default_signal_weights() -> dict[str, float]:
    return {
        "signal.price:unit_price": 2.2,
        "signal.price:price": 1.8,
        "signal.quantity:weight": 1.6,
        "signal.quantity:count": 1.3,
        "signal.quantity:multiplier": 1.1,
        "signal.quantity:pieces": 1.1,
        "signal.quantity:dose": 0.9,
        "signal.contact:messenger": 1.8,
        "signal.contact:link": 0.5,
        "signal.contact:app_id": 1.8,
        "signal.contact:phone": 1.6,
        "signal.contact:handle": 0.7,
        "signal.platform:app": 0.8,
        "signal.payment:payment": 1.0,
        "signal.menu:menu": 1.5,
        "signal.quality:purity": 0.9,
        "signal.quality:grade": 0.7,
        # lexicon signal words, by code
        "signal.offer:lexicon": 1.4,
        "signal.contact:lexicon": 1.2,
        "signal.platform:lexicon": 0.8,
        "signal.delivery:lexicon": 1.1,
        "signal.price:lexicon": 1.0,
        "signal.quantity:lexicon": 0.8,
        "signal.quality:lexicon": 0.6,
        "signal.payment:lexicon": 1.0,
        "signal.menu:lexicon": 1.0,
        "signal.dealer:lexicon": 1.0,
        "signal.discreet:lexicon": 1.0,
    }


# Languages close enough that identification confuses them and slang crosses over.
# Japanese and Chinese share their Han words, and a short post in Han alone is either.
_LANG_GROUPS = (
    {"da", "no", "sv"}, {"hr", "sr", "sl"}, {"cs", "sk"}, {"ru", "uk", "bg"}, {"ja", "zh"},
)  # fmt: skip


def is_foreign(term_lang: str, post_lang: str | None) -> bool:
    """True when the post's language is known and the term belongs to another one."""
    if not post_lang or term_lang in ("und", "en", post_lang):
        return False  # English drug slang is the lingua franca of online markets
    return not same_group(term_lang, post_lang)


def same_group(a: str, b: str) -> bool:
    """Two languages of one group of _LANG_GROUPS."""
    return any(a in g and b in g for g in _LANG_GROUPS)


@dataclass(frozen=True)
class ScoringConfig:
    """Every number of the score; override per deployment."""

    sale_threshold: float = 0.5
    bias: float = -2.6
    ambiguity: dict[str, float] = field(
        default_factory=lambda: {"low": 2.2, "medium": 1.4, "high": 0.4}
    )
    confidence: dict[str, float] = field(
        default_factory=lambda: {"high": 1.0, "medium": 0.9, "low": 0.6}
    )
    emoji_factor: float = 0.5
    foreign_factor: float = 0.35  # an ambiguous term of another language than the post's
    foreign_low_factor: float = 0.8  # an unambiguous one (drug names travel between languages)
    digital: float = -1.8  # a guide or e-book about drugs is not a drug offer
    # per reporting word (police, seizure, court, study): not an offer. A headline has two or
    # three and a quantity ("police seize 10 kg of X"), which alone would read as stock.
    news: float = -1.5
    sourced: float = -0.9  # per study or survey word ("reported", "study"): also in product texts
    news_cap: float = -3.0
    use_story: float = -2.5  # "I took two pills": a user's story, whatever quantities it names
    treatment: float = -1.2  # per cue of a patient's account ("my doctor", "side effects")
    treatment_cap: float = -3.0
    review: float = -0.9  # per feedback cue (rating, thanks, received, will order again)
    review_cap: float = -3.6
    generic: float = 0.6  # at most, for a generic word ("drugs", "Betäubungsmittel")
    extra_term: float = 0.25  # each further distinct substance term
    extra_term_cap: float = 0.75
    signals: dict[str, float] = field(default_factory=_default_signal_weights)
    proximity: int = 200  # characters between a cue and the nearest substance term
    # Cues that mean something only right next to a substance term ("MDMA 84%"): a percentage
    # elsewhere is a discount, a battery level or a statistic.
    bound_only: frozenset[str] = frozenset({"purity"})
    bound: int = 25  # a stock quantity this close to a term is bound to it ("5g of X", "X 2g")
    # ... and anywhere in a title: a listing's or menu line's first characters name one product
    # and its quantity ("Pineapple Express - indoor - 8 ounces").
    title: int = 80
    bound_weight: float = 0.8
    far_factor: float = 0.5
    first_person: float = -0.3  # per first-person word, capped
    first_person_cap: float = -2.0
    # Who speaks to whom (context words of the post's language, knowledge/context/): an
    # offer addresses the reader, a report describes third parties.
    address: float = 0.4  # per distinct cue, only beside a sale cue (a question is no offer)
    address_cap: float = 0.6
    supply: float = 1.0  # per distinct cue of a supplier speaking ("vendo", "text me")
    supply_cap: float = 1.4
    report: float = -0.8  # per distinct reporting word not already counted as news/sourced
    # Ordinary commerce (material, size, model, warranty) when one term is all the drug
    # evidence: "stainless steel herb grinder 63 mm" is a product listing.
    commerce: float = -1.2
    commerce_cap: float = -3.0
    # Short-post evidence: an ambiguous (not highly) term right next to an offer, delivery or
    # contact cue ("Sommertilbud på coke", "Hashplader kbh levering") ...
    beside: int = 30
    # ... and a one-line post (one sentence, at most SHORT_POST characters) with a term and a
    # cue other than a lone strength: it has room for few cues ("<slang> <city> levering").
    short_bonus: float = 0.4
    # ... and a quality word written against the drug's name in one line ("premium coke"):
    # added to the quality cue's own weight, it makes such a line an offer.
    praised: float = 0.6
    # ... and two different substances named together, beside a sale cue or addressing the
    # reader ("brunt og grønt inne, ring"): each ambiguous, together they are drug talk.
    pair_bonus: float = 0.6
    # ... and a menu: three or more different substances making up most of a short post
    # ("speed, hash, coke"): a list of products is an offer's shape, not a sentence about drugs.
    menu: float = 1.4
    # ... and a shop's name: a drug and a place and nothing else ("Portsmouth Cannabis").
    shop: float = 1.4

    @classmethod
    def from_env(cls) -> ScoringConfig:
        raw = os.environ.get("NARCOLEX_SALE_THRESHOLD")
        if raw:
            try:
                return cls(sale_threshold=float(raw))
            except ValueError:
                from narcolex.errors import ConfigError

                raise ConfigError(f"NARCOLEX_SALE_THRESHOLD is not a number: {raw!r}") from None
        return cls()


@dataclass(frozen=True, slots=True)
class ContextCue:
    """A context word found in the post: `code` is a taxonomy context class."""

    code: str
    surface: str
    start: int
    end: int


@dataclass(frozen=True)
class Score:
    probability: float
    verdict: str
    contributions: tuple[Contribution, ...]
    gated: str | None = None  # why the verdict was capped, if it was


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def score(
    text: str,
    substance_matches: list[Match],
    signals: list[Signal],
    config: ScoringConfig,
    post_lang: str | None = None,
    context: list[ContextCue] | tuple[ContextCue, ...] = (),
    names: frozenset[int] = frozenset(),
) -> Score:
    """The sale probability and verdict for one post (see the module docstring). `names`:
    the ids of terms whose form is also a given name."""
    if not substance_matches:
        return Score(0.0, "clean", (Contribution("no substance term", 0.0),))
    contribs: list[Contribution] = [Contribution("base rate", config.bias)]
    weights: list[tuple[float, Match]] = []
    for m in substance_matches:
        w = config.ambiguity.get(m.ambiguity, 1.0) * config.confidence.get(m.confidence, 0.9)
        if m.kind in ("emoji", "emoji_sequence"):
            w *= config.emoji_factor
        if is_foreign(m.lang, post_lang):
            w *= config.foreign_low_factor if m.ambiguity == "low" else config.foreign_factor
        if m.generic:  # "drugs", "narcotics": how reports talk, offers name products
            w = min(w, config.generic)
        weights.append((w, m))
    weights.sort(key=lambda t: -t[0])
    best_w, best = weights[0]
    contribs.append(Contribution(f"substance term {best.surface!r} ({best.ambiguity})", best_w))
    seen_terms = {best.term_id}
    extra = 0.0
    for w, m in weights[1:]:
        if m.term_id in seen_terms:
            continue
        seen_terms.add(m.term_id)
        extra += min(config.extra_term, w)
    extra = min(extra, config.extra_term_cap)
    if extra:
        contribs.append(Contribution("further substance terms", extra))

    def weak(m: Match) -> bool:
        # A slang word of one language is only as good as the evidence that the post is in
        # that language: foreign, or unconfirmed when the language could not be identified
        # (Polish "here", "as" in another language: everyday words of English posts).
        local = m.lang in ("und", "en") or m.lang == post_lang
        unconfirmed = not local and (post_lang is None or is_foreign(m.lang, post_lang))
        return (
            (unconfirmed and m.ambiguity != "low")
            or m.ambiguity == "high"
            or m.kind in ("emoji", "emoji_sequence")
            or _only_generic(m)
        )

    strong_substance = not all(weak(m) for m in substance_matches)
    ctx: dict[str, set[str]] = {}
    spans = _SignalSpans(signals) if context else None
    speaks = False  # someone addresses the reader or offers, in words of the post's language
    narrator = [  # a letter of a spaced-out term ("C a n n a b i s") is nobody speaking
        c
        for c in context
        if c.code == "context.narrator"
        and not any(m.start <= c.start and c.end <= m.end for m in substance_matches)
    ]
    for c in context:
        if c.code == "context.narrator":
            continue  # someone telling: counter-evidence (_counter_evidence), and no title
        if c.code in ("context.address", "context.supply"):
            speaks = True
            if spans and spans.overlaps(c):
                continue  # "text me" is already a contact cue: its weight is counted there
        ctx.setdefault(c.code, set()).add(" ".join(c.surface.lower().split()))
    address = ctx.get("context.address", set())
    supply = ctx.get("context.supply", set())
    if signals and all(_is_emoji_cue(s) for s in signals):
        # Like an emoji drug code, an emoji cue (💯 "100 pills", 🔌 "plug") counts only beside
        # a cue in words or numbers: alone it is how people write ("smoking pot 💯").
        shown = " ".join(dict.fromkeys(s.surface for s in signals))
        contribs.append(Contribution(f"emoji cues alone {shown} (not counted)", 0.0))
        signals = []
    best_by_code: dict[str, tuple[float, Signal]] = {}
    near = _Nearest(substance_matches)
    for sig in signals:
        w = config.signals.get(f"{sig.code}:{sig.source}", 0.0)
        dist = near.distance(sig)
        if sig.source in config.bound_only and dist > config.bound:
            continue
        if dist > config.proximity:
            w *= config.far_factor
        if w > best_by_code.get(sig.code, (0.0, sig))[0]:
            best_by_code[sig.code] = (w, sig)
    for code, (w, sig) in sorted(best_by_code.items()):
        contribs.append(Contribution(f"{code.removeprefix('signal.')} {sig.surface!r}", w))
    if supply:  # "vendo", "hit me up": a supplier speaks, a sale cue of its own
        w = min(config.supply * len(supply), config.supply_cap)
        contribs.append(Contribution(f"a supplier speaks {sorted(supply)}", w))
    if address and (best_by_code or supply):
        w = min(config.address * len(address), config.address_cap)
        contribs.append(Contribution(f"addresses the reader {sorted(address)}", w))
    # A given name written as a name ("Molly and Charlie, our puppies") names someone: it
    # does not combine with other words into a list, a pair or two names of one drug.
    together = [m for m in substance_matches if not _written_as_name(m, names)]
    menu = _menu(text, together, post_lang, bool(address or supply or best_by_code))
    if menu:
        contribs.append(Contribution(f"a menu of drugs {menu}", config.menu))
    shop = _shop_name(text, substance_matches, signals, post_lang) if strong_substance else []
    if shop:
        contribs.append(Contribution(f"a drug and a place, a shop's name {shop}", config.shop))
    # An emoji combination ("❄️🍁💊") is a pair only beside two kinds of sale cue: alone, or
    # beside one, emoji are how people write about seasons and feelings.
    cue_kinds = len([c for c in best_by_code if c not in _PLACE_CODES]) + bool(supply)
    pair = _pair(text, together, post_lang, emoji=cue_kinds >= 2) and bool(
        best_by_code or address or supply or menu
    )
    if pair:
        shown = sorted({m.surface for m in substance_matches})
        contribs.append(Contribution(f"different substances together {shown}", config.pair_bonus))
    beside = None
    if not strong_substance and best_by_code:
        beside = _beside(text, substance_matches, signals, config.beside, post_lang)
        if beside is not None:
            m, sig = beside
            contribs.append(Contribution(f"{m.surface!r} right beside {sig.surface!r}", 0.0))
    one_line = len(text) <= SHORT_POST and not _SENTENCES.search(text.rstrip())
    own = _Nearest([m for m in substance_matches if not is_foreign(m.lang, post_lang)])
    stock = [s for s in signals if s.source in _STOCK]
    lot = _lot(text, signals, config.bound, config.title, narrator)
    if lot is not None:
        stock.insert(0, lot)
    bound = _bind(text, stock, own, config, narrator)
    if bound is None:
        doses = [s for s in signals if s.source == "dose"]
        opening = _listing_opening(text, config.title, narrator) if doses else None
        if opening is not None and any(x.start == opening for x in (*signals, *substance_matches)):
            # A strength binds like a stock quantity in a listing's title (_listing_opening).
            bound = _bind(text, doses, own, config, narrator)
    if bound:
        sig, m = bound
        contribs.append(
            Contribution(f"quantity {sig.surface!r} bound to {m.surface!r}", config.bound_weight)
        )
    praised = _praised(text, signals, own) if one_line else None
    if praised is not None:
        sig, m = praised
        contribs.append(Contribution(f"{sig.surface!r} praises {m.surface!r}", config.praised))
    one_line_bonus = None
    if (
        one_line
        and config.short_bonus
        and (bound or supply or menu or any(s.source != "dose" for _, s in best_by_code.values()))
    ):
        # A one-line post has room for few cues: a title, a caption, "<slang> <city> levering".
        # A strength alone is no such cue (a dose someone took, "yesterday X 500mg").
        one_line_bonus = Contribution("a one-line post", config.short_bonus)
        contribs.append(one_line_bonus)

    if _sigmoid(sum(c.weight for c in contribs)) >= config.sale_threshold:
        # Counter-evidence can only lower the score, so it is looked for only when the post
        # would otherwise be a sale (it costs the most regex time of the whole score).
        contribs.extend(_counter_evidence(text, config, ctx, len(narrator)))
        single = len({m.term_id for m in substance_matches}) == 1
        if single and not _contact_detail(signals):
            commerce = _commerce(text, config, ctx.get("context.commerce", set()))
            if commerce and one_line_bonus is not None:
                contribs.remove(one_line_bonus)  # a product's line is full of cues already
            contribs.extend(commerce)
    p = _sigmoid(sum(c.weight for c in contribs))
    verdict = "sale" if p >= config.sale_threshold else "mention"
    gated = None
    # A platform's name or the word "dealer" says where or by whom drugs are sold, which
    # reports say as often as adverts: they add weight but are no sale cue of their own.
    offer_cues = {
        c for c, (_, sig) in best_by_code.items() if c not in _PLACE_CODES and sig.source != "link"
    }
    if supply:
        offer_cues.add("context.supply")
    if menu:
        offer_cues.add("menu")
    if shop:
        offer_cues.add("shop")
    if verdict == "sale" and not offer_cues:
        # Signals are what separate an advert from drug talk: naming several drugs is not one.
        # A bare link (a shortener, a news site) is no contact detail either.
        verdict, gated = "mention", "no sale cue"
    elif verdict == "sale" and not speaks and not _contact_detail(signals):
        # Who speaks to whom: a text that reports on third parties (police, courts, "they
        # sell on Telegram") and neither addresses the reader nor gives a way to reach a
        # seller is a report, whatever drugs and prices it names.
        explain = ctx.get("context.explain", set()) | _quoted_words(
            text, substance_matches, signals
        )
        report = _reporting(ctx) | explain
        prose = _prose(text) and not _titled(text, signals)
        if _amount_kinds(text, signals, config.title) >= LISTING_AMOUNTS:
            # A listing's title packs amounts of several kinds; its description may cite
            # users' reports or a medicine's use ("seizure disorders") without reporting.
            report = report if len(report) >= 3 else set()
        if len(report) >= 2 or (report and (bound is None or prose)) or explain:
            # An example cited ("op de lijst staat bijvoorbeeld 1 kilogram wiet voor 3000
            # euro") describes offers even with a bound quantity in a short line; a seller who
            # speaks or gives a contact is judged above, never here.
            verdict, gated = "mention", f"reports on third parties {sorted(report)}"
        elif prose and (
            bound is None or _PROSE_BREAK.search(text) or not (offer_cues - {"signal.quantity"})
        ):
            # A sentence of prose about drugs with no stock quantity, no way to reach anyone
            # and no word to the reader: someone describing a market, not selling. With a
            # stock quantity, several sentences of it, or one whose only cue is that amount
            # ("... 4 grammi di cocaina per la precisione"): a report quoting prices and
            # weights (a listing's title is no sentence, and its description speaks to the
            # buyer).
            verdict, gated = "mention", "prose about drugs that addresses no reader"
    if not strong_substance and (
        pair
        or beside is not None
        or menu
        or (one_line and cue_kinds >= 2 and _two_names(text, together, post_lang))
    ):
        # Two substances or a list of drugs, a term beside an offer, or two names of the post's
        # language for one drug in an offer's line ("fumo erba disponibili, scrivetemi"):
        # judged on the score.
        pass
    elif not strong_substance:
        # An ambiguous term or an emoji code alone says little: with no cue at all it is not
        # even drug talk, and to be an offer it needs a quantity attached to it: a weight
        # ("speed 10g", drugs are sold by weight) or a count plus another kind of cue.
        if not offer_cues or (bound is None and len(best_by_code) + bool(supply) < 2):
            # a link or a price next to "snow" or an emoji is still not drug talk
            verdict, gated = "clean", "only ambiguous terms or emoji, too little other evidence"
        elif (
            verdict == "sale"
            and (
                bound is None
                or bound[0].source in ("multiplier", "pieces")  # "snow tyres 4x", "6 pcs"
                or not plausible_price(signals)  # "brown sugar 1kg 2€" is groceries
                or (len(offer_cues) < 2 and bound[0].source not in ("weight", "lot", "title_lot"))
                # "mehr als 100 Kilo 'Gras' verkauft": a wholesale weight of an everyday word and
                # nothing else is a figure in a report; a price or an offer word make it a sale.
                or (
                    offer_cues <= {"signal.quantity"}
                    and _WHOLESALE.search(bound[0].surface) is not None
                    and len(text[: bound[0].start].split()) >= 3  # not a title: "1KG Speed Paste"
                )
            )
        ):
            verdict, gated = "mention", "ambiguous terms need an attached quantity and a cue"
    if gated:  # keep the score consistent with the capped verdict
        p = min(p, config.sale_threshold - 0.01)
    return Score(p, verdict, tuple(contribs), gated)


_PRAISE_GAP = re.compile(r"\s{0,2}[-–—:]?\s{0,2}")


def _praised(text: str, signals: list[Signal], own: _Nearest) -> tuple[Signal, Match] | None:
    """A quality word written against a drug name ("premium coke", "cocaína pura") that ends
    its phrase: in one line, how an advert names its product; a review or a story says more
    around it, and "premium coke bottles" praises the bottles."""
    for sig in signals:
        if sig.code != "signal.quality" or sig.source != "lexicon" or _is_emoji_cue(sig):
            continue
        m = own.nearest(sig)
        if m is None or m.ambiguity == "high":
            continue
        a, b = (sig.end, m.start) if sig.end <= m.start else (m.end, sig.start)
        last = max(sig.end, m.end)  # "premium coke", not "premium coke bottles"
        if a <= b and _PRAISE_GAP.fullmatch(text, a, b) and _ends_phrase(text, last, signals):
            return sig, m
    return None


def _written_as_name(m: Match, names: frozenset[int]) -> bool:
    """An everyday word (high ambiguity) that is also a given name, written as names are: a
    capital, then small letters ("Molly", not "molly" or "MOLLY"). A name that usually means
    the drug in drug talk ("Roxy", medium) is read as the drug."""
    if m.term_id not in names or m.ambiguity != "high":
        return False
    parts = [p for p in re.split(r"[\s\-]+", m.surface) if p]
    return bool(parts) and all(p[:1].isupper() and p[1:] == p[1:].lower() for p in parts)


def _is_emoji_cue(sig: Signal) -> bool:
    return sig.source == "lexicon" and not any(c.isalnum() for c in sig.surface)


_STOCK = ("weight", "count", "unit_price", "multiplier", "pieces")
_LOTS = ("lot", "title_lot")  # a number of units and each unit's strength (_lot)
_UNITS = ("count", "multiplier", "pieces")


def _lot(
    text: str,
    signals: list[Signal],
    gap: int,
    title: int = 80,
    narrator: Sequence[ContextCue] = (),
) -> Signal | None:
    """A number of units next to each unit's strength ("100 pills 2mg", "10x 220mg",
    "120ug - 50 hits"), or opening a listing's title that states the strength ("50x Domino
    (new press) 204mg"): how stock is listed, which a dose alone ("took 2mg") is not."""
    doses = [s for s in signals if s.source == "dose"]
    if not doses:
        return None
    counts = [c for c in signals if c.source in _UNITS]
    for c in counts:
        for d in doses:
            if max(c.start, d.start) - min(c.end, d.end) <= gap:
                s, e = min(c.start, d.start), max(c.end, d.end)
                return Signal("signal.quantity", text[s:e], s, e, "lot")
    opening = _listing_opening(text, title, narrator) if counts else None
    if opening is not None:
        line = _title_end(text, title)
        for c in counts:
            if c.start == opening:
                for d in doses:
                    if c.end <= d.start and d.end <= line:
                        s, e = c.start, d.end
                        return Signal("signal.quantity", text[s:e], s, e, "title_lot")
    return None


_LAST_CUES: tuple[str | None, dict[re.Pattern[str], frozenset[str]]] = (None, {})


def _cues(pattern: re.Pattern[str], text: str) -> frozenset[str]:
    """The distinct phrases a counter-evidence pattern finds, case and spacing folded: each
    counts once however often it is repeated.

    Remembered for the post being scored: an offer is scored twice (without, then with its
    language, see engine.Scanner.scan); on a 2,000-character listing each pattern costs 5-30
    us. One entry, keyed by the text object
    itself (held here, so its identity cannot be reused) and swapped atomically, so threads
    sharing a scanner never see another post's phrases."""
    global _LAST_CUES
    last = _LAST_CUES
    if last[0] is not text:
        last = (text, {})
        _LAST_CUES = last
    found = last[1].get(pattern)
    if found is None:
        found = (
            frozenset(" ".join(m.group(0).lower().split()) for m in pattern.finditer(text))
            if GATE.may_match(pattern, text)  # none of the pattern's words: no phrase
            else frozenset()
        )
        last[1][pattern] = found
    return found


# The context classes of reports on third parties: enforcement (police, courts, seizures),
# sources cited (studies, "according to") and other reporting words (ARCHITECTURE §5).
_REPORTING = ("context.enforcement", "context.study", "context.report")


def _reporting(ctx: dict[str, set[str]]) -> set[str]:
    """The post's reporting words, of every reporting class."""
    return set().union(*(ctx.get(c, set()) for c in _REPORTING))


def _counter_evidence(
    text: str,
    config: ScoringConfig,
    ctx: dict[str, set[str]] | None = None,
    narrated: int = 0,
) -> list[Contribution]:
    """Narrative, information products and reporting: drug talk rather than an offer.
    `narrated`: the first-person words of the post's language (context.narrator) it holds."""
    out = []
    fp = narrated if len(text) >= NARRATIVE_MIN else 0
    if fp:
        w = max(config.first_person * fp, config.first_person_cap)
        out.append(Contribution(f"first-person narrative ({fp} words)", w))
    dm = DIGITAL.search(text) if GATE.may_match(DIGITAL, text) else None
    if dm:
        out.append(Contribution(f"information product {dm.group(0)!r}", config.digital))
    words = ctx or {}
    news = words.get("context.enforcement", set())
    sourced = words.get("context.study", set())
    report = (words.get("context.report", set()) | words.get("context.explain", set())) - news
    report = report - sourced
    if news or sourced or report:
        w = config.news * len(news) + config.sourced * len(sourced) + config.report * len(report)
        w = max(w, config.news_cap)
        out.append(Contribution(f"reporting words {sorted(news | sourced | report)}", w))
    story = USE_STORY.search(text) if GATE.may_match(USE_STORY, text) else None
    if story:
        out.append(Contribution(f"account of taking drugs {story.group(0)!r}", config.use_story))
    for label, pattern, per, cap in (
        ("account of a treatment", TREATMENT_STORY, config.treatment, config.treatment_cap),
        ("feedback on a purchase", REVIEW, config.review, config.review_cap),
    ):
        cues = _cues(pattern, text)
        if cues:
            out.append(Contribution(f"{label} {sorted(cues)}", max(per * len(cues), cap)))
    return out


# Sizes of ordinary goods ("63 mm", "30 x 20 cm", "12 inch", "2000 mAh"): how product
# listings describe things, which drug adverts do not. (Model numbers are left out: they are
# written like research-chemical codes, "FAB-144".)
_PRODUCT_NOTATION = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:mm|cm|inch|inches|mah|watt|volt)(?!\w)"
    r"|(?<![\w.,])\d+(?:[.,]\d+)?\s?x\s?\d+(?:[.,]\d+)?\s?(?:mm|cm|m|in)(?!\w)",
    re.IGNORECASE,
)


def _commerce(text: str, config: ScoringConfig, words: set[str]) -> list[Contribution]:
    """Cues of ordinary commerce, counted against a sale whose drug evidence is one term."""
    cues = set(words) | {m.group(0) for m in _PRODUCT_NOTATION.finditer(text)}
    if not cues:
        return []
    w = max(config.commerce * len(cues), config.commerce_cap)
    return [Contribution(f"ordinary product listing {sorted(cues)}", w)]


def _generic(code: str) -> bool:
    return code == "drugs.generic"


def _only_generic(m: Match) -> bool:
    return m.generic


_PLACE_CODES = ("signal.platform", "signal.dealer")
_CONTACT_DETAILS = ("messenger", "app_id", "phone", "handle")


def _title_end(text: str, title: int) -> int:
    """Where a post's title ends: its first line, within its first `title` characters."""
    return len(text[:title].split("\n", 1)[0])


def _titled(text: str, signals: list[Signal], title: int = 80) -> bool:
    """The post opens like a listing or a menu line: a quantity, strength or price in its
    title (the first line's first characters), "2 oz (56g) ...", "Bromazepam 6mg 50 tabs"."""
    line = _title_end(text, title)
    return any(
        s.end <= line
        and s.code in ("signal.quantity", "signal.price")
        and (s.source != "lexicon" or _amount_word(text, s))
        for s in signals
    )


_DIGIT_BEFORE = re.compile(r"\d(?:\s?[^\W\d]{1,3}\.?)?\s?$")  # "2 oz", "2 fl. oz"


def _amount_word(text: str, s: Signal) -> bool:
    """A sale word that states an amount in a title: with its number ("2 fl. oz", "10g"), a
    unit opening the line ("qp maui wowie"). A word about prices or quantities elsewhere in
    a sentence ("price", "cheap", "hundreds of bags") states none."""
    if any(c.isdigit() for c in s.surface):
        return True
    if s.code == "signal.price":
        return False  # "price", "offers": never an amount without its number
    return not text[: s.start].strip(" \t\n-*•#") or bool(
        _DIGIT_BEFORE.search(text, max(0, s.start - 8), s.start)
    )


LISTING_AMOUNTS = 3  # kinds of amount in a first line that make it a listing's title
_AMOUNT_KIND = {"dose": "strength", "weight": "weight", "count": "count", "pieces": "count",
                "multiplier": "count", "price": "price"}  # fmt: skip


def _amount_kinds(text: str, signals: list[Signal], title: int) -> int:
    """How many kinds of amount (strength, weight, count, price) the first line states in its
    first `title` characters: a listing's title packs them ("Clonazepam 2mg 50 tabs - $80");
    a headline names one or two ("10 kg of cocaine worth $1m")."""
    line = _title_end(text, title)
    kinds = {_AMOUNT_KIND.get(s.source) for s in signals if s.end <= line}
    return len(kinds - {None})


def _contact_detail(signals: list[Signal]) -> bool:
    """A way to reach a seller: a messenger link, an app id, a phone number, a handle."""
    return any(s.source in _CONTACT_DETAILS for s in signals)


# Quotation marks as each script writes them, opening and closing.
_QUOTES = {"“": "”", '"': '"', "「": "」", "『": "』", "‘": "’", "'": "'", "«": "»", "„": "“",
           "《": "》", "‚": "‘", "”": "”"}  # fmt: skip
QUOTED_WORDS = 2  # different terms each in its own quotation marks: words being explained
QUOTED_PROSE = 4  # letters outside quotes and terms: fewer, and the quoted words are a list
_QUOTED = re.compile(
    "|".join(
        f"{re.escape(a)}[^{re.escape(b)}\\n]{{1,40}}{re.escape(b)}" for a, b in _QUOTES.items()
    )
)


def _quoted_words(text: str, matches: list[Match], signals: list[Signal]) -> set[str]:
    """Terms each written alone in quotation marks, QUOTED_WORDS or more of them: a text
    that names the code words ("「野菜」「手押し」「アイス」に注意", 'the words "snow" and
    "ice"') talks about them, as an example cited does (context.explain). One quoted word is
    not enough: sellers quote their product to set it apart ("‘아이스’ 팝니다"), and a post of
    nothing but quoted names is a menu («соль», «гаш», «кока»)."""
    spans = [(m.start, m.end, m.surface) for m in matches]
    spans += [(s.start, s.end, s.surface) for s in signals if s.source == "lexicon"]
    quoted = set()
    for start, end, surface in spans:
        a = start - 1 if start and text[start - 1] != "#" else start - 2
        if a < 0 or end >= len(text):
            continue
        close = _QUOTES.get(text[a])
        if close is not None and text[end] == close:
            quoted.add(surface.lower())
    if len(quoted) < QUOTED_WORDS:
        return set()
    rest = list(_QUOTED.sub(lambda q: " " * len(q.group()), text))  # offsets kept
    for start, end, _ in spans:
        rest[start:end] = " " * (end - start)
    if sum(c.isalpha() for c in rest) < QUOTED_PROSE:
        return set()
    return {f"quoted words {sorted(quoted)}"}


# A sentence ends and another begins; the full stops of Chinese and Japanese need no space.
_SENTENCES = re.compile(r"[.!?]+\s+\S|[。！？]+\s*\S")
# Sentences, not list items: a word ends one and a word starts the next ("4. Haze" and
# "3.5g" are no sentence breaks).
_PROSE_BREAK = re.compile(r"[^\W\d_][.!?]+\s+[^\W\d_]|[^\W\d_][。！？]+\s*[^\W\d_]")
# Han, kana and Thai run words together: a run of them holds about one word per
# UNSPACED_CHARS characters (two in Chinese and Japanese, four in Thai, which writes its
# vowels as characters of their own and puts a space between phrases).
_UNSPACED_LETTER = re.compile(f"[{scripts.KANA}{scripts.HAN}]")
_THAI_LETTER = re.compile(f"[{scripts.THAI}]")
UNSPACED_CHARS = 2
THAI_CHARS = 4
PROSE_WORDS = 12  # words: longer texts are sentences, not a name, a caption or a menu line
_LETTERS = re.compile(r"[^\W\d_]+")
# Words in small letters, at least this share of a text's words, make it sentences: about a
# half in German prose, which capitalises its nouns; a fifth or less in a listing's title.
PROSE_SMALL = 0.3


def _prose(text: str) -> bool:
    """PROSE_WORDS words or more (whitespace tokens with a letter: dashes and brackets are no
    words, and "c.o.c.a.i.n.e" is one), a good share of them (PROSE_SMALL) not beginning with
    a capital: sentences. A listing's title capitalises its words or shouts ("Pill Pack (BLUE
    GHOST XTC PILL) - NO FE !!!"). Scripts without capitals (Arabic, Hangul, Han) write no
    title case, and a run of Han, kana or Thai counts as the words it holds."""
    words = small = 0.0
    for w in text.split():
        m = _LETTERS.search(w)
        if m is None:
            continue
        n = 1.0
        if not w.isascii():
            run = len(_UNSPACED_LETTER.findall(w)) / UNSPACED_CHARS
            n = max(1.0, run + len(_THAI_LETTER.findall(w)) / THAI_CHARS)
        words += n
        if not m.group()[0].isupper():
            small += n
    return words >= PROSE_WORDS and small >= PROSE_SMALL * words


SHORT_POST = 100  # characters: a profile name, a story caption, a one-line offer


def _pair(text: str, matches: list[Match], post_lang: str | None, emoji: bool = False) -> bool:
    """Two terms naming different substances (by group: cannabis, opioids, ...). Readings of
    another language and forms measured as everyday words do not count; two highly ambiguous
    terms count only in a short post, where they are what the post is about; emoji codes only
    when `emoji` (the caller saw enough sale cues)."""
    groups: dict[int, frozenset[str]] = {}
    brands: list[bool] = []
    high = True
    for m in matches:
        if m.note or is_foreign(m.lang, post_lang):
            continue
        if not emoji and m.kind in ("emoji", "emoji_sequence"):
            continue
        if m.lang not in ("und", "en", post_lang) and post_lang is None and m.ambiguity != "low":
            continue
        g = frozenset(_product(c) for c in m.substances if not _generic(c))
        if g:
            groups[m.term_id] = g
            high = high and m.ambiguity == "high"
            brands.append(m.kind == "brand")
    if len(groups) < 2 or len(frozenset().union(*groups.values())) < 2:
        return False
    if high and any(brands) and not all(brands):
        # An everyday brand and an everyday word ("Timberland ... White", "Rolex Green"): a
        # product and its colour. Two pill presses' names together are a menu of pills.
        return False
    if high and _one_phrase(text, [m for m in matches if m.term_id in groups]):
        return False
    return not high or len(text) <= SHORT_POST


def _two_names(text: str, matches: list[Match], post_lang: str | None) -> bool:
    """Two different words of the post's language for drugs, neither generic ("drugs") and
    written apart rather than as one phrase: what a seller calls the product twice over. In
    a post too short to identify, two words of one language are that language's."""
    named = {
        m.term_id: m
        for m in matches
        if m.lang != "und"
        and (post_lang is None or m.lang == post_lang)
        and not m.note
        and not _only_generic(m)
        and m.kind not in ("emoji", "emoji_sequence")
    }
    if len(named) < 2 or len({m.lang for m in named.values()}) > 1:
        return False
    # Words side by side are one phrase ("ice cube") unless they name one drug ("fumo erba").
    groups = {frozenset(_product(c) for c in m.substances) for m in named.values()}
    return len(groups) == 1 or not _one_phrase(text, list(named.values()))


def _product(code: str) -> str:
    """What counts as one kind of product when a post names several: the top-level group
    (skunk and hash are both cannabis), except new psychoactive substances, whose classes are
    different products sold side by side (spice and bath salts)."""
    group = substance_group(code)
    return code if group == "nps" else group


def _one_phrase(text: str, matches: list[Match]) -> bool:
    """Everyday words written next to each other are one phrase ("ice cube", "acid wash"),
    not two drugs named together: a list separates its items ("brown and snow", "hash, weed")."""
    spans = sorted({(m.start, m.end) for m in matches})
    return (
        all(0 < b[0] - a[1] <= 1 and not text[a[1] : b[0]].strip("- ") for a, b in pairwise(spans))
        and len(spans) > 1
    )


MENU_GROUPS = 3  # different substances (by group) that make a list of products
MENU_CHARS = 200  # a menu is short: longer texts list drugs in sentences
_WORD = re.compile(r"\w+")


def _menu(
    text: str, matches: list[Match], post_lang: str | None, addressed: bool = False
) -> list[str]:
    """The terms of a short post that is a list of three or more different drugs (by group)
    making up at least half of its words, one of them no everyday word, or []: "спайс,
    скорость, соль" is a menu; "police seized heroin, cocaine and cannabis in a flat" is a
    sentence (and a report); "Rolex Milgauss Green Crystal" names no drug that is not also
    something else."""
    if len(text) > MENU_CHARS:
        return []
    items: list[tuple[int, int, frozenset[str], Match]] = []
    for m in matches:
        if m.note or is_foreign(m.lang, post_lang) or m.kind in ("emoji", "emoji_sequence"):
            continue
        g = frozenset(_product(c) for c in m.substances if not _generic(c))
        if g:
            items.append((m.start, m.end, g, m))
    menu = _is_menu(items)
    if not menu and len({m.term_id for *_, m in items}) < 2:
        return []  # most posts: one drug named, no list of any kind
    spans = [(a, b) for a, b, _, _ in items]
    if not menu:
        # A post that is nothing but two or more drug names ("Perc, Roxy", "weed hash coke")
        # is a list of products, however few: a sentence about drugs has other words.
        for w in _WORD.finditer(text):
            a, b = w.span()
            if not w.group().isdigit() and not any(s <= a and b <= e for s, e in spans):
                return []
        return _names_only(text, items)
    words = [w.span() for w in _WORD.finditer(text) if not w.group().isdigit()]
    inside = sum(1 for a, b in words if any(s <= a and b <= e for s, e in spans))
    if 2 * inside >= len(words):
        return sorted({m.surface for *_, m in items})
    # ... or a list inside a longer line that speaks to the reader: items separated by
    # punctuation only ("What do you need? Cocaine? Ecstasy? Meth?"). Sentences join their
    # last item with a word ("heroin, cocaine and cannabis"), so such a run is a list written
    # as one; without a word to the reader it may still be someone's account.
    if not addressed:
        return []
    items.sort(key=lambda t: t[0])
    run = items[:1]
    for item in items[1:]:
        if _LIST_GAP.fullmatch(text[run[-1][1] : item[0]]):
            run.append(item)
            continue
        if _is_menu(run):
            break
        run = [item]
    return sorted({m.surface for *_, m in run}) if _is_menu(run) else []


_LIST_GAP = re.compile(r"[\s,;/|+?!.•*·–—-]*[\s,;/|+?!•*·–—-][\s,;/|+?!.•*·–—-]*")


def _names_only(text: str, items: list[tuple[int, int, frozenset[str], Match]]) -> list[str]:
    """The names of a post made only of drug names, when they are two or more different
    terms, two of them no everyday word, or one that only names a drug written in a list
    with everyday words rather than as one phrase with them ("ice cube" is no two products)."""
    named = {m.term_id: m for *_, m in items}
    plain = [m for m in named.values() if m.ambiguity != "high"]
    if len(named) < 2 or not plain:
        return []
    if len(plain) < 2 and (
        plain[0].ambiguity != "low" or _one_phrase(text, [m for *_, m in items])
    ):
        return []  # an everyday word and a name that is something else too: "Molly & Roxy"
    return sorted({m.surface for *_, m in items})


def _is_menu(items: list[tuple[int, int, frozenset[str], Match]]) -> bool:
    """Three or more different products, one of them named by no everyday word."""
    groups = frozenset().union(*(g for _, _, g, _ in items)) if items else frozenset()
    return len(groups) >= MENU_GROUPS and any(m.ambiguity != "high" for *_, m in items)


SHOP_CHARS = 60  # a profile or channel name is short
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _shop_name(
    text: str, matches: list[Match], signals: list[Signal], post_lang: str | None
) -> list[str]:
    """The place names of a post that is nothing but drug terms and places (numbers, emoji and
    punctuation aside), or []: "Portsmouth Cannabis", "Hashplader kbh" name a dealer's shop;
    a sentence, or a word that is no place, makes it something else."""
    if len(text) > SHOP_CHARS or re.search(r"[.!?](?=\s+\S)", text):
        return []
    spans = [(m.start, m.end) for m in matches] + [(x.start, x.end) for x in signals]
    # Terms and cues are taken out of the text before it is cut into words: in a script
    # without spaces the place is written against the term ("大麻东京").
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    rest = list(_NAME_TOKEN.finditer("".join(chars)))
    if not rest or len(rest) > 3:
        return []
    from narcolex.detect.places import is_place

    words = [t.group() for t in rest]
    for n in (len(words), 1):  # one place of several words ("Tor Bella"), or each word one
        groups = [" ".join(words)] if n > 1 else words
        if all(is_place(g, post_lang) for g in groups):
            return groups
    return []


_BESIDE_CODES = ("signal.offer", "signal.delivery", "signal.contact", "signal.price")


def _beside(
    text: str, matches: list[Match], signals: list[Signal], gap: int, post_lang: str | None
) -> tuple[Match, Signal] | None:
    """An ambiguous term of a short post right next to an offer, delivery, price or contact
    cue: "<offer word> <slang>", "<slang> <city> levering". A highly ambiguous word counts
    only as the object written against an offer word ("verkaufe Gras"); the score then
    still needs a supplier speaking or another cue."""
    words = [m for m in matches if m.kind not in ("emoji", "emoji_sequence")]
    near = _Nearest([m for m in words if m.ambiguity == "medium"])
    high = _Nearest(
        [
            m
            for m in words
            if m.ambiguity == "high"
            and m.lang in ("und", post_lang)
            and post_lang is not None
            and not _only_generic(m)
        ]
    )
    for s in signals:  # O(signals x log matches): posts can hold thousands of both
        if s.code in _BESIDE_CODES and not _is_emoji_cue(s):
            m = near.nearest(s)
            if m is not None and _distance(s, m) <= gap:
                return m, s
            m = high.nearest(s) if s.code == "signal.offer" else None
            if m is None:
                continue
            if (
                s.end <= m.start
                and _PRAISE_GAP.fullmatch(text, s.end, m.start)
                and _ends_phrase(text, m.end, signals)
            ):
                return m, s
            before = _OBJECT_BEFORE.get(post_lang or "")
            if (
                before is not None
                and m.end <= s.start
                and before.fullmatch(text, m.end, s.start)
                and _starts_phrase(text, m.start)
            ):
                return m, s
    return None


# Languages whose object comes before its verb ("野菜の手押し", "아이스를 팝니다"), with the
# particles and quotes that may stand between them.
_OBJECT_BEFORE = {
    "ja": re.compile(r"[」』】）)’'\"]?\s?[のをがはも]?\s?"),
    "ko": re.compile(r"[’'\"」』)]?(?:을|를|이|가|은|는|도|만)?[’'\"」』)]?\s{0,2}"),
}
# Han and katakana: a word written against the term makes one word of both ("冷凍野菜").
_WORD_BEFORE = re.compile(f"[{scripts.KATAKANA}{scripts.HAN}]")


def _starts_phrase(text: str, start: int) -> bool:
    """The term at `start` begins its phrase: the post's start, a space, a symbol or a
    particle is before it, not a Han or katakana word it would be the end of."""
    return start == 0 or _WORD_BEFORE.match(text, start - 1) is None


_AFTER_OBJECT = re.compile(r"\s*(?:$|[^\w\s-]|\d|-\s)")


def _ends_phrase(text: str, end: int, signals: list[Signal]) -> bool:
    """The word ending at `end` ends its phrase: punctuation, a number, a symbol, a cue or the
    end of the post follows, not another word of a longer name ("Verkaufe Gras, schreib mir"
    against "Verkaufe Gras-Trimmer", "Schnee Ketten", "trawę z rolki")."""
    if _AFTER_OBJECT.match(text, end):
        return True
    nxt = len(text) - len(text[end:].lstrip())
    return any(x.start == nxt for x in signals)


_GRAMS = {"g": 1.0, "gr": 1.0, "grs": 1.0, "gm": 1.0, "gms": 1.0, "grm": 1.0, "gram": 1.0,
          "grams": 1.0, "kg": 1000.0, "kilo": 1000.0, "kilos": 1000.0, "oz": 28.35,
          "lb": 453.6, "lbs": 453.6}  # fmt: skip
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?!\d)")  # "2,000", "1.500"
_NUMBER = re.compile(rf"{_THOUSANDS.pattern}|\d+(?:[.,]\d+)?")


def _amount(number: str) -> float:
    """A price as written: groups of three digits after a comma or point are thousands
    ("$2,000", "1.500 kr"), anything else after one is a fraction ("0,5", "2.5"); $2,000
    for a pound of cannabis was read as $2.0, far too cheap for any drug."""
    if _THOUSANDS.fullmatch(number):
        return float(number.replace(",", "").replace(".", ""))
    return float(number.replace(",", "."))


MIN_PRICE_PER_GRAM = 0.2  # below this, in any currency we see, it is not a drug price


def plausible_price(signals: list[Signal]) -> bool:
    """False when the post's one price for its one weight is far too cheap for any drug."""
    weights = [s for s in signals if s.source == "weight"]
    prices = [s for s in signals if s.source == "price"]
    if len(weights) != 1 or len(prices) != 1:
        return True
    w = _NUMBER.search(weights[0].surface)
    unit = re.sub(r"[\d\s.,]", "", weights[0].surface).lower()
    p = _NUMBER.search(prices[0].surface)
    if not w or not p or unit not in _GRAMS:
        return True
    grams = float(w.group().replace(",", ".")) * _GRAMS[unit]  # "1.5g", "0,5 g"
    price = _amount(p.group())
    return grams <= 0 or price / grams >= MIN_PRICE_PER_GRAM


class _SignalSpans:
    """Overlap tests against the signals' spans in O(log n) (signals may overlap)."""

    def __init__(self, signals: list[Signal]) -> None:
        spans = sorted((s.start, s.end) for s in signals)
        self.starts = [a for a, _ in spans]
        self.max_end: list[int] = []  # the largest end among the spans up to here
        top = -1
        for _, b in spans:
            top = max(top, b)
            self.max_end.append(top)

    def overlaps(self, c: ContextCue) -> bool:
        k = bisect_right(self.starts, c.end - 1)  # spans starting before c ends
        return k > 0 and self.max_end[k - 1] > c.start


class _Nearest:
    """Nearest substance match to a signal in O(log n): posts can hold thousands of both."""

    def __init__(self, matches: list[Match]) -> None:
        self.matches = sorted(matches, key=lambda m: m.start)
        self.starts = [m.start for m in self.matches]

    def nearest(self, sig: Signal) -> Match | None:
        if not self.matches:
            return None
        i = bisect_right(self.starts, sig.start)
        cands = self.matches[max(0, i - 2) : i + 1]
        return min(cands, key=lambda m: _distance(sig, m))

    def distance(self, sig: Signal) -> int:
        m = self.nearest(sig)
        return _distance(sig, m) if m is not None else 1 << 30


_BLANK_LINE = re.compile(r"\n\s*\n")


def _apart(text: str, sig: Signal, m: Match) -> bool:
    """A blank line between a quantity and a term: a title's weight and a word of the
    description below it ("Saffron Threads, 1gm" / "Saffron is a spice ...") are apart."""
    a, b = (sig.end, m.start) if sig.end <= m.start else (m.end, sig.start)
    return a < b and _BLANK_LINE.search(text, a, b) is not None


def _bind(
    text: str,
    stock: list[Signal],
    own: _Nearest,
    config: ScoringConfig,
    narrator: Sequence[ContextCue] = (),
) -> tuple[Signal, Match] | None:
    """The first stock quantity attached to a term of the post's language: next to it, or
    both in the title (a strength only in the title)."""
    for sig in stock:
        m = own.nearest(sig)
        if (
            m is not None
            and (
                _same_title(text, sig, m, config.title)
                or (
                    sig.source != "dose"
                    and _distance(sig, m) <= config.bound
                    and not _apart(text, sig, m)
                )
            )
            and (
                sig.end <= m.start
                or m.end <= sig.start  # "30 pills" is not bound to "pills"
                # ... but a lot's count and strength bind the product named between them
                # ("500 x Dominos 220mg"), in a title or in a sentence that does not speak in
                # the first person ("I took 2x ... 204mg" is a dose someone took)
                or (
                    sig.source in _LOTS
                    and sig.start < m.start
                    and m.end < sig.end
                    and (
                        sig.source == "title_lot"
                        or not _narrated(narrator, _clause(text, sig), sig.end)
                    )
                )
                # ... and a lot of micrograms counted in units only LSD comes in binds its
                # unit ("110ug - 25 hits"); pills, tabs and caps are also how supplements
                # are counted ("B12 1000mcg 100 tabs"), so they never name the drug.
                or (
                    sig.source in _LOTS
                    and sig.start <= m.start
                    and m.end <= sig.end
                    and _LSD_UNIT.fullmatch(m.surface) is not None
                    and _MICROGRAMS.search(sig.surface) is not None
                )
            )
        ):
            return sig, m
    return None


_LSD_UNIT = re.compile(r"(?:hits?|blotters?|stamps?)", re.IGNORECASE)
_MICROGRAMS = re.compile(r"\d\s?(?:µg|μg|ug|mcg)(?!\w)", re.IGNORECASE)


_LEADING = re.compile(r"[\W_]*")


_CLAUSE_END = re.compile(r"[.!?\n]\s")


def _clause(text: str, sig: Signal) -> int:
    """Where the sentence of `sig` starts: `sig` and what its sentence says before it."""
    return max((m.end() for m in _CLAUSE_END.finditer(text, 0, sig.start)), default=0)


def _narrated(narrator: Sequence[ContextCue], start: int, end: int) -> bool:
    """A first-person word (context.narrator) between `start` and `end`."""
    return any(start <= c.start and c.end <= end for c in narrator)


def _listing_opening(text: str, title: int, narrator: Sequence[ContextCue] = ()) -> int | None:
    """Where a post's first line starts, if that line can be a listing's title: a strength
    names the product on offer only there, when the line opens with the product or its
    strength ("Concerta 54 mg", "100mg AMT freebase") and says nothing in the first person.
    Elsewhere "Ritalin 20 mg" is someone's prescription ("my doctor prescribed ...")."""
    line = text[:title].split("\n", 1)[0]
    if _narrated(narrator, 0, len(line)):
        return None
    return _LEADING.match(line).end()  # type: ignore[union-attr]


def _same_title(text: str, sig: Signal, m: Match, title: int) -> bool:
    """Both in the first `title` characters of the post, on its first line."""
    end = max(sig.end, m.end)
    return end <= title and "\n" not in text[:end]


def _distance(sig: Signal, m: Match) -> int:
    if sig.end <= m.start:
        return m.start - sig.end
    if m.end <= sig.start:
        return sig.start - m.end
    return 0


# --- an offer that names no product ----------------------------------------------------------

RETAIL_GRAMS = 30.0  # at most an ounce: what a dealer's price list sells, not a wholesale lot
_GRAM_UNITS = re.compile(r"(?:g|gr|grs|gm|gms|grm|gram\w*|gramm\w*|gramo\w*|grame|grama|grami|"
                         r"γρ|γραμμάρι\w*|г|гр|грам\w*)", re.IGNORECASE)  # fmt: skip
_OUNCE_UNITS = re.compile(r"(?:oz|ounces?)", re.IGNORECASE)
_FRACTION = {"½": 0.5, "¼": 0.25, "⅛": 0.125, "1/2": 0.5, "1/4": 0.25, "1/8": 0.125}
_AMOUNT_PARTS = re.compile(r"(1/[248]|[½¼⅛]|\d+(?:[.,]\d+)?)\s?(?:de\s)?(?:\(\w+\)\s?)?(\S*)")
# "2G", "5G": a network's generation, written like a weight in a phone's listing.
_NETWORK = re.compile(r"[2-6]G")


_WHOLESALE = re.compile(r"\d\s*(?:kg|kgs|kilo\w*|кг|килограмм\w*|κιλ\w*)\b", re.IGNORECASE)


def _retail_weight(sig: Signal) -> bool:
    """A weight of at most an ounce, in grams or ounces ("0,50 g", "3.5G", "½ oz", "due
    grammi"); a weight written in words is a small one."""
    if sig.source != "weight" or _NETWORK.fullmatch(sig.surface.strip()):
        return False
    m = _AMOUNT_PARTS.search(sig.surface)
    if m is None:  # "un grammo", "an eighth": sellers write out only small weights
        return not re.search(r"kilo|pound|lb", sig.surface, re.IGNORECASE)
    number, unit = m.groups()
    value = _FRACTION.get(number) or float(number.replace(",", "."))
    if _GRAM_UNITS.fullmatch(unit):
        return 0 < value <= RETAIL_GRAMS
    return bool(_OUNCE_UNITS.fullmatch(unit)) and 0 < value <= 1


_LIST_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def retail_offer(
    text: str,
    signals: list[Signal] | tuple[Signal, ...],
    config: ScoringConfig,
    function_word: Callable[[str], bool],
    taken: list[tuple[int, int]] | tuple[tuple[int, int], ...] = (),
    context: list[ContextCue] | tuple[ContextCue, ...] = (),
) -> Score | None:
    """The score of a post that names no product but is a dealer's price list: a retail weight
    with its price, in one short sentence of nothing but amounts, sale words (`taken`: the
    spans of the post's lexicon matches) and function words, perhaps under a heading
    ("Priser: 0,50 g 500 kr, 1 g 800 kr og 3 g 2000 kr", "1.2G #4 $175"). Drugs are what is
    sold by the gram with nothing said of what it is; a word that names a product ("tea 1g
    $20", "saffron"), a sentence of prose, a report or ordinary commerce make it something
    else. None when the post is no such list."""
    if len(text) > MENU_CHARS or _SENTENCES.search(text.rstrip()):
        return None
    weights = [s for s in signals if _retail_weight(s)]
    prices = [
        s for s in signals if s.code == "signal.price" and s.source in ("price", "unit_price")
    ]
    if not weights or not prices or not plausible_price([*weights[:1], *prices[:1]]):
        return None
    spans = [(s.start, s.end) for s in signals] + list(taken)
    for k, w in enumerate(_LIST_WORD.finditer(text)):
        a, b = w.span()
        if any(x < b and a < y for x, y in spans) or function_word(w.group()):
            continue
        if k == 0 and text[b : b + 1] == ":":
            continue  # a heading: "Priser:", "Menu:"
        return None  # a word that says what is sold, or who speaks
    ctx = {c.code for c in context}
    if ctx & {*_REPORTING, "context.explain", "context.commerce"}:
        return None
    if _PRODUCT_NOTATION.search(text):
        return None
    weight, price = weights[0], prices[0]
    contribs = (
        Contribution("base rate", config.bias),
        Contribution(f"quantity {weight.surface!r}", config.signals["signal.quantity:weight"]),
        Contribution(f"price {price.surface!r}", config.signals["signal.price:price"]),
        Contribution("a retail weight and its price, no product named: a price list", 0.0),
    )
    p = _sigmoid(sum(c.weight for c in contribs))
    return Score(p, "sale" if p >= config.sale_threshold else "mention", contribs)
