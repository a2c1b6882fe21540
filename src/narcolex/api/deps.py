"""Who is calling and what they may do: bearer-token authentication and role permissions.

401 means "who are you" (no token where one is needed, an unknown or revoked token, a disabled
user); 403 means "you may not" (the role does not allow the route). The workflow functions check
roles again themselves; the table here only decides early so that a reader never reaches a
write path, and documents the permissions in one place.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from narcolex.api.database import Databases
from narcolex.api.problems import ApiProblem
from narcolex.api.ratelimit import FailureLimiter
from narcolex.api.scanning import ScannerCache
from narcolex.api.settings import ApiSettings
from narcolex.errors import PermissionDenied
from narcolex.workflow.tokens import authenticate

ALL_ROLES = ("admin", "curator", "contributor", "reader")

# Permission -> roles that hold it. "public" permissions are also open to anonymous callers
# when the deployment sets NARCOLEX_API_ANONYMOUS=true.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "scan": ALL_ROLES,
    "releases.read": ALL_ROLES,
    "knowledge.read": ALL_ROLES,
    "comment": ALL_ROLES,
    "submissions.create": ("contributor", "curator", "admin"),
    "submissions.read": ALL_ROLES,
    "review": ("curator",),
    "review.read": ("curator", "admin"),
    "releases.create": ("curator", "admin"),
    "admin": ("admin",),
    "monitor.read": ("admin", "curator", "reader"),
}
PUBLIC = {"scan", "releases.read"}


@dataclass(frozen=True)
class Actor:
    """The authenticated caller (name None for an anonymous caller)."""

    name: str | None
    role: str | None
    country: str | None = None

    @property
    def sees_all(self) -> bool:
        return self.role in ("curator", "admin")


ANONYMOUS = Actor(None, None)


@dataclass
class AppState:
    settings: ApiSettings
    dbs: Databases
    scanners: ScannerCache
    limiter: FailureLimiter
    tokens: TokenCache


def state(request: Request) -> AppState:
    return request.app.state.narcolex


async def _state(request: Request) -> AppState:
    """`state` as a dependency. It is async because FastAPI runs a plain `def` dependency in
    the thread pool: a thread hop per request that, under load, waits for the GIL (the event
    loop holds it for up to the 5 ms switch interval) and cost more than the scan itself."""
    return request.app.state.narcolex


_bearer = HTTPBearer(auto_error=False, description="An API token (`narcolex token create`).")


def _client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class TokenCache:
    """Recently authenticated tokens, so that a platform scanning hundreds of posts a second
    does not cost a database lookup per request. Entries live `ttl` seconds from the end of
    the lookup that made them: a revoked token or a disabled user stops working within `ttl`
    plus one lookup in every worker.

    When an entry expires under load, the requests that arrive while its lookup runs wait for
    that one lookup (`fetch`) instead of each sending their own to the thread pool: before,
    every `ttl` seconds a worker's whole queue of in-flight requests hopped to threads at once,
    a latency spike the p99 showed. Used from the event loop only."""

    def __init__(self, ttl: float = 2.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._hits: dict[str, tuple[float, Actor]] = {}
        self._flights: dict[str, asyncio.Future[Actor]] = {}

    async def fetch(self, secret: str, lookup: Callable[[], Awaitable[Actor]]) -> Actor:
        """`lookup()` for `secret`, shared by every caller that asks while it runs, and cached."""
        key = _digest(secret)
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._fetch(key, lookup))
            self._flights[key] = flight
        # shield: a waiter whose client went away must not cancel the others' lookup
        return await asyncio.shield(flight)

    async def _fetch(self, key: str, lookup: Callable[[], Awaitable[Actor]]) -> Actor:
        try:
            actor = await lookup()
            self._put(key, actor)
            return actor
        finally:
            del self._flights[key]

    def get(self, secret: str) -> Actor | None:
        hit = self._hits.get(_digest(secret))
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, secret: str, actor: Actor) -> None:
        self._put(_digest(secret), actor)

    def clear(self) -> None:
        """Forget every entry (after a revocation or a disabled user: at once in this worker,
        within `ttl` in the others). Safe from a request thread: one atomic dict operation."""
        self._hits.clear()

    def _put(self, key: str, actor: Actor) -> None:
        if len(self._hits) >= self.size:
            self._hits.clear()
        self._hits[key] = (time.monotonic() + self.ttl, actor)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _lookup(app: AppState, secret: str) -> Actor:
    with app.dbs.read() as session:
        user = authenticate(session, secret)
        return Actor(user.name, user.role, user.country)


async def current_actor(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Actor:
    """The caller named by the bearer token, or ANONYMOUS when there is no Authorization.
    (Called by `require`'s dependency, not a dependency of its own: FastAPI resolves every
    dependency level per request, which cost more than the token check.)"""
    if credentials is None:
        if request.headers.get("authorization"):
            raise ApiProblem(
                401, "use `Authorization: Bearer <token>`", "unauthorized",
                {"WWW-Authenticate": 'Bearer error="invalid_request"'},
            )  # fmt: skip
        return ANONYMOUS
    app = state(request)
    secret = credentials.credentials
    actor = app.tokens.get(secret)
    if actor is None:
        key = _client_key(request)
        wait = app.limiter.retry_after(key)
        if wait is not None:
            raise ApiProblem(
                429, "too many failed authentication attempts; wait before trying again",
                "too-many-failed-logins", {"Retry-After": str(wait)},
            )  # fmt: skip
        try:
            actor = await app.tokens.fetch(secret, lambda: run_in_threadpool(_lookup, app, secret))
        except PermissionDenied as exc:
            app.limiter.failed(key)
            raise ApiProblem(
                401, str(exc), "unauthorized", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            ) from None
    request.state.actor = actor.name
    return actor


def require(permission: str) -> Callable[..., Actor]:
    """A dependency that lets through only callers holding `permission`."""
    roles = PERMISSIONS[permission]

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Actor:
        actor = await current_actor(request, credentials)
        if actor.name is None:
            if permission in PUBLIC and state(request).settings.anonymous:
                return actor
            raise ApiProblem(
                401, "this needs an API token (Authorization: Bearer …)", "unauthorized",
                {"WWW-Authenticate": "Bearer"},
            )  # fmt: skip
        if actor.role not in roles:
            raise ApiProblem(
                403,
                f"{actor.name} is a {actor.role}; this needs the role {' or '.join(roles)}",
                "forbidden",
            )
        return actor

    check.__name__ = f"require_{permission.replace('.', '_')}"
    return check


State = Annotated[AppState, Depends(_state)]
