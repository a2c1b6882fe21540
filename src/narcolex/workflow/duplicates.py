"""Possible duplicates: forms of the same language close to a proposed one.

One definition serves the submission check (a contributor sees "possible duplicate of #12")
and the review queue (a curator sees the proposal beside its look-alikes), so the two never
disagree about what "close" means.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz, process

SIMILARITY_CUTOFF = 85.0


def similar(
    key: str, choices: Mapping[int, str], limit: int = 5, cutoff: float = SIMILARITY_CUTOFF
) -> list[tuple[int, str, int]]:
    """(id, key, similarity %) of the choices whose key is close to `key`, best first.

    `choices` maps an id to a normalized key (textkey.term_key); an identical key is not
    "similar" (it is a duplicate, which callers report on their own)."""
    hits = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit + 1)
    return [(i, k, round(score)) for k, score, i in hits if k != key][:limit]
