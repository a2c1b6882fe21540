"""Reading posts and writing findings: JSONL, CSV and Parquet, files or stdin/stdout.

Inputs come from many platforms, so reading is lenient about extra columns and strict about
the two that matter (`id`, `text`): a row without text is an InputError naming its line.
Rows are streamed, so a large JSONL or CSV file is never held in memory.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from narcolex.detect.finding import Finding
from narcolex.errors import InputError

FIELDS = ("id", "text", "lang", "platform", "country", "created_at")
FORMATS = ("jsonl", "csv", "parquet")
OUTPUT_COLUMNS = ("id", "verdict", "score", "lang", "substances", "signals", "matches",
                  "explanation")  # fmt: skip


def guess_format(path: str, fmt: str | None = None) -> str:
    """The format named explicitly, else by extension (`-` means JSONL)."""
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".")
    if path == "-" or suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("csv", "tsv"):
        return "csv"
    if suffix in ("parquet", "pq"):
        return "parquet"
    raise InputError(f"cannot tell the format of {path!r}: use .jsonl, .csv or .parquet")


def _row(raw: dict[str, Any], where: str, keep_extra: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected an object with 'id' and 'text'")
    if "text" not in raw:
        raise InputError(f"{where}: missing 'text'")
    row = {k: raw.get(k) for k in FIELDS}
    if row["id"] is not None:
        row["id"] = str(row["id"])
    if row["text"] is None:
        row["text"] = ""
    elif not isinstance(row["text"], str):
        row["text"] = str(row["text"])
    if keep_extra:
        row.update({k: v for k, v in raw.items() if k not in row})
    return row


def read_posts(path: str, fmt: str | None = None, keep_extra: bool = False) -> Iterator[dict]:
    """Rows with the FIELDS keys (`id` as a string); `-` reads stdin."""
    fmt = guess_format(path, fmt)
    if path != "-" and not Path(path).is_file():
        raise InputError(f"input file {path!r} does not exist")
    if fmt == "parquet":
        yield from _read_parquet(path, keep_extra)
        return
    stream: TextIO = (
        sys.stdin if path == "-" else open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    )
    try:
        if fmt == "jsonl":
            for n, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
                row = _row(raw, f"{path}:{n}", keep_extra)
                if row["id"] is None:
                    row["id"] = str(n)
                yield row
        else:
            reader = csv.DictReader(stream)
            if reader.fieldnames is None or "text" not in reader.fieldnames:
                raise InputError(f"{path}: the CSV header has no 'text' column")
            for n, raw in enumerate(reader, start=2):
                row = _row(
                    {k: (v if v != "" else None) for k, v in raw.items()}, f"{path}:{n}", keep_extra
                )
                if row["id"] is None:
                    row["id"] = str(n - 1)
                yield row
    finally:
        if stream is not sys.stdin:
            stream.close()


def _read_parquet(path: str, keep_extra: bool) -> Iterator[dict]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    if "text" not in pf.schema_arrow.names:
        raise InputError(f"{path}: no 'text' column")
    n = 0
    for batch in pf.iter_batches(batch_size=4096):
        for raw in batch.to_pylist():
            n += 1
            row = _row(raw, f"{path}: row {n}", keep_extra)
            if row["id"] is None:
                row["id"] = str(n)
            yield row


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row: lists joined with ';', matches as a JSON string."""
    out = dict(row)
    out["substances"] = ";".join(row["substances"])
    out["signals"] = ";".join(row["signals"])
    out["matches"] = json.dumps(row["matches"], ensure_ascii=False)
    return out


def write_findings(findings: Iterable[Finding], path: str | None, fmt: str = "jsonl") -> int:
    """Write the §4 rows to `path` (None or `-` = stdout); returns the number of rows."""
    fmt = guess_format(path or "-", fmt)
    if fmt == "parquet":
        if path in (None, "-"):
            raise InputError("Parquet output needs a file: use -o OUT.parquet")
        return _write_parquet(findings, path)
    to_stdout = path in (None, "-")
    stream: TextIO = (
        sys.stdout if to_stdout else open(path, "w", encoding="utf-8", newline="")  # type: ignore[arg-type]  # noqa: SIM115
    )
    n = 0
    try:
        writer = csv.DictWriter(stream, fieldnames=OUTPUT_COLUMNS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for f in findings:
            row = f.to_dict()
            if writer:
                writer.writerow(_flat(row))
            else:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if not to_stdout:
            stream.close()
        else:
            stream.flush()
    return n


def findings_arrow_schema() -> Any:
    """The Arrow schema of the §4 rows (Parquet output, Spark's mapInArrow)."""
    import pyarrow as pa

    match_type = pa.struct(
        [("term_id", pa.int64()), ("term", pa.string()), ("surface", pa.string()),
         ("start", pa.int64()), ("end", pa.int64()), ("kind", pa.string()),
         ("denotes", pa.list_(pa.string())), ("lang", pa.string())]
    )  # fmt: skip
    return pa.schema(
        [("id", pa.string()), ("verdict", pa.string()), ("score", pa.float64()),
         ("lang", pa.string()), ("substances", pa.list_(pa.string())),
         ("signals", pa.list_(pa.string())), ("matches", pa.list_(match_type)),
         ("explanation", pa.string())]
    )  # fmt: skip


def _write_parquet(findings: Iterable[Finding], path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = findings_arrow_schema()
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict] = []
        for f in findings:
            batch.append(f.to_dict())
            if len(batch) >= 4096:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n
