"""RFC 9457 problem responses, produced at the edge from the narcolex error hierarchy.

Library code raises domain errors (errors.py); this module is the one place that decides their
HTTP status, the way cli.common decides the CLI's exit line. Anything else is a bug: it becomes
a 500 problem that names the request id (for the logs) and nothing of the request itself.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from narcolex import errors

log = logging.getLogger("narcolex.api")

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "urn:narcolex:problem:"


class RowError(BaseModel):
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    message: str | None = None


class Problem(BaseModel):
    """The one error shape of the API (RFC 9457), with row errors for rejected uploads."""

    type: str
    title: str
    status: int
    detail: str | None = None
    request_id: str | None = None
    errors: list[RowError | dict[str, Any]] | None = Field(default=None)


class ApiProblem(Exception):
    """An HTTP-level problem raised by the API itself (auth, limits, unsupported media)."""

    def __init__(
        self,
        status: int,
        detail: str,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}
        self.errors = errors


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": TYPE_BASE + (kind or title.lower().replace(" ", "-").replace("'", "")),
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": getattr(request.state, "request_id", None),
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_TYPE)


# Domain error -> (status, type). Checked in order: the first isinstance match wins, so the
# more specific classes come first. A ConflictError (workflow integrity) is mapped when the
# error hierarchy has one.
_MAP: list[tuple[type[BaseException], int, str]] = [
    (errors.NotInitialisedError, 503, "not-initialised"),
    (errors.AlreadyInitialisedError, 409, "already-initialised"),
    (errors.DatabaseError, 503, "database-unavailable"),
    (errors.NotFoundError, 404, "not-found"),
    (errors.PermissionDenied, 403, "forbidden"),
    (errors.UnknownCodeError, 422, "unknown-code"),
    (errors.ContentError, 422, "invalid-content"),
    (errors.InputError, 422, "invalid-input"),
    (errors.ConfigError, 500, "configuration"),
]
_conflict = getattr(errors, "ConflictError", None)
if isinstance(_conflict, type):
    _MAP.insert(0, (_conflict, 409, "conflict"))


def status_of(exc: errors.NarcolexError) -> tuple[int, str]:
    for cls, status, kind in _MAP:
        if isinstance(exc, cls):
            return status, kind
    return 400, "bad-request"


def _row_errors(exc: BaseException) -> list[dict[str, Any]] | None:
    rows = getattr(exc, "row_problems", None)
    if rows is None:
        return None
    out = []
    for p in rows:
        d = p.to_dict() if hasattr(p, "to_dict") else dict(p)
        out.append(
            {
                "file": d.get("file"),
                "row": d.get("row"),
                "column": d.get("column"),
                "value": d.get("value"),
                "hint": d.get("hint"),
                "message": d.get("message"),
            }
        )
    return out


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem response."""

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(request, exc.status, exc.detail, exc.kind, exc.headers, exc.errors)

    @app.exception_handler(errors.NarcolexError)
    async def _domain(request: Request, exc: errors.NarcolexError) -> JSONResponse:
        status, kind = status_of(exc)
        detail = str(exc.args[0]) if exc.args else str(exc)
        rows = _row_errors(exc)
        if rows is None and isinstance(exc, errors.ContentError) and exc.problems:
            rows = [{"message": p} for p in exc.problems]
        headers = {"Retry-After": "5"} if status == 503 else None
        return problem_response(request, status, detail, kind, headers, rows)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity conflict: %s", exc.orig.__class__.__name__)
        return problem_response(
            request,
            409,
            "the change conflicts with a concurrent one (a unique value is already taken); "
            "reload and try again",
            "conflict",
        )

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database operational error: %s", exc.orig.__class__.__name__)
        return problem_response(
            request, 503, "the database is busy or unreachable; try again",
            "database-unavailable", {"Retry-After": "5"},
        )  # fmt: skip

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot hold (a NUL character in a body's text on PostgreSQL,
        # a number out of its column's range): the request's fault, and nothing was written.
        log.warning("database refused a value: %s", exc.orig.__class__.__name__)
        return problem_response(
            request, 422, "a value in the request cannot be stored (a NUL character, or a "
            "number out of range)", "invalid-input",
        )  # fmt: skip

    @app.exception_handler(SQLAlchemyError)
    async def _sqlalchemy(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        log.exception("database error")
        return problem_response(request, 500, "internal database error", "internal")

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        rows = [
            {
                "column": ".".join(str(p) for p in e.get("loc", ())),
                "message": str(e.get("msg")),
                "hint": str(e.get("type")),
            }
            for e in exc.errors()
        ]
        return problem_response(
            request, 422, "the request does not match the schema", "invalid-request", None, rows
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            request, exc.status_code, str(exc.detail), None, dict(exc.headers or {})
        )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem_response(request, 500, "internal error (see the server log)", "internal")


def document(spec: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI document say what the handlers do: every error of every operation is
    a problem+json document, and any status not listed is covered by a `default` problem."""
    ref = {"$ref": "#/components/schemas/Problem"}
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for key in ("HTTPValidationError", "ValidationError"):
        schemas.pop(key, None)
    for ops in spec.get("paths", {}).values():
        for op in ops.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for code, resp in op["responses"].items():
                if code.isdigit() and int(code) >= 400:
                    resp["content"] = {PROBLEM_TYPE: {"schema": ref}}
            op["responses"]["default"] = {
                "description": "A problem (RFC 9457)",
                "content": {PROBLEM_TYPE: {"schema": ref}},
            }
    return spec


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route may give."""
    return {
        code: {
            "model": Problem,
            "description": HTTPStatus(code).phrase,
            "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in codes
    }
