"""Pages for analysts and for young people: the monitoring report of one month (`/monitor`) and
the national help resources (`/help`), over the same functions as `narcolex monitor report` and
`narcolex respond help`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from narcolex.errors import NarcolexError
from narcolex.web.core import Page, page, render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]


def _report(p: Page, period: str) -> dict[str, Any]:
    from narcolex.monitor import report
    from narcolex.monitor.emerging import known_forms
    from narcolex.monitor.store import open_store

    known = known_forms(p.app.scanners.get().lexicon.terms)
    data = report.report_data(open_store(), period, known)
    # The trend chart names only substance groups of the taxonomy, so its SVG is safe inline.
    data["trend_svg"] = report.svg(report.trend_chart(data["trend"], data["every"]))
    return data


@router.get("/monitor", response_class=HTMLResponse)
async def monitor(
    p: Viewer, period: Annotated[str | None, Query(max_length=7)] = None
) -> HTMLResponse:
    p.need("monitor.read")
    period = period or datetime.now(UTC).strftime("%Y-%m")
    try:
        data = await run_in_threadpool(_report, p, period)
    except NarcolexError as exc:
        return render(p, "monitor.html", status=422, period=period, data=None, error=str(exc))
    return render(p, "monitor.html", period=period, data=data, error=None)


@router.get("/help", response_class=HTMLResponse)
async def help_page(
    p: Viewer,
    country: Annotated[str | None, Query(max_length=2)] = None,
    lang: Annotated[str | None, Query(max_length=3)] = None,
) -> HTMLResponse:
    """Open to everyone: a young person looking for help must not meet a login."""
    from narcolex.respond.help import resources
    from narcolex.workflow.releases import released_respond_content

    def released() -> Any:
        with p.app.dbs.read() as s:
            return released_respond_content(s)

    content = await run_in_threadpool(released)  # as released, like /v1/help
    countries = sorted(content.help.countries.items(), key=lambda kv: kv[1].name)
    answer, error = None, None
    if country:
        try:
            answer = resources(country, lang or p.lang, content)
        except NarcolexError as exc:
            error = str(exc)
    return render(
        p,
        "help.html",
        status=422 if error else 200,
        countries=countries,
        country=(country or "").upper(),
        answer=answer,
        error=error,
    )
