"""`POST /v1/scan`: one post or a batch, the same finding objects as the CLI (§4)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from narcolex.api.deps import Actor, require, state
from narcolex.api.problems import ApiProblem, responses
from narcolex.api.schemas import BatchOut, FindingOut, ScanRequest

router = APIRouter(prefix="/v1", tags=["scan"])


@router.post(
    "/scan",
    response_model=FindingOut | BatchOut,
    responses=responses(401, 403, 413, 422, 429, 503),
)
async def scan(
    body: ScanRequest,
    request: Request,
    _actor: Annotated[Actor, Depends(require("scan"))],
) -> Response:
    """Scan `{"text": …}` (one finding) or `{"items": [{id, text, lang…}]}` (`{"items": […]}`)."""
    app = state(request)  # not the State dependency: one dependency level less per request
    limits = app.settings
    # A clean post takes microseconds: scanning it on the event loop is cheaper than a thread
    # hop. Batches, and the once-a-second look for a new release, go to a thread.
    scanner = await app.scanners.current()
    # Findings are built by to_dict() to the documented schema (schemathesis checks it), so
    # they go out as JSON directly rather than through a second validation per request.
    headers = {"X-Narcolex-Release": str(app.scanners.version)}
    if body.items is None:
        text = body.text or ""
        if len(text) > limits.max_text_chars:
            raise ApiProblem(413, f"a post may have at most {limits.max_text_chars} characters")
        pid = None if body.id is None else str(body.id)
        return JSONResponse(scanner.scan(text, lang=body.lang, id=pid).to_dict(), headers=headers)
    if len(body.items) > limits.max_scan_items:
        raise ApiProblem(413, f"a batch may have at most {limits.max_scan_items} items")
    for n, item in enumerate(body.items):
        if len(item.text) > limits.max_text_chars:
            raise ApiProblem(
                413, f"item {n}: a post may have at most {limits.max_text_chars} characters"
            )

    def run() -> list[dict[str, Any]]:
        return [
            scanner.scan(i.text, lang=i.lang, id=None if i.id is None else str(i.id)).to_dict()
            for i in body.items or ()
        ]

    items = await run_in_threadpool(run)
    return JSONResponse({"items": items, "release": app.scanners.version}, headers=headers)
