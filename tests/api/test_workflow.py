"""The curation round trip over HTTP, as a contributor, two curators and a platform see it:
template, submission with a row error, approval, release, the running scanner picking the new
release up without a restart, and release downloads with ETag and conditional GET."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import pytest
from openpyxl import load_workbook

from tests.api.conftest import Server, csv_file

pytestmark = pytest.mark.db


def test_template_downloads(server: Server) -> None:
    c = server.client("contributor")
    x = c.get("/v1/template", params={"format": "xlsx"})
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames[0] == "terms" and "explanations" in wb.sheetnames
    t = c.get("/v1/template", params={"format": "csv"})
    assert t.text.lstrip("\ufeff").startswith("term,language,kind,denotes")
    assert c.get("/v1/template", params={"format": "pdf"}).status_code == 422


def test_submission_review_release_scan_export(server: Server) -> None:
    contributor, curator = server.client("contributor"), server.client("curator")
    rows = [
        "snöflingor,sv,slang,cocaine,SE,test-glossary",
        "badrow,sv,slang,cocain,SE,test-glossary",
    ]
    rejected = contributor.post("/v1/submissions", files={"file": ("sv.csv", csv_file(rows))})
    assert rejected.status_code == 422
    (err,) = rejected.json()["errors"]
    assert err == {
        "file": "sv.csv", "row": 3, "column": "denotes", "value": "cocain",
        "hint": err["hint"], "message": err["message"],
    }  # fmt: skip
    assert "cocaine" in err["hint"]
    assert contributor.get("/v1/submissions").json()["items"] == []

    partial = contributor.post(
        "/v1/submissions", files={"file": ("sv.csv", csv_file(rows))}, data={"partial": "true"}
    )
    assert partial.status_code == 201, partial.text
    report = partial.json()
    assert report["accepted"] == 1 and report["rows"] == 2
    assert [p["row"] for p in report["problems"]] == [3]
    term_id = report["terms"][0]["id"]

    queue = curator.get("/v1/review/queue").json()["items"]
    assert [q["id"] for q in queue if q["term"] == "snöflingor"] == [term_id]
    assert curator.post(f"/v1/review/{term_id}/approve", json={"comment": "ok"}).status_code == 200
    mine = contributor.get(f"/v1/submissions/{report['submission']}").json()
    assert mine["terms"][0]["state"] == "approved"
    assert (
        server.client("contributor2").get(f"/v1/submissions/{report['submission']}").status_code
        == 403
    )

    before = curator.post("/v1/scan", json={"text": "snöflingor 500kr dm"}).json()
    assert before["matches"] == []
    rel = curator.post("/v1/releases", json={"notes": "snöflingor"})
    assert rel.status_code == 201, rel.text
    version, sha = rel.json()["version"], rel.json()["content_sha256"]
    diff = curator.get(f"/v1/releases/{version - 1}/diff/{version}").json()
    assert diff["added"] == ["sv:snöflingor"]

    deadline = time.monotonic() + 10  # the scanner checks for a new release every second
    while True:
        found = curator.post("/v1/scan", json={"text": "snöflingor 500kr dm"})
        if found.json()["matches"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found.headers["x-narcolex-release"] == str(version)
    assert [m["term"] for m in found.json()["matches"]] == ["snöflingor"]

    platform = server.client("reader")
    first = platform.get(f"/v1/releases/{version}/export", params={"format": "json"})
    assert first.status_code == 200
    assert first.headers["etag"] == f'"{sha}"'
    assert json.loads(first.content)["manifest"]["content_sha256"] == sha
    again = platform.get(
        f"/v1/releases/{version}/export",
        params={"format": "json"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304 and again.content == b""
    older = platform.get(
        f"/v1/releases/{version - 1}/export",
        params={"format": "json"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert older.status_code == 200 and older.headers["etag"] != first.headers["etag"]

    bundle = platform.get(f"/v1/releases/{version}/export", params={"format": "bundle"})
    names = set(zipfile.ZipFile(io.BytesIO(bundle.content)).namelist())
    assert {"manifest.json", "terms.jsonl", "package.ttl", "terms.xlsx"} <= names
    for fmt in ("csv", "xlsx", "skos"):
        r = platform.get(f"/v1/releases/{version}/export", params={"format": fmt})
        assert r.status_code == 200 and r.headers["etag"] == f'"{sha}"'


def test_formula_cells_are_neutralised_in_exports(server: Server) -> None:
    row = ['"=HYPERLINK(""x"")",en,slang,cocaine,,test-glossary']
    sub = server.client("curator2").post(
        "/v1/submissions", files={"file": ("f.csv", csv_file(row))}
    )
    assert sub.status_code == 201, sub.text
    tid = sub.json()["terms"][0]["id"]
    assert server.client("curator").post(f"/v1/review/{tid}/approve", json={}).status_code == 200
    version = server.client("curator").post("/v1/releases", json={}).json()["version"]
    c = server.client("reader")
    text = c.get(f"/v1/releases/{version}/export", params={"format": "csv"}).text
    cells = [r[1] for r in csv.reader(io.StringIO(text))]
    assert '\'=HYPERLINK("x")' in cells and '=HYPERLINK("x")' not in cells
    xlsx = c.get(f"/v1/releases/{version}/export", params={"format": "xlsx"}).content
    ws = load_workbook(io.BytesIO(xlsx))["terms"]
    assert not any(str(v.value).startswith("=") for row in ws.iter_rows() for v in row)


def test_term_search_is_accent_insensitive_with_cursor(server: Server) -> None:
    c = server.client("reader")
    hits = c.get("/v1/terms", params={"q": "KOKAÍN"}).json()["items"]
    assert {h["term"] for h in hits} >= {"Kokain", "kokain"}
    page1 = c.get("/v1/terms", params={"limit": 2}).json()
    page2 = c.get("/v1/terms", params={"limit": 2, "cursor": page1["next"]}).json()
    assert len(page1["items"]) == 2 and page1["next"]
    assert not {t["id"] for t in page1["items"]} & {t["id"] for t in page2["items"]}
    assert c.get("/v1/terms", params={"cursor": "bogus!"}).status_code == 422
    de = c.get("/v1/terms", params={"lang": "de", "substance": "cannabis"}).json()["items"]
    assert [t["term"] for t in de] == ["Gras"]
    assert [t["term"] for t in c.get("/v1/terms", params={"country": "IE"}).json()["items"]] == [
        "weed"
    ]
    bad = c.get("/v1/terms", params={"substance": "cocain"})
    assert bad.status_code == 422 and "cocaine" in bad.json()["detail"]


def test_logs_carry_request_ids_and_never_tokens_or_post_text(server: Server) -> None:
    secret_post = "unique-post-text-4711 cocaine dm"
    r = server.client("reader").post(
        "/v1/scan", json={"text": secret_post}, headers={"X-Request-ID": "trace-abc"}
    )
    assert r.headers["x-request-id"] == "trace-abc"
    server.client().get("/v1/terms", headers={"Authorization": "Bearer nlx_wrong-token-0815"})
    time.sleep(0.3)
    log = server.log.read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(e.get("request_id") == "trace-abc" and e.get("status") == 200 for e in lines)
    assert any(e.get("actor") == "reader" for e in lines)
    assert "unique-post-text-4711" not in log and "wrong-token-0815" not in log
    assert all(token not in log for token in server.tokens.values())


def test_disabling_a_user_takes_effect_within_the_token_cache_time(server: Server) -> None:
    admin = server.client("admin")
    assert admin.post("/v1/users", json={"name": "temp", "role": "reader"}).status_code == 201
    secret = admin.post("/v1/users/temp/tokens").json()["token"]
    temp = server.client()
    temp.headers["Authorization"] = f"Bearer {secret}"
    assert temp.get("/v1/releases").status_code == 200  # now cached as valid
    assert admin.post("/v1/users/temp/disable").json()["active"] is False
    started = time.monotonic()
    while temp.get("/v1/releases").status_code == 200:
        assert time.monotonic() - started < 5, "a disabled user kept access beyond the cache time"
        time.sleep(0.2)
    assert temp.get("/v1/releases").status_code == 401


def test_revoking_a_token_takes_effect_at_once_in_the_worker_that_revoked_it(
    server: Server,
) -> None:
    # The fixture's server has one worker: the revoke clears its token cache, so the very
    # next request is refused (other workers: within the token cache time, test above).
    admin = server.client("admin")
    assert admin.post("/v1/users", json={"name": "temp2", "role": "reader"}).status_code == 201
    made = admin.post("/v1/users/temp2/tokens").json()
    temp = server.client()
    temp.headers["Authorization"] = f"Bearer {made['token']}"
    assert temp.get("/v1/releases").status_code == 200  # now cached as valid
    assert admin.post(f"/v1/tokens/{made['id']}/revoke").status_code == 200
    assert temp.get("/v1/releases").status_code == 401
