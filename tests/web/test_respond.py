"""The responses page (/respond, issue 17): a moderator gets the DSA notice, the statement of
reasons and the help message for scan findings, in Debian's chromium and over plain HTTP,
against the real `narcolex serve` of tests/web/conftest.py."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import httpx
import pytest

from narcolex.respond.help import resources
from narcolex.respond.statements import validate
from tests.api.conftest import Server
from tests.web.test_accessibility import violations
from tests.web.test_pages import csrf_of

pytestmark = pytest.mark.db
POST = {"id": "p-7", "text": "Fresh c.o.c.a.i.n.e for sale, 1g 80€, dm me on telegram",
        "url": "https://example.org/posts/7", "platform": "example",
        "created_at": "2026-12-01T10:00:00Z"}  # fmt: skip
NOTIFIER = {"notifier_name": "Example Trust Desk", "notifier_email": "desk@example.org"}


def finding_of(web: Server, post: dict) -> dict:
    """The finding the running server's scanner gives `post` (as `narcolex scan` writes it)."""
    found = httpx.post(f"{web.url}/v1/scan", json={"text": post["text"]}, timeout=30).json()
    return {**found, "id": post["id"]}


def test_moderator_scans_a_post_and_gets_notice_statement_and_help(
    web: Server, new_page, tmp_path: Path
):
    page = new_page()
    page.goto("/try")
    page.get_by_label("Text of the post").fill(POST["text"])
    page.get_by_role("button", name="Scan").click()
    page.get_by_role("button", name="Prepare a notice and a statement of reasons").click()
    page.wait_for_url(web.url + "/respond")
    # the statement needs no notifier; the notice asks for one
    assert page.locator(".statement-valid").count() == 1
    assert page.get_by_text("A notice needs the notifier's name and e-mail address.").is_visible()

    page.get_by_label("Address of the post (when there is one finding)").fill(POST["url"])
    page.get_by_label("Name").fill(NOTIFIER["notifier_name"])
    page.get_by_label("E-mail").fill(NOTIFIER["notifier_email"])
    page.get_by_label("Date of the decision").fill("2026-12-07")
    page.locator("#r-country").select_option("DE")
    page.locator("#r-lang").select_option("de")
    page.get_by_role("button", name="Prepare").click()

    notice = page.locator("pre.notice").inner_text()
    assert "Article 16 of Regulation (EU) 2022/2065" in notice
    assert POST["url"] in notice and "desk@example.org" in notice
    assert "Statement of good faith" in notice
    shown = json.loads(page.locator("pre.statement").inner_text())
    assert validate(shown) == [] and shown["application_date"] == "2026-12-07"
    assert shown["puid"] == "nlx-try-1"
    help_de = resources("DE", "de")
    assert page.get_by_text(help_de.message).is_visible()
    assert page.get_by_text(help_de.resources[0].name).first.is_visible()

    files = {}
    for name in ("Notices as text", "Notices as JSON", "Notices as PDF", "Statements as JSON"):
        with page.expect_download() as dl:
            page.get_by_role("button", name=name).click()
        path = tmp_path / dl.value.suggested_filename
        dl.value.save_as(path)
        files[name] = path.read_bytes()
    assert files["Notices as text"].decode() == notice.strip() + "\n"  # the notice read on screen
    as_json = json.loads(files["Notices as JSON"])
    assert as_json["location"]["value"] == POST["url"]
    assert as_json["notifier"] == {"name": "Example Trust Desk", "email": "desk@example.org"}
    assert files["Notices as PDF"].startswith(b"%PDF-")
    body = json.loads(files["Statements as JSON"])
    assert body == {"statements": [shown]}


def test_moderator_uploads_findings_and_posts_files(web: Server, new_page):
    findings = json.dumps(finding_of(web, POST)) + "\n"
    page = new_page()
    page.goto("/respond")
    page.get_by_label("or a findings file").set_input_files(
        {"name": "findings.jsonl", "mimeType": "application/json", "buffer": findings.encode()}
    )
    page.get_by_label("or a posts file (JSONL, CSV or Parquet)").set_input_files(
        {"name": "posts.jsonl", "mimeType": "application/json", "buffer": json.dumps(POST).encode()}
    )
    for field, value in NOTIFIER.items():
        page.locator(f"#{field}").fill(value)
    page.get_by_role("button", name="Prepare").click()
    assert page.get_by_role("heading", name="1 flagged post(s)").is_visible()
    assert POST["url"] in page.locator("pre.notice").inner_text()
    statement = json.loads(page.locator("pre.statement").inner_text())
    assert statement["content_date"] == "2026-12-01" and validate(statement) == []
    assert "c.o.c.a.i.n.e" not in json.dumps(statement)  # no post text in a public database


def test_page_and_api_build_the_same_statements(web: Server):
    """One service behind both: the page's download equals /v1/respond/statements."""
    finding = finding_of(web, POST)
    client = httpx.Client(base_url=web.url, timeout=30)
    token = csrf_of(client.get("/respond").text)
    form = {"csrf_token": token, "findings": json.dumps(finding), "posts": json.dumps(POST),
            "application_date": "2026-12-07", "territorial_scope": "DE, AT",
            "what": "statements.json"}  # fmt: skip
    page = client.post("/respond/download", data=form)
    assert page.status_code == 200
    assert page.headers["content-disposition"] == 'attachment; filename="narcolex-statements.json"'
    policy = {"application_date": "2026-12-07", "territorial_scope": ["DE", "AT"]}
    api = client.post(
        "/v1/respond/statements", json={"findings": [finding], "posts": [POST], "policy": policy}
    )
    if api.status_code == 404:
        pytest.skip("the /v1/respond router is not wired into this app")
    assert page.json() == api.json()


def test_bad_input_is_shown_beside_the_form_and_forms_need_their_token(web: Server):
    client = httpx.Client(base_url=web.url, timeout=30)
    token = csrf_of(client.get("/respond").text)
    bad = client.post("/respond", data={"csrf_token": token, "findings": '{"id": 1}'})
    assert bad.status_code == 422 and "not a finding row" in bad.text
    assert escape('{"id": 1}', quote=False) in bad.text or "{&#34;id&#34;: 1}" in bad.text
    form = {"csrf_token": token, "notifier_name": "X", "notifier_email": "nope",
            "findings": json.dumps(finding_of(web, POST))}  # fmt: skip
    email = client.post("/respond", data=form)
    assert email.status_code == 422 and "e-mail" in email.text
    for path in ("/respond", "/respond/download"):
        forged = client.post(path, data={"csrf_token": "forged", "findings": "{}",
                                         "what": "notices.txt"})  # fmt: skip
        assert forged.status_code == 403
    unknown = client.post("/respond/download", data={"csrf_token": token, "what": "x.exe"})
    assert unknown.status_code == 404


def test_respond_page_speaks_german_and_french(web: Server):
    de = httpx.get(f"{web.url}/respond", params={"lang": "de"})
    assert de.status_code == 200 and "Auf Funde reagieren" in de.text
    fr = httpx.get(f"{web.url}/respond", params={"lang": "fr"})
    assert fr.status_code == 200 and "Répondre aux détections" in fr.text
    assert re.search(r'<a href="/respond">', de.text)


def test_respond_page_has_no_serious_or_critical_violation(web: Server, new_page):
    page = new_page(bypass_csp=True)  # axe is injected as an inline script
    found = violations(page, "/respond?lang=de") + violations(page, "/respond?lang=en")
    page.get_by_label("Findings (JSON lines)").fill(json.dumps(finding_of(web, POST)))
    page.get_by_label("Posts the findings came from", exact=False).fill(json.dumps(POST))
    for field, value in NOTIFIER.items():
        page.locator(f"#{field}").fill(value)
    page.locator("#r-country").select_option("FR")
    page.get_by_role("button", name="Prepare").click()
    page.locator("pre.notice").wait_for()
    found += violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    found += violations(page)
    assert found == []
