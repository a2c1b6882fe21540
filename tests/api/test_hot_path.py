"""What keeps a scan request cheap (bench/http_load.py measures it; these pin the causes):
no thread-pool hop on the scan and health routes, the page middleware skipped on API paths,
and the long-lived heap frozen out of the garbage collector after a scanner is loaded."""

from __future__ import annotations

import asyncio
import gc
import inspect
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from narcolex.api.database import open_databases
from narcolex.api.routers import health, scan
from narcolex.api.scanning import ScannerCache, settle_heap
from narcolex.store.engine import open_db
from narcolex.web import PagesOnly
from narcolex.workflow.setup import initialise


def _runs_on_event_loop(call: Any) -> bool:
    """FastAPI awaits coroutine functions (and objects with an async __call__, such as
    HTTPBearer) on the event loop; anything else goes to the thread pool."""
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(
        getattr(call, "__call__", None)  # noqa: B004 (an instance's __call__ is what runs)
    )


def _calls(dependant: Any) -> Iterator[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


@pytest.mark.parametrize(
    ("router", "path"), [(scan.router, "/v1/scan"), (health.router, "/healthz")]
)
def test_hot_routes_hop_to_no_thread(router: APIRouter, path: str) -> None:
    # A plain `def` dependency or endpoint is run in the thread pool: under load that hop waits
    # for the interpreter lock and cost more than the scan (bench: 5 ms a request).
    (route,) = [r for r in router.routes if isinstance(r, APIRoute) and r.path == path]
    sync = [c for c in (route.endpoint, *_calls(route.dependant)) if not _runs_on_event_loop(c)]
    assert sync == []


def test_page_middleware_runs_for_pages_only() -> None:
    seen: list[str] = []

    async def dispatch(request: Request, call_next: Any) -> Response:
        seen.append(request.url.path)
        return await call_next(request)

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse(scope["path"])(scope, receive, send)

    transport = httpx.ASGITransport(app=PagesOnly(inner, dispatch=dispatch))

    async def get_all() -> list[str]:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            paths = ["/v1/scan", "/healthz", "/readyz", "/openapi.json", "/static/a.css", "/terms"]
            return [(await c.get(p)).text for p in paths]

    assert asyncio.run(get_all()) == [
        "/v1/scan", "/healthz", "/readyz", "/openapi.json", "/static/a.css", "/terms",
    ]  # fmt: skip
    assert seen == ["/terms"]


def test_settle_heap_frees_what_was_frozen_and_freezes_what_lives() -> None:
    class Node:
        pass

    old = Node()
    old.self = old  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    gone = weakref.ref(old)
    try:
        gc.freeze()  # as after the previous scanner was loaded
        del old
        settle_heap()  # a new scanner was swapped in
        assert gone() is None, "the replaced scanner's cycles must not outlive a release swap"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.db
def test_loading_a_scanner_freezes_the_heap(db_url: str, mini_content: Any) -> None:
    db = open_db(db_url)
    initialise(db, content_root=mini_content)
    db.dispose()
    dbs = open_databases(db_url)
    try:
        gc.unfreeze()
        cache = ScannerCache(dbs)
        assert cache.refresh() is True
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert cache.refresh() is False  # same release: no rebuild, no second collection
        assert gc.get_freeze_count() == frozen
        assert cache.get().scan("hello").verdict == "clean"
    finally:
        gc.unfreeze()
        dbs.dispose()
