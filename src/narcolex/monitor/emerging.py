"""Emerging terms: words, bigrams and emoji sequences that sellers have started to use.

Candidates are grams of sale-verdict posts in a window (default: the last 7 days) that are
not forms of the release and are over-represented against a background, ranked by Dunning's
log-likelihood ratio G² on the 2×2 table

                      gram          other grams
    sale (window)      a             A − a
    background         c             B − c

G² = 2 Σ O·ln(O/E), E the counts expected if the gram were as frequent in both (Dunning
1993, "Accurate methods for the statistics of surprise and coincidence"). Only grams more
frequent in the window than in the background are kept. The background is

- the clean posts of the window and of the 28 days before it;
- the sale posts of those 28 days before the window (`history`), so that the ordinary
  vocabulary of adverts ("fresh", "stock", "today") is background too and what ranks is what
  is *new* in sale posts. Without history (`history=False`) the ranking is "typical of sale
  posts", which also finds long-established code words the lexicon lacks;
- for words and emoji, the general frequency f of the gram in the language (wordfreq): the
  background count is raised to at least f·B, so an everyday word of the language is not a
  candidate just because the clean sample is small or lacks it. (A floor rather than a
  mixture: mixing a large general-language corpus in would dilute the observed rates of the
  advert vocabulary and bring it back as "over-represented".) With no background observed
  yet, B is `PSEUDO_TOKENS`.

Counts are per post (a gram counts once per post), from the `grams` dataset; contexts are
quoted from kept post text when the operator kept it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from narcolex.detect.commonness import wordfreq_code
from narcolex.detect.normalize import normalize_key
from narcolex.monitor.store import MonitorStore
from narcolex.textkey import fold

WINDOW_DAYS = 7
HISTORY_DAYS = 28
MIN_COUNT = 5
PSEUDO_TOKENS = 1_000_000
MIN_WORD_LEN = 3
STATISTIC = "Dunning log-likelihood ratio G2 (sale window vs clean + history + wordfreq)"


def g2(a: float, b: float, c: float, d: float) -> float:
    """Dunning's G² of the 2×2 table [[a, b], [c, d]] (0·ln 0 = 0)."""
    n = a + b + c + d
    if n <= 0:
        return 0.0
    rows = (a + b, c + d)
    cols = (a + c, b + d)
    total = 0.0
    for obs, r, k in ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1)):
        if obs > 0:
            total += obs * math.log(obs * n / (rows[r] * cols[k]))
    return 2.0 * total


@lru_cache(maxsize=1)
def _wordfreq_langs() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.available_languages())


def general_frequency(gram: str, lang: str | None) -> float:
    """wordfreq's frequency of a word or emoji in `lang` (0 when unknown or unsupported)."""
    code = wordfreq_code(lang or "")
    if code not in _wordfreq_langs():
        return 0.0
    import wordfreq

    return float(wordfreq.word_frequency(gram, code))


def known_forms(terms: Iterable[Any]) -> frozenset[str]:
    """Folded and normalized forms (terms and variants) of a lexicon's terms."""
    out: set[str] = set()
    for t in terms:
        for form in (t.term, *t.variants):
            out.add(fold(form))
            out.add(normalize_key(form))
    return frozenset(out)


def is_known(gram: str, kind: str, known: frozenset[str]) -> bool:
    """A form of the release, or a bigram with a word of the release (its other word, when
    new, is a candidate of its own)."""
    if gram in known or normalize_key(gram) in known:
        return True
    return kind == "bigram" and any(w in known for w in gram.split(" "))


# sale grams of the window, of clean posts, of earlier sale posts (two `since` parameters)
_SPLIT = (
    "sum(n) FILTER (verdict = 'sale' AND day >= ?),"
    " sum(n) FILTER (verdict = 'clean'),"
    " sum(n) FILTER (verdict = 'sale' AND day < ?)"
)


def _score(a: float, big_a: float, c: float, big_b: float, freq: float) -> tuple[float, float]:
    """(G2 of a in A against c in B, or 0 when not over-represented; the background count
    used). The background count is at least freq·B (wordfreq floor); with no background
    observed, B is PSEUDO_TOKENS."""
    if freq > 0:
        if big_b <= 0:
            big_b = float(PSEUDO_TOKENS)
        c = max(c, freq * big_b)
    if big_a <= 0 or (big_b > 0 and a / big_a <= c / big_b):
        return 0.0, c
    return g2(a, big_a - a, c, max(big_b - c, 0.0)), c


def _window(store: MonitorStore, con: Any, until: date | None, days: int) -> tuple[date, date]:
    if until is None:
        last = con.execute("SELECT max(day) FROM grams WHERE verdict = 'sale'").fetchone()[0]
        until = last or date.today()
    return until - timedelta(days=days - 1), until


def candidates(
    store: MonitorStore,
    known: frozenset[str],
    until: date | None = None,
    days: int = WINDOW_DAYS,
    history: bool = True,
    min_count: int = MIN_COUNT,
    limit: int = 30,
    contexts: int = 3,
    con: Any = None,
) -> dict[str, Any]:
    """{window, statistic, items: [...]} — the ranked candidates of the window ending `until`
    (default: the last day with sale posts)."""
    own = con is None
    con = con or store.connect()
    try:
        since, until = _window(store, con, until, days)
        start = since - timedelta(days=HISTORY_DAYS)
        # the days needed, read once (the per-candidate queries below reuse them)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE cand_grams AS SELECT * FROM grams"
            " WHERE day BETWEEN ? AND ?",
            [start, until],
        )
        # per kind: sale grams of the window (A), of clean posts (B_clean), of earlier sale
        # posts (B_hist)
        totals = {
            kind: (float(a or 0), float(bc or 0), float(bh or 0))
            for kind, a, bc, bh in con.execute(
                f"SELECT kind, {_SPLIT} FROM cand_grams GROUP BY kind", [since, since]
            ).fetchall()
        }
        rows = con.execute(
            f"""
            WITH wl AS (
                SELECT kind, gram, lang, sum(n) AS n FROM cand_grams
                WHERE verdict = 'sale' AND day >= ? GROUP BY kind, gram, lang
            ), w AS (
                SELECT kind, gram, sum(n) AS a, first(lang ORDER BY n DESC, lang) AS lang
                FROM wl GROUP BY kind, gram HAVING sum(n) >= ?
            )
            SELECT w.kind, w.gram, w.lang, {_SPLIT}
            FROM w JOIN cand_grams g USING (kind, gram)
            GROUP BY w.kind, w.gram, w.lang
            """,
            [since, min_count, since, since],
        ).fetchall()
        scored = []
        for kind, gram, lang, a, c_clean, c_hist in rows:
            if is_known(gram, kind, known) or (kind == "word" and len(gram) < MIN_WORD_LEN):
                continue
            big_a, b_clean, b_hist = totals[kind]
            freq = general_frequency(gram, lang) if kind != "bigram" else 0.0
            score, background = _score(a, big_a, c_clean or 0, b_clean, freq)
            if history and b_hist > 0 and score > 0:
                vs_history, _ = _score(a, big_a, c_hist or 0, b_hist, 0.0)
                score = min(score, vs_history)
            if score <= 0:
                continue
            scored.append((score, kind, gram, int(a), background, c_hist or 0, lang, freq))
        scored.sort(key=lambda s: (-s[0], s[2]))
        top = scored[:limit]
        items = [
            _describe(con, s, since, until, big_a=totals[s[1]][0], contexts=contexts) for s in top
        ]
    finally:
        if own:
            con.close()
    return {
        "window": {"since": since.isoformat(), "until": until.isoformat(), "days": days},
        "background": {
            "clean_since": start.isoformat(),
            "history": history,
            "pseudo_tokens": PSEUDO_TOKENS,
        },
        "statistic": STATISTIC,
        "items": items,
    }


def _describe(
    con: Any, s: tuple, since: date, until: date, big_a: float, contexts: int
) -> dict[str, Any]:
    score, kind, gram, a, c, c_hist, lang, freq = s
    of_gram = "FROM cand_grams WHERE verdict = 'sale' AND gram = ? AND kind = ?"

    def by(column: str) -> list[tuple[Any, int]]:
        return con.execute(
            f"SELECT {column}, sum(n) {of_gram} AND day BETWEEN ? AND ? GROUP BY 1"
            " ORDER BY 2 DESC, 1",
            [gram, kind, since, until],
        ).fetchall()

    langs, platforms = dict(by("lang")), dict(by("platform"))
    daily = sorted(by("day"))
    first_seen = con.execute(
        f"SELECT min(day) {of_gram} AND day <= ?", [gram, kind, until]
    ).fetchone()[0]
    quotes: list[str] = []
    if contexts:
        for (text,) in con.execute(
            "SELECT text FROM sightings WHERE verdict = 'sale' AND text IS NOT NULL"
            " AND day BETWEEN ? AND ? AND strip_accents(lower(text)) LIKE ? LIMIT ?",
            [since, until, f"%{gram}%", contexts],
        ).fetchall():
            quotes.append(_snippet(text, gram))
    return {
        "gram": gram,
        "kind": kind,
        "lang": lang,
        "g2": round(score, 2),
        "count": a,
        "per_10k": round(10_000 * a / big_a, 2) if big_a else None,
        "background": round(c, 2),
        "history": int(c_hist),
        "general_frequency": freq,
        "first_seen": first_seen.isoformat() if first_seen else None,
        "daily": {d.isoformat(): int(n) for d, n in daily},
        "langs": {k or "und": int(v) for k, v in langs.items()},
        "platforms": {k or "(none)": int(v) for k, v in platforms.items()},
        "contexts": quotes,
    }


def _snippet(text: str, gram: str, width: int = 60) -> str:
    i = fold(text).find(gram)
    if i < 0:
        return text[: 2 * width]
    lo, hi = max(0, i - width), min(len(text), i + len(gram) + width)
    return ("…" if lo else "") + " ".join(text[lo:hi].split()) + ("…" if hi < len(text) else "")
