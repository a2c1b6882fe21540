"""One exception hierarchy for narcolex.

Library code raises these; the CLI and the HTTP API translate them at their edge into a
one-line message (CLI) or a problem response (API). Anything that is *not* a NarcolexError
is a bug and is allowed to surface as a traceback.
"""

from __future__ import annotations


class NarcolexError(Exception):
    """Base class: a problem the user can fix (bad input, bad configuration, missing data)."""

    exit_code: int = 1


class ConfigError(NarcolexError):
    """Settings that cannot work: a malformed database URL, an unreadable path."""


class UnknownCodeError(NarcolexError, ValueError):
    """A substance, signal, language or enum code that the taxonomy does not know."""

    def __init__(self, kind: str, value: str, suggestions: list[str]) -> None:
        self.kind = kind
        self.value = value
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {kind} {value!r}{hint}")


class DatabaseError(NarcolexError):
    """The database cannot be reached or is not in the expected state."""


class NotInitialisedError(DatabaseError):
    """The database has no narcolex schema or no content yet."""


class AlreadyInitialisedError(DatabaseError):
    """`init` on a database that already holds a knowledge base."""


class ConflictError(NarcolexError):
    """A write lost a race: the record was changed or created by someone else meanwhile."""


class NotFoundError(NarcolexError):
    """A term, release, user or other record that does not exist."""


class ContentError(NarcolexError):
    """Knowledge content (bundled YAML, an import) that does not validate.

    Carries every problem found so that a contributor sees them all at once.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)

    def __str__(self) -> str:  # pragma: no cover - formatting only
        base = super().__str__()
        if not self.problems:
            return base
        shown = "; ".join(self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        return f"{base}: {shown}{more}"


class InputError(NarcolexError):
    """A scan input or other user file that cannot be read (format, missing column)."""


class PermissionDenied(NarcolexError):
    """The acting user's role does not allow this action."""
