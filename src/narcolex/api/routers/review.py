"""Review: the curators' queue, decisions on proposals, and comments on terms."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from narcolex.api import paging
from narcolex.api.deps import Actor, State, require
from narcolex.api.problems import responses
from narcolex.api.schemas import (
    CommentIn,
    CommentOut,
    Cursor,
    DecisionIn,
    Id,
    Limit,
    MergeIn,
    QueuePage,
    ReviewOut,
)
from narcolex.workflow import review
from narcolex.workflow.comments import add_comment

router = APIRouter(prefix="/v1", tags=["review"])
Curator = Annotated[Actor, Depends(require("review"))]
QueueReader = Annotated[Actor, Depends(require("review.read"))]
ACTIONS = {"approve": "approve", "reject": "reject", "request-changes": "request_changes"}


@router.get("/review/queue", response_model=QueuePage, responses=responses(401, 403, 422, 429))
def queue(
    app: State,
    _actor: QueueReader,
    lang: Annotated[str | None, Query(max_length=3)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    status: Annotated[str, Query(max_length=12)] = "proposed",
    limit: Limit = 100,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Terms awaiting review (or with another `status`), oldest first."""
    with app.dbs.read() as s:
        rows = review.pending(s, lang=lang, country=country, status=status)
    return paging.page(rows, limit, cursor)


@router.get("/review/{term_id}", responses=responses(401, 403, 404, 429))
def show(term_id: Id, app: State, _actor: QueueReader) -> dict[str, Any]:
    """A proposal with its sources, state and possible duplicates."""
    with app.dbs.read() as s:
        return review.show(s, term_id)


def _out(r: Any, by: str) -> dict[str, Any]:
    return {
        "term": r.term_id,
        "decision": r.decision,
        "by": by,
        "comment": r.comment,
        "merged_into": r.merged_into_id,
    }


@router.post(
    "/review/{term_id}/merge",
    response_model=ReviewOut,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def merge(term_id: Id, body: MergeIn, app: State, actor: Curator) -> dict[str, Any]:
    """Fold a proposed duplicate into an existing term (its form becomes a variant there)."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        r = review.merge(s, term_id, body.into, actor.name, body.comment)
        return _out(r, actor.name)


@router.post(
    "/review/{term_id}/{action}",
    response_model=ReviewOut,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def decide(
    term_id: Id,
    action: Literal["approve", "reject", "request-changes"],
    app: State,
    actor: Curator,
    body: DecisionIn | None = None,
) -> dict[str, Any]:
    """Approve, reject or request changes (reject and request-changes need a comment).
    Nobody decides on their own proposal."""
    assert actor.name is not None
    comment = body.comment if body else None
    with app.dbs.writer.transaction() as s:
        r = review.decide(s, term_id, ACTIONS[action], actor.name, comment)
        return _out(r, actor.name)


@router.post(
    "/terms/{term_id}/comments",
    status_code=201,
    response_model=CommentOut,
    responses=responses(401, 403, 404, 422, 429),
)
def comment_term(
    term_id: Id,
    body: CommentIn,
    app: State,
    actor: Annotated[Actor, Depends(require("comment"))],
) -> dict[str, Any]:
    """A feedback comment on a term (shown with the term)."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        c = add_comment(s, body.body, actor.name, term_id=term_id)
        return {"id": c.id, "by": actor.name, "term": term_id, "release": None}
