"""Where the database lives and how the scanner decides.

The embedded default is a SQLite file in the user's data directory so that `narcolex init`
works on a fresh machine with no server; `NARCOLEX_DATABASE_URL` or `--db` point it at
PostgreSQL (or another SQLite file) with the same code.
"""

from __future__ import annotations

import os
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
