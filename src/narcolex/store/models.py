"""Database models of the knowledge base (SQLAlchemy 2, typed).

Constraints that protect the data live in the schema where SQL can express them (NOT NULL,
CHECK on enumerations, UNIQUE (lang, key)) so that PostgreSQL and SQLite refuse bad rows even
when written by other tools; the rule "a term denotes at least one code" spans two tables and
is checked at flush time (see `_check_terms_denote`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from narcolex import taxonomy
from narcolex.errors import ContentError

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[str]: JSON}


class Substance(Base):
    __tablename__ = "substances"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("substances.code"))
    labels: Mapped[list[CodeLabel]] = relationship(
        primaryjoin="foreign(CodeLabel.code) == Substance.code", viewonly=True
    )


class Signal(Base):
    __tablename__ = "signals"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)


class CodeLabel(Base):
    """The common name of a substance or signal code in one language."""

    __tablename__ = "code_labels"
    __table_args__ = (UniqueConstraint("code", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(3))
    label: Mapped[str] = mapped_column(String(200))


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(3), default="en")
    kind: Mapped[str] = mapped_column(String(20), default="report")


class TermSource(Base):
    __tablename__ = "term_sources"

    term_id: Mapped[int] = mapped_column(
        ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)


class TermCode(Base):
    """A code (substance or signal) that a term denotes."""

    __tablename__ = "term_codes"

    term_id: Mapped[int] = mapped_column(
        ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(64), primary_key=True)


class Term(Base):
    __tablename__ = "terms"
    __table_args__ = (
        UniqueConstraint("lang", "key", name="uq_terms_lang_key"),
        CheckConstraint(_in("kind", taxonomy.TERM_KINDS), name="kind"),
        CheckConstraint(_in("ambiguity", taxonomy.AMBIGUITY_LEVELS), name="ambiguity"),
        CheckConstraint(_in("confidence", taxonomy.CONFIDENCE_LEVELS), name="confidence"),
        CheckConstraint(_in("status", taxonomy.STATUSES), name="status"),
        CheckConstraint(_in("match_mode", taxonomy.MATCH_MODES), name="match_mode"),
        CheckConstraint(_in("lang", taxonomy.LANGUAGES), name="lang"),
        CheckConstraint("length(term) > 0", name="term_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)
    lang: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(20))
    ambiguity: Mapped[str] = mapped_column(String(10), default="low")
    confidence: Mapped[str] = mapped_column(String(10), default="medium")
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    match_mode: Mapped[str] = mapped_column(String(10), default="word")
    countries: Mapped[list[str]] = mapped_column(default=list)
    platforms: Mapped[list[str]] = mapped_column(default=list)
    first_seen: Mapped[date | None] = mapped_column(Date)
    last_seen: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    # Everyday readings of the form ({kind, text, lang, sources}) and the source references as
    # written, with their locators ("id#p. 12"); `sources` below keeps the plain links.
    innocent: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    source_refs: Mapped[list[str] | None] = mapped_column(JSON)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    codes: Mapped[list[TermCode]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    variants: Mapped[list[Variant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="term"
    )
    sources: Mapped[list[Source]] = relationship(secondary="term_sources", lazy="selectin")

    @property
    def denotes(self) -> list[str]:
        return sorted(c.code for c in self.codes)


class Variant(Base):
    __tablename__ = "variants"
    __table_args__ = (UniqueConstraint("term_id", "key", name="uq_variants_term_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)
    term: Mapped[Term] = relationship(back_populates="variants")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", taxonomy.ROLES), name="role"),
        CheckConstraint("role <> 'contributor' OR country IS NOT NULL", name="contributor_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # argon2id hash for signing in to the web pages (None: no password set yet)
    password_hash: Mapped[str | None] = mapped_column(String(200))


class PasswordLink(Base):
    """A one-time set-password link an admin hands to a user; only its SHA-256 is stored."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class SiteSecret(Base):
    """Secrets the service creates for itself once (the web session signing key), shared by
    every worker process through the database."""

    __tablename__ = "site_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the secret is shown once at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    filename: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(
            _in("decision", ("approve", "reject", "merge", "request_changes")), name="decision"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Comment(Base):
    """Feedback-phase comment on a term or on a release."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("term_id IS NOT NULL OR release_id IS NOT NULL", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    term_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id"), index=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Release(Base):
    """An immutable snapshot of the validated terms (see knowledge.releases)."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)
    changelog: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AuditEntry(Base):
    """Append-only record of every write: who, when, what (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


@event.listens_for(Session, "before_flush")
def _check_terms_denote(session: Session, _ctx: object, _instances: object) -> None:
    """A term without any denoted code would be invisible to every consumer: refuse it."""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Term) and not obj.codes:
            raise ContentError(f"term {obj.term!r} ({obj.lang}) must denote at least one code")
    for obj in session.deleted:
        if isinstance(obj, AuditEntry | Release):
            raise ContentError(f"{obj.__tablename__} rows are immutable")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry | Release) and session.is_modified(obj):
            raise ContentError(f"{obj.__tablename__} rows are immutable")
