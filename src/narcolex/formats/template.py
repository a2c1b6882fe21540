"""The contributor template (XLSX or CSV).

The XLSX is what most national contact points will fill in: drop-down lists keep codes valid
at the source, and a second sheet explains every column in plain words so nobody needs this
project's documentation to contribute.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from pathlib import Path

from narcolex import taxonomy
from narcolex.errors import InputError
from narcolex.formats.columns import COLUMNS

DATA_ROWS = 2000  # rows that carry the drop-down validations


def _codes_sheet(wb) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Write the lists behind the drop-downs; return column name → range formula."""
    ws = wb.create_sheet("codes")
    lists = {
        "language": taxonomy.LANGUAGES,
        "kind": taxonomy.TERM_KINDS,
        "denotes": (*taxonomy.SUBSTANCES, *taxonomy.SIGNALS),
        "ambiguity": taxonomy.AMBIGUITY_LEVELS,
        "confidence": taxonomy.CONFIDENCE_LEVELS,
        "match": taxonomy.MATCH_MODES,
        "countries": taxonomy.COUNTRIES,
    }
    ranges = {}
    from openpyxl.utils import get_column_letter

    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        ws.cell(row=1, column=i, value=name)
        for r, v in enumerate(values, start=2):
            ws.cell(row=r, column=i, value=v)
        ranges[name] = f"codes!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def write_xlsx(path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "terms"
    ranges = _codes_sheet(wb)
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=col.name)
        cell.font = Font(bold=True)
        if col.required:
            cell.fill = PatternFill("solid", fgColor="FFE699")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(col.name) + 4)
        if col.name in ranges:
            multi = col.multi
            dv = DataValidation(
                type="list",
                formula1=f"={ranges[col.name]}",
                allow_blank=not col.required,
                # multi-value cells ("DE;AT") are allowed after a warning
                errorStyle="warning" if multi else "stop",
                showErrorMessage=True,
                errorTitle=f"{col.name}: not in the list",
                error=col.explanation[:250],
                promptTitle=col.name,
                prompt=col.explanation[:250],
                showInputMessage=True,
            )
            letter = get_column_letter(i)
            dv.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet("explanations", 1)
    help_ws.append(["column", "required", "what to write", "example"])
    for c in help_ws[1]:
        c.font = Font(bold=True)
    for col in COLUMNS:
        help_ws.append([col.name, "yes" if col.required else "no", col.explanation, col.example])
    help_ws.column_dimensions["A"].width = 18
    help_ws.column_dimensions["C"].width = 90
    help_ws.column_dimensions["D"].width = 24
    for row in help_ws.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    help_ws.append([])
    help_ws.append(["Every term needs a source: an existing source id in 'source', or the title "
                    "and publisher of the document that shows its meaning."])  # fmt: skip
    help_ws.append(["Separate several values in one cell with ';'. Save as XLSX or CSV and "
                    "submit with: narcolex submit FILE --as YOUR_USER"])  # fmt: skip
    try:
        wb.save(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    return path


def write_csv(path: Path) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([c.name for c in COLUMNS])
    try:
        path.write_text(buf.getvalue(), encoding="utf-8-sig")  # BOM: Excel opens UTF-8 right
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    return path


def write_template(path: Path | str, fmt: str = "xlsx") -> Path:
    path = Path(path)
    if fmt == "xlsx":
        return write_xlsx(path)
    if fmt == "csv":
        return write_csv(path)
    raise InputError(f"unknown template format {fmt!r}; use xlsx or csv")


# Media type of each template format, for downloads over HTTP.
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@functools.cache
def template_bytes(fmt: str) -> bytes:
    """The template as bytes, built once per process (it never changes while running)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_template(Path(tmp) / f"template.{fmt}", fmt).read_bytes()
