"""Passwords for the web pages, and the one-time links that let a user choose one.

An admin never learns a user's password: they create the user and hand over a set-password
link. The link's secret is random and only its SHA-256 is stored; it works once and expires.
Passwords are hashed with argon2id (argon2-cffi's defaults follow RFC 9106), and the hash is
upgraded transparently when the parameters change.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex.errors import InputError, PermissionDenied
from narcolex.store.models import PasswordLink, User, utcnow
from narcolex.workflow import audit
from narcolex.workflow.users import acting_user, get_user

MIN_LENGTH = 12
MAX_LENGTH = 256
LINK_HOURS = 72
_hasher = PasswordHasher()
# verified against when the user does not exist, so that a wrong name costs the same time
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_strength(password: str, name: str) -> None:
    """Refuse passwords a guesser tries first: short ones, and the user name itself."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InputError(f"a password may have at most {MAX_LENGTH} characters")
    if name.casefold() in password.casefold():
        raise InputError("the password must not contain the user name")


def set_password(session: Session, name: str, password: str, actor: str | None = None) -> User:
    user = acting_user(session, name)
    check_strength(password, user.name)
    user.password_hash = _hasher.hash(password)
    audit.record(session, actor or name, "user.password", "user", user.id, name=name)
    return user


def verify_login(session: Session, name: str, password: str) -> User:
    """The active user with this name and password; PermissionDenied otherwise (one message
    for every reason, so the page does not tell which user names exist)."""
    user = session.scalar(select(User).where(User.name == name.strip()))
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _DUMMY, password[:MAX_LENGTH])
        ok = stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        raise PermissionDenied("wrong user name or password")
    if _hasher.check_needs_rehash(stored or ""):
        user.password_hash = _hasher.hash(password)
    return user


def create_link(session: Session, name: str, actor: str, hours: int = LINK_HOURS) -> str:
    """A one-time set-password secret for `name` (shown once; earlier open links stop working).

    Only an admin hands out links: a link sets the password of any account, so who may create
    one is who may take an account over."""
    acting_user(session, actor, ("admin",))
    user = acting_user(session, name)
    now = utcnow()
    for old in session.scalars(
        select(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
    ):
        old.used_at = now
    secret = secrets.token_urlsafe(32)
    link = PasswordLink(
        user_id=user.id,
        token_hash=_digest(secret),
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(link)
    session.flush()
    audit.record(session, actor, "user.password_link", "user", user.id, name=name, hours=hours)
    return secret


def link_user(session: Session, secret: str) -> User:
    """The user an unused, unexpired link belongs to."""
    link = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _digest(secret)))
    if link is None or link.used_at is not None or link.expires_at < utcnow():
        raise PermissionDenied("this link is unknown, used or expired; ask an admin for a new one")
    user = session.get(User, link.user_id)
    if user is None or not user.active:
        raise PermissionDenied("this account is disabled")
    return user


def use_link(session: Session, secret: str, password: str) -> User:
    """Set the password through a link, which then stops working."""
    user = link_user(session, secret)
    set_password(session, user.name, password)
    link = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _digest(secret)))
    assert link is not None
    link.used_at = utcnow()
    return get_user(session, user.name)
