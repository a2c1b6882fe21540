"""Reading what the response commands work on: findings (the rows `narcolex scan` writes) and,
optionally, the posts they came from (for the URL, platform, country and date of each post).

Findings alone carry no location or date; the DSA documents need both, so the posts file is
joined on `id` when given. Rows are kept as plain dicts: they are the ARCHITECTURE §4 contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from narcolex.errors import InputError

FINDING_KEYS = ("id", "verdict", "score", "substances", "signals", "matches")


MAX_FINDINGS = 1000  # per web form or API request; the CLI streams files of any size


def _finding(row: Any, where: str) -> dict[str, Any]:
    """`row` checked to be a finding, with its id as a string (or None)."""
    missing = [k for k in FINDING_KEYS if k not in row] if isinstance(row, dict) else ["*"]
    if missing:
        raise InputError(f"{where}: not a finding row (missing {', '.join(missing)})")
    row["id"] = None if row["id"] is None else str(row["id"])
    return row


def _json_lines(lines: Iterable[str], name: str) -> Iterator[tuple[str, Any]]:
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield f"{name}:{n}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{n}: not valid JSON ({exc.msg})") from None


def read_findings(path: str | Path) -> Iterator[dict[str, Any]]:
    """Findings from a JSONL file (one ARCHITECTURE §4 row per line)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"findings file {str(path)!r} does not exist")
    with p.open(encoding="utf-8") as fh:
        for where, row in _json_lines(fh, str(path)):
            yield _finding(row, where)


def _documents(text: str, name: str) -> list[tuple[str, Any]]:
    """The JSON documents of pasted or uploaded text: JSONL, one JSON array, or one object
    holding them under `items`, `findings` or `posts` (as the API takes and answers them)."""
    stripped = text.strip()
    try:
        doc = json.loads(stripped)
    except json.JSONDecodeError:
        if stripped.startswith("["):
            raise InputError(f"{name}: not a valid JSON array") from None
        return list(_json_lines(stripped.splitlines(), name))
    if isinstance(doc, dict):
        inner = next((doc[k] for k in ("items", "findings", "posts") if k in doc), None)
        doc = inner if isinstance(inner, list) else [doc]
    if not isinstance(doc, list):
        raise InputError(f"{name}: expected JSON lines or a JSON array")
    return [(f"{name}[{i}]", row) for i, row in enumerate(doc)]


def findings_from_text(text: str, name: str = "findings") -> list[dict[str, Any]]:
    """Findings pasted or uploaded as text (JSON lines as `narcolex scan` writes them, or the
    JSON the API answers); at most MAX_FINDINGS, since the answer is built in one request."""
    docs = _documents(text, name)
    if len(docs) > MAX_FINDINGS:
        raise InputError(f"{name}: {len(docs)} findings, at most {MAX_FINDINGS} at once")
    return [_finding(row, where) for where, row in docs]


def posts_from_text(text: str, name: str = "posts") -> dict[str, dict[str, Any]]:
    """Posts pasted as JSON lines (id, text, url, platform, country, created_at) by id."""
    out: dict[str, dict[str, Any]] = {}
    for where, row in _documents(text, name):
        if not isinstance(row, dict) or row.get("id") is None:
            raise InputError(f"{where}: a post needs an `id`")
        out[str(row["id"])] = row
    if len(out) > MAX_FINDINGS:
        raise InputError(f"{name}: {len(out)} posts, at most {MAX_FINDINGS} at once")
    return out


def read_posts_by_id(path: str | Path | None) -> dict[str, dict[str, Any]]:
    """The posts of `path` (JSONL, CSV or Parquet, as `narcolex scan` reads them) by id."""
    if path is None:
        return {}
    from narcolex.detect.io import read_posts

    return {str(row["id"]): row for row in read_posts(str(path), keep_extra=True)}


def pair(
    findings: Iterable[dict[str, Any]],
    posts: dict[str, dict[str, Any]],
    verdicts: tuple[str, ...] = ("sale",),
) -> Iterator[tuple[dict, dict]]:
    """(finding, post) for the findings whose verdict is in `verdicts`; a missing post is {}."""
    for f in findings:
        if f["verdict"] in verdicts:
            yield f, posts.get(f["id"] or "", {})
