"""The words, bigrams and emoji sequences of a post, and their counts per day.

Emerging-term detection needs to know which words sellers use, not what any one post said,
so ingest keeps only aggregated counts (day × language × platform × verdict × gram) of sale
and clean posts, never the text. Each gram counts once per post (a seller repeating a word
forty times is one post using it). Links, @handles, e-mail addresses and anything with a
digit are dropped before counting: they identify people and accounts, not vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from narcolex.textkey import fold

COUNTED_VERDICTS = ("sale", "clean")
KINDS = ("word", "bigram", "emoji")

_DROP = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+|(?<!\w)@\w+|\S*\d\S*|\S+\.onion\b", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_MAX_WORD = 40
# Blocks that hold emoji (and the few older symbols that are emoji): a post without any of
# them skips the emoji package's slower scan.
_EMOJI_GATE = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf"
    "\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]"
)
_BREAK = re.compile(r"[.!?,;:()\[\]\n|/]+")


def _emoji_runs(text: str) -> list[str]:
    """Runs of adjacent emoji ('🍃🔥' is one run), skin tones and ZWJ joins kept."""
    if text.isascii() or _EMOJI_GATE.search(text) is None:
        return []
    import emoji

    runs: list[str] = []
    last_end = -1
    for item in emoji.emoji_list(text):
        if item["match_start"] == last_end and runs:
            runs[-1] += item["emoji"]
        else:
            runs.append(item["emoji"])
        last_end = item["match_end"]
    return runs


@lru_cache(maxsize=262_144)
def _fold_word(word: str) -> str:
    """textkey.fold of one word, cached: words repeat (Zipf), folding is per character."""
    return fold(word)


def post_grams(text: str) -> set[tuple[str, str]]:
    """The distinct (kind, gram) pairs of one post; words are folded (case, accents)."""
    out: set[tuple[str, str]] = {("emoji", e) for e in _emoji_runs(text)}
    # bigrams never span a dropped item or a clause break
    ascii_text = text.isascii()
    low = text.lower() if ascii_text else unicodedata.normalize("NFKC", text).lower()
    for segment in _BREAK.split(_DROP.sub("\n", low)):
        words = [
            w if ascii_text or w.isascii() else _fold_word(w)
            for w in _WORD.findall(segment)
            if 2 <= len(w) <= _MAX_WORD
        ]
        out.update(("word", w) for w in words)
        out.update(("bigram", f"{a} {b}") for a, b in pairwise(words))
    return out


class GramCounter:
    """Counts of (day, lang, platform, verdict, kind, gram) accumulated over an ingest."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str, str, str, str]] = Counter()

    def add(
        self, day: str, lang: str | None, platform: str | None, verdict: str, text: str
    ) -> None:
        if verdict not in COUNTED_VERDICTS or not text:
            return
        head = (day, lang or "und", platform or "", verdict)
        for kind, gram in post_grams(text):
            self.counts[(*head, kind, gram)] += 1

    def rows_by_day(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for (day, lang, platform, verdict, kind, gram), n in self.counts.items():
            out.setdefault(day, []).append(
                {
                    "lang": lang,
                    "platform": platform,
                    "verdict": verdict,
                    "kind": kind,
                    "gram": gram,
                    "n": n,
                }
            )
        return out

    def update(self, rows: Iterable[tuple[str, str, str, str, str, str]]) -> None:
        self.counts.update(rows)
