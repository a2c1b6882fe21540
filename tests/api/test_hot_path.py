"""What keeps a scan request cheap (bench/http_load.py measures it; these pin the causes):
no thread-pool hop on the scan and health routes, the page middleware skipped on API paths,
the long-lived heap frozen out of the garbage collector after a scanner is loaded, and one
database look (not one per waiting request) when a cached token or the release check is due."""

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

from narcolex.api import scanning
from narcolex.api.database import open_databases
from narcolex.api.deps import Actor, TokenCache
from narcolex.api.routers import health, scan
from narcolex.api.scanning import ScannerCache, settle_heap
from narcolex.errors import PermissionDenied
from narcolex.store.engine import open_db
from narcolex.web import PagesOnly
from narcolex.workflow.setup import initialise


def _run(coro: Any) -> Any:
    """asyncio.run in a thread of its own: a test that ran before may have left an event loop
    running in this one (Playwright's sync API, in the browser tests, keeps one)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


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

    assert _run(get_all()) == [
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
def test_loading_a_scanner_freezes_the_heap(
    db_url: str, mini_content: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settled: list[int] = []
    monkeypatch.setattr(scanning, "settle_heap", lambda: (settled.append(1), settle_heap())[1])
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
        # same release: no rebuild, no second collection (the count of frozen objects may
        # only fall, as the database driver frees some of them by reference counting)
        assert cache.refresh() is False
        assert settled == [1]
        assert gc.get_freeze_count() <= frozen
        assert cache.get().scan("hello").verdict == "clean"
    finally:
        gc.unfreeze()
        dbs.dispose()


def test_an_expired_token_is_looked_up_once_for_all_waiting_requests() -> None:
    cache = TokenCache(ttl=60)
    calls: list[str] = []

    async def lookup() -> Actor:
        calls.append("lookup")
        await asyncio.sleep(0.05)  # the thread-pool database query
        return Actor("platform", "reader")

    async def burst() -> list[Actor]:
        return await asyncio.gather(*(cache.fetch("nlx_secret", lookup) for _ in range(20)))

    assert _run(burst()) == [Actor("platform", "reader")] * 20
    assert calls == ["lookup"]
    assert cache.get("nlx_secret") == Actor("platform", "reader")
    cache.clear()  # a revocation in this worker
    assert cache.get("nlx_secret") is None


def test_a_failed_token_lookup_fails_every_waiter_and_is_not_kept() -> None:
    cache = TokenCache(ttl=60)

    async def denied() -> Actor:
        await asyncio.sleep(0.01)
        raise PermissionDenied("invalid or revoked token")

    async def burst() -> list[object]:
        return await asyncio.gather(
            *(cache.fetch("nlx_bad", denied) for _ in range(5)), return_exceptions=True
        )

    assert all(isinstance(r, PermissionDenied) for r in _run(burst()))
    assert cache.get("nlx_bad") is None

    async def allowed() -> Actor:
        return Actor("again", "reader")

    assert _run(cache.fetch("nlx_bad", allowed)) == Actor("again", "reader")


@pytest.mark.db
def test_one_request_looks_for_a_new_release_while_the_others_scan(
    db_url: str, mini_content: Any
) -> None:
    db = open_db(db_url)
    initialise(db, content_root=mini_content)
    db.dispose()
    dbs = open_databases(db_url)
    try:
        cache = ScannerCache(dbs, check_seconds=3600)
        assert cache.refresh()
        loaded = cache.get()
        cache.check_seconds = 0  # every call is due for a look
        looks: list[int] = []
        real_get = cache.get

        def counted_get() -> Any:
            looks.append(1)
            return real_get()

        cache.get = counted_get  # type: ignore[method-assign]

        async def burst() -> list[Any]:
            return await asyncio.gather(*(cache.current() for _ in range(20)))

        assert _run(burst()) == [loaded] * 20
        assert len(looks) == 1
    finally:
        gc.unfreeze()
        dbs.dispose()
