"""Reading contributors' spreadsheets and writing safe ones.

Member-State contributors send whatever their office software produces: CSV with commas,
semicolons or tabs, UTF-8 with or without BOM, UTF-16, Windows-1252, or XLSX. This module
turns all of them into (row number, {column: text}) pairs, with row numbers as the
contributor sees them in their spreadsheet (the header is row 1).

Uploads are capped (config.UploadLimits) before parsing: the file size, the uncompressed size
of an XLSX (a zip; a small one can unzip to gigabytes), the rows and the cells.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from narcolex.config import UploadLimits
from narcolex.errors import InputError
from narcolex.formats import encoding as encodings

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


def decode(data: bytes, name: str = "file") -> tuple[str, str]:
    """Text and the one encoding it was read with (see formats.encoding)."""
    return encodings.decode(data, name)


def _delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(",;\t", key=first.count)


def _norm_header(h: object) -> str:
    return str(h or "").strip().lower().replace(" ", "_").lstrip("*").rstrip("*")


class _Budget:
    """Counts rows and cells against the limits while a sheet is read."""

    def __init__(self, name: str, limits: UploadLimits) -> None:
        self.name, self.limits, self.rows, self.cells = name, limits, 0, 0

    def take(self, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > self.limits.rows:
            raise InputError(
                f"{self.name}: more than {self.limits.rows} rows (NARCOLEX_MAX_ROWS); "
                "split the file"
            )
        if self.cells > self.limits.cells:
            raise InputError(
                f"{self.name}: more than {self.limits.cells} cells (NARCOLEX_MAX_CELLS); "
                "split the file"
            )


def _check_size(path: Path, limits: UploadLimits) -> None:
    size = path.stat().st_size
    if size > limits.upload_bytes:
        raise InputError(
            f"{path.name}: {size} bytes, more than the {limits.upload_bytes} allowed "
            "(NARCOLEX_MAX_UPLOAD_BYTES)"
        )


def read_csv(path: Path, limits: UploadLimits | None = None) -> Sheet:
    limits = limits or UploadLimits.from_env()
    _check_size(path, limits)
    data = path.read_bytes()
    text, encoding = decode(data, path.name)
    if not text.strip():
        raise InputError(f"{path.name}: the file is empty")
    delim = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    budget = _Budget(path.name, limits)
    start = 1
    try:
        header = [_norm_header(h) for h in next(reader)]
        rows = []
        start = reader.line_num + 1
        for row in reader:
            budget.take(len(row))
            if any(cell.strip() for cell in row):
                if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
                    raise InputError(
                        f"{path.name}: row {start}: {len(row)} cells but the header has "
                        f"{len(header)} (a stray delimiter or quote?)"
                    )
                values = {header[i]: cell.strip() for i, cell in enumerate(row) if i < len(header)}
                rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(
            f"{path.name}: row {start}: malformed CSV ({exc}); check the quotes from there on"
        ) from None
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


def _check_zip(path: Path, limits: UploadLimits) -> None:
    """Refuse a workbook whose parts would unzip beyond the limit, before opening it."""
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path.name}: not an XLSX workbook (an .xlsx file is a zip archive)")
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path.name}: not a readable XLSX workbook: {exc}") from None
    if total > limits.uncompressed_bytes:
        raise InputError(
            f"{path.name}: unzips to {total} bytes, more than the {limits.uncompressed_bytes} "
            "allowed (NARCOLEX_MAX_UNCOMPRESSED_BYTES)"
        )


def read_xlsx(path: Path, sheet: str | None = "terms", limits: UploadLimits | None = None) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    limits = limits or UploadLimits.from_env()
    _check_size(path, limits)
    _check_zip(path, limits)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path.name}: not a readable XLSX workbook: {exc}") from None
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        try:
            header = [_norm_header(h) for h in next(it)]
        except StopIteration:
            raise InputError(f"{path.name}: the sheet {ws.title!r} is empty") from None
        rows = []
        budget = _Budget(path.name, limits)
        for n, row in enumerate(it, start=2):
            budget.take(len(row))
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
