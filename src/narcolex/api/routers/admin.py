"""Administration: users, roles, tokens (the secret is shown once) and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from narcolex.api import paging
from narcolex.api.deps import Actor, State, require
from narcolex.api.problems import ApiProblem, responses
from narcolex.api.schemas import (
    AuditPage,
    Cursor,
    Id,
    Limit,
    RoleIn,
    TokenInfo,
    TokenOut,
    TokenPage,
    UserIn,
    UserOut,
    UserPage,
)
from narcolex.store import queries
from narcolex.store.models import User
from narcolex.workflow import tokens, users
from narcolex.workflow.audit import as_dict

router = APIRouter(prefix="/v1", tags=["admin"])
Admin = Annotated[Actor, Depends(require("admin"))]


def _user(u: Any) -> dict[str, Any]:
    return {"name": u.name, "role": u.role, "country": u.country, "active": u.active}


@router.get("/users", response_model=UserPage, responses=responses(401, 403, 422, 429))
def list_users(
    app: State, _actor: Admin, limit: Limit = 100, cursor: Cursor = None
) -> dict[str, Any]:
    """Users and their roles."""
    with app.dbs.read() as s:
        return paging.page([_user(u) for u in users.list_users(s)], limit, cursor)


@router.post(
    "/users", status_code=201, response_model=UserOut, responses=responses(401, 403, 409, 422, 429)
)
def add_user(body: UserIn, app: State, actor: Admin) -> dict[str, Any]:
    """Add a user with a role (a contributor is bound to one country)."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        return _user(users.add_user(s, body.name, body.role, body.country, actor=actor.name))


@router.post(
    "/users/{name}/role", response_model=UserOut, responses=responses(401, 403, 404, 422, 429)
)
def set_role(name: str, body: RoleIn, app: State, actor: Admin) -> dict[str, Any]:
    """Change a user's role (a contributor needs a country; the last admin stays admin)."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        out = _user(users.set_role(s, name, body.role, body.country, actor=actor.name))
    app.tokens.clear()  # a demoted admin loses the rights at once in this worker
    return out


@router.post(
    "/users/{name}/disable", response_model=UserOut, responses=responses(401, 403, 404, 429)
)
def disable_user(name: str, app: State, actor: Admin) -> dict[str, Any]:
    """Disable a user and revoke their tokens."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        out = _user(users.disable_user(s, name, actor=actor.name))
    app.tokens.clear()  # this worker at once; the others within the token cache time
    return out


@router.get("/tokens", response_model=TokenPage, responses=responses(401, 403, 422, 429))
def list_tokens(
    app: State,
    _actor: Admin,
    user: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Tokens (never their secrets)."""
    with app.dbs.read() as s:
        rows = [
            {
                "id": t.id,
                "user": name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(timespec="seconds"),
                "revoked_at": t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else None,
            }
            for t, name in queries.tokens(s, user)
        ]
    return paging.page(rows, limit, cursor)


@router.post(
    "/users/{name}/tokens",
    status_code=201,
    response_model=TokenOut,
    responses=responses(401, 403, 404, 429),
)
def create_token(name: str, app: State, actor: Admin) -> dict[str, Any]:
    """A new token for a user; the secret is in this answer only."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        tok, secret = tokens.create_token(s, name, actor=actor.name)
        return {"id": tok.id, "user": name, "prefix": tok.prefix, "token": secret}


@router.post(
    "/tokens/{token_id}/revoke", response_model=TokenInfo, responses=responses(401, 403, 404, 429)
)
def revoke_token(token_id: Id, app: State, actor: Admin) -> dict[str, Any]:
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        t = tokens.revoke_token(s, token_id, actor=actor.name)
        owner = s.get(User, t.user_id)
        out = {
            "id": t.id,
            "user": owner.name if owner else "",
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(timespec="seconds"),
            "revoked_at": t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else None,
        }
    app.tokens.clear()  # this worker at once; the others within the token cache time
    return out


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ApiProblem(422, f"{name}={value!r} is not an ISO date or date-time") from None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


@router.get("/audit", response_model=AuditPage, responses=responses(401, 403, 422, 429))
def audit(
    app: State,
    _actor: Admin,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=60, description="'review.' = family")] = None,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[str | None, Query(max_length=60)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """The append-only audit log, filtered, oldest first."""
    after = paging.decode(cursor)
    t0, t1 = _when(since, "since"), _when(until, "until")
    with app.dbs.read() as s:
        rows = queries.audit_page(s, t0, t1, actor, action, entity, entity_id, after, limit)
        items = [as_dict(e) for e in rows]
    nxt = paging.encode(items[-1]["id"]) if len(items) >= limit else None
    return {"items": items, "next": nxt}
