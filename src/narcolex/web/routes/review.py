"""The curators' review queue: each proposal beside its possible duplicates, and the four
decisions (approve, reject, request changes, merge) with comments. The workflow enforces four
eyes (nobody decides on their own submission); the page shows its refusal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from narcolex import taxonomy
from narcolex.errors import NarcolexError, PermissionDenied
from narcolex.store import queries
from narcolex.web.core import Page, checked_form, page, render
from narcolex.workflow import review

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]
ACTIONS = {"approve": "approve", "reject": "reject", "request-changes": "request_changes"}


@router.get("/review", response_class=HTMLResponse)
async def queue(
    p: Viewer,
    lang: Annotated[str, Query(max_length=3)] = "",
    status: Annotated[str, Query(max_length=12)] = "proposed",
) -> HTMLResponse:
    p.need("review.read")

    def load() -> list[dict[str, Any]]:
        with p.app.dbs.read() as s:
            return review.pending(s, lang=lang or None, status=status or None)

    try:
        items, error = await run_in_threadpool(load), None
    except NarcolexError as exc:
        items, error = [], str(exc)
    return render(
        p, "review_queue.html", items=items, lang=lang, status_filter=status, error=error,
        taxonomy=taxonomy,
    )  # fmt: skip


def _item(p: Page, term_id: int) -> dict[str, Any]:
    with p.app.dbs.read() as s:
        rec = review.show(s, term_id)
        rec["labels"] = queries.code_labels(s, rec["denotes"], p.lang)
        rec["duplicates"] = [
            queries.term_record(queries.get_term(s, d["id"])) | {"similarity": d["similarity"]}
            for d in rec["possible_duplicates"]
        ]
        return rec


@router.get("/review/{term_id}", response_class=HTMLResponse)
async def item(p: Viewer, term_id: int) -> HTMLResponse:
    p.need("review.read")
    rec = await run_in_threadpool(_item, p, term_id)
    return render(p, "review_item.html", t=rec, error=None)


@router.post("/review/{term_id}", response_model=None)
async def decide(p: Viewer, term_id: int, form: Annotated[Any, Depends(checked_form)]) -> Response:
    p.need("review")
    action = str(form.get("action") or "")
    comment = str(form.get("comment") or "").strip() or None
    into = str(form.get("into") or "").strip()

    def write() -> None:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            if action == "merge":
                if not into.isdigit():
                    raise NarcolexError("choose the term to merge into")
                review.merge(s, term_id, int(into), p.actor.name, comment)
            elif action in ACTIONS:
                review.decide(s, term_id, ACTIONS[action], p.actor.name, comment)
            else:
                raise NarcolexError(f"unknown action {action!r}")

    try:
        await run_in_threadpool(write)
    except NarcolexError as exc:
        rec = await run_in_threadpool(_item, p, term_id)
        status = 403 if isinstance(exc, PermissionDenied) else 422
        return render(p, "review_item.html", status=status, t=rec, error=str(exc))
    return RedirectResponse(f"/review?done={term_id}", status_code=303)
