"""Monitoring's candidate terms into the review queue, as proposed terms with their evidence.

A candidate is a statistical hint, not knowledge: it enters as a `proposed` term of low
confidence, denoting `drugs.generic` (the statistic says sellers use it, not for what), with
a note giving the evidence and a source of kind `dataset` describing the monitoring window.
A curator decides in review, as for any contributor's submission; nothing here validates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex.package.content import SourceEntry, TermEntry
from narcolex.store.models import Submission, Term
from narcolex.textkey import term_key
from narcolex.workflow import audit, users
from narcolex.workflow.load import add_term, upsert_source

PROPOSER_ROLES = ("curator", "admin")
_KINDS = {"word": "slang", "bigram": "phrase"}


def _kind(candidate: dict[str, Any]) -> str:
    if candidate["kind"] == "emoji":
        return "emoji" if len(candidate["gram"]) <= 2 else "emoji_sequence"
    return _KINDS.get(candidate["kind"], "slang")


def _note(c: dict[str, Any], statistic: str, since: str, until: str) -> str:
    platforms = ", ".join(f"{p} {n}" for p, n in list(c.get("platforms", {}).items())[:5])
    langs = ", ".join(f"{k} {n}" for k, n in list(c.get("langs", {}).items())[:5])
    context = f" Context: {c['contexts'][0]}" if c.get("contexts") else ""
    return (
        f"Monitoring candidate {since}..{until}: in {c['count']} sale-verdict posts "
        f"({c.get('per_10k')} per 10,000 grams of sale posts), background {c['background']}; "
        f"G2 = {c['g2']} ({statistic}). First seen {c.get('first_seen')}. "
        f"Languages: {langs}. Platforms: {platforms}.{context} "
        "Substance not inferred: check what it denotes before approving."
    )


def propose_candidates(
    session: Session,
    as_user: str,
    result: dict[str, Any],
    limit: int | None = None,
) -> dict[str, Any]:
    """Create one submission of proposed terms from a `monitor.emerging.candidates` result;
    candidates already in the knowledge base (same language and key) are skipped."""
    user = users.acting_user(session, as_user, PROPOSER_ROLES)
    since, until = result["window"]["since"], result["window"]["until"]
    src = upsert_source(
        session,
        SourceEntry(
            id=f"narcolex-monitoring-{since}-{until}",
            title=f"narcolex monitoring: sale-verdict posts of {since} to {until}",
            publisher="narcolex monitoring of this deployment",
            year=date.fromisoformat(until).year,
            lang="en",
            kind="dataset",
        ),
    )
    session.flush()
    items = result["items"][:limit] if limit else result["items"]
    sub = Submission(
        user_id=user.id,
        country=user.country,
        filename=f"monitor candidates {since}..{until}",
        status="pending",
        row_count=len(items),
        accepted_count=0,
        problems=[],
    )
    session.add(sub)
    session.flush()
    created, skipped = [], []
    for c in items:
        lang = c.get("lang") or "und"
        if c["kind"] == "emoji":
            lang = "und"
        key = term_key(c["gram"])
        if session.scalar(select(Term.id).where(Term.lang == lang, Term.key == key)) is not None:
            skipped.append(c["gram"])
            continue
        entry = TermEntry(
            term=c["gram"],
            kind=_kind(c),
            denotes=["drugs.generic"],
            ambiguity="medium",
            confidence="low",
            status="proposed",
            platforms=[p for p in c.get("platforms", {}) if p and p != "(none)"][:10],
            sources=[src.key],
            first_seen=date.fromisoformat(c["first_seen"]) if c.get("first_seen") else None,
            last_seen=date.fromisoformat(until),
            note=_note(c, result.get("statistic", ""), since, until),
        )
        term = add_term(session, lang, entry, {src.key: src}, "proposed", sub.id)
        session.flush()
        created.append({"id": term.id, "term": term.term, "lang": lang, "g2": c["g2"]})
    sub.accepted_count = len(created)
    audit.record(
        session,
        user.name,
        "monitor.propose",
        "submission",
        sub.id,
        window=f"{since}..{until}",
        terms=[t["id"] for t in created],
        skipped=skipped,
    )
    return {"submission": sub.id, "created": created, "skipped": skipped, "source": src.key}
