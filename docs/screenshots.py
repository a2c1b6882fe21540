"""Regenerate the README's screenshots of the web pages (docs/screenshots/*.png).

    python docs/screenshots.py

Starts a real `narcolex serve` on loopback with a fresh temporary database holding the bundled
Knowledge Package, adds three users with passwords and one small submission, and photographs
the main pages in Debian's headless chromium (no `playwright install`; the same launch options
as the browser tests). Nothing outside docs/screenshots/ is written.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from narcolex.store.engine import open_db
from narcolex.workflow import passwords, users
from narcolex.workflow.setup import initialise
from narcolex.workflow.submissions import submit

OUT = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
PASSWORD = "screenshots-only-password"
VIEW = {"width": 1100, "height": 760}
PHONE = {"width": 390, "height": 760}
# Placeholder words ("example word"), not slang: the pictures show the workflow, not content.
SUBMISSION = (
    "term,language,kind,denotes,countries,source\n"
    "exempelord,sv,slang,cocaine,SE,emcdda-2022-social-media-dealing\n"
    "exempelordet,sv,slang,cocain,SE,emcdda-2022-social-media-dealing\n"
    "exempelorden,xx,slang,cocaine,SE,emcdda-2022-social-media-dealing\n"
)


def prepare(tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'kb.sqlite3'}"
    db = open_db(url)
    try:
        initialise(db)
        with db.transaction() as s:
            for name, role, country in (("ada", "admin", None), ("carla", "curator", None),
                                        ("sven", "contributor", "SE")):  # fmt: skip
                users.add_user(s, name, role, country, actor="system" if name == "ada" else "ada")
                passwords.set_password(s, name, PASSWORD)
        ok = tmp / "ok.csv"
        ok.write_text(SUBMISSION.replace(",cocain,", ",cocaine,").replace(",xx,", ",sv,"))
        submit(db, ok, "sven")
    finally:
        db.dispose()
    return url


def serve(url: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NARCOLEX_DATABASE_URL": url, "NARCOLEX_API_ANONYMOUS": "true"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "narcolex", "serve", "--port", str(port)],
        env=env, stdout=(tmp / "serve.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit((tmp / "serve.log").read_text())


def sign_in(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def shoot(page, name: str, full: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=OUT / f"{name}.png", full_page=full)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="narcolex-shots-") as name:
        tmp = Path(name)
        proc, base = serve(prepare(tmp), tmp)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                ctx = browser.new_context(base_url=base, viewport=VIEW)
                page = ctx.new_page()
                page.goto("/")
                shoot(page, "home")
                page.goto("/try")
                page.get_by_label("Text of the post").fill("Fresh c.o.c.a.i.n.e for sale, DM me")
                page.get_by_role("button", name="Scan").click()
                page.locator("#marked").wait_for()
                shoot(page, "try")
                phone = browser.new_context(base_url=base, viewport=PHONE).new_page()
                phone.goto("/?lang=de")
                shoot(phone, "home-phone-de")

                sign_in(page, "sven")
                page.goto("/contribute")
                page.get_by_label("Filled-in template").set_input_files(
                    {"name": "sv.csv", "mimeType": "text/csv", "buffer": SUBMISSION.encode()}
                )
                page.get_by_role("button", name="Upload").click()
                shoot(page, "contribute")

                ctx.clear_cookies()
                sign_in(page, "carla")
                page.goto("/review")
                page.get_by_role("link", name="exempelord", exact=True).click()
                shoot(page, "review")
                page.goto("/terms?q=kokain")
                shoot(page, "terms")
                page.goto("/releases/1")
                shoot(page, "release")

                ctx.clear_cookies()
                sign_in(page, "ada")
                page.goto("/admin?action=user.")
                shoot(page, "admin")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(15)
    sizes = {p.name: p.stat().st_size for p in sorted(OUT.glob("*.png"))}
    for file, size in sizes.items():
        print(f"{file}: {size // 1024} KiB")
    print(f"total {sum(sizes.values()) // 1024} KiB")


if __name__ == "__main__":
    main()
