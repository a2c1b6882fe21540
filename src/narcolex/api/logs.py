"""Structured (JSON-lines) logs with a request id, and the request-size guard.

Each request gets an id (the caller's X-Request-ID when it is a short token, else a new one),
returned in the response header and in every problem body, so an operator can find the log
line a user quotes. Log lines carry method, route path, status, duration, actor and the id; they
never carry headers (tokens), query strings or bodies (post text).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("narcolex.api.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_configured = False


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any `extra` fields."""

    _STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for narcolex and uvicorn's own loggers (once per process)."""
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("narcolex", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # it logs query strings
    _configured = True


class RequestContext:
    """ASGI middleware: request id, access log, and body-size limits per path."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str, str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        limit = self.limit_for(scope["method"], scope["path"])
        started = time.perf_counter()
        status = {"code": 500, "sent": False}
        declared = headers.get(b"content-length")
        too_large = False
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = True
        if too_large:
            await self._reject(scope, send, rid, limit, status)
            self._log(scope, rid, status["code"], started)
            return
        if _has_nul(scope):
            # PostgreSQL cannot store a NUL character (SQLite can): refused here, the same on
            # every database, before a filter or a path value reaches a query.
            detail = "the URL contains a NUL character (%00), which no value may hold"
            await _problem(
                send, rid, 422, "invalid-request", "Unprocessable Content", detail, status
            )
            self._log(scope, rid, status["code"], started)
            return
        seen = {"bytes": 0, "over": False}

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > limit:
                    seen["over"] = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                if seen["over"]:
                    await self._reject(scope, send, rid, limit, status)
                    return
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", rid.encode("latin-1")),
                ]
            elif seen["over"]:
                return  # the 413 was sent instead of this response
            await send(message)

        try:
            await self.app(scope, counted_receive, tagged_send)
        finally:
            self._log(scope, rid, status["code"], started)

    async def _reject(
        self, scope: Scope, send: Send, rid: str, limit: int, status: dict[str, Any]
    ) -> None:
        detail = f"the request body exceeds {limit} bytes for {scope['path']}"
        await _problem(
            send, rid, 413, "payload-too-large", "Content Too Large", detail, status, close=True
        )

    @staticmethod
    def _log(scope: Scope, rid: str, code: int, started: float) -> None:
        route = scope.get("route")
        state = scope.get("state") or {}
        access.info(
            "request",
            extra={
                "request_id": rid,
                "method": scope["method"],
                "path": getattr(route, "path", None) or scope["path"][:200],
                "status": code,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "actor": state.get("actor"),
            },
        )


def _has_nul(scope: Scope) -> bool:
    query = scope.get("query_string", b"").lower()
    return "\x00" in scope["path"] or b"%00" in query or b"\x00" in query


async def _problem(
    send: Send,
    rid: str,
    code: int,
    kind: str,
    title: str,
    detail: str,
    status: dict[str, Any],
    *,
    close: bool = False,
) -> None:
    """An RFC 9457 problem sent before the app saw the request (the app's own errors go
    through api/problems.py)."""
    if status["sent"]:
        return
    status["sent"] = True
    status["code"] = code
    body = json.dumps(
        {
            "type": f"urn:narcolex:problem:{kind}",
            "title": title,
            "status": code,
            "detail": detail,
            "request_id": rid,
        }
    ).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-request-id", rid.encode("latin-1")),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
