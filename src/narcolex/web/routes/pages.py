"""Home (release, counts, coverage grid, recent changes), term search and term pages, and the
Try page that scans one post and marks the matched spans in place."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from narcolex import taxonomy
from narcolex.errors import NarcolexError
from narcolex.store import queries
from narcolex.store.coverage import coverage
from narcolex.web.core import Page, checked_form, page, render
from narcolex.web.highlight import pieces
from narcolex.workflow.comments import add_comment

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]
MAX_TRY_CHARS = 5000
PAGE_SIZE = 50
TRY_ID = "try-1"


def _home_data(p: Page) -> dict[str, Any]:
    with p.app.dbs.read() as s:
        latest = queries.latest_release(s)
        return {
            "release": latest,
            "stats": queries.stats(s),
            "coverage": coverage(s),
            "recent": queries.recent_changes(s, 12),
        }


def scale(n: int, top: int) -> int:
    """Colour step 0-5 of a coverage cell (0 = empty, shown hatched); logarithmic, since a
    few cells hold hundreds of terms and most hold a handful."""
    if n <= 0:
        return 0
    if top <= 1:
        return 5
    return min(5, 1 + round(4 * math.log(n) / math.log(top)))


@router.get("/", response_class=HTMLResponse)
async def home(p: Viewer) -> HTMLResponse:
    p.need("releases.read")
    data = await run_in_threadpool(_home_data, p)
    cov = data["coverage"]
    rows = [
        (lang, info) for lang, info in cov["languages"].items() if lang != taxonomy.UNDETERMINED
    ]
    top = max((n for _, info in rows for n in info["groups"].values()), default=0)
    return render(p, "home.html", rows=rows, top=top, scale=scale, **data)


@router.get("/terms", response_class=HTMLResponse)
async def terms(
    p: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    lang: Annotated[str, Query(max_length=3)] = "",
    substance: Annotated[str, Query(max_length=64)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    status: Annotated[str, Query(max_length=12)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    start: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    p.need("knowledge.read")
    error = None

    def find() -> list[dict[str, Any]]:
        with p.app.dbs.read() as s:
            found = queries.find_terms(
                s, q or None, lang or None, substance or None, kind or None, status or None,
                country.upper() or None, limit=PAGE_SIZE + 1, offset=start,
            )  # fmt: skip
            return [queries.term_record(t) for t in found]

    try:
        items = await run_in_threadpool(find)
    except NarcolexError as exc:  # an unknown code in a filter: say so beside the form
        items, error = [], str(exc)
    filters = {"q": q, "lang": lang, "substance": substance, "kind": kind, "status": status,
               "country": country}  # fmt: skip
    more_query = urlencode({**filters, "start": start + PAGE_SIZE})
    return render(
        p, "terms.html", items=items[:PAGE_SIZE], more=len(items) > PAGE_SIZE,
        more_query=more_query, filters=filters, error=error, taxonomy=taxonomy,
    )  # fmt: skip


def _term(p: Page, term_id: int) -> dict[str, Any]:
    with p.app.dbs.read() as s:
        rec = queries.term_detail(s, term_id)
        rec["labels"] = queries.code_labels(s, rec["denotes"], p.lang)
        return rec


@router.get("/terms/{term_id}", response_class=HTMLResponse)
async def term(p: Viewer, term_id: int) -> HTMLResponse:
    p.need("knowledge.read")
    if not 0 < term_id < 2**31:
        from narcolex.web.core import PageError

        raise PageError(404)
    rec = await run_in_threadpool(_term, p, term_id)
    return render(p, "term.html", t=rec)


@router.post("/terms/{term_id}/comments")
async def comment(
    p: Viewer, term_id: int, form: Annotated[Any, Depends(checked_form)]
) -> HTMLResponse:
    p.need("comment")
    body = str(form.get("body") or "").strip()
    error = None

    def write() -> None:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            add_comment(s, body, p.actor.name, term_id=term_id)

    try:
        await run_in_threadpool(write)
    except NarcolexError as exc:
        error = str(exc)
    rec = await run_in_threadpool(_term, p, term_id)
    return render(p, "term.html", t=rec, comment_error=error, status=422 if error else 200)


@router.get("/try", response_class=HTMLResponse)
async def try_form(p: Viewer) -> HTMLResponse:
    p.need("scan")
    return render(p, "try.html", text="", lang="", result=None, taxonomy=taxonomy)


@router.post("/try", response_class=HTMLResponse)
async def try_post(p: Viewer, form: Annotated[Any, Depends(checked_form)]) -> HTMLResponse:
    p.need("scan")
    text = str(form.get("text") or "")
    lang = str(form.get("lang") or "")
    if len(text) > MAX_TRY_CHARS:
        return render(
            p, "try.html", status=413, text=text[:MAX_TRY_CHARS], lang=lang, result=None,
            taxonomy=taxonomy, error=p.gettext("The text is too long."),
        )  # fmt: skip
    scanner = await run_in_threadpool(p.app.scanners.get)
    finding = scanner.scan(text, lang=lang or None)
    spans = [(m.start, m.end, m.term) for m in finding.matches]
    spans += [(s.start, s.end, s.code) for s in finding.signal_details]
    with p.app.dbs.read() as s:
        labels = queries.code_labels(s, list(finding.substances), p.lang)
    result = {"finding": finding, "pieces": pieces(text, spans), "labels": labels}
    # for "Prepare a notice": the finding and its post, as `narcolex respond` reads them
    result["finding_json"] = json.dumps(finding.with_id(TRY_ID).to_dict(), ensure_ascii=False)
    result["post_json"] = json.dumps({"id": TRY_ID, "text": text, "lang": lang or None},
                                     ensure_ascii=False)  # fmt: skip
    partial = p.request.headers.get("hx-request") == "true"
    template = "try_result.html" if partial else "try.html"
    return render(p, template, text=text, lang=lang, result=result, taxonomy=taxonomy)
