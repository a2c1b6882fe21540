"""Releases: the list, one release with its changelog and every export format to download,
the diff between any two, and (curators, admins) creating the next release."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from narcolex.errors import NarcolexError
from narcolex.formats import export as exports
from narcolex.package.records import diff_snapshots
from narcolex.store import queries
from narcolex.web.core import Page, PageError, checked_form, page, render
from narcolex.workflow import releases
from narcolex.workflow.comments import release_comments

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]
FORMATS = ("bundle", "json", "csv", "xlsx", "skos")


def _list(p: Page) -> list[dict[str, Any]]:
    with p.app.dbs.read() as s:
        return [
            {"version": r.version, "created_at": r.created_at, "created_by": r.created_by,
             "sha": r.content_sha256, "counts": r.manifest.get("counts", {}), "notes": r.notes}
            for r in reversed(queries.releases(s))
        ]  # fmt: skip


@router.get("/releases", response_class=HTMLResponse)
async def list_releases(p: Viewer) -> HTMLResponse:
    p.need("releases.read")
    items = await run_in_threadpool(_list, p)
    return render(p, "releases.html", items=items, error=None)


@router.post("/releases", response_model=None)
async def create(p: Viewer, form: Annotated[Any, Depends(checked_form)]) -> Response:
    p.need("releases.create")
    notes = str(form.get("notes") or "").strip() or None

    def write() -> int:
        assert p.actor.name is not None
        with p.app.dbs.writer.transaction() as s:
            return releases.create_release(s, notes, p.actor.name).version

    try:
        version = await run_in_threadpool(write)
    except NarcolexError as exc:
        items = await run_in_threadpool(_list, p)
        return render(p, "releases.html", status=422, items=items, error=str(exc))
    return RedirectResponse(f"/releases/{version}", status_code=303)


@router.get("/releases/diff", response_class=HTMLResponse)
async def diff(
    p: Viewer,
    a: Annotated[int, Query(ge=1, le=2**31 - 1)],
    b: Annotated[int, Query(ge=1, le=2**31 - 1)],
) -> HTMLResponse:
    p.need("releases.read")

    def load() -> dict[str, Any]:
        with p.app.dbs.read() as s:
            old, new = queries.get_release(s, a), queries.get_release(s, b)
            return diff_snapshots(old.snapshot["terms"], new.snapshot["terms"]).to_dict()

    changes = await run_in_threadpool(load)
    return render(p, "release_diff.html", a=a, b=b, changes=changes)


@router.get("/releases/{version}", response_class=HTMLResponse)
async def show(p: Viewer, version: int) -> HTMLResponse:
    p.need("releases.read")
    if not 0 < version < 2**31:
        raise PageError(404)

    def load() -> dict[str, Any]:
        with p.app.dbs.read() as s:
            rel = queries.get_release(s, version)
            return {"version": rel.version, "sha": rel.content_sha256, "manifest": rel.manifest,
                    "changelog": rel.changelog, "created_by": rel.created_by,
                    "created_at": rel.created_at, "notes": rel.notes,
                    "comments": release_comments(s, version)}  # fmt: skip

    rel = await run_in_threadpool(load)
    return render(p, "release.html", rel=rel, formats=FORMATS)


@router.get("/releases/{version}/download/{fmt}", response_model=None)
async def download(p: Viewer, version: int, fmt: str) -> Response:
    p.need("releases.read")
    if fmt not in FORMATS or not 0 < version < 2**31:
        raise PageError(404)

    def load() -> tuple[bytes, str]:
        with p.app.dbs.read() as s:
            rel = queries.get_release(s, version)
            return exports.render(rel, fmt), rel.content_sha256

    data, sha = await run_in_threadpool(load)
    media, ext = exports.MEDIA_TYPES[fmt]
    return Response(
        data,
        media_type=media,
        headers={
            "ETag": f'"{sha}"',
            "Content-Disposition": f'attachment; filename="narcolex-release-{version}.{ext}"',
        },
    )
