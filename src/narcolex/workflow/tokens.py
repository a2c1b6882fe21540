"""API tokens: random secrets shown once; only their SHA-256 is stored, so a leaked database
does not leak working tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex.errors import NotFoundError, PermissionDenied
from narcolex.store.models import ApiToken, User, utcnow
from narcolex.workflow import audit
from narcolex.workflow.users import ADMIN_ROLES, SYSTEM, acting_user, get_user

TOKEN_PREFIX = "nlx_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, actor: str = SYSTEM) -> tuple[ApiToken, str]:
    """Return the token row and the secret; the secret is not stored and cannot be shown again.

    Only an admin creates tokens, for an active user."""
    acting_user(session, actor, ADMIN_ROLES)
    user = get_user(session, name)
    if not user.active:
        raise PermissionDenied(f"user {name!r} is disabled")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    tok = ApiToken(user_id=user.id, token_hash=_hash(secret), prefix=secret[:12])
    session.add(tok)
    session.flush()
    audit.record(session, actor, "token.create", "api_token", tok.id, user=name)
    return tok, secret


def revoke_token(session: Session, token_id: int, actor: str = SYSTEM) -> ApiToken:
    """Revoke a token (admins only)."""
    acting_user(session, actor, ADMIN_ROLES)
    tok = session.get(ApiToken, token_id)
    if tok is None:
        raise NotFoundError(f"token {token_id} does not exist")
    if tok.revoked_at is None:
        tok.revoked_at = utcnow()
    audit.record(session, actor, "token.revoke", "api_token", tok.id)
    return tok


def authenticate(session: Session, secret: str) -> User:
    """The active user owning an unrevoked token, for the HTTP API."""
    tok = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if tok is None or tok.revoked_at is not None:
        raise PermissionDenied("invalid or revoked token")
    user = session.get(User, tok.user_id)
    if user is None or not user.active:
        raise PermissionDenied("the token's user is disabled")
    return user
