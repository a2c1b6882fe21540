"""The web pages: server-rendered Jinja2 with a little htmx, mounted into the API's app.

One process serves both (`narcolex serve`): the pages call the same workflow, store and detect
functions as the /v1 routes, through the same database handles and scanner cache. Paths under
/v1, the health checks and the OpenAPI documents keep their problem+json errors; every other
path answers errors with an HTML page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from narcolex import errors
from narcolex.api.problems import ApiProblem, status_of
from narcolex.web import i18n
from narcolex.web.core import PageError, SignInNeeded, page, render
from narcolex.web.session import SessionStore

API_PREFIXES = ("/v1", "/healthz", "/readyz", "/openapi.json", "/docs", "/redoc")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def is_web(path: str) -> bool:
    return not path.startswith(API_PREFIXES)


async def error_page(request: Request, status: int, detail: str = "") -> Response:
    p = await page(request)
    template = {403: "403.html", 404: "404.html"}.get(status, "error.html")
    return render(p, template, status=status, detail=detail, status_code=status)


class PagesOnly:
    """Pure ASGI middleware that runs a `call_next`-style `dispatch` for page paths only.

    Starlette's BaseHTTPMiddleware costs a task group and memory streams per request; the
    /v1 routes, health checks and static files need none of the session, language or
    security-header work, so they go straight to the app and do not pay for it."""

    def __init__(self, app: ASGIApp, dispatch: Callable[..., Awaitable[Response]]) -> None:
        self.app = app
        self.pages = BaseHTTPMiddleware(app, dispatch=dispatch)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and is_web(path) and not path.startswith("/static/"):
            await self.pages(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    """Add the pages, their static files, sessions and HTML error pages to the API's app."""
    from narcolex.web.routes import (
        account,
        admin,
        analysis,
        contribute,
        pages,
        releases,
        respond,
        review,
    )

    sessions = SessionStore(app.state.narcolex.dbs)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (pages, account, contribute, review, releases, admin, analysis, respond):
        app.include_router(module.router)

    async def web_session(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        data = await run_in_threadpool(sessions.load, request)
        before = dict(data)
        chosen = request.query_params.get("lang")
        if chosen in i18n.LANGUAGES:
            data["lang"] = chosen
        request.state.web_session = data
        response = await call_next(request)
        if data != before:
            await run_in_threadpool(sessions.save, request, response, data)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(PagesOnly, dispatch=web_session)

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> Response:
        response = await error_page(request, exc.status, exc.detail)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _exc: SignInNeeded) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    # Errors keep the API's problem+json under /v1; on the pages they become HTML.
    def html_for_pages(
        original: Callable[[Request, Exception], Awaitable[Response]],
        status: Callable[[Exception], tuple[int, str]],
    ) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handler(request: Request, exc: Exception) -> Response:
            if not is_web(request.url.path) or not hasattr(request.state, "web_session"):
                return await original(request, exc)
            code, detail = status(exc)
            return await error_page(request, code, detail)

        return handler

    handlers = app.exception_handlers
    handlers[errors.NarcolexError] = html_for_pages(
        handlers[errors.NarcolexError],
        lambda e: (status_of(e)[0], str(e.args[0]) if e.args else str(e)),  # type: ignore[arg-type]
    )
    handlers[ApiProblem] = html_for_pages(
        handlers[ApiProblem],
        lambda e: (e.status, e.detail),  # type: ignore[attr-defined]
    )
    handlers[RequestValidationError] = html_for_pages(
        handlers[RequestValidationError], lambda e: (422, "")
    )
    handlers[StarletteHTTPException] = html_for_pages(
        handlers[StarletteHTTPException],
        lambda e: (e.status_code, ""),  # type: ignore[attr-defined]
    )
