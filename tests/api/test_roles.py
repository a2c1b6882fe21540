"""An admin changes a user's role over the API: the user's token carries the new permissions
within the token cache time (as for a disabled user); the acting admin keeps theirs."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.api.conftest import Server

pytestmark = pytest.mark.db


def _get(server: Server, who: str, path: str) -> httpx.Response:
    return httpx.get(server.url + path, headers={"Authorization": f"Bearer {server.tokens[who]}"})


def _role(server: Server, who: str, name: str, body: dict) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/users/{name}/role",
        json=body,
        headers={"Authorization": f"Bearer {server.tokens[who]}"},
    )


def _becomes(server: Server, status: int) -> None:
    started = time.monotonic()
    while _get(server, "reader", "/v1/review/queue").status_code != status:
        assert time.monotonic() - started < 5, "the new role did not reach the token in time"
        time.sleep(0.2)


def test_a_role_change_takes_effect_on_the_users_token(server: Server) -> None:
    assert _get(server, "reader", "/v1/review/queue").status_code == 403
    r = _role(server, "admin", "reader", {"role": "curator"})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "curator"
    _becomes(server, 200)
    assert _role(server, "admin", "reader", {"role": "reader"}).status_code == 200
    _becomes(server, 403)
    audit = _get(server, "admin", "/v1/audit?action=user.role").json()
    assert len([e for e in audit["items"] if e["detail"]["name"] == "reader"]) == 2


def test_guards_of_a_role_change(server: Server) -> None:
    # the acting admin cannot demote themselves; the only admin is that admin
    r = _role(server, "admin", "admin", {"role": "reader"})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    # a contributor needs a country; an unknown role is a validation error
    assert _role(server, "admin", "curator2", {"role": "contributor"}).status_code in (400, 422)
    assert _role(server, "admin", "curator2", {"role": "emperor"}).status_code == 422
    assert _role(server, "admin", "nobody", {"role": "reader"}).status_code == 404
    assert _role(server, "curator", "reader", {"role": "admin"}).status_code == 403
