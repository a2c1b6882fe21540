"""schemathesis against the running server's /openapi.json, with a bounded number of examples
per operation: no 5xx anywhere, and every answer matches the schema it documents."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Server

pytestmark = pytest.mark.db

EXAMPLES = 12
# Operations that would lock the test's own admin out (disabling users, revoking tokens) are
# covered by the authorization tests instead.
SKIP = {("POST", "/v1/users/{name}/disable"), ("POST", "/v1/tokens/{token_id}/revoke")}
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def test_schemathesis_no_5xx_and_responses_match_schema(server: Server) -> None:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
    failures: list[str] = []
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 25
    for op in operations:
        if (op.method.upper(), op.path) in SKIP:
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=server.url, headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except BaseException as exc:  # collect every operation's failure, report them all
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
