"""`narcolex init`: create the schema and load the bundled package as release 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narcolex.errors import AlreadyInitialisedError
from narcolex.package import content as content_mod
from narcolex.store.engine import Database
from narcolex.workflow import load as store
from narcolex.workflow import releases


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
    actor: str = "system",
) -> InitResult:
    """Create the schema and load content; refuse an initialised database unless `force`.

    The content is validated *before* anything is touched, so a broken content folder never
    costs an existing database.
    """
    content = content_mod.load_content(content_root)
    if db.current_revision() is not None:
        if not force:
            with db.transaction() as session:
                populated = _populated(db, session)
            if populated:
                raise AlreadyInitialisedError(
                    f"database {db.display_url} is already initialised; "
                    "use --force to wipe it and load the bundled package again"
                )
        db.downgrade("base")
    db.upgrade("head")
    with db.transaction() as session:
        store.load_content(session, content, actor=actor)
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


def _populated(db: Database, session) -> bool:  # type: ignore[no-untyped-def]
    if "terms" not in db.table_names():
        return False
    return store.is_populated(session)
