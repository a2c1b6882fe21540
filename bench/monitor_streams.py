"""Synthetic post streams for the monitoring benchmark and the README walkthrough.

Deterministic from a seed. Clean posts are random sentences of the language's common words
(wordfreq's frequency list, so they follow a realistic word distribution and sometimes touch
the lexicon); sale posts combine a low-ambiguity substance name of the bundled lexicon, a
quantity and a price, a contact cue and filler words. A planted code word is a made-up
pseudo-word (random syllables, absent from the lexicon and from wordfreq) added to sale posts
of one language from one day on, in a growing number of posts a day.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

LANGS = {"en": "GB", "de": "DE", "fr": "FR", "es": "ES", "sv": "SE"}
PLATFORMS = ("telegram", "instagram", "x", "tiktok")
_CURRENCY = {"GB": "£", "DE": "€", "FR": "€", "ES": "€", "SE": " kr"}
_CONTACT = ("telegram @{h}", "wickr: {h}", "snapchat {h}", "DM @{h}")
_SYLLABLES = ("ka", "zu", "vel", "dro", "mi", "quo", "rax", "tep", "lun", "shi", "bor", "nix",
              "fy", "gla", "wob", "ter", "pim", "xo")  # fmt: skip
WEEKDAY = (1.0, 0.95, 1.0, 1.05, 1.2, 1.35, 1.1)  # Monday … Sunday


def pseudo_word(rng: random.Random) -> str:
    """A made-up token of 3 syllables (checked absent from wordfreq by the caller)."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(3))


@dataclass
class Vocabulary:
    common: dict[str, list[str]]
    weights: dict[str, list[float]]
    substances: dict[str, list[str]]

    @classmethod
    def build(cls, lexicon_terms: list, langs: dict[str, str] = LANGS) -> Vocabulary:
        import wordfreq

        common, weights, subs = {}, {}, {}
        for lang in langs:
            words = [w for w in wordfreq.top_n_list(lang, 3000) if w.isalpha()]
            common[lang] = words
            weights[lang] = [1.0 / (i + 10) for i in range(len(words))]  # Zipf-like
            subs[lang] = sorted(
                {
                    t.term
                    for t in lexicon_terms
                    if t.lang == lang and t.ambiguity == "low" and t.confidence == "high"
                    and t.kind in ("street_name", "slang") and " " not in t.term
                    and not all(d.startswith("signal.") for d in t.denotes)
                }
            )  # fmt: skip
        return cls(common, weights, subs)


@dataclass
class StreamSpec:
    start: date
    days: int
    clean_per_day: int = 80  # per language
    sale_per_day: int = 12  # per language
    planted_lang: str | None = None
    planted_day: int | None = None  # index of the first day with the planted word
    planted_start: float = 3.0  # posts on that day
    planted_growth: float = 1.35  # factor a day
    spikes: dict[tuple[str, int], float] = field(default_factory=dict)  # (lang, day) -> factor


def stream(spec: StreamSpec, vocab: Vocabulary, seed: int,
           planted: str | None = None) -> Iterator[dict]:  # fmt: skip
    """Posts (id, text, created_at, platform, country) day by day."""
    rng = random.Random(seed)
    n = 0
    for d in range(spec.days):
        day = spec.start + timedelta(days=d)
        w = WEEKDAY[day.weekday()]
        for lang, country in LANGS.items():
            sales = _poisson(rng, spec.sale_per_day * w * spec.spikes.get((lang, d), 1.0))
            cleans = _poisson(rng, spec.clean_per_day * w)
            plant = 0
            first = spec.planted_day
            if planted and lang == spec.planted_lang and first is not None and d >= first:
                plant = round(spec.planted_start * spec.planted_growth ** (d - first))
            kinds = ["sale"] * sales + ["clean"] * cleans + ["plant"] * plant
            rng.shuffle(kinds)
            for kind in kinds:
                n += 1
                when = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                    seconds=rng.randrange(86400)
                )
                if kind == "clean":
                    text = _clean(rng, vocab, lang)
                else:
                    text = _sale(rng, vocab, lang, country, planted if kind == "plant" else None)
                yield {
                    "id": f"p{seed}-{n}",
                    "text": text,
                    "created_at": when.isoformat(),
                    "platform": rng.choice(PLATFORMS),
                    "country": country,
                }


def _poisson(rng: random.Random, lam: float) -> int:
    import numpy as np

    return int(np.random.default_rng(rng.randrange(2**32)).poisson(lam))


def _words(rng: random.Random, vocab: Vocabulary, lang: str, k: int) -> list[str]:
    return rng.choices(vocab.common[lang], vocab.weights[lang], k=k)


def _clean(rng: random.Random, vocab: Vocabulary, lang: str) -> str:
    words = _words(rng, vocab, lang, rng.randint(6, 16))
    return " ".join(words).capitalize() + rng.choice((".", "!", "?", " 🙂", ""))


def _sale(rng: random.Random, vocab: Vocabulary, lang: str, country: str,
          planted: str | None) -> str:  # fmt: skip
    term = rng.choice(vocab.substances[lang])
    grams = rng.choice((1, 2, 3.5, 5, 10, 28))
    price = round(grams * rng.uniform(6, 14) * (12 if country == "SE" else 1))
    cur = _CURRENCY[country]
    price_txt = f"{cur}{price}" if cur in ("£",) else f"{price}{cur}"
    handle = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))
    contact = rng.choice(_CONTACT).format(h=handle)
    parts = [*_words(rng, vocab, lang, rng.randint(1, 4)), term, f"{grams}g {price_txt}",
             *_words(rng, vocab, lang, rng.randint(1, 4)), contact]  # fmt: skip
    if planted:
        parts.insert(rng.randrange(len(parts)), planted)
    return " ".join(str(p) for p in parts)


def main() -> None:
    """`python bench/monitor_streams.py -o posts.jsonl`: a stream for trying the monitor."""
    import argparse
    import json

    from narcolex.detect.engine import Scanner

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--start", default="2026-10-01")
    ap.add_argument("--days", type=int, default=45)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--clean", type=int, default=20, help="clean posts a day per language")
    ap.add_argument("--sale", type=int, default=8, help="sale posts a day per language")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    vocab = Vocabulary.build(list(Scanner.default().lexicon.terms))
    word = pseudo_word(rng)
    spec = StreamSpec(date.fromisoformat(args.start), args.days, args.clean, args.sale,
                      planted_lang="sv", planted_day=args.days - 4,
                      spikes={("de", args.days - 8): 3.0})  # fmt: skip
    with open(args.output, "w", encoding="utf-8") as fh:
        for p in stream(spec, vocab, args.seed, planted=word):
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(
        f"planted word {word!r} (sv) from {spec.start + timedelta(args.days - 4)}; "
        f"spike of de sale posts on {spec.start + timedelta(args.days - 8)}"
    )


if __name__ == "__main__":
    main()
