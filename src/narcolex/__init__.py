"""narcolex: the Knowledge Package against drug sales online, and the tools around it.

The public API is imported lazily so that `import narcolex` stays cheap for workers that only
need the scanner or only the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Finding", "KnowledgeBase", "Scanner", "open_db"]

if TYPE_CHECKING:  # pragma: no cover
    from narcolex.detect.engine import Scanner
    from narcolex.detect.finding import Finding
    from narcolex.store.engine import Database as KnowledgeBase
    from narcolex.store.engine import open_db


def __getattr__(name: str) -> Any:
    if name == "Scanner":
        from narcolex.detect.engine import Scanner

        return Scanner
    if name == "Finding":
        from narcolex.detect.finding import Finding

        return Finding
    if name in ("KnowledgeBase", "open_db"):
        from narcolex.store import engine as db

        return db.Database if name == "KnowledgeBase" else db.open_db
    raise AttributeError(f"module 'narcolex' has no attribute {name!r}")
