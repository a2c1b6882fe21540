"""Reading contributors' spreadsheets and writing safe ones.

Member-State contributors send whatever their office software produces: CSV with commas,
semicolons or tabs, UTF-8 with or without BOM, UTF-16, Windows-1252, or XLSX. This module
turns all of them into (row number, {column: text}) pairs, with row numbers as the
contributor sees them in their spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from narcolex.errors import InputError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Sheet:
    path: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    encoding: str | None = None
    delimiter: str | None = None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with (BOMs first, then UTF-8, then Windows-1252)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data[:200].count(b"\x00") > 10:  # UTF-16 without BOM: every other byte is NUL
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(",;\t", key=first.count)


def _norm_header(h: object) -> str:
    return str(h or "").strip().lower().replace(" ", "_").lstrip("*").rstrip("*")


def read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    text, encoding = decode(data)
    if not text.strip():
        raise InputError(f"{path.name}: the file is empty")
    delim = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = [_norm_header(h) for h in next(reader)]
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            values = {header[i]: cell.strip() for i, cell in enumerate(row) if i < len(header)}
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise InputError(f"{path.name}: row {reader.line_num}: malformed CSV: {exc}") from None
    return Sheet(str(path), tuple(header), tuple(rows), encoding, delim)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(path: Path, sheet: str | None = "terms") -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path.name}: not a readable XLSX workbook: {exc}") from None
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        try:
            header = [_norm_header(h) for h in next(it)]
        except StopIteration:
            raise InputError(f"{path.name}: the sheet {ws.title!r} is empty") from None
        rows = []
        for n, row in enumerate(it, start=2):
            values = {header[i]: _cell_text(v) for i, v in enumerate(row) if i < len(header)}
            if any(values.values()):
                rows.append((n, values))
    finally:
        wb.close()
    return Sheet(str(path), tuple(header), tuple(rows))


def read_table(path: Path | str) -> Sheet:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return read_csv(path)
    raise InputError(f"{path.name}: expected a .csv, .tsv or .xlsx file")
