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


def read_findings(path: str | Path) -> Iterator[dict[str, Any]]:
    """Findings from a JSONL file (one ARCHITECTURE §4 row per line)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"findings file {str(path)!r} does not exist")
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            missing = [k for k in FINDING_KEYS if k not in row] if isinstance(row, dict) else ["*"]
            if missing:
                raise InputError(f"{path}:{n}: not a finding row (missing {', '.join(missing)})")
            row["id"] = None if row["id"] is None else str(row["id"])
            yield row


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
