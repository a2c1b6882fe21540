"""Signing in and out, and choosing a password through a one-time link.

Failed sign-ins back off: after a few failures in a minute for one user name, or many from
one address, the form answers 429 with Retry-After before any password is checked. A
successful sign-in starts a fresh session (new CSRF token) so a token planted before it is
worthless.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from narcolex.api.ratelimit import FailureLimiter
from narcolex.errors import NarcolexError, PermissionDenied
from narcolex.web.core import Page, PageError, checked_form, page, render
from narcolex.workflow import passwords

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]
PER_NAME = FailureLimiter(5)
PER_ADDRESS = FailureLimiter(30)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no '//' trick)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
async def login_form(p: Viewer, next: str = "/") -> HTMLResponse:
    return render(p, "login.html", next=_safe_next(next), name="", error=None)


@router.post("/login", response_model=None)
async def login(p: Viewer, form: Annotated[Any, Depends(checked_form)]) -> Response:
    name = str(form.get("username") or "").strip()[:100]
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    address = p.request.client.host if p.request.client else "unknown"
    wait = PER_NAME.retry_after(name.casefold()) or PER_ADDRESS.retry_after(address)
    if wait is not None:
        raise PageError(429, "", {"Retry-After": str(wait)})

    def check() -> str:
        with p.app.dbs.writer.transaction() as s:  # a rehash may update the stored hash
            return passwords.verify_login(s, name, password).name

    try:
        user = await run_in_threadpool(check)
    except PermissionDenied:
        PER_NAME.failed(name.casefold())
        PER_ADDRESS.failed(address)
        return render(
            p, "login.html", status=401, next=target, name=name,
            error=p.gettext("Wrong user name or password."),
        )  # fmt: skip
    p.session.clear()
    p.session.update({"user": user, "csrf": secrets.token_urlsafe(24)})
    if p.request.query_params.get("lang"):
        p.session["lang"] = p.request.query_params["lang"]
    return RedirectResponse(target, status_code=303)


@router.post("/logout", response_model=None)
async def logout(p: Viewer, _form: Annotated[Any, Depends(checked_form)]) -> Response:
    lang = p.session.get("lang")
    p.session.clear()
    if lang:
        p.session["lang"] = lang
    return RedirectResponse("/", status_code=303)


def _link_user(p: Page, secret: str) -> str:
    with p.app.dbs.read() as s:
        return passwords.link_user(s, secret).name


@router.get("/set-password/{secret}", response_class=HTMLResponse)
async def set_password_form(p: Viewer, secret: str) -> HTMLResponse:
    try:
        name = await run_in_threadpool(_link_user, p, secret[:100])
    except PermissionDenied as exc:
        return render(p, "set_password.html", status=410, name=None, error=str(exc))
    return render(p, "set_password.html", name=name, error=None, secret=secret)


@router.post("/set-password/{secret}", response_model=None)
async def set_password(
    p: Viewer, secret: str, form: Annotated[Any, Depends(checked_form)]
) -> Response:
    password = str(form.get("password") or "")
    again = str(form.get("password2") or "")
    try:
        name = await run_in_threadpool(_link_user, p, secret[:100])
    except PermissionDenied as exc:
        return render(p, "set_password.html", status=410, name=None, error=str(exc))
    if password != again:
        return render(
            p, "set_password.html", status=422, name=name, secret=secret,
            error=p.gettext("The two passwords differ."),
        )  # fmt: skip

    def write() -> None:
        with p.app.dbs.writer.transaction() as s:
            passwords.use_link(s, secret[:100], password)

    try:
        await run_in_threadpool(write)
    except NarcolexError as exc:
        return render(p, "set_password.html", status=422, name=name, secret=secret, error=str(exc))
    return RedirectResponse("/login?set=1", status_code=303)
