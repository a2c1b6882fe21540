"""The issue's five browser scenarios, in Debian's chromium against a real `narcolex serve`."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from narcolex.package.bundle import read_bundle
from tests.api.conftest import Server
from tests.web.conftest import sign_in

pytestmark = pytest.mark.db
HEADER = "term,language,kind,denotes,countries,source\n"


def test_contributor_fixes_two_bad_rows_and_submits(web: Server, new_page, tmp_path: Path):
    page = new_page()
    sign_in(page, "contributor")
    page.get_by_role("link", name="Contribute").click()
    with page.expect_download() as dl:
        page.get_by_role("link", name="CSV file").click()
    template = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert template.splitlines()[0].startswith("term")

    bad = HEADER + (
        "snöflingor,sv,slang,cocaine,SE,test-glossary\n"
        "isbitar,sv,slang,cocain,SE,test-glossary\n"  # D3: unknown code
        "vitt,xx,slang,cocaine,SE,test-glossary\n"  # B4: unknown language
    )
    page.get_by_label("Filled-in template").set_input_files(
        {"name": "sv.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Upload").click()
    errors = page.locator("#row-errors tbody tr")
    assert errors.count() == 2
    cells = [errors.nth(i).locator("td").nth(0).inner_text() for i in range(2)]
    values = [errors.nth(i).locator("td").nth(3).inner_text() for i in range(2)]
    assert sorted(zip(cells, values, strict=True)) == [("B4", "xx"), ("D3", "cocain")]
    assert "nothing was stored" in page.locator("#h-problems").inner_text()
    assert page.get_by_text("You have not submitted anything yet.").is_visible()

    fixed = bad.replace(",cocain,", ",cocaine,").replace(",xx,", ",sv,")
    page.get_by_label("Filled-in template").set_input_files(
        {"name": "sv.csv", "mimeType": "text/csv", "buffer": fixed.encode()}
    )
    page.get_by_role("button", name="Upload").click()
    assert re.search(r"3 terms await review", page.locator("#submitted").inner_text())
    mine = page.locator("section.submission").first
    assert mine.get_by_text("isbitar").is_visible()
    assert mine.locator(".state").all_inner_texts() == ["pending review"] * 3


def test_curator_decides_releases_and_the_bundle_hash_matches(
    web: Server, new_page, tmp_path: Path
):
    ids = web.extra["proposals"]
    page = new_page()
    sign_in(page, "curator")
    page.get_by_role("link", name="Review").click()

    page.get_by_role("link", name="Schneeflocke").click()
    page.get_by_role("button", name="Approve").click()
    assert page.get_by_text(f"Decision on term {ids['Schneeflocke']} recorded").is_visible()

    page.goto(f"/review/{ids['Kokainn']}")
    dups = page.locator("#h-dups + dl")
    assert dups.get_by_role("link", name="Kokain").is_visible()  # beside the proposal
    target = page.locator("#into option", has_text=re.compile(r"^Kokain \(#"))
    page.get_by_label("Term to merge into").select_option(target.get_attribute("value"))
    page.get_by_label("Comment for the contributor").fill("same word, one letter more")
    page.get_by_role("button", name="Merge").click()
    assert page.get_by_text(f"Decision on term {ids['Kokainn']} recorded").is_visible()

    page.goto(f"/review/{ids['Grasblatt']}")
    page.get_by_role("button", name="Request changes").click()  # without the needed comment
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Comment for the contributor").fill("please add a second source")
    page.get_by_role("button", name="Request changes").click()
    assert page.get_by_text(f"Decision on term {ids['Grasblatt']} recorded").is_visible()

    page.get_by_role("link", name="Releases").click()
    page.get_by_label("Notes for the next release").fill("browser test release")
    page.get_by_role("button", name="Create release").click()
    version = int(page.url.rstrip("/").split("/")[-1])
    assert version >= 2
    shown = page.locator("#release-sha").inner_text().strip()
    with page.expect_download() as dl:
        page.get_by_role("link", name="Bundle (zip, for scanners)").click()
    path = tmp_path / "bundle.zip"
    dl.value.save_as(path)
    bundle = read_bundle(path)
    assert bundle.verify(shown) == shown
    forms = {t["term"] for t in bundle.terms}
    assert "Schneeflocke" in forms and "Grasblatt" not in forms and "Kokainn" not in forms
    kokain = next(t for t in bundle.terms if t["term"] == "Kokain")
    assert "Kokainn" in kokain["variants"]

    contributor = new_page()
    sign_in(contributor, "contributor2")
    contributor.goto("/contribute")
    states = contributor.locator("section.submission").last.locator("tbody tr")
    rows = {r.locator("td").nth(0).inner_text(): r.locator("td").nth(2).inner_text()
            for r in states.all()}  # fmt: skip
    assert rows == {"Schneeflocke": "approved", "Kokainn": "merged",
                    "Grasblatt": "changes requested"}  # fmt: skip
    assert contributor.get_by_text("please add a second source").is_visible()


def test_anonymous_visitor_sees_spans_marked_at_the_right_characters(web: Server, new_page):
    text = "🔥 Fresh c.o.c.a.i.n.e <b>for sale</b> today"
    page = new_page(java_script_enabled=False)  # the core flow works without JavaScript
    page.goto("/try")
    page.get_by_label("Text of the post").fill(text)
    page.get_by_role("button", name="Scan").click()
    assert page.locator(".verdict").inner_text() == "sale"
    nodes = page.eval_on_selector(
        "#marked", "p => [...p.childNodes].map(n => [n.nodeName, n.textContent])"
    )
    assert "".join(t for _, t in nodes) == text  # the original text, escaped, nothing lost
    marked, pos = [], 0
    for name, part in nodes:
        if name == "MARK":
            marked.append((pos, pos + len(part), part))
        pos += len(part)
    expected = httpx.post(f"{web.url}/v1/scan", json={"text": text}).json()["matches"]
    assert marked == [(m["start"], m["end"], m["surface"]) for m in expected]
    assert [m[2] for m in marked] == ["c.o.c.a.i.n.e", "for sale"]

    with_js = new_page()  # the same through htmx: only the result is swapped in
    with_js.goto("/try")
    with_js.get_by_label("Text of the post").fill(text)
    with_js.get_by_role("button", name="Scan").click()
    with_js.locator("#marked mark").first.wait_for()
    assert with_js.locator("#marked mark").all_inner_texts() == ["c.o.c.a.i.n.e", "for sale"]
    assert with_js.url.endswith("/try")


def test_admin_creates_user_and_token_contributor_gets_403_on_review(web: Server, new_page):
    page = new_page()
    sign_in(page, "admin")
    page.get_by_role("link", name="Admin").click()
    page.get_by_label("User name").fill("new-analyst")
    page.get_by_label("Role").select_option("reader")
    page.get_by_role("button", name="Add user").click()
    link = page.locator("#secret").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(web.url)}/set-password/[\w-]{{40,}}", link)

    page.get_by_role("button", name="New API token for new-analyst").click()
    token = page.locator("#secret").inner_text().strip()
    assert token.startswith("nlx_")
    page.goto("/admin")
    assert token not in page.content()  # shown once
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{web.url}/v1/terms?q=kokain", headers=auth).status_code == 200
    page.get_by_label("Who").fill("admin")
    page.get_by_label("Action (ending in . for a family)").fill("token.")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#audit tbody tr").all_inner_texts()
    assert rows and all("token." in r and "admin" in r for r in rows)  # the filter holds
    assert sum("new-analyst" in r for r in rows) == 1  # the token just made, recorded once

    newcomer = new_page()
    newcomer.goto(link)
    newcomer.get_by_label("New password", exact=True).fill("another-long-password")
    newcomer.get_by_label("The same password again").fill("another-long-password")
    newcomer.get_by_role("button", name="Set password").click()
    sign_in(newcomer, "new-analyst", "another-long-password")
    assert newcomer.goto(link).status == 410  # the link worked once

    contributor = new_page()
    sign_in(contributor, "contributor")
    response = contributor.goto("/review")
    assert response is not None and response.status == 403
    assert contributor.get_by_role("heading", name="Forbidden").is_visible()
    assert contributor.get_by_role("link", name="Review").count() == 0


def test_form_without_its_csrf_token_is_refused(web: Server, new_page):
    page = new_page()
    sign_in(page, "contributor2")
    page.goto("/terms/1")
    page.eval_on_selector("form[action$='/comments'] input[name=csrf_token]", "e => e.remove()")
    page.get_by_label("Add a comment").fill("should not be stored")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Comment").click()
    assert posted.value.status == 403
    assert page.get_by_role("heading", name="Forbidden").is_visible()
    forged = page.request.post("/try", form={"text": "x", "csrf_token": "forged"})
    assert forged.status == 403
    page.goto("/terms/1")
    assert page.get_by_text("should not be stored").count() == 0
    assert page.get_by_text("Signed in as contributor2").is_visible()


def test_hebrew_and_arabic_read_right_to_left_in_the_pages(web: Server, new_page):
    # A post or a term in a right-to-left script keeps its own direction inside the pages'
    # left-to-right layout (dir="auto", <bdi>): punctuation stays where the writer put it.
    text = "חשיש למכירה, משלוח עד הבית cocaine"
    page = new_page(java_script_enabled=False)
    page.goto("/try")
    box = page.get_by_label("Text of the post")
    box.fill(text)
    assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.get_by_role("button", name="Scan").click()
    assert page.eval_on_selector("#marked", "p => getComputedStyle(p).direction") == "rtl"
    assert page.locator("#marked").inner_text() == text
    assert page.locator("#marked mark").all_inner_texts() == ["cocaine"]
    assert page.locator("h1").evaluate("e => getComputedStyle(e).direction") == "ltr"
    english = new_page(java_script_enabled=False)
    english.goto("/try")
    english.get_by_label("Text of the post").fill("cocaine for sale")
    english.get_by_role("button", name="Scan").click()
    assert english.eval_on_selector("#marked", "p => getComputedStyle(p).direction") == "ltr"
    # terms are isolated the same way in the lists: an Arabic or Hebrew term reads right to
    # left without reversing the row around it
    sign_in(english, "contributor2")
    english.goto("/terms?q=cocaine")
    assert english.locator("td a bdi").first.inner_text() == "cocaine"
    english.locator("td a bdi").first.click()
    assert english.locator("h1 bdi").inner_text() == "cocaine"
    comment = english.get_by_label("Add a comment")
    comment.fill("גראס")
    assert comment.evaluate("e => getComputedStyle(e).direction") == "rtl"
