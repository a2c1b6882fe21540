"""Knowledge reads: term search with filters and cursors, one term, substances, coverage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from narcolex.api import paging
from narcolex.api.deps import Actor, State, require
from narcolex.api.problems import responses
from narcolex.api.schemas import Id, TermOut, TermPage
from narcolex.formats.export import substances_doc
from narcolex.store import queries
from narcolex.store.coverage import coverage as coverage_of

router = APIRouter(prefix="/v1", tags=["knowledge"])
Reader = Annotated[Actor, Depends(require("knowledge.read"))]


@router.get("/terms", response_model=TermPage, responses=responses(401, 403, 422, 429))
def terms(
    app: State,
    _actor: Reader,
    q: Annotated[str | None, Query(max_length=200, description="Accent-insensitive.")] = None,
    lang: Annotated[str | None, Query(max_length=3)] = None,
    substance: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[str | None, Query(max_length=12)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Terms matching every filter; `q` matches forms and variants ignoring case and accents."""
    start = paging.decode(cursor)
    with app.dbs.read() as s:
        found = queries.find_terms(
            s, q, lang, substance, kind, status, country, limit=limit, offset=start
        )
        items = [queries.term_record(t) for t in found]
    return {"items": items, "next": paging.next_cursor(start, len(items), limit)}


@router.get("/terms/{term_id}", response_model=TermOut, responses=responses(401, 403, 404, 429))
def term(term_id: Id, app: State, _actor: Reader) -> dict[str, Any]:
    """One term with its sources, reviews and comments."""
    with app.dbs.read() as s:
        return queries.term_detail(s, term_id)


@router.get("/substances", responses=responses(401, 403, 404, 429))
def substances(app: State, _actor: Reader) -> dict[str, Any]:
    """The substance and signal codes with their names per language (newest release)."""
    with app.dbs.read() as s:
        return substances_doc(queries.get_release(s))


@router.get("/coverage", responses=responses(401, 403, 429))
def coverage(app: State, _actor: Reader) -> dict[str, Any]:
    """Validated terms per language and substance group; empty major cells."""
    with app.dbs.read() as s:
        return coverage_of(s)
