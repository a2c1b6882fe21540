"""Feedback-phase comments on terms and releases (the seed's feedback phase on the package's
shape): anyone with an account may comment; every comment is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from narcolex.errors import NarcolexError
from narcolex.store.models import Comment, User
from narcolex.store.queries import get_release, get_term
from narcolex.textsafe import unsafe_characters
from narcolex.workflow import audit, users


def add_comment(
    session: Session,
    body: str,
    as_user: str,
    term_id: int | None = None,
    release: int | None = None,
) -> Comment:
    if not body.strip():
        raise NarcolexError("a comment cannot be empty")
    bad = unsafe_characters(body, multiline=True)
    if bad:
        raise NarcolexError(
            f"a comment cannot hold control or direction characters ({', '.join(bad)})"
        )
    user = users.acting_user(session, as_user)
    release_id = None
    if term_id is not None:
        get_term(session, term_id)
    if release is not None:
        release_id = get_release(session, release).id
    if term_id is None and release_id is None:
        raise NarcolexError("comment on a term (TERM_ID) or on a release (--release N)")
    c = Comment(user_id=user.id, term_id=term_id, release_id=release_id, body=body.strip())
    session.add(c)
    session.flush()
    audit.record(session, user.name, "comment.add", "comment", c.id, term=term_id,
                 release=release)  # fmt: skip
    return c


def release_comments(session: Session, version: int) -> list[dict[str, Any]]:
    rel = get_release(session, version)
    return [
        {"by": name, "body": c.body, "at": c.created_at.isoformat(timespec="seconds")}
        for c, name in session.execute(
            select(Comment, User.name).join(User, User.id == Comment.user_id)
            .where(Comment.release_id == rel.id).order_by(Comment.id)
        )
    ]  # fmt: skip
