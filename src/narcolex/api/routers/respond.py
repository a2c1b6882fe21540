"""`/v1/help` and `/v1/respond/…`: help for young users, search interventions, DSA notices,
statements of reasons and referral reports, over the same service functions as the CLI.

Written on the respond branch for the integrator to wire (app.include_router(respond.router));
it follows the api branch's conventions (narcolex.api.deps.require, ApiProblem). The help
endpoints need no token: a young person looking for help must not meet a login. Notices and
statements need the `scan` permission; referral reports, which carry contact handles for law
enforcement, need `admin`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from narcolex.api.deps import Actor, AppState, State, require
from narcolex.api.problems import ApiProblem, responses
from narcolex.package.respond_content import RespondContent

router = APIRouter(prefix="/v1", tags=["respond"])
MAX_FINDINGS = 1000


class FindingsIn(BaseModel):
    """Findings as `narcolex scan` and `POST /v1/scan` return them, and optionally the posts
    (id, text, url, platform, country, created_at) they came from."""

    findings: list[dict[str, Any]] = Field(max_length=MAX_FINDINGS)
    posts: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_FINDINGS)
    all_verdicts: bool = False


class PolicyIn(BaseModel):
    decision_visibility: list[str] = ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    decision_account: str | None = None
    account_type: str | None = None
    source_type: str = "SOURCE_VOLUNTARY"
    source_identity: str | None = None
    automated_detection: Literal["Yes", "No"] = "Yes"
    automated_decision: str = "AUTOMATED_DECISION_PARTIALLY"
    territorial_scope: list[str] | None = None
    terms_url: str | None = None
    application_date: dt.date | None = None


class StatementsIn(FindingsIn):
    policy: PolicyIn = PolicyIn()


class NotifierIn(BaseModel):
    name: str
    email: str


class NoticesIn(FindingsIn):
    notifier: NotifierIn
    format: Literal["json", "text"] = "json"


class ReferralIn(FindingsIn):
    min_score: float = Field(default=0.0, ge=0, le=1)
    include_text: bool = False
    include_url: bool = False
    handles: bool = True


def _pairs(body: FindingsIn) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    from narcolex.respond.inputs import FINDING_KEYS, pair

    for n, f in enumerate(body.findings):
        missing = [k for k in FINDING_KEYS if k not in f]
        if missing:
            raise ApiProblem(422, f"findings[{n}] is not a finding (missing {', '.join(missing)})")
        f["id"] = None if f["id"] is None else str(f["id"])
    posts = {str(p.get("id")): p for p in body.posts}
    verdicts = ("sale", "mention") if body.all_verdicts else ("sale",)
    return list(pair(body.findings, posts, verdicts))


def released_content(app: AppState, version: int | None) -> RespondContent:
    """The response content of release `version` (default: the latest, which the service
    scans with); the installed files while the database has no release."""
    from narcolex.workflow.releases import released_respond_content

    with app.dbs.read() as s:
        return released_respond_content(s, version)


@router.get("/help", responses=responses(404, 422))
def help_(
    app: State,
    country: Annotated[str, Query(min_length=2, max_length=2)],
    lang: Annotated[str | None, Query(min_length=2, max_length=3)] = None,
    release: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict[str, Any]:
    """The help message in `lang` (English when missing) and the country's sourced resources,
    as released in `release` (default: the latest release)."""
    from narcolex.respond.help import resources

    return resources(country, lang, released_content(app, release)).to_dict()


@router.get("/respond/intervention", responses=responses(422, 503))
def intervention_(
    app: State,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    country: Annotated[str, Query(min_length=2, max_length=2)],
    lang: Annotated[str | None, Query(min_length=2, max_length=3)] = None,
) -> dict[str, Any]:
    """Whether a search for `q` should show the help message, and the message."""
    from narcolex.respond.help import intervention

    content = released_content(app, None)
    return intervention(q, country, lang, scanner=app.scanners.get(), content=content).to_dict()


@router.get("/respond/interventions", responses=responses(404))
def intervention_map_(
    app: State, release: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> dict[str, Any]:
    """The whole search-intervention map (messages, groups, resources per country), as
    released in `release` (default: the latest release)."""
    from narcolex.respond.help import intervention_map

    return intervention_map(released_content(app, release))


@router.post("/respond/statements", responses=responses(401, 403, 422))
def statements_(
    body: StatementsIn, _actor: Annotated[Actor, Depends(require("scan"))]
) -> dict[str, Any]:
    """Statements of reasons in the Transparency Database schema, each validated; the answer
    is the body the database's multiple endpoint accepts when there are at most 100."""
    from narcolex.respond import statements as st

    p = body.policy
    policy = st.StatementPolicy(
        decision_visibility=tuple(p.decision_visibility),
        decision_account=p.decision_account,
        account_type=p.account_type,
        source_type=p.source_type,
        source_identity=p.source_identity,
        automated_detection=p.automated_detection,
        automated_decision=p.automated_decision,
        territorial_scope=tuple(p.territorial_scope) if p.territorial_scope else st.EEA,
        terms_url=p.terms_url,
        application_date=p.application_date,
    )
    payloads = [st.from_finding(f, post, policy, i).to_dict()
                for i, (f, post) in enumerate(_pairs(body))]  # fmt: skip
    for n, payload in enumerate(payloads):
        problems = st.validate(payload)
        if problems:
            raise ApiProblem(422, f"statement {n} would be invalid: {'; '.join(problems)}")
    return {"statements": payloads}


@router.post("/respond/notices", responses=responses(401, 403, 422))
def notices_(body: NoticesIn, _actor: Annotated[Actor, Depends(require("scan"))]) -> dict[str, Any]:
    """Article 16 notices, as JSON objects or as e-mail texts."""
    from narcolex.respond.notices import Notifier, from_finding

    who = Notifier(body.notifier.name, body.notifier.email)
    items = [from_finding(f, post, who) for f, post in _pairs(body)]
    if body.format == "text":
        return {"items": [n.to_text() for n in items]}
    return {"items": [n.to_dict() for n in items]}


@router.post("/respond/referral", responses=responses(401, 403, 422))
def referral_(
    body: ReferralIn, _actor: Annotated[Actor, Depends(require("admin"))]
) -> dict[str, Any]:
    """Referral rows (post ids as HMAC-SHA256 keys under NARCOLEX_POST_KEY_SECRET)."""
    from narcolex.respond import referral as rf

    rows = rf.rows(_pairs(body), rf.secret_from_env(), min_score=body.min_score,
                   include_text=body.include_text, include_url=body.include_url,
                   handles=body.handles)  # fmt: skip
    return {"items": [r.to_dict() for r in rows]}
