"""Collection: the contributor template, submission uploads and their status."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from narcolex.api import paging, uploads
from narcolex.api.deps import Actor, State, require
from narcolex.api.problems import ApiProblem, responses
from narcolex.api.schemas import Id, SubmissionOut, SubmissionPage, SubmissionSummary
from narcolex.formats.tabular import read_table
from narcolex.formats.template import MEDIA_TYPES, template_bytes
from narcolex.store import queries
from narcolex.workflow import users
from narcolex.workflow.review import term_state
from narcolex.workflow.submissions import submit

router = APIRouter(prefix="/v1", tags=["collection"])


@router.get(
    "/template",
    response_class=Response,
    responses={
        200: {"content": {MEDIA_TYPES["xlsx"]: {}, "text/csv": {}}},
        **responses(401, 403, 422, 429),
    },
)
def template(
    _actor: Annotated[Actor, Depends(require("knowledge.read"))],
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    """The contributor template (XLSX with drop-downs and explanations, or a CSV header)."""
    return Response(
        template_bytes(format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="narcolex-template.{format}"'},
    )


def _submit(app_state: Any, name: str, data: bytes, who: str, partial: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="narcolex-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        rows = len(read_table(path).rows)
        if rows > app_state.settings.max_upload_rows:
            raise ApiProblem(
                413,
                f"{name} has {rows} rows (at most {app_state.settings.max_upload_rows} per "
                "upload); split it",
            )
        return submit(app_state.dbs.writer, path, who, partial=partial).to_dict()


@router.post(
    "/submissions",
    status_code=201,
    response_model=SubmissionOut,
    responses=responses(401, 403, 413, 415, 422, 429),
)
async def create_submission(
    app: State,
    actor: Annotated[Actor, Depends(require("submissions.create"))],
    file: Annotated[UploadFile, File(description="A filled-in template (.xlsx or .csv).")],
    partial: Annotated[bool, Form(description="Keep the valid rows, report the rest.")] = False,
) -> dict[str, Any]:
    """Validate and store a file of proposed terms; row errors come back as structured JSON
    (422 `errors`, nothing stored) or, with `partial`, in `problems` beside the stored rows."""
    data = await file.read(app.settings.max_upload_bytes + 1)
    name, content = uploads.prepare(data, file.filename, app.settings)
    assert actor.name is not None
    return await run_in_threadpool(_submit, app, name, content, actor.name, partial)


@router.get("/submissions", response_model=SubmissionPage, responses=responses(401, 403, 429))
def list_submissions(
    app: State,
    actor: Annotated[Actor, Depends(require("submissions.read"))],
    mine: Annotated[bool, Query(description="Only my own (curators see all by default).")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Submissions: your own; curators and admins see everyone's."""
    start = paging.decode(cursor)
    with app.dbs.read() as s:
        uid = None
        if mine or not actor.sees_all:
            assert actor.name is not None
            uid = users.get_user(s, actor.name).id
        items = queries.submission_rows(s, uid, limit=limit, offset=start)
    return {"items": items, "next": paging.next_cursor(start, len(items), limit)}


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionSummary,
    responses=responses(401, 403, 404, 429),
)
def get_submission(
    submission_id: Id,
    app: State,
    actor: Annotated[Actor, Depends(require("submissions.read"))],
) -> dict[str, Any]:
    """One submission with the state of each of its terms (owner, curators and admins)."""
    with app.dbs.read() as s:
        sub, by = queries.get_submission(s, submission_id)
        if by != actor.name and not actor.sees_all:
            raise ApiProblem(403, f"submission {submission_id} is not yours", "forbidden")
        out = queries.submission_summary(sub, by)
        out["terms"] = [
            {"id": t.id, "term": t.term, "lang": t.lang, **term_state(s, t)}
            for t in queries.terms_of_submission(s, submission_id)
        ]
    return out
