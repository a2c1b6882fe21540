"""Releases: list, show, diff, create, comments, and exports with ETag = content sha256.

A release is immutable, so its exports are built once per process and answered with a strong
ETag (the release's content hash); a platform polling with If-None-Match gets 304 and no body
until a curator publishes a new version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from narcolex.api import paging
from narcolex.api.deps import Actor, State, require
from narcolex.api.problems import responses
from narcolex.api.schemas import (
    CommentIn,
    CommentOut,
    Cursor,
    DiffOut,
    Id,
    Limit,
    ReleaseDetail,
    ReleaseIn,
    ReleasePage,
    ReleaseSummary,
)
from narcolex.formats import export as exports
from narcolex.package.records import diff_snapshots
from narcolex.store import queries
from narcolex.store.models import Release
from narcolex.workflow import releases
from narcolex.workflow.comments import add_comment, release_comments

router = APIRouter(prefix="/v1", tags=["releases"])
Public = Annotated[Actor, Depends(require("releases.read"))]
ExportFormat = Literal["json", "csv", "xlsx", "skos", "bundle"]
_cache: OrderedDict[tuple[int, str, str], bytes] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_ENTRIES = 16


def _summary(r: Release) -> dict[str, Any]:
    return {
        "version": r.version,
        "created_at": r.manifest.get("created_at") or r.created_at.isoformat(),
        "created_by": r.created_by,
        "content_sha256": r.content_sha256,
        "counts": r.manifest.get("counts", {}),
        "languages": r.manifest.get("languages", []),
        "previous": r.manifest.get("previous"),
        "notes": r.notes,
    }


@router.get("/releases", response_model=ReleasePage, responses=responses(401, 403, 422, 429))
def list_releases(
    app: State, _actor: Public, limit: Limit = 100, cursor: Cursor = None
) -> dict[str, Any]:
    """All releases, oldest first."""
    with app.dbs.read() as s:
        return paging.page([_summary(r) for r in queries.releases(s)], limit, cursor)


@router.post(
    "/releases",
    status_code=201,
    response_model=ReleaseSummary,
    responses=responses(401, 403, 409, 422, 429),
)
def create_release(
    app: State,
    actor: Annotated[Actor, Depends(require("releases.create"))],
    body: ReleaseIn | None = None,
) -> dict[str, Any]:
    """Snapshot every validated term as the next release (scanners pick it up by themselves)."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        rel = releases.create_release(s, body.notes if body else None, actor.name)
        return _summary(rel)


@router.get(
    "/releases/{version}", response_model=ReleaseDetail, responses=responses(401, 403, 404, 429)
)
def show_release(version: Id, app: State, _actor: Public) -> dict[str, Any]:
    """A release's manifest, changelog and feedback comments."""
    with app.dbs.read() as s:
        rel = queries.get_release(s, version)
        return {
            **_summary(rel),
            "manifest": rel.manifest,
            "changelog": rel.changelog,
            "comments": release_comments(s, version),
        }


@router.get(
    "/releases/{version}/diff/{other}",
    response_model=DiffOut,
    responses=responses(401, 403, 404, 429),
)
def diff(version: Id, other: Id, app: State, _actor: Public) -> dict[str, Any]:
    """What changed from release `version` to release `other` (terms as `lang:term`)."""
    with app.dbs.read() as s:
        old, new = queries.get_release(s, version), queries.get_release(s, other)
        changes = diff_snapshots(old.snapshot["terms"], new.snapshot["terms"]).to_dict()
    return {"from_version": version, "to_version": other, **changes}


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags


@router.get(
    "/releases/{version}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The export; ETag is the release's content sha256.",
            "content": {exports.MEDIA_TYPES[f][0]: {} for f in get_args(ExportFormat)},
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)."},
        **responses(401, 403, 404, 422, 429),
    },
)
def export(
    version: Id,
    request: Request,
    app: State,
    _actor: Public,
    format: ExportFormat = "json",
) -> Response:
    """The release as JSON, CSV, XLSX, SKOS (Turtle) or the zipped bundle; conditional GET
    with If-None-Match answers 304 while the release is the same."""
    with app.dbs.read() as s:
        sha = s.scalar(select(Release.content_sha256).where(Release.version == version))
        if sha is None:
            queries.get_release(s, version)  # raises the 404
        etag = f'"{sha}"'
        media, ext = exports.MEDIA_TYPES[format]
        headers = {
            "ETag": etag,
            "Cache-Control": "public, max-age=0, must-revalidate",
            "Content-Disposition": f'attachment; filename="narcolex-release-{version}.{ext}"',
        }
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        key = (version, str(sha), format)
        with _cache_lock:
            data = _cache.get(key)
        if data is None:
            data = exports.render(queries.get_release(s, version), format)
            with _cache_lock:
                _cache[key] = data
                while len(_cache) > CACHE_ENTRIES:
                    _cache.popitem(last=False)
    return Response(data, media_type=media, headers=headers)


@router.post(
    "/releases/{version}/comments",
    status_code=201,
    response_model=CommentOut,
    responses=responses(401, 403, 404, 422, 429),
)
def comment_release(
    version: Id,
    body: CommentIn,
    app: State,
    actor: Annotated[Actor, Depends(require("comment"))],
) -> dict[str, Any]:
    """A feedback comment on a release."""
    assert actor.name is not None
    with app.dbs.writer.transaction() as s:
        c = add_comment(s, body.body, actor.name, release=version)
        return {"id": c.id, "by": actor.name, "term": None, "release": version}
