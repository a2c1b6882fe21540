"""Opaque list cursors (`?limit=&cursor=`, answer `{"items": [...], "next": cursor|null}`)."""

from __future__ import annotations

import base64
import binascii

from narcolex.api.problems import ApiProblem


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The position a cursor stands for (0 without one); a forged cursor is a 422."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("p") and raw[1:].isdigit() and len(raw) < 20:
            return int(raw[1:])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ApiProblem(422, "invalid cursor: pass back the `next` value of the previous page")


def next_cursor(position: int, got: int, limit: int) -> str | None:
    """The cursor after a page that started at `position` and returned `got` of `limit`."""
    return encode(position + got) if got >= limit else None


def page(items: list, limit: int, cursor: str | None) -> dict[str, object]:
    """A page of an already-built (short) list: for lists the database does not page."""
    start = decode(cursor)
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return {"items": chunk, "next": encode(start + limit) if more else None}
