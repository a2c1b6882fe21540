"""What every page needs: the signed-in user, the CSRF check, permissions, and rendering.

Permissions come from the API's table (narcolex.api.deps.PERMISSIONS) so that a page and the
route behind it never disagree; the workflow functions check roles again themselves.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from narcolex.api.deps import ANONYMOUS, PERMISSIONS, PUBLIC, Actor, AppState
from narcolex.store.models import User
from narcolex.web import i18n

TEMPLATES = Path(__file__).parent / "templates"
STATIC_VERSION = "1"


class PageError(Exception):
    """Ends a request with an error page (403, 404, 429 …) in the viewer's language."""

    def __init__(self, status: int, detail: str = "", headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


class SignInNeeded(Exception):
    """An anonymous visitor asked for a page that needs an account: send them to /login."""


@dataclass
class Page:
    """The request as the templates see it."""

    request: Request
    actor: Actor
    lang: str
    session: dict[str, Any]

    @property
    def app(self) -> AppState:
        return self.request.app.state.narcolex

    @property
    def csrf(self) -> str:
        token = self.session.get("csrf")
        if not token:
            token = secrets.token_urlsafe(24)
            self.session["csrf"] = token
        return str(token)

    def can(self, permission: str) -> bool:
        if self.actor.name is None:
            return permission in PUBLIC and self.app.settings.anonymous
        return self.actor.role in PERMISSIONS[permission]

    def need(self, permission: str) -> None:
        if self.can(permission):
            return
        if self.actor.name is None:
            raise SignInNeeded()
        raise PageError(403)

    def gettext(self, message: str) -> str:
        return i18n.translations(self.lang).gettext(message)


@functools.cache
def environment(lang: str) -> Environment:
    """One Jinja environment per interface language (gettext installed once, thread-safe)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["LANGUAGES"] = [(code, i18n.language_name(code)) for code in i18n.LANGUAGES]
    env.globals["STATIC_VERSION"] = STATIC_VERSION
    env.filters["urlquote"] = lambda v: quote(str(v), safe="")
    return env


def _actor_of(app: AppState, name: str | None) -> Actor:
    if not name:
        return ANONYMOUS
    with app.dbs.read() as s:
        from sqlalchemy import select

        user = s.scalar(select(User).where(User.name == name))
        if user is None or not user.active:
            return ANONYMOUS
        return Actor(user.name, user.role, user.country)


async def page(request: Request) -> Page:
    """Dependency: the viewer, their language and session."""
    session: dict[str, Any] = request.state.web_session
    app: AppState = request.app.state.narcolex
    actor = await run_in_threadpool(_actor_of, app, session.get("user"))
    if actor.name is None and session.get("user"):
        session.pop("user", None)  # disabled or removed since signing in
    request.state.actor = actor.name  # for the access log
    lang = i18n.choose(session.get("lang"), request.headers.get("accept-language"))
    return Page(request, actor, lang, session)


async def checked_form(request: Request) -> Any:
    """Dependency for every POST: the form, once its CSRF token matched the session's."""
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.state.web_session.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise PageError(403, "csrf")
    return form


def render(
    p: Page,
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    html = environment(p.lang).get_template(template).render(p=p, **context)
    return HTMLResponse(html, status_code=status, headers=headers)
