"""Reading posts and writing findings: JSONL, CSV and Parquet, files or stdin/stdout.

Inputs come from many platforms, so reading is lenient about extra columns and strict about
the two that matter (`id`, `text`): `text` must be a string (null or a number is a bad row,
never a silently clean post). A bad row (malformed JSON, invalid UTF-8, a CSV record with a
broken quote or too many cells) either stops the run (`on_error="stop"`) or is counted and
written to a rejects file with its line number and the reason (`on_error="skip"`), so one
bad line never costs a whole batch and none is lost without a trace. Rows are streamed, so a
large JSONL or CSV file is never held in memory.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from narcolex.detect.finding import Finding
from narcolex.errors import InputError
from narcolex.formats.encoding import bom_encoding, detect_file
from narcolex.formats.tabular import safe_cell

FIELDS = ("id", "text", "lang", "platform", "country", "created_at")
FORMATS = ("jsonl", "csv", "parquet")
ON_ERROR = ("skip", "stop")
OUTPUT_COLUMNS = ("id", "verdict", "score", "lang", "substances", "signals", "matches",
                  "explanation")  # fmt: skip


class Rejects:
    """The bad input rows of a run: counted, and written as JSONL (`line`, `error`, `raw`)
    to `path` when one is given. The file is created at the first reject only."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self.count = 0
        self._fh: IO[str] | None = None

    def add(self, line: int | None, error: str, raw: str | None = None) -> None:
        self.count += 1
        if self.path is None:
            return
        if self._fh is None:
            try:
                self._fh = self.path.open("w", encoding="utf-8")
            except OSError as exc:
                raise InputError(f"cannot write rejects to {self.path}: {exc.strerror}") from None
        doc = {"line": line, "error": error, "raw": raw}
        self._fh.write(json.dumps(doc, ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class _BadRow(Exception):
    """One input row that cannot be scanned (kept inside this module)."""

    def __init__(self, line: int | None, message: str, raw: str | None = None) -> None:
        super().__init__(message)
        self.line, self.message, self.raw = line, message, raw


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


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _row(raw: Any, line: int | None, keep_extra: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _BadRow(line, f"expected an object with 'id' and 'text', got {_type_name(raw)}")
    if "text" not in raw:
        raise _BadRow(line, "missing 'text'")
    row = {k: raw.get(k) for k in FIELDS}
    if not isinstance(row["text"], str):
        raise _BadRow(line, f"'text' must be a string, not {_type_name(row['text'])}")
    pid = row["id"]
    if pid is not None:
        if isinstance(pid, bool) or not isinstance(pid, str | int):
            raise _BadRow(line, f"'id' must be a string or a whole number, not {_type_name(pid)}")
        row["id"] = str(pid)
    for key in ("lang", "platform", "country", "created_at"):
        if row[key] is not None and not isinstance(row[key], str):
            row[key] = str(row[key])
    if keep_extra:
        row.update({k: v for k, v in raw.items() if k not in row})
    return row


def read_posts(
    path: str,
    fmt: str | None = None,
    keep_extra: bool = False,
    on_error: str = "stop",
    rejects: Rejects | None = None,
) -> Iterator[dict]:
    """Rows with the FIELDS keys (`id` as a string); `-` reads stdin.

    A bad row raises InputError naming its line (`on_error="stop"`), or is added to
    `rejects` and skipped (`on_error="skip"`)."""
    if on_error not in ON_ERROR:
        raise InputError(f"--on-error must be skip or stop, not {on_error!r}")
    fmt = guess_format(path, fmt)
    if path != "-" and not Path(path).is_file():
        raise InputError(f"input file {path!r} does not exist")
    sink = rejects if rejects is not None else Rejects()
    rows = {"parquet": _read_parquet, "jsonl": _read_jsonl, "csv": _read_csv}[fmt]
    for item in rows(path, keep_extra):
        if isinstance(item, _BadRow):
            where = f"{path}:{item.line}" if item.line else path
            if on_error == "stop":
                raise InputError(f"{where}: {item.message}")
            sink.add(item.line, item.message, item.raw)
            continue
        yield item


def _binary(path: str) -> IO[bytes]:
    return sys.stdin.buffer if path == "-" else open(path, "rb")


def _read_jsonl(path: str, keep_extra: bool) -> Iterator[dict | _BadRow]:
    stream = _binary(path)
    try:
        head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
        encoding = bom_encoding(head)
        if encoding == "utf-16":
            lines: Iterable[bytes | str] = io.TextIOWrapper(stream, encoding="utf-16")
        else:
            lines = stream
        for n, line in enumerate(lines, start=1):
            if isinstance(line, bytes):
                if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    shown = line.decode("utf-8", errors="replace").rstrip("\r\n")
                    yield _BadRow(n, f"not valid UTF-8 (byte {exc.start + 1} of the line)", shown)
                    continue
            else:
                text = line
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                yield _BadRow(n, f"not valid JSON ({exc.msg})", text.rstrip("\r\n"))
                continue
            try:
                row = _row(raw, n, keep_extra)
            except _BadRow as bad:
                bad.raw = text.rstrip("\r\n")
                yield bad
                continue
            if row["id"] is None:
                row["id"] = str(n)
            yield row
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _read_csv(path: str, keep_extra: bool) -> Iterator[dict | _BadRow]:
    if path == "-":
        stream: TextIO = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    else:
        encoding = detect_file(path, path)
        if encoding == "cp1252":
            print(f"note: {path} is read as Windows-1252 (cp1252)", file=sys.stderr)
        stream = open(path, encoding=encoding, newline="")  # noqa: SIM115
    try:
        reader = csv.reader(stream, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: the CSV file is empty") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{path}:1: the CSV header cannot be read ({exc})") from None
        header = [h.strip() for h in header]
        if "text" not in header:
            raise InputError(f"{path}: the CSV header has no 'text' column")
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield _BadRow(start, f"malformed CSV record starting here ({exc})")
                start = reader.line_num + 1
                continue
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}: near line {start}: not valid UTF-8 ({exc.reason})"
                ) from None
            line = start
            start = reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                shown = ",".join(cells)[:500]
                yield _BadRow(line, f"{len(cells)} fields where the header has {len(header)} "
                              "(a stray quote or delimiter?)", shown)  # fmt: skip
                continue
            raw = {
                k: (v if v != "" or k == "text" else None)
                for k, v in zip(header, cells, strict=False)
            }
            try:
                row = _row(raw, line, keep_extra)
            except _BadRow as bad:
                yield bad
                continue
            if row["id"] is None:
                row["id"] = str(line - 1)
            yield row
    finally:
        if path != "-":
            stream.close()
        else:
            stream.detach()


def _read_parquet(path: str, keep_extra: bool) -> Iterator[dict | _BadRow]:
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
            try:
                row = _row(raw, n, keep_extra)
            except _BadRow as bad:
                yield bad
                continue
            if row["id"] is None:
                row["id"] = str(n)
            yield row


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A CSV row: lists joined with ';', matches as a JSON string, and every cell that a
    spreadsheet would run as a formula (an id like "=HYPERLINK(…)") neutralised."""
    out = {k: row.get(k) for k in OUTPUT_COLUMNS}
    out["substances"] = ";".join(row["substances"])
    out["signals"] = ";".join(row["signals"])
    out["matches"] = json.dumps(row["matches"], ensure_ascii=False)
    return {k: safe_cell(v) for k, v in out.items()}


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
