"""Readable reasons for a verdict: every point of the score traced to a match or a signal.

Moderators act on findings, so the explanation says what was found, where, and how much each
piece moved the score; nothing in the score is left unexplained (ARCHITECTURE §7.5).
"""

from __future__ import annotations

from narcolex.detect.finding import Match, Signal
from narcolex.detect.scoring import Score

_VERDICT_TEXT = {
    "sale": "looks like an offer to sell or supply drugs",
    "mention": "talks about drugs without signs of an offer",
    "clean": "no drug-related evidence",
}


def explain(score: Score, matches: list[Match], signals: list[Signal]) -> str:
    """One paragraph: verdict, probability, the terms and cues found, and each contribution."""
    parts = [f"{score.verdict}: {_VERDICT_TEXT[score.verdict]} (p={score.probability:.2f})."]
    subs = [m for m in matches if m.substances]
    if subs:
        found = ", ".join(
            f"{m.surface!r}→{m.term} [{'/'.join(m.substances)}; {m.ambiguity} ambiguity"
            f"{f' ({m.note})' if m.note else ''}, {m.lang}]"
            for m in subs[:8]
        )
        parts.append(f"Terms: {found}.")
    if signals:
        cues = ", ".join(f"{s.code.removeprefix('signal.')} {s.surface!r}" for s in signals[:8])
        parts.append(f"Cues: {cues}.")
    if score.contributions and subs:
        contrib = "; ".join(f"{c.label} {c.weight:+.2f}" for c in score.contributions)
        parts.append(f"Score: {contrib}.")
    if score.gated:
        parts.append(f"Capped: {score.gated}.")
    return " ".join(parts)
