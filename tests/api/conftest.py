"""A real `narcolex serve` process per test module: a temporary database (SQLite file, or the
PostgreSQL server named by NARCOLEX_TEST_DATABASE_URL), a free loopback port, readiness awaited
on /readyz, and one token per kind of caller."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from narcolex.store.engine import open_db
from narcolex.workflow import tokens, users
from narcolex.workflow.setup import initialise
from tests.conftest import PG_URL, _reset_postgres, write_content

NARCOLEX = [sys.executable, "-m", "narcolex"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    db_url: str
    tokens: dict[str, str]
    process: subprocess.Popen
    log: Path
    extra: dict[str, object] = field(default_factory=dict)

    def client(self, who: str | None = None, **kw: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


# who -> (role, country); the token of "disabled" belongs to a disabled user, "revoked" is a
# revoked token of an active user.
CALLERS = {
    "admin": ("admin", None),
    "curator": ("curator", None),
    "curator2": ("curator", None),
    "contributor": ("contributor", "SE"),
    "contributor2": ("contributor", "DE"),
    "reader": ("reader", None),
    "disabled": ("curator", None),
    "revoked": ("admin", None),
}


def seed(db_url: str, content: Path) -> dict[str, str]:
    """Initialise the database with `content` and make one token per caller."""
    db = open_db(db_url)
    try:
        initialise(db, content_root=content)
        out: dict[str, str] = {}
        with db.transaction() as s:
            # the first admin is the bootstrap user; everyone else is added by that admin
            for name, (role, country) in CALLERS.items():
                actor = "system" if name == "admin" else "admin"
                users.add_user(s, name, role, country, actor=actor)
                tok, secret = tokens.create_token(s, name, actor="admin")
                out[name] = secret
                if name == "revoked":
                    tokens.revoke_token(s, tok.id, actor="admin")
            users.disable_user(s, "disabled", actor="admin")
        return out
    finally:
        db.dispose()


def start_server(
    db_url: str, log: Path, workers: int = 1, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    full_env = {
        **os.environ,
        "NARCOLEX_DATABASE_URL": db_url,
        "NARCOLEX_MONITOR_DIR": str(log.parent / "monitor"),
        **(env or {}),
    }
    proc = subprocess.Popen(
        [*NARCOLEX, "serve", "--port", str(port), "--workers", str(workers)],
        env=full_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"narcolex serve exited {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"narcolex serve did not become ready:\n{log.read_text()}")


def _module_db(tmp: Path) -> str:
    if PG_URL:
        _reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp / 'api.sqlite3'}"


@pytest.fixture(scope="module")
def make_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """Start a seeded server (one database per module; call once per module)."""
    started: list[Server] = []

    def make(workers: int = 1, env: dict[str, str] | None = None) -> Server:
        tmp = tmp_path_factory.mktemp("api")
        db_url = _module_db(tmp)
        secrets = seed(db_url, write_content(tmp / "content"))
        proc, url = start_server(db_url, tmp / "server.log", workers, env)
        server = Server(url, db_url, secrets, proc, tmp / "server.log")
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
    if PG_URL:
        _reset_postgres(PG_URL)
    for server in started:
        shutil.rmtree(server.log.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def server(make_server: Callable[..., Server]) -> Server:
    """A server whose failed-authentication throttle stays out of the way of the matrix."""
    return make_server(env={"NARCOLEX_API_AUTH_FAILURES_PER_MINUTE": "100000"})


CSV_HEADER = "term,language,kind,denotes,countries,source\n"


def csv_file(rows: list[str], header: str = CSV_HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode("utf-8")
