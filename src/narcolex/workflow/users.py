"""Users and roles.

Roles decide who may do what (contributors submit for their own country, curators review and
release, readers only read, scan and comment, admins manage users and tokens). Every action
names an acting user that must exist and be active; the name `system` acts only for `init`
(and the import that rebuilds an empty database), plus once to create the first admin of a
fresh install (the bootstrap), which is written to the audit log like any other act.

The CLI is for operators who hold the database URL, so `--as` is an accountability marker
checked against this table, not an authentication; the HTTP API authenticates by token.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from narcolex import taxonomy
from narcolex.errors import NarcolexError, NotFoundError, PermissionDenied
from narcolex.store.models import ApiToken, User, utcnow
from narcolex.textsafe import unsafe_characters
from narcolex.workflow import audit

SYSTEM = "system"
ADMIN_ROLES = ("admin",)


def _active_admins(session: Session) -> int:
    stmt = select(func.count()).select_from(User).where(User.role == "admin", User.active)
    return session.scalar(stmt) or 0


def add_user(
    session: Session, name: str, role: str, country: str | None = None, actor: str = SYSTEM
) -> User:
    """Add a user; an admin acts, or `system` creates the first admin (bootstrap)."""
    role = taxonomy.validate_role(role)
    if actor == SYSTEM:
        if role != "admin" or _active_admins(session):
            raise PermissionDenied(
                "only an admin adds users (--as ADMIN); `--as system` may only create the "
                "first admin of a fresh install"
            )
    else:
        acting_user(session, actor, ADMIN_ROLES)
    name = name.strip()
    if not name or len(name) > 100:
        raise NarcolexError("a user name needs 1 to 100 characters")
    if name == SYSTEM or unsafe_characters(name):
        raise NarcolexError(f"{name!r} cannot be a user name (reserved or control characters)")
    if role == "contributor" and not country:
        raise NarcolexError("a contributor is bound to one country: give --country CC")
    cc = taxonomy.validate_country(country) if country else None
    if session.scalar(select(User).where(User.name == name)):
        raise NarcolexError(f"user {name!r} already exists")
    user = User(name=name, role=role, country=cc, active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.add", "user", user.id, name=name, role=role, country=cc,
                 bootstrap=actor == SYSTEM)  # fmt: skip
    return user


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFoundError(f"user {name!r} does not exist (see `narcolex user list`)")
    return user


def acting_user(session: Session, name: str, roles: Iterable[str] | None = None) -> User:
    """The active user `name`, checked against the roles allowed for the action."""
    if name == SYSTEM:
        raise PermissionDenied(
            "`system` acts only for `narcolex init`; name yourself with --as USER"
        )
    try:
        user = get_user(session, name)
    except NotFoundError:
        raise PermissionDenied(
            f"unknown acting user {name!r}: every action needs an existing, active user "
            "(an admin adds one with `narcolex user add`)"
        ) from None
    if not user.active:
        raise PermissionDenied(f"user {name!r} is disabled")
    allowed = tuple(roles or ())
    if allowed and user.role not in allowed:
        raise PermissionDenied(
            f"user {name!r} is {_article(user.role)} {user.role}; "
            f"this needs the role {' or '.join(allowed)}"
        )
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def disable_user(session: Session, name: str, actor: str = SYSTEM) -> User:
    """Disable a user and revoke their tokens (admins only; the last admin stays)."""
    admin = acting_user(session, actor, ADMIN_ROLES)
    user = get_user(session, name)
    if user.role == "admin" and user.active and _active_admins(session) <= 1:
        raise PermissionDenied(f"{name!r} is the last active admin; add another admin first")
    user.active = False
    for tok in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        if tok.revoked_at is None:
            tok.revoked_at = utcnow()
    audit.record(session, admin.name, "user.disable", "user", user.id, name=name)
    return user


def set_role(
    session: Session, name: str, role: str, country: str | None = None, actor: str = SYSTEM
) -> User:
    """Change a user's role (admins only): a contributor is bound to a country (kept, or given
    here); the last active admin keeps the role; an admin cannot change their own role, so
    that no admin demotes themselves by accident. Tokens keep working, with the new role's
    permissions once the API's token cache has let the old entry go (two seconds)."""
    admin = acting_user(session, actor, ADMIN_ROLES)
    role = taxonomy.validate_role(role)
    user = get_user(session, name)
    if user.name == admin.name:
        raise PermissionDenied("an admin cannot change their own role; ask another admin")
    if user.role == "admin" and role != "admin" and user.active and _active_admins(session) <= 1:
        raise PermissionDenied(f"{name!r} is the last active admin; add another admin first")
    cc = taxonomy.validate_country(country) if country else user.country
    if role == "contributor" and not cc:
        raise NarcolexError("a contributor is bound to one country: give --country CC")
    before = user.role
    user.role, user.country = role, cc
    session.flush()
    audit.record(session, admin.name, "user.role", "user", user.id, name=user.name,
                 before=before, role=role, country=cc)  # fmt: skip
    return user


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
