"""Administration: users and roles, API tokens (the secret shown once), one-time
set-password links, and the audit log with filters."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from narcolex import taxonomy
from narcolex.errors import NarcolexError
from narcolex.store import queries
from narcolex.web.core import Page, checked_form, page, render
from narcolex.workflow import passwords, tokens, users

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]
AUDIT_LIMIT = 200


def _when(value: str) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


async def _show(p: Page, status: int = 200, **context: Any) -> HTMLResponse:
    audit_filters = {
        k: p.request.query_params.get(k, "")[:60] for k in ("actor", "action", "entity", "since",
                                                             "until")
    }  # fmt: skip

    def load() -> dict[str, Any]:
        with p.app.dbs.read() as s:
            entries = queries.audit_page(
                s, _when(audit_filters["since"]), _when(audit_filters["until"]),
                audit_filters["actor"] or None, audit_filters["action"] or None,
                audit_filters["entity"] or None, None, 0, 100_000,
            )  # fmt: skip
            return {
                "users": users.list_users(s),
                "tokens": queries.tokens(s),
                "audit": list(reversed(entries))[:AUDIT_LIMIT],
            }

    data = await run_in_threadpool(load)
    context.setdefault("error", None)
    context.setdefault("secret", None)
    once = secrets.token_urlsafe(12)
    session = p.request.state.web_session
    session[ONCE_KEY] = [*session.get(ONCE_KEY, []), once][-ONCE_KEPT:]
    return render(
        p, "admin.html", status=status, filters=audit_filters, roles=taxonomy.ROLES,
        once=once, **data, **context,
    )  # fmt: skip


# Forms that create a secret carry a one-time value of the page that showed them: sent again
# (a reload of the page that showed the secret), they are refused instead of making a second
# token or link that nobody sees.
ONCE_KEY = "admin_once"
ONCE_KEPT = 32


def _first_send(p: Page, form: Any) -> bool:
    session = p.request.state.web_session
    kept = list(session.get(ONCE_KEY, []))
    sent = form.get("once")
    if not isinstance(sent, str) or sent not in kept:
        return False
    kept.remove(sent)
    session[ONCE_KEY] = kept
    return True


@router.get("/admin", response_class=HTMLResponse)
async def admin(p: Viewer) -> HTMLResponse:
    p.need("admin")
    return await _show(p)


async def _act(p: Page, action: Any, shown: str | None = None, form: Any = None) -> HTMLResponse:
    """Run one admin write; show its one-time secret (if any) or its error on the page. A
    write that makes a secret (`form` given) runs once per page that offered it."""
    if form is not None and not _first_send(p, form):
        return await _show(p, 409, error=p.gettext(
            "This form was already sent and its secret shown once; nothing new was made. "
            "Use the buttons below to make another."))  # fmt: skip
    try:
        secret = await run_in_threadpool(action)
    except NarcolexError as exc:
        return await _show(p, 422, error=str(exc))
    return await _show(p, secret={"label": shown, "value": secret} if secret else None)


@router.post("/admin/users", response_class=HTMLResponse)
async def add_user(p: Viewer, form: Annotated[Any, Depends(checked_form)]) -> HTMLResponse:
    p.need("admin")
    name = str(form.get("name") or "")
    role = str(form.get("role") or "")
    country = str(form.get("country") or "").strip().upper() or None
    base = str(p.request.base_url).rstrip("/")

    def write() -> str:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            user = users.add_user(s, name, role, country, actor=p.actor.name)
            secret = passwords.create_link(s, user.name, actor=p.actor.name)
            return f"{base}/set-password/{secret}"

    label = p.gettext("One-time set-password link for %(name)s") % {"name": name.strip()}
    return await _act(p, write, label, form)


@router.post("/admin/users/{name}/password-link", response_class=HTMLResponse)
async def password_link(
    p: Viewer, name: str, form: Annotated[Any, Depends(checked_form)]
) -> HTMLResponse:
    p.need("admin")
    base = str(p.request.base_url).rstrip("/")

    def write() -> str:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            return f"{base}/set-password/{passwords.create_link(s, name, actor=p.actor.name)}"

    label = p.gettext("One-time set-password link for %(name)s") % {"name": name}
    return await _act(p, write, label, form)


@router.post("/admin/users/{name}/token", response_class=HTMLResponse)
async def create_token(
    p: Viewer, name: str, form: Annotated[Any, Depends(checked_form)]
) -> HTMLResponse:
    p.need("admin")

    def write() -> str:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            return tokens.create_token(s, name, actor=p.actor.name)[1]

    label = p.gettext("API token for %(name)s") % {"name": name}
    return await _act(p, write, label, form)


@router.post("/admin/users/{name}/disable", response_class=HTMLResponse)
async def disable(
    p: Viewer, name: str, _form: Annotated[Any, Depends(checked_form)]
) -> HTMLResponse:
    p.need("admin")

    def write() -> None:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            users.disable_user(s, name, actor=p.actor.name)
        p.app.tokens.clear()  # the API's token cache: this worker at once

    return await _act(p, write)


@router.post("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse)
async def revoke(
    p: Viewer,
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    _form: Annotated[Any, Depends(checked_form)],
) -> HTMLResponse:
    p.need("admin")

    def write() -> None:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            tokens.revoke_token(s, token_id, actor=p.actor.name)
        p.app.tokens.clear()  # the API's token cache: this worker at once

    return await _act(p, write)
