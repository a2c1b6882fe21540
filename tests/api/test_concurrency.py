"""Parallel submitters and reviewers against two worker processes: every acknowledged write is
in the database and in the audit log, nothing is lost, and no caller ever sees a 5xx or
"database is locked" (SQLite in WAL with immediate write transactions; PostgreSQL in CI)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api.conftest import Server, csv_file

pytestmark = pytest.mark.db

SUBMITTERS = 4
FILES_EACH = 2
ROWS_PER_FILE = 3


def _rows(who: int, n: int) -> list[str]:
    return [
        f"ztestform{who}x{n}x{i},sv,slang,cocaine,SE,test-glossary" for i in range(ROWS_PER_FILE)
    ]


def test_parallel_submitters_and_reviewers(make_server) -> None:  # type: ignore[no-untyped-def]
    server: Server = make_server(workers=2, env={"NARCOLEX_API_AUTH_FAILURES_PER_MINUTE": "100000"})
    bodies: list[str] = []

    def submit(job: tuple[int, int]) -> tuple[int, list[int]]:
        who, n = job
        with server.client("contributor") as c:
            r = c.post(
                "/v1/submissions", files={"file": (f"s{who}-{n}.csv", csv_file(_rows(who, n)))}
            )
        bodies.append(r.text)
        return r.status_code, [t["id"] for t in r.json().get("terms", [])]

    jobs = [(w, n) for w in range(SUBMITTERS) for n in range(FILES_EACH)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(submit, jobs))
    assert Counter(s for s, _ in results) == {201: len(jobs)}, bodies
    term_ids = [t for _, ids in results for t in ids]
    assert len(term_ids) == len(set(term_ids)) == len(jobs) * ROWS_PER_FILE

    # Two curators work through the queue at once, and both also try the same terms
    # (a race on each decision): exactly one decision per term may win.
    def decide(job: tuple[str, int]) -> tuple[int, int, str]:
        who, tid = job
        with server.client(who) as c:
            action = "approve" if tid % 2 else "reject"
            r = c.post(f"/v1/review/{tid}/{action}", json={"comment": "checked"})
        return tid, r.status_code, r.text

    race = [(who, t) for t in term_ids for who in ("curator", "curator2")]
    with ThreadPoolExecutor(8) as pool:
        decisions = list(pool.map(decide, race))
    statuses = Counter(s for _, s, _ in decisions)
    assert all(s < 500 for s in statuses), decisions
    assert not [b for _, _, b in decisions if "locked" in b.lower()]
    won = Counter(t for t, s, _ in decisions if s == 200)
    # every term got a decision; the losers were told (4xx), not silently overwritten
    assert set(won) == set(term_ids)
    assert max(won.values()) == 1, [t for t, n in won.items() if n > 1]
    losers = [s for _, s, _ in decisions if s != 200]
    assert all(400 <= s < 500 for s in losers)

    admin = server.client("admin")
    audit = admin.get("/v1/audit", params={"limit": 1000}).json()["items"]
    actions = Counter(e["action"] for e in audit)
    assert actions["submission.create"] == len(jobs)
    assert actions["review.approve"] + actions["review.reject"] == sum(won.values())
    mine = admin.get("/v1/submissions", params={"limit": 500}).json()["items"]
    assert sum(s["accepted"] for s in mine) == len(term_ids)
    queue = server.client("curator").get("/v1/review/queue").json()["items"]
    assert not {q["id"] for q in queue} & set(term_ids)
    assert "database is locked" not in server.log.read_text()
