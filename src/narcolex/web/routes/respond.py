"""Responses for moderators (`/respond`): scan findings in, the DSA Art. 16 notice, the Art. 17
statement of reasons and the help message out, over the same functions as `narcolex respond`
and `/v1/respond/…`, with the same permission (`scan`).

Nothing is stored: the page keeps the findings and posts it was given in hidden fields of its
download form, and each download builds the documents again from them (with the notice date
shown on screen, so the downloaded notice is the one that was read).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, Response

from narcolex.api.uploads import safe_name
from narcolex.errors import InputError, NarcolexError
from narcolex.web.core import Page, PageError, checked_form, page, render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Page, Depends(page)]
AUTOMATED = (
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
)
DOWNLOADS = {
    "notices.txt": "text/plain; charset=utf-8",
    "notices.json": "application/json",
    "notices.pdf": "application/pdf",
    "statements.json": "application/json",
}


@dataclass
class Inputs:
    """The form's fields as text (uploads already read), echoed back into the form."""

    findings: str = ""
    posts: str = ""
    url: str = ""
    notifier_name: str = ""
    notifier_email: str = ""
    all_verdicts: bool = False
    automated_decision: str = AUTOMATED[0]
    territorial_scope: str = ""
    application_date: str = ""
    country: str = ""
    lang: str = ""
    created_at: str = ""
    errors: list[str] = field(default_factory=list)


async def _upload_text(p: Page, file: Any, label: str) -> str | None:
    """The text of an uploaded JSONL/JSON file, or None when no file was chosen."""
    if not isinstance(file, UploadFile) or not file.filename:
        return None
    limit = p.app.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PageError(413, f"{label}: larger than {limit} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 text") from None


def _posts_file_text(name: str, data: bytes) -> str:
    """Posts uploaded as JSONL, CSV or Parquet, read as `narcolex scan` reads them and kept as
    JSON lines (the form carries them to the downloads)."""
    from narcolex.respond.inputs import read_posts_by_id

    with tempfile.TemporaryDirectory(prefix="narcolex-respond-") as tmp:
        path = Path(tmp) / safe_name(name)
        path.write_bytes(data)
        posts = read_posts_by_id(path)
    lines = (json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in posts.values())
    return "".join(lines)


async def _inputs(p: Page, form: Any) -> Inputs:
    def text(key: str) -> str:
        value = form.get(key)
        return value.strip() if isinstance(value, str) else ""

    got = Inputs(
        findings=text("findings"),
        posts=text("posts"),
        url=text("url"),
        notifier_name=text("notifier_name"),
        notifier_email=text("notifier_email"),
        all_verdicts=bool(text("all_verdicts")),
        automated_decision=text("automated_decision") or AUTOMATED[0],
        territorial_scope=text("territorial_scope"),
        application_date=text("application_date"),
        country=text("country").upper(),
        lang=text("lang").lower(),
        created_at=text("created_at"),
    )
    uploaded = await _upload_text(p, form.get("findings_file"), p.gettext("Findings file"))
    if uploaded is not None:
        got.findings = uploaded.strip()
    posts_file = form.get("posts_file")
    if isinstance(posts_file, UploadFile) and posts_file.filename:
        limit = p.app.settings.max_upload_bytes
        data = await posts_file.read(limit + 1)
        if len(data) > limit:
            raise PageError(413, f"{posts_file.filename}: larger than {limit} bytes")
        got.posts = await run_in_threadpool(_posts_file_text, posts_file.filename, data)
    return got


def _policy(got: Inputs) -> Any:
    from narcolex.respond import statements as st

    if got.automated_decision not in AUTOMATED:
        raise InputError(f"unknown automated decision {got.automated_decision!r}")
    try:
        applied = dt.date.fromisoformat(got.application_date) if got.application_date else None
    except ValueError:
        raise InputError(
            f"the application date must be YYYY-MM-DD, not {got.application_date!r}"
        ) from None
    scope = tuple(c.strip().upper() for c in got.territorial_scope.split(",") if c.strip())
    return st.StatementPolicy(
        automated_decision=got.automated_decision,
        territorial_scope=scope or st.EEA,
        application_date=applied,
    )


def _pairs(got: Inputs) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    from narcolex.respond.inputs import findings_from_text, pair, posts_from_text

    if not got.findings:
        raise InputError("paste or upload the findings of a scan")
    findings = findings_from_text(got.findings)
    posts = posts_from_text(got.posts) if got.posts else {}
    if got.url:  # the location of the one post the form is about
        if len(findings) != 1:
            raise InputError("a single URL needs a single finding; give URLs in the posts")
        key = findings[0]["id"] or ""
        posts[key] = {**posts.get(key, {"id": key}), "url": got.url}
    verdicts = ("sale", "mention") if got.all_verdicts else ("sale",)
    return list(pair(findings, posts, verdicts))


def _when(got: Inputs) -> dt.datetime:
    if got.created_at:
        try:
            return dt.datetime.fromisoformat(got.created_at)
        except ValueError:
            raise InputError(f"not a date and time: {got.created_at!r}") from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _content(p: Page) -> Any:
    """The response content of the latest release (legal grounds, help), as /v1 uses it."""
    from narcolex.workflow.releases import released_respond_content

    with p.app.dbs.read() as s:
        return released_respond_content(s)


def _notices(got: Inputs, pairs: list[tuple[dict, dict]], content: Any) -> list[Any]:
    from narcolex.respond.notices import Notifier, from_finding

    if not (got.notifier_name or got.notifier_email):
        return []
    who = Notifier(got.notifier_name, got.notifier_email)
    when = _when(got)
    return [from_finding(f, post, who, now=when, content=content) for f, post in pairs]


def _statements(got: Inputs, pairs: list[tuple[dict, dict]], content: Any) -> list[dict[str, Any]]:
    """Each statement with the problems the schema finds in it (none, for our own)."""
    from narcolex.respond import statements as st

    policy = _policy(got)
    out = []
    for i, (f, post) in enumerate(pairs):
        payload = st.from_finding(f, post, policy, i, content).to_dict()
        out.append({"payload": payload, "problems": st.validate(payload),
                    "json": json.dumps(payload, ensure_ascii=False, indent=1)})  # fmt: skip
    return out


def _prepare(p: Page, got: Inputs) -> dict[str, Any]:
    from narcolex.respond.help import resources

    content = _content(p)
    pairs = _pairs(got)
    got.created_at = _when(got).isoformat()
    result: dict[str, Any] = {"pairs": len(pairs), "notices": _notices(got, pairs, content)}
    result["statements"] = _statements(got, pairs, content)
    result["help"] = resources(got.country, got.lang or None, content) if got.country else None
    return result


def _form(p: Page, got: Inputs, result: dict[str, Any] | None, status: int = 200) -> HTMLResponse:
    from narcolex.package.respond_content import bundled

    countries = sorted(bundled().help.countries.items(), key=lambda kv: kv[1].name)
    languages = sorted(bundled().interventions.messages)
    return render(
        p, "respond.html", status=status, got=got, result=result, countries=countries,
        languages=languages, automated=AUTOMATED,
    )  # fmt: skip


@router.get("/respond", response_class=HTMLResponse)
async def respond_form(p: Viewer) -> HTMLResponse:
    p.need("scan")
    return _form(p, Inputs(country="", lang=p.lang), None)


@router.post("/respond", response_class=HTMLResponse)
async def respond(p: Viewer, form: Annotated[Any, Depends(checked_form)]) -> HTMLResponse:
    """Prepare the documents; a problem with the input is shown beside the form (422)."""
    p.need("scan")
    got = Inputs()
    try:
        got = await _inputs(p, form)
        result = await run_in_threadpool(_prepare, p, got)
    except NarcolexError as exc:
        got.errors.append(str(exc))
        return _form(p, got, None, status=422)
    return _form(p, got, result)


@router.post("/respond/download", response_model=None)
async def download(p: Viewer, form: Annotated[Any, Depends(checked_form)]) -> Response:
    """One file built from the form's hidden fields: notices (text, JSON lines, PDF) or the
    statements as the body the Transparency Database's multiple endpoint accepts."""
    p.need("scan")
    what = str(form.get("what") or "")
    if what not in DOWNLOADS:
        raise PageError(404)
    got = await _inputs(p, form)

    def build() -> bytes:
        content = _content(p)
        pairs = _pairs(got)
        if what == "statements.json":
            made = _statements(got, pairs, content)
            bad = [s["problems"] for s in made if s["problems"]]
            if bad:
                raise InputError(f"a statement would be invalid: {'; '.join(bad[0])}")
            body = {"statements": [s["payload"] for s in made]}
            return json.dumps(body, ensure_ascii=False, indent=1).encode()
        notices = _notices(got, pairs, content)
        if not notices:
            raise InputError("a notice needs the notifier's name and e-mail address")
        if what == "notices.txt":
            return "\n\f\n".join(n.to_text() for n in notices).encode()
        if what == "notices.json":
            return "".join(json.dumps(n.to_dict(), ensure_ascii=False) + "\n"
                           for n in notices).encode()  # fmt: skip
        from narcolex.respond.notices import to_pdf

        return to_pdf(notices)

    try:
        data = await run_in_threadpool(build)
    except ImportError:
        raise PageError(501, "PDF needs WeasyPrint: pip install narcolex[pdf]") from None
    except NarcolexError as exc:
        got.errors.append(str(exc))
        return _form(p, got, None, status=422)
    filename = "narcolex-" + what.replace("notices.json", "notices.jsonl")
    return Response(
        data,
        media_type=DOWNLOADS[what],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
