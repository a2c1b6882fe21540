"""One real `narcolex serve` for the web tests (fresh database, loopback, anonymous scanning
on), users with passwords and three proposals by a contributor, and Debian's chromium driven
by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from narcolex.store.engine import open_db
from narcolex.workflow import passwords
from narcolex.workflow.submissions import submit
from tests.api.conftest import Server, _module_db, seed, start_server
from tests.conftest import PG_URL, _reset_postgres, write_content

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
PASSWORD = "a-long-test-password-42"
WEB_USERS = ("admin", "curator", "curator2", "contributor", "contributor2", "reader")
# Three proposals by contributor2 (DE) for the curator: one to approve, one close to the
# existing "Kokain" (to merge), one to send back.
PROPOSALS = (
    "term,language,kind,denotes,countries,source\n"
    "Schneeflocke,de,slang,cocaine,DE,test-glossary\n"
    "Kokainn,de,street_name,cocaine,DE,test-glossary\n"
    "Grasblatt,de,slang,cannabis.herbal,DE,test-glossary\n"
)


def seed_web(db_url: str, tmp: Path) -> dict[str, int]:
    """Passwords for the seeded users and the three proposals; returns term ids by form."""
    db = open_db(db_url)
    try:
        with db.transaction() as s:
            for name in WEB_USERS:
                passwords.set_password(s, name, PASSWORD)
        path = tmp / "proposals.csv"
        path.write_text(PROPOSALS, encoding="utf-8")
        report = submit(db, path, "contributor2")
        return {t["term"]: t["id"] for t in report.terms}
    finally:
        db.dispose()


@pytest.fixture(scope="package")  # stopped before other packages reset the test database
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("web")
    db_url = _module_db(tmp)
    secrets = seed(db_url, write_content(tmp / "content"))
    proposals = seed_web(db_url, tmp)
    env = {"NARCOLEX_API_ANONYMOUS": "true", "NARCOLEX_API_AUTH_FAILURES_PER_MINUTE": "100000"}
    proc, url = start_server(db_url, tmp / "server.log", 1, env)
    server = Server(url, db_url, secrets, proc, tmp / "server.log", {"proposals": proposals})
    yield server
    server.stop()
    if PG_URL:
        _reset_postgres(PG_URL)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("NARCOLEX_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, web: Server, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A factory of fresh browser pages (own cookies), closed after the test."""
    contexts = []

    def make(**options):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(base_url=web.url, accept_downloads=True, **options)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def sign_in(page, name: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Signed in as {name}").is_visible()
