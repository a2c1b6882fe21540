"""Settings of the HTTP service, read from the environment once per process.

pydantic validates them at start-up so that a typo in a limit stops the server with a clear
message instead of surfacing as odd behaviour under load.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, Field, ValidationError

from narcolex.errors import ConfigError

PREFIX = "NARCOLEX_API_"


class ApiSettings(BaseModel):
    """What an operator may tune; every field maps to NARCOLEX_API_<NAME> (upper case)."""

    database_url: str | None = Field(
        default=None, description="Database URL (default: NARCOLEX_DATABASE_URL, then embedded)."
    )
    anonymous: bool = Field(
        default=False,
        description="Open scanning and published releases to callers without a token.",
    )
    max_scan_items: int = Field(default=1000, ge=1, le=100_000)
    max_text_chars: int = Field(default=20_000, ge=100)
    max_scan_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_upload_rows: int = Field(default=5000, ge=1)
    max_unzipped_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    auth_failures_per_minute: int = Field(default=20, ge=1)
    release_check_seconds: float = Field(default=1.0, ge=0)
    token_cache_seconds: float = Field(default=2.0, ge=0, le=60)

    @classmethod
    def from_env(cls, **overrides: object) -> ApiSettings:
        values: dict[str, object] = {}
        for name in cls.model_fields:
            raw = os.environ.get(PREFIX + name.upper())
            if raw is not None:
                values[name] = raw
        if values.get("database_url") is None and os.environ.get("NARCOLEX_DATABASE_URL"):
            values["database_url"] = os.environ["NARCOLEX_DATABASE_URL"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(f"invalid {PREFIX}* setting: {exc}") from None
