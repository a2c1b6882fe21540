"""Writing content into the knowledge base: the bundled package at `init`, imports later.

All functions take an open transaction and never commit: the caller's transaction makes a
whole load succeed or leave nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.package.content import (
    Content,
    SourceEntry,
    TermEntry,
    source_id,
    source_locator,
)
from narcolex.store.models import (
    CodeLabel,
    Release,
    Signal,
    Source,
    Substance,
    Term,
    TermCode,
    Variant,
)
from narcolex.textkey import term_key
from narcolex.workflow import audit

CHUNK = 500  # rows per flush: bounded memory, and progress a person can follow


def is_populated(session: Session) -> bool:
    """True when the knowledge base already holds terms or releases."""
    terms = session.scalar(select(func.count()).select_from(Term)) or 0
    releases = session.scalar(select(func.count()).select_from(Release)) or 0
    return bool(terms or releases)


def ensure_taxonomy(session: Session, content: Content | None = None) -> None:
    """Insert every taxonomy code (and its labels from substances.yaml) once."""
    have_subs = set(session.scalars(select(Substance.code)))
    for code in taxonomy.SUBSTANCES:
        if code not in have_subs:
            session.add(Substance(code=code, parent_code=taxonomy.parent(code)))
    session.flush()
    have_sigs = set(session.scalars(select(Signal.code)))
    descriptions = {}
    if content is not None:
        descriptions = {s.code: s.description for s in content.substances.signals}
    for code in taxonomy.SIGNALS:
        if code not in have_sigs:
            session.add(Signal(code=code, description=descriptions.get(code)))
    if content is None:
        return
    have_labels = {(c, lang) for c, lang in session.execute(select(CodeLabel.code, CodeLabel.lang))}
    for entry in (*content.substances.substances, *content.substances.signals):
        for lang, label in entry.labels.items():
            if (entry.code, lang) not in have_labels:
                session.add(CodeLabel(code=entry.code, lang=lang, label=label))
    session.flush()


def upsert_source(session: Session, src: SourceEntry) -> Source:
    row = session.scalar(select(Source).where(Source.key == src.id))
    if row is None:
        row = Source(key=src.id)
        session.add(row)
    row.title, row.publisher, row.year = src.title, src.publisher, src.year
    row.url, row.lang, row.kind = src.url, src.lang, src.kind
    return row


def add_term(
    session: Session,
    lang: str,
    entry: TermEntry,
    sources: dict[str, Source],
    status: str | None = None,
    submission_id: int | None = None,
) -> Term:
    term = Term(
        term=entry.term.strip(),
        key=term_key(entry.term),
        lang=lang,
        kind=entry.kind,
        ambiguity=entry.ambiguity,
        confidence=entry.confidence,
        status=status or entry.effective_status,
        match_mode=entry.match,
        countries=list(entry.countries),
        platforms=list(entry.platforms),
        first_seen=entry.first_seen,
        last_seen=entry.last_seen,
        note=entry.note,
        submission_id=submission_id,
    )
    term.codes = [TermCode(code=c) for c in dict.fromkeys(entry.denotes)]
    seen = {term.key}
    for form in entry.variants:
        k = term_key(form)
        if k not in seen:
            seen.add(k)
            term.variants.append(Variant(form=form.strip(), key=k))
    term.sources = [sources[s] for s in dict.fromkeys(source_id(r) for r in entry.sources)]
    refs = [r.strip() for r in entry.sources]
    # The references as written only when some carries a locator: the plain links say the rest.
    term.source_refs = refs if any(source_locator(r) for r in refs) else None
    term.innocent = [i.model_dump(exclude_none=True) for i in entry.innocent] or None
    session.add(term)
    return term


def load_content(
    session: Session,
    content: Content,
    actor: str = "system",
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Insert every term of `content`, then its context words (curated and released like
    terms, so that a scanner built from any release reads who speaks to whom as the bundled
    one does); return the number of lexicon terms written (flushed in chunks, reporting
    `progress(done, total)` after each)."""
    ensure_taxonomy(session, content)
    sources = {sid: upsert_source(session, src) for sid, src in content.sources.items()}
    session.flush()
    items = (*content.terms, *content.context)
    total = len(items)
    for n, item in enumerate(items, start=1):
        add_term(session, item.lang, item.entry, sources)
        if n % CHUNK == 0 or n == total:
            session.flush()
            if progress:
                progress(n, total)
    session.flush()
    audit.record(
        session,
        actor,
        "content.load",
        "knowledge_base",
        None,
        root=content.root,
        terms=len(content.terms),
        context_words=len(content.context),
        sources=len(content.sources),
    )
    return len(content.terms)
