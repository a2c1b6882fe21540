"""Every route × every kind of caller, against a real server: 401 for "who are you"
(no token, a revoked token, a disabled user), 403 for "not allowed", and for allowed callers
an answer that is neither (and never a 5xx). Uploads that are not what they claim get a clear
4xx and change nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.api.conftest import Server, csv_file

pytestmark = pytest.mark.db

ANY = {"admin", "curator", "curator2", "contributor", "contributor2", "reader"}
SUBMITTERS = {"admin", "curator", "curator2", "contributor", "contributor2"}
CURATORS = {"curator", "curator2"}
CURATORS_ADMIN = {"curator", "curator2", "admin"}
ADMIN = {"admin"}
ANALYSTS = {"admin", "curator", "curator2", "reader"}
OPEN = {"anonymous", "disabled", "revoked", *ANY}  # help for young users needs no login
EMPTY_CSV = csv_file([])

# (method, path, request kwargs, roles allowed). Ids that do not exist give 404 to allowed
# callers, which is enough to show that authorization let them through.
ROUTES: list[tuple[str, str, dict, set[str]]] = [
    ("POST", "/v1/scan", {"json": {"text": "cocaine for sale"}}, ANY),
    ("GET", "/v1/terms", {"params": {"q": "koka"}}, ANY),
    ("GET", "/v1/terms/1", {}, ANY),
    ("GET", "/v1/substances", {}, ANY),
    ("GET", "/v1/coverage", {}, ANY),
    ("GET", "/v1/template", {"params": {"format": "csv"}}, ANY),
    ("POST", "/v1/submissions", {"files": {"file": ("e.csv", EMPTY_CSV)}}, SUBMITTERS),
    ("GET", "/v1/submissions", {}, ANY),
    ("GET", "/v1/submissions/999", {}, ANY),
    ("GET", "/v1/review/queue", {}, CURATORS_ADMIN),
    ("GET", "/v1/review/1", {}, CURATORS_ADMIN),
    ("POST", "/v1/review/9999/approve", {"json": {}}, CURATORS),
    ("POST", "/v1/review/9999/reject", {"json": {"comment": "no"}}, CURATORS),
    ("POST", "/v1/review/9999/request-changes", {"json": {"comment": "src?"}}, CURATORS),
    ("POST", "/v1/review/9999/merge", {"json": {"into": 1}}, CURATORS),
    ("POST", "/v1/terms/1/comments", {"json": {"body": "seen in SE too"}}, ANY),
    ("GET", "/v1/releases", {}, ANY),
    ("POST", "/v1/releases", {"json": {"notes": "matrix"}}, CURATORS_ADMIN),
    ("GET", "/v1/releases/1", {}, ANY),
    ("GET", "/v1/releases/1/diff/1", {}, ANY),
    ("GET", "/v1/releases/1/export", {"params": {"format": "csv"}}, ANY),
    ("POST", "/v1/releases/1/comments", {"json": {"body": "fine"}}, ANY),
    ("GET", "/v1/users", {}, ADMIN),
    ("POST", "/v1/users", {"json": {"name": "new-reader", "role": "reader"}}, ADMIN),
    ("POST", "/v1/users/nobody/disable", {}, ADMIN),
    ("POST", "/v1/users/nobody/role", {"json": {"role": "reader"}}, ADMIN),
    ("GET", "/v1/tokens", {}, ADMIN),
    ("POST", "/v1/users/nobody/tokens", {}, ADMIN),
    ("POST", "/v1/tokens/9999/revoke", {}, ADMIN),
    ("GET", "/v1/audit", {}, ADMIN),
    ("GET", "/v1/help", {"params": {"country": "DE", "lang": "de"}}, OPEN),
    ("GET", "/v1/respond/intervention", {"params": {"q": "kokain", "country": "DE"}}, OPEN),
    ("GET", "/v1/respond/interventions", {}, OPEN),
    ("POST", "/v1/respond/statements", {"json": {"findings": []}}, ANY),
    ("POST", "/v1/respond/notices", {"json": {"findings": []}}, ANY),
    ("POST", "/v1/respond/referral", {"json": {"findings": []}}, ADMIN),
    ("GET", "/v1/trends", {"params": {"by": "substance", "every": "week"}}, ANALYSTS),
    ("GET", "/v1/alerts", {}, ANALYSTS),
    ("GET", "/v1/prices", {}, ANALYSTS),
]
CALLERS = ["anonymous", "disabled", "revoked", *sorted(ANY)]


def test_every_route_is_in_the_matrix(server: Server) -> None:
    spec = server.client().get("/openapi.json").json()
    documented = {
        (m.upper(), p) for p, ops in spec["paths"].items() for m in ops if p.startswith("/v1/")
    }
    templated = {
        ("POST", "/v1/review/{term_id}/{action}"): 3,
    }
    covered = {(m, p) for m, p, _, _ in ROUTES}
    for method, path in documented:
        prefix = path.split("{")[0]
        assert any(m == method and p.startswith(prefix) for m, p in covered), (method, path)
    assert templated


@pytest.mark.parametrize("who", CALLERS)
def test_authorization_matrix(server: Server, who: str) -> None:
    client = server.client(None if who == "anonymous" else who)
    wrong: list[str] = []
    for method, path, kwargs, allowed in ROUTES:
        r = client.request(method, path, **kwargs)
        if allowed is OPEN:
            expect_ok = r.status_code not in (401, 403) and r.status_code < 500
        elif who in ("anonymous", "disabled", "revoked"):
            expect_ok = r.status_code == 401 and "Bearer" in r.headers.get("www-authenticate", "")
        elif who in allowed:
            expect_ok = r.status_code not in (401, 403) and r.status_code < 500
        else:
            expect_ok = r.status_code == 403
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json"), path
            body = r.json()
            assert body["status"] == r.status_code and body["title"] and body["type"]
        if not expect_ok:
            wrong.append(f"{method} {path} as {who}: {r.status_code} {r.text[:120]}")
    assert not wrong, "\n".join(wrong)


def test_four_eyes_nobody_approves_their_own_proposal(server: Server) -> None:
    own = csv_file(["eigenstoff,de,slang,cocaine,DE,test-glossary"])
    r = server.client("curator").post("/v1/submissions", files={"file": ("own.csv", own)})
    assert r.status_code == 201, r.text
    term_id = r.json()["terms"][0]["id"]
    mine = server.client("curator").post(f"/v1/review/{term_id}/approve", json={})
    assert mine.status_code == 403
    assert "another curator" in mine.json()["detail"]
    theirs = server.client("curator2").post(f"/v1/review/{term_id}/approve", json={})
    assert theirs.status_code == 200, theirs.text
    assert theirs.json() == {
        "term": term_id, "decision": "approve", "by": "curator2", "comment": None,
        "merged_into": None,
    }  # fmt: skip


def _state(server: Server) -> tuple[int, int]:
    admin = server.client("admin")
    subs = admin.get("/v1/submissions", params={"limit": 500}).json()["items"]
    audit = admin.get("/v1/audit", params={"limit": 1000}).json()["items"]
    return len(subs), len(audit)


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buf.getvalue()


BAD_UPLOADS = {
    "non-zip xlsx": (("terms.xlsx", b"term,language\nkoks,de\n"), 415, "not a zip"),
    "zip-bomb xlsx": (("bomb.xlsx", _zip_bomb()), 413, "would expand"),
    "binary csv": (("blob.csv", bytes(range(256)) * 40), 415, "binary"),
    "wrong encoding": (
        ("sjis.csv", b"term,language\n" + "コカイン、,ja\n".encode("shift_jis")),
        415,
        "UTF-8",
    ),
    "not a spreadsheet": (("notes.pdf", b"%PDF-1.4"), 415, ".xlsx"),
    "empty": (("empty.csv", b""), 422, "empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_uploads_get_a_clear_4xx_and_change_nothing(server: Server, case: str) -> None:
    (name, data), status, words = BAD_UPLOADS[case]
    before = _state(server)
    r = server.client("contributor").post("/v1/submissions", files={"file": (name, data)})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.json()["detail"]
    assert _state(server) == before


def test_oversized_bodies_get_413(server: Server) -> None:
    before = _state(server)
    big = b"term,language,kind,denotes\n" + b"x" * (6 * 1024 * 1024)
    r = server.client("contributor").post("/v1/submissions", files={"file": ("big.csv", big)})
    assert r.status_code == 413
    scan = server.client("reader").post("/v1/scan", json={"items": [{"text": "a"}] * 1001})
    assert scan.status_code == 413 and "1000" in scan.json()["detail"]
    huge = server.client("reader").post(
        "/v1/scan", content=b'{"text": "' + b"a" * (5 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert huge.status_code == 413
    chunks = (
        b'{"text": "' + b"a" * (1024 * 1024) if i == 0 else b"a" * (1024 * 1024) for i in range(6)
    )
    chunked = server.client("reader").post(
        "/v1/scan", content=chunks, headers={"content-type": "application/json"}
    )  # no Content-Length: the body is counted as it arrives
    assert chunked.status_code == 413
    assert chunked.headers["content-type"].startswith("application/problem+json")
    assert _state(server) == before


def test_a_nul_character_is_refused_on_every_database(server: Server) -> None:
    """PostgreSQL cannot store NUL (SQLite can): refused at the edge, alike on both, and a
    NUL in a body's text is the request's fault, never a 500."""
    before = _state(server)
    admin = server.client("admin")
    r = admin.get("/v1/audit?action=user%00.role")
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "NUL" in r.json()["detail"]
    assert admin.get("/v1/terms?q=coca%00ine").status_code == 422
    assert admin.get("/v1/audit?action=user.role").status_code == 200
    assert _state(server) == before
    # in a body's text: the workflow refuses control characters, alike on both databases
    r = server.client("curator").post("/v1/terms/1/comments", json={"body": "seen\u0000 here"})
    assert r.status_code == 400 and "U+0000" in r.json()["detail"], r.text
    assert _state(server) == before
