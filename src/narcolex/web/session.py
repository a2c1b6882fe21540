"""The web pages' session: a signed cookie (itsdangerous), HttpOnly, SameSite=Lax, Secure when
the request came over https (or NARCOLEX_WEB_SECURE_COOKIE=true behind a TLS proxy).

The cookie holds only the signed-in user's name, a CSRF token and the chosen language; the
user's role and whether they are still active are read from the database on every request, so
disabling a user ends their web session at once. The signing key is NARCOLEX_WEB_SECRET, or
one random key the service creates in the database on first use, shared by all workers.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response

from narcolex.api.database import Databases
from narcolex.store.models import SiteSecret

COOKIE = "narcolex_session"
MAX_AGE = 8 * 3600
KEY_NAME = "web-session-key"


def signing_key(dbs: Databases) -> str:
    """NARCOLEX_WEB_SECRET, else the key stored in the database (created once)."""
    configured = os.environ.get("NARCOLEX_WEB_SECRET")
    if configured:
        return configured
    with dbs.read() as s:
        row = s.get(SiteSecret, KEY_NAME)
        if row is not None:
            return row.value
    try:
        with dbs.writer.transaction() as s:
            s.add(SiteSecret(name=KEY_NAME, value=secrets.token_urlsafe(48)))
    except IntegrityError:  # another worker created it first
        pass
    with dbs.read() as s:
        row = s.get(SiteSecret, KEY_NAME)
        assert row is not None
        return row.value


class SessionStore:
    def __init__(self, dbs: Databases) -> None:
        self._dbs = dbs
        self._serializer: URLSafeTimedSerializer | None = None

    @property
    def serializer(self) -> URLSafeTimedSerializer:
        if self._serializer is None:
            self._serializer = URLSafeTimedSerializer(signing_key(self._dbs), salt="session")
        return self._serializer

    def load(self, request: Request) -> dict[str, Any]:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return {}
        try:
            data = self.serializer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        secure = request.url.scheme == "https" or os.environ.get(
            "NARCOLEX_WEB_SECURE_COOKIE", ""
        ).lower() in ("1", "true", "yes")
        if not data:
            response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
            return
        response.set_cookie(
            COOKIE,
            self.serializer.dumps(data),
            max_age=MAX_AGE,
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
        )
