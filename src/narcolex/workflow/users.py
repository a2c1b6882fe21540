"""Users and roles.

Roles decide who may do what (contributors submit for their own country, curators review and
release, readers only read and scan, admins manage users). Tokens are random secrets shown once;
only their SHA-256 is stored, so a leaked database does not leak working tokens.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.errors import NarcolexError, NotFoundError, PermissionDenied
from narcolex.store.models import ApiToken, User, utcnow
from narcolex.workflow import audit


def add_user(
    session: Session, name: str, role: str, country: str | None = None, actor: str = "system"
) -> User:
    role = taxonomy.validate_role(role)
    name = name.strip()
    if not name or len(name) > 100:
        raise NarcolexError("a user name needs 1 to 100 characters")
    if role == "contributor" and not country:
        raise NarcolexError("a contributor is bound to one country: give --country CC")
    cc = taxonomy.validate_country(country) if country else None
    if session.scalar(select(User).where(User.name == name)):
        raise NarcolexError(f"user {name!r} already exists")
    user = User(name=name, role=role, country=cc, active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.add", "user", user.id, name=name, role=role, country=cc)
    return user


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFoundError(f"user {name!r} does not exist (see `narcolex user list`)")
    return user


def acting_user(session: Session, name: str, roles: Iterable[str] | None = None) -> User:
    """The active user `name`, checked against the roles allowed for the action."""
    user = get_user(session, name)
    if not user.active:
        raise PermissionDenied(f"user {name!r} is disabled")
    allowed = tuple(roles or ())
    if allowed and user.role not in allowed:
        raise PermissionDenied(
            f"user {name!r} is a {user.role}; this needs the role {' or '.join(allowed)}"
        )
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def disable_user(session: Session, name: str, actor: str = "system") -> User:
    user = get_user(session, name)
    user.active = False
    for tok in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        if tok.revoked_at is None:
            tok.revoked_at = utcnow()
    audit.record(session, actor, "user.disable", "user", user.id, name=name)
    return user
