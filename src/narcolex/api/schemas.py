"""Request and response bodies of the API (pydantic lives at the edges).

Response models mirror the domain objects' `to_dict()` so that the OpenAPI document states the
contract of ARCHITECTURE §4 and schemathesis can check every answer against it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

LANG_PATTERN = r"^[a-z]{2,3}$"
MAX_ID = 2**31 - 1  # database integer ids: larger numbers cannot name anything
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=40)]


class ScanItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | int | None = None
    text: str = Field(max_length=1_000_000)
    lang: str | None = Field(default=None, pattern=LANG_PATTERN)
    platform: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2)
    created_at: str | None = Field(default=None, max_length=40)


class ScanRequest(BaseModel):
    """Either one post (`text`, optional `lang`/`id`) or a batch (`items`)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, max_length=1_000_000)
    lang: str | None = Field(default=None, pattern=LANG_PATTERN)
    id: str | int | None = None
    items: list[ScanItem] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ScanRequest:
        if (self.text is None) == (self.items is None):
            raise ValueError("give either `text` or `items`")
        return self


class MatchOut(BaseModel):
    term_id: int
    term: str
    surface: str
    start: int
    end: int
    kind: str
    denotes: list[str]
    lang: str


class FindingOut(BaseModel):
    id: str | None
    verdict: str = Field(json_schema_extra={"enum": ["sale", "mention", "clean"]})
    score: float
    lang: str | None
    substances: list[str]
    signals: list[str]
    matches: list[MatchOut]
    explanation: str


class BatchOut(BaseModel):
    items: list[FindingOut]
    release: int | None


class TermOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    term: str
    lang: str
    kind: str
    denotes: list[str]
    ambiguity: str
    confidence: str
    status: str
    match: str
    variants: list[str]
    countries: list[str]
    platforms: list[str]
    sources: list[Any]
    first_seen: str | None
    last_seen: str | None
    note: str | None


class TermPage(BaseModel):
    items: list[TermOut]
    next: str | None


class RowProblemOut(BaseModel):
    file: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str | None = None
    hint: str | None


class SubmissionOut(BaseModel):
    submission: int
    file: str
    rows: int
    accepted: int
    problems: list[RowProblemOut]
    terms: list[dict[str, Any]]


class SubmissionSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    submission: int
    file: str | None
    by: str | None
    country: str | None
    created_at: str
    rows: int
    accepted: int
    rejected_rows: int


class SubmissionPage(BaseModel):
    items: list[SubmissionSummary]
    next: str | None


class DecisionIn(BaseModel):
    comment: str | None = Field(default=None, max_length=5000)


class MergeIn(BaseModel):
    into: int = Field(ge=1, le=MAX_ID)
    comment: str | None = Field(default=None, max_length=5000)


class ReviewOut(BaseModel):
    term: int
    decision: str
    by: str
    comment: str | None
    merged_into: int | None = None


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class CommentOut(BaseModel):
    id: int
    by: str
    term: int | None
    release: int | None


class ReleaseIn(BaseModel):
    notes: str | None = Field(default=None, max_length=5000)


class ReleaseSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: int
    created_at: str
    created_by: str | None
    content_sha256: str
    counts: dict[str, Any]
    notes: str | None


class ReleaseDetail(ReleaseSummary):
    manifest: dict[str, Any]
    changelog: str
    comments: list[dict[str, Any]]


class DiffOut(BaseModel):
    from_version: int
    to_version: int
    added: list[str]
    changed: list[str]
    removed: list[str]


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(json_schema_extra={"enum": ["admin", "curator", "contributor", "reader"]})
    country: str | None = Field(default=None, max_length=2)


class RoleIn(BaseModel):
    role: str = Field(json_schema_extra={"enum": ["admin", "curator", "contributor", "reader"]})
    country: str | None = Field(default=None, max_length=2)


class UserOut(BaseModel):
    name: str
    role: str
    country: str | None
    active: bool


class TokenOut(BaseModel):
    id: int
    user: str
    prefix: str
    token: str = Field(description="The secret; shown once, store it now.")


class TokenInfo(BaseModel):
    id: int
    user: str
    prefix: str
    created_at: str
    revoked_at: str | None


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditOut]
    next: str | None


class UserPage(BaseModel):
    items: list[UserOut]
    next: str | None


class TokenPage(BaseModel):
    items: list[TokenInfo]
    next: str | None


class ReleasePage(BaseModel):
    items: list[ReleaseSummary]
    next: str | None


class QueuePage(BaseModel):
    items: list[dict[str, Any]]
    next: str | None


class Health(BaseModel):
    status: str
    release: int | None = None
    content_sha256: str | None = None
    detail: str | None = None
