"""The app factory: settings, databases, scanner cache, middleware, error handlers, routers.

`create_app()` is what uvicorn imports in every worker process (`factory=True`), so each worker
opens its own engines and builds its own scanner; nothing is shared between processes but the
database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

import narcolex
from narcolex.api import problems
from narcolex.api.database import open_databases
from narcolex.api.deps import AppState, TokenCache
from narcolex.api.logs import RequestContext, configure_logging
from narcolex.api.ratelimit import FailureLimiter
from narcolex.api.routers import (
    admin,
    collection,
    health,
    knowledge,
    monitor,
    releases,
    respond,
    review,
    scan,
)
from narcolex.api.scanning import ScannerCache
from narcolex.api.settings import ApiSettings

DEFAULT_BODY_LIMIT = 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """A configured narcolex API application (settings default to the environment)."""
    settings = settings or ApiSettings.from_env()
    configure_logging()
    dbs = open_databases(settings.database_url)
    state = AppState(
        settings=settings,
        dbs=dbs,
        scanners=ScannerCache(dbs, settings.release_check_seconds),
        limiter=FailureLimiter(settings.auth_failures_per_minute),
        tokens=TokenCache(settings.token_cache_seconds),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(state.scanners.refresh)
        except Exception:  # readiness reports it; the process still answers /healthz
            problems.log.exception("could not load the newest release at start-up")
        yield
        dbs.dispose()

    app = FastAPI(
        title="narcolex",
        version=getattr(narcolex, "__version__", "0"),
        description=(
            "Knowledge Package against drug sales online: scan posts, search the lexicon, "
            "submit and review terms, download releases. Errors are RFC 9457 problem documents."
        ),
        lifespan=lifespan,
    )
    app.state.narcolex = state

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = problems.document(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    problems.install(app)

    def limit_for(method: str, path: str) -> int:
        if path == "/v1/scan":
            return settings.max_scan_body_bytes
        if path in ("/v1/submissions", "/contribute") and method == "POST":
            return settings.max_upload_bytes + MULTIPART_OVERHEAD
        return DEFAULT_BODY_LIMIT

    app.add_middleware(RequestContext, limit_for=limit_for)
    for module in (health, scan, knowledge, collection, review, releases, admin, respond, monitor):
        app.include_router(module.router)
    from narcolex import web

    web.install(app)  # the web pages, in the same process and on the same service layer
    return app
