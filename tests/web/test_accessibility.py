"""axe-core (vendored, tests/web/vendor) on every page: no serious or critical violation.

Pages are checked as the people who use them see them: anonymous visitors, a contributor
with row errors on screen, a curator on a proposal, an admin; the busiest pages again at a
phone's width.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import Server
from tests.web.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.db
AXE = (Path(__file__).parent / "vendor" / "axe-core-4.10.2.min.js").read_text(encoding="utf-8")
BAD = ("serious", "critical")
PHONE = {"width": 390, "height": 844}


def violations(page, path: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """Serious and critical axe violations of `path` (or of the page as it is)."""
    if path is not None:
        page.goto(path)
    page.add_script_tag(content=AXE)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [f"{page.url} {v['id']} ({v['impact']}): {v['nodes'][:3]}"
            for v in found if v["impact"] in BAD]  # fmt: skip


def test_every_page_has_no_serious_or_critical_violation(web: Server, new_page):
    found: list[str] = []
    anon = new_page(bypass_csp=True)  # axe is injected as an inline script
    for path in ("/", "/login", "/try", "/releases", "/releases/1", "/no-such-page",
                 "/set-password/not-a-link", "/?lang=de", "/try?lang=fr", "/help",
                 "/help?country=DE&lang=de"):  # fmt: skip
        found += violations(anon, path)
    anon.goto("/try?lang=en")
    anon.get_by_label("Text of the post").fill("Fresh c.o.c.a.i.n.e for sale")
    anon.get_by_role("button", name="Scan").click()
    anon.locator("#marked").wait_for()
    found += violations(anon)
    anon.set_viewport_size(PHONE)
    found += violations(anon)
    found += violations(anon, "/")

    contributor = new_page(bypass_csp=True)
    sign_in(contributor, "contributor")
    found += violations(contributor, "/contribute")
    contributor.get_by_label("Filled-in template").set_input_files(
        {"name": "x.csv", "mimeType": "text/csv",
         "buffer": b"term,language,kind,denotes,countries,source\nx,xx,slang,cocaine,SE,t\n"}
    )  # fmt: skip
    contributor.get_by_role("button", name="Upload").click()
    found += violations(contributor)
    found += violations(contributor, "/review")  # the 403 page

    curator = new_page(bypass_csp=True)
    sign_in(curator, "curator")
    term_id = web.extra["proposals"]["Kokainn"]
    for path in ("/terms", "/terms?q=kokain", "/terms/1", "/review", f"/review/{term_id}",
                 "/releases/diff?a=1&b=1", "/monitor?period=2026-11"):  # fmt: skip
        found += violations(curator, path)
    curator.set_viewport_size(PHONE)
    found += violations(curator)

    admin = new_page(bypass_csp=True)
    sign_in(admin, "admin")
    found += violations(admin, "/admin")
    admin.set_viewport_size(PHONE)
    found += violations(admin)
    assert found == []


def test_keyboard_alone_signs_in_and_reaches_the_content(web: Server, new_page):
    page = new_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.focus("#username")
    page.keyboard.type("reader")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(web.url + "/")
    assert page.get_by_text("Signed in as reader").is_visible()
