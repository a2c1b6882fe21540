"""Liveness and readiness, unversioned (for load balancers and orchestrators)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from narcolex.api.deps import State
from narcolex.api.schemas import Health
from narcolex.errors import NarcolexError

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive (no dependency is checked; async: no thread hop)."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(app: State) -> Health | JSONResponse:
    """The database answers and a release is loaded into the scanner."""
    try:
        app.scanners.refresh()
    except NarcolexError as exc:
        return JSONResponse(
            Health(status="unavailable", detail=str(exc)).model_dump(), status_code=503
        )
    if not app.scanners.loaded:
        return JSONResponse(
            Health(status="unavailable", detail="no release loaded").model_dump(), status_code=503
        )
    return Health(
        status="ready", release=app.scanners.version, content_sha256=app.scanners.content_sha256
    )
