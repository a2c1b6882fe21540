"""`narcolex serve` on a fresh machine: an empty embedded database is created and loaded with
the bundled package on first start, which says how to make the first admin. The same server
is opened to anonymous callers for scanning and releases (and only those), and throttles
failed authentication."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import start_server


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("fresh")
    db = tmp / "new" / "narcolex.sqlite3"
    assert not db.exists()
    env = {"NARCOLEX_API_ANONYMOUS": "true", "NARCOLEX_API_AUTH_FAILURES_PER_MINUTE": "3"}
    proc, url = start_server(f"sqlite:///{db}", tmp / "server.log", env=env)
    try:
        yield url, tmp / "server.log"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_first_start_loads_the_bundled_package(fresh: tuple[str, Path]) -> None:
    url, log = fresh
    ready = httpx.get(url + "/readyz").json()
    assert ready["status"] == "ready" and ready["release"] == 1
    text = log.read_text()
    assert (
        "narcolex user add NAME --role admin" in text
        and "narcolex token create NAME --as NAME" in text
    )


def test_anonymous_may_scan_and_read_releases_only(fresh: tuple[str, Path]) -> None:
    url, _ = fresh
    with httpx.Client(base_url=url) as c:
        found = c.post("/v1/scan", json={"text": "cocaine for sale, dm me on telegram"}).json()
        assert found["verdict"] == "sale" and "cocaine" in found["substances"]
        batch = c.post("/v1/scan", json={"items": [{"id": 1, "text": "hello"}]}).json()
        assert batch["items"][0] == {**batch["items"][0], "id": "1", "verdict": "clean"}
        assert c.get("/v1/releases").status_code == 200
        assert c.get("/v1/releases/1/export", params={"format": "csv"}).status_code == 200
        for path in ("/v1/terms", "/v1/submissions", "/v1/users", "/v1/review/queue"):
            assert c.get(path).status_code == 401, path


def test_failed_authentication_is_throttled(fresh: tuple[str, Path]) -> None:
    url, _ = fresh
    with httpx.Client(base_url=url, headers={"Authorization": "Bearer nlx_guess"}) as c:
        codes = [c.get("/v1/releases").status_code for _ in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        blocked = c.get("/v1/releases")
        assert int(blocked.headers["retry-after"]) >= 1
        assert blocked.headers["content-type"].startswith("application/problem+json")
    # anonymous callers (no token) are not affected by someone else's failures
    assert httpx.get(url + "/v1/releases").status_code == 200
