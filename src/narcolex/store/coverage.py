"""Coverage of the knowledge base: languages × substance groups and signal classes.

Curators use it to see where the package is thin; the "major" cells are the ones the EU
Internet Forum asked to be filled first for every large language.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.store.models import Term, TermCode, TermSource

# Coverage columns: a name and the top-level codes it gathers.
GROUPS: dict[str, tuple[str, ...]] = {
    "cannabis": ("cannabis",),
    "cocaine": ("cocaine",),
    "amph/meth": ("amphetamine", "methamphetamine"),
    "mdma": ("mdma",),
    "opioids": ("opioids",),
    "benzos": ("benzodiazepines",),
    "halluc.": ("hallucinogens",),
    "ketamine": ("ketamine",),
    "ghb": ("ghb",),
    "pregabalin": ("pregabalin",),
    "nps": ("nps",),
    "n2o": ("nitrous_oxide",),
    "steroids": ("steroids",),
    "generic": ("drugs.generic",),
    **{code.split(".")[1]: (code,) for code in taxonomy.SIGNALS},
}
MAJOR: tuple[str, ...] = (
    "cannabis", "cocaine", "amph/meth", "mdma", "opioids", "benzos", "halluc.", "ketamine",
    "offer", "contact", "delivery", "price",
)  # fmt: skip
_CODE_TO_GROUP = {code: name for name, codes in GROUPS.items() for code in codes}


def coverage(session: Session) -> dict[str, Any]:
    """Validated-term counts per (language, group), sourced share, and empty major cells."""
    sourced = set(session.scalars(select(TermSource.term_id).distinct()))
    cells: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    totals: dict[str, set[int]] = defaultdict(set)
    rows = session.execute(
        select(Term.id, Term.lang, TermCode.code)
        .join(TermCode, TermCode.term_id == Term.id)
        .where(Term.status == "validated")
    )
    context: dict[str, set[int]] = defaultdict(set)
    for tid, lang, code in rows:
        if taxonomy.is_context(code):  # context words are not terms: counted apart
            context[lang].add(tid)
            continue
        group = _CODE_TO_GROUP.get(taxonomy.substance_group(code))
        if group:
            cells[lang][group].add(tid)
        totals[lang].add(tid)
    languages = {}
    for lang in taxonomy.LANGUAGES:
        ids = totals.get(lang, set())
        languages[lang] = {
            "terms": len(ids),
            "sourced_share": round(len(ids & sourced) / len(ids), 3) if ids else None,
            "groups": {g: len(cells[lang][g]) for g in GROUPS},
            "context_words": len(context.get(lang, set()) - ids),
        }
    empty_major = [
        f"{lang}:{g}"
        for lang in taxonomy.LARGE_LANGUAGES
        for g in MAJOR
        if not languages[lang]["groups"][g]
    ]
    return {
        "groups": list(GROUPS),
        "major": list(MAJOR),
        "languages": languages,
        "total_validated": sum(v["terms"] for v in languages.values()),
        "empty_major_cells_large_languages": empty_major,
    }
