"""Where the database lives and how the scanner decides.

The embedded default is a SQLite file in the user's data directory so that `narcolex init`
works on a fresh machine with no server; `NARCOLEX_DATABASE_URL` or `--db` point it at
PostgreSQL (or another SQLite file) with the same code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from narcolex.errors import ConfigError

ENV_DATABASE_URL = "NARCOLEX_DATABASE_URL"


def default_database_path() -> Path:
    return Path(user_data_dir("narcolex", appauthor=False)) / "narcolex.sqlite3"


def resolve_database_url(url: str | None = None) -> URL:
    """The URL to use: explicit argument, then the environment, then the embedded default.

    `postgresql://` and `postgres://` are mapped to the psycopg 3 driver that we ship with.
    """
    raw = url or os.environ.get(ENV_DATABASE_URL) or f"sqlite:///{default_database_path()}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"not a database URL: {raw!r} (expected sqlite:///PATH or postgresql://USER@HOST/DB)"
        ) from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
        )
    return parsed


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} is not a whole number: {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}")
    return value


@dataclass(frozen=True)
class UploadLimits:
    """Caps on a contributor's file, checked before it is parsed (a 400 kB XLSX can unzip to
    gigabytes). Each is a setting: NARCOLEX_MAX_UPLOAD_BYTES, NARCOLEX_MAX_UNCOMPRESSED_BYTES,
    NARCOLEX_MAX_ROWS, NARCOLEX_MAX_CELLS."""

    upload_bytes: int = 20_000_000
    uncompressed_bytes: int = 200_000_000
    rows: int = 100_000
    cells: int = 2_500_000

    @classmethod
    def from_env(cls) -> UploadLimits:
        d = cls()
        return cls(
            upload_bytes=_env_int("NARCOLEX_MAX_UPLOAD_BYTES", d.upload_bytes),
            uncompressed_bytes=_env_int("NARCOLEX_MAX_UNCOMPRESSED_BYTES", d.uncompressed_bytes),
            rows=_env_int("NARCOLEX_MAX_ROWS", d.rows),
            cells=_env_int("NARCOLEX_MAX_CELLS", d.cells),
        )


@dataclass(frozen=True)
class ScanLimits:
    """Caps per scanned post: characters read (NARCOLEX_MAX_POST_CHARS) and matches reported
    (NARCOLEX_MAX_MATCHES). A longer post is scanned up to the cap and its finding says
    `truncated`; without caps one 4 MB post costs a minute and a gigabyte."""

    post_chars: int = 100_000
    matches: int = 200

    @classmethod
    def from_env(cls) -> ScanLimits:
        d = cls()
        return cls(
            post_chars=_env_int("NARCOLEX_MAX_POST_CHARS", d.post_chars),
            matches=_env_int("NARCOLEX_MAX_MATCHES", d.matches),
        )
