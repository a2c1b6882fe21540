"""`narcolex init`: create the schema and load the bundled package as release 1.

`init --force` is the one destructive command: it drops users, releases and the append-only
audit log. So it refuses while users or releases exist unless the caller says `wipe_users`
(the CLI also asks for the database name, or --yes, and points at `db backup`), and the new
audit log starts with an entry saying who wiped what.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from narcolex.errors import AlreadyInitialisedError
from narcolex.package import content as content_mod
from narcolex.store.engine import Database
from narcolex.store.models import AuditEntry, Release, Term, User
from narcolex.workflow import audit, releases
from narcolex.workflow import load as store
from narcolex.workflow.users import SYSTEM

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class InitResult:
    url: str
    terms: int
    validated: int
    sources: int
    release: int
    content_sha256: str

    def to_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def initialise(
    db: Database,
    force: bool = False,
    content_root: Path | str | None = None,
    actor: str = SYSTEM,
    wipe_users: bool = False,
    progress: Progress | None = None,
) -> InitResult:
    """Create the schema and load content; refuse an initialised database unless `force`
    (and, when it holds users or releases, `wipe_users`).

    The content is validated *before* anything is touched, so a broken content folder never
    costs an existing database.
    """
    content = content_mod.load_content(content_root)
    wiped: dict[str, int] = {}
    if db.current_revision() is not None:
        wiped = existing_counts(db)
        if not force and (wiped.get("terms") or wiped.get("releases")):
            raise AlreadyInitialisedError(
                f"database {db.display_url} is already initialised; "
                "use --force to wipe it and load the bundled package again"
            )
        if force and not wipe_users and (wiped.get("users") or wiped.get("releases")):
            raise AlreadyInitialisedError(
                f"database {db.display_url} holds {wiped.get('users', 0)} user(s) and "
                f"{wiped.get('releases', 0)} release(s); --force would erase them and the "
                "audit log: back up first (`narcolex db backup FILE`), then add --wipe-users"
            )
        db.downgrade("base")
    db.upgrade("head")
    with db.transaction() as session:
        if any(wiped.values()):
            audit.record(session, actor, "kb.wipe", "knowledge_base", None,
                         operator=_operator(), erased=wiped)  # fmt: skip
        store.load_content(session, content, actor=actor, progress=progress)
        rel = releases.create_release(
            session, notes="Initial load of the bundled Knowledge Package.", actor=actor
        )
        validated = rel.manifest["counts"]["terms"]
        return InitResult(
            url=db.display_url,
            terms=len(content.terms),
            validated=validated,
            sources=len(content.sources),
            release=rel.version,
            content_sha256=rel.content_sha256,
        )


def existing_counts(db: Database) -> dict[str, int]:
    """What an initialised database holds (what `init --force` would erase)."""
    tables = set(db.table_names())
    models = {"terms": Term, "users": User, "releases": Release, "audit_entries": AuditEntry}
    out: dict[str, int] = {}
    with db.transaction() as session:
        for name, model in models.items():
            if model.__tablename__ in tables:
                out[name] = session.scalar(select(func.count()).select_from(model)) or 0
    return out


def _operator() -> str:
    """The operating-system account that ran the command (the users table is being wiped)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "unknown"
