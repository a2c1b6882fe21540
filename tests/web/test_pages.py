"""The pages over plain HTTP (no browser): sessions and their cookie, CSRF, back-off, languages,
error pages beside the API's problem+json, and the catalogues being complete."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from starlette.requests import Request
from starlette.responses import Response

from narcolex.store.engine import open_db
from narcolex.web import i18n
from narcolex.web.session import COOKIE, SessionStore
from narcolex.workflow import users
from tests.api.conftest import Server
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


def signed_in(web: Server, name: str) -> httpx.Client:
    client = httpx.Client(base_url=web.url, timeout=30)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"csrf_token": token, "username": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return client


def test_session_cookie_is_signed_httponly_samesite(web: Server) -> None:
    client = httpx.Client(base_url=web.url)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"csrf_token": token, "username": "reader",
                                     "password": PASSWORD})  # fmt: skip
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "Signed in as reader" in client.get("/").text
    # a forged or edited cookie is ignored (anonymous again), not trusted
    value = client.cookies[COOKIE]
    forged = httpx.get(f"{web.url}/", cookies={COOKIE: value[:-3] + "abc"})
    assert "Signed in as" not in forged.text
    assert (
        client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)}).status_code
        == 303
    )
    assert "Signed in as" not in client.get("/").text


def test_cookie_is_secure_over_https() -> None:
    store = SessionStore(dbs=None)  # type: ignore[arg-type]
    store._serializer = __import__("itsdangerous").URLSafeTimedSerializer("k", salt="session")
    scope = {"type": "http", "scheme": "https", "method": "GET", "path": "/", "headers": [],
             "server": ("example.org", 443), "query_string": b""}  # fmt: skip
    response = Response()
    store.save(Request(scope), response, {"user": "x"})
    assert "Secure" in response.headers["set-cookie"]


def test_failed_sign_ins_back_off(web: Server) -> None:
    client = httpx.Client(base_url=web.url)
    statuses = []
    for _ in range(6):
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"csrf_token": token, "username": "contributor2-typo",
                                         "password": "wrong"})  # fmt: skip
        statuses.append(r.status_code)
    assert statuses == [401] * 5 + [429]
    assert int(r.headers["retry-after"]) > 0
    assert "Wrong user name or password." not in r.text


def test_post_without_session_token_is_refused(web: Server) -> None:
    r = httpx.post(f"{web.url}/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403 and "This form was refused" in r.text


def test_anonymous_visitor_is_sent_to_sign_in_and_back(web: Server) -> None:
    r = httpx.get(f"{web.url}/terms?q=koka")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fterms%3Fq%3Dkoka"
    client = httpx.Client(base_url=web.url)
    token = csrf_of(client.get("/login").text)
    for target, expected in (("/terms?q=koka", "/terms?q=koka"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/")):  # fmt: skip
        r = client.post("/login", data={"csrf_token": token, "username": "curator",
                                        "password": PASSWORD, "next": target})  # fmt: skip
        assert r.headers["location"] == expected
        token = csrf_of(client.get("/login").text)


def test_terms_search_is_accent_insensitive(web: Server) -> None:
    client = signed_in(web, "curator2")
    page = client.get("/terms", params={"q": "KÓKAÍN"}).text
    assert set(re.findall(r'href="/terms/\d+"><bdi>([^<]+)</bdi></a>', page)) >= {
        "Kokain",
        "kokain",
    }


def test_pages_speak_the_viewers_language(web: Server) -> None:
    assert (
        "Beitrag prüfen"
        in httpx.get(f"{web.url}/try", headers={"Accept-Language": "de-AT,de;q=0.9"}).text
    )
    assert (
        "Tester une publication"
        in httpx.get(f"{web.url}/try", headers={"Accept-Language": "fr"}).text
    )
    client = httpx.Client(base_url=web.url, headers={"Accept-Language": "de"})
    assert '<html lang="fr">' in client.get("/?lang=fr").text  # the choice beats the header
    assert '<html lang="fr">' in client.get("/releases").text  # and is kept in the session
    assert i18n.choose(None, "es, it;q=0.5") == "en"


def test_errors_are_pages_here_and_problems_under_v1(web: Server) -> None:
    page = httpx.get(f"{web.url}/no-such-page", headers={"Accept-Language": "de"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Nicht gefunden" in page.text
    api = httpx.get(f"{web.url}/v1/no-such-route")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert httpx.get(f"{web.url}/v1/releases").json()  # anonymous reads still work
    headers = httpx.get(f"{web.url}/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_disabling_a_user_ends_their_web_session(web: Server) -> None:
    client = signed_in(web, "contributor2")
    assert client.get("/contribute").status_code == 200
    db = open_db(web.db_url)
    try:
        with db.transaction() as s:
            users.add_user(s, "short-lived", "contributor", "AT", actor="admin")
            from narcolex.workflow.passwords import set_password

            set_password(s, "short-lived", PASSWORD)
    finally:
        db.dispose()
    gone = signed_in(web, "short-lived")
    assert gone.get("/contribute").status_code == 200
    db = open_db(web.db_url)
    try:
        with db.transaction() as s:
            users.disable_user(s, "short-lived", actor="admin")
    finally:
        db.dispose()
    r = gone.get("/contribute")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_catalogues_cover_every_interface_string() -> None:
    """The .pot matches the strings in the code and templates, and German and French
    translate every one of them."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    web_dir = ROOT / "src" / "narcolex" / "web"
    found = {m[2] if isinstance(m[2], str) else m[2][0]
             for m in extract_from_dir(web_dir, method_map, options)}  # fmt: skip
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as fh:
        pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert found == pot, "run pybabel extract (see babel.cfg) and update the .po files"
    for lang in ("de", "fr"):
        with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        untranslated = [m.id for m in catalog if m.id and not all(
            m.string if isinstance(m.string, tuple) else (m.string,))]  # fmt: skip
        assert untranslated == [], lang
        assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} == pot


def test_monitoring_page_shows_a_month_to_analysts_only(web: Server, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from narcolex.cli import app

    posts = tmp_path / "posts.jsonl"
    rows = [
        {"id": "m1", "text": "cocaine 1g 80€, dm me on telegram", "created_at": "2026-11-03",
         "platform": "telegram", "country": "DE"},
        {"id": "m2", "text": "cocaine 2g 150€ discreet delivery, snap me", "created_at":
         "2026-11-04", "platform": "snapchat", "country": "DE"},
        {"id": "m3", "text": "lovely weather in the park today", "created_at": "2026-11-04",
         "platform": "x", "country": "DE"},
    ]  # fmt: skip
    posts.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    store = web.log.parent / "monitor"  # the server's NARCOLEX_MONITOR_DIR
    ingest = ["monitor", "ingest", str(posts), "--store", str(store), "--bundled"]
    result = CliRunner().invoke(app, ingest)
    assert result.exit_code == 0, result.output
    page = signed_in(web, "reader").get("/monitor", params={"period": "2026-11"})
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "3 posts scanned, 2 sightings, 2 offers" in text
    assert "<svg" in page.text  # the trend chart
    anonymous = httpx.get(f"{web.url}/monitor", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert signed_in(web, "contributor").get("/monitor").status_code == 403


def test_a_resent_token_form_makes_no_second_token(web: Server) -> None:
    # Reloading the page that showed a new token sends its form again: refused, nothing made.
    client = signed_in(web, "admin")
    html = client.get("/admin").text
    once = re.search(r'name="once" value="([^"]+)"', html)
    assert once, "no one-time field in the form"
    form = {"csrf_token": csrf_of(html), "once": once.group(1)}
    first = client.post("/admin/users/reader/token", data=form)
    secret = re.search(r'id="secret"[^>]*>\s*(nlx_[\w-]+)', first.text)
    assert first.status_code == 200 and secret, first.text[-400:]
    again = client.post("/admin/users/reader/token", data=form)
    assert again.status_code == 409 and 'id="secret"' not in again.text
    assert "already sent" in again.text
    db = open_db(web.db_url)
    with db.reader() as s:
        from narcolex.store import queries

        before = len(queries.tokens(s, "reader"))
    assert client.post("/admin/users/reader/token", data=form).status_code == 409
    with db.reader() as s:
        assert len(queries.tokens(s, "reader")) == before  # the resent form made nothing
    db.dispose()


def test_help_page_is_open_to_everyone(web: Server) -> None:
    from html import escape

    from narcolex.respond.help import resources

    expected = resources("DE", "de")
    page = httpx.get(f"{web.url}/help", params={"country": "DE", "lang": "de"})
    assert page.status_code == 200
    assert escape(expected.message, quote=False) in page.text
    assert all(escape(r.name, quote=False) in page.text for r in expected.resources)
    assert httpx.get(f"{web.url}/help", params={"country": "ZZ"}).status_code == 422
