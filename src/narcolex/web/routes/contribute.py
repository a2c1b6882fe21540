"""Contribute: the template, uploads with row errors pointing at exact cells, my submissions.

A rejected file stores nothing (the workflow validates every row before writing); the page
lists each problem with its spreadsheet cell (column letter + row number) so a contributor can
go straight to it, fix it and upload again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from openpyxl.utils import get_column_letter
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, Response

from narcolex.api import uploads
from narcolex.api.problems import ApiProblem
from narcolex.errors import NarcolexError
from narcolex.formats.tabular import read_table
from narcolex.formats.template import MEDIA_TYPES, template_bytes
from narcolex.web.core import Page, PageError, checked_form, page, render
from narcolex.workflow.submissions import SubmissionRejected, submissions_of, submit

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]


def _mine(p: Page) -> list[dict[str, Any]]:
    assert p.actor.name is not None
    with p.app.dbs.read() as s:
        return list(reversed(submissions_of(s, p.actor.name)))


async def _show(p: Page, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("problems", None)
    context.setdefault("report", None)
    context.setdefault("error", None)
    mine = await run_in_threadpool(_mine, p)
    return render(p, "contribute.html", status=status, mine=mine, **context)


@router.get("/contribute", response_class=HTMLResponse)
async def contribute(p: Viewer) -> HTMLResponse:
    p.need("submissions.create")
    return await _show(p)


@router.get("/contribute/template.{fmt}", response_model=None)
async def template(p: Viewer, fmt: str) -> Response:
    p.need("submissions.create")
    if fmt not in MEDIA_TYPES:
        raise PageError(404)
    data = await run_in_threadpool(template_bytes, fmt)
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="narcolex-template.{fmt}"'},
    )


def _cells(path: Path, problems: list[Any]) -> list[dict[str, Any]]:
    """Each problem with the spreadsheet cell it points to (e.g. C3)."""
    try:
        columns = list(read_table(path).columns)
    except NarcolexError:
        columns = []
    out = []
    for prob in problems:
        d = prob.to_dict()
        col = d.get("column")
        letter = get_column_letter(columns.index(col) + 1) if col in columns else None
        d["cell"] = f"{letter}{d['row']}" if letter and d.get("row") else None
        out.append(d)
    return out


def _submit(p: Page, name: str, data: bytes) -> tuple[dict[str, Any] | None, list[Any] | None]:
    assert p.actor.name is not None
    settings = p.app.settings
    with tempfile.TemporaryDirectory(prefix="narcolex-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        rows = len(read_table(path).rows)
        if rows > settings.max_upload_rows:
            raise ApiProblem(
                413, f"{name} has {rows} rows (at most {settings.max_upload_rows}); split it"
            )
        try:
            return submit(p.app.dbs.writer, path, p.actor.name).to_dict(), None
        except SubmissionRejected as exc:
            return None, _cells(path, exc.row_problems)


@router.post("/contribute", response_class=HTMLResponse)
async def upload(p: Viewer, form: Annotated[Any, Depends(checked_form)]) -> HTMLResponse:
    p.need("submissions.create")
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return await _show(p, 422, error=p.gettext("Choose a file to upload."))
    data = await file.read(p.app.settings.max_upload_bytes + 1)
    try:
        name, content = uploads.prepare(data, file.filename, p.app.settings)
        report, problems = await run_in_threadpool(_submit, p, name, content)
    except ApiProblem as exc:
        return await _show(p, exc.status, error=exc.detail)
    except NarcolexError as exc:
        return await _show(p, 422, error=str(exc))
    if problems is not None:
        return await _show(p, 422, problems=problems, filename=name)
    return await _show(p, report=report)
