"""`/v1/trends`, `/v1/alerts`, `/v1/prices`: the monitoring queries of `narcolex monitor`, over
the deployment's sightings store (NARCOLEX_MONITOR_DIR), for analysts and curators.

The store is read-only here: ingesting is a batch job (`narcolex monitor ingest`), not an API
call, so that the post texts a platform scans never travel through the service.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from narcolex.api.deps import Actor, require
from narcolex.api.problems import responses

router = APIRouter(prefix="/v1", tags=["monitoring"])
Since = Annotated[dt.date | None, Query(description="First day (YYYY-MM-DD).")]
Until = Annotated[dt.date | None, Query(description="Last day (YYYY-MM-DD).")]
By = Annotated[str, Query(description="term, substance, lang, country, platform or verdict.")]


@router.get("/trends", responses=responses(401, 403, 422))
def trends_(
    _actor: Annotated[Actor, Depends(require("monitor.read"))],
    by: By = "substance",
    every: Annotated[str, Query(description="day, week or month.")] = "week",
    since: Since = None,
    until: Until = None,
    verdict: Annotated[str | None, Query(description="sale, mention or clean.")] = None,
) -> dict[str, Any]:
    """Counts and shares of sightings per period and value of one dimension."""
    from narcolex.monitor.store import open_store
    from narcolex.monitor.trends import trends

    return {"items": trends(open_store(), by, every, since, until, verdict), "next": None}


@router.get("/alerts", responses=responses(401, 403, 422))
def alerts_(
    _actor: Annotated[Actor, Depends(require("monitor.read"))],
    by: By = "substance",
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Days whose count of sale sightings is improbably high against the trailing baseline."""
    from narcolex.monitor.spikes import alerts
    from narcolex.monitor.store import open_store

    return {"items": alerts(open_store(), by, since, until), "next": None}


@router.get("/prices", responses=responses(401, 403, 422))
def prices_(
    _actor: Annotated[Actor, Depends(require("monitor.read"))],
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Price index per substance group, country and month (median, IQR, n; EUR)."""
    from narcolex.monitor.prices import price_index
    from narcolex.monitor.store import open_store

    return {"items": price_index(open_store(), since, until), "next": None}
