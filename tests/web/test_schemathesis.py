"""schemathesis against /openapi.json: every operation, a bounded number of generated requests each, with an
authorized token on a fresh ledger. No request may end in a 5xx, and every response (its status, content
type and body) must match what the schema says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from tests.web.conftest import TODAY, copy_ledger

EXAMPLES = 8  # generated requests per operation (and role)


@pytest.mark.parametrize("who,book", [("atg", "seed"), ("gssf", "seed"), ("atg", "empty")])
def test_api_matches_its_schema(template: tuple[Path, dict[str, str]], tmp_path: Path, who: str, book: str) -> None:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

    from warrantbook.web import create_app

    if book == "seed":
        app = create_app(f"sqlite:///{copy_ledger(template, tmp_path / 'db')}", today=TODAY)
        token = template[1][who]
    else:  # a ledger with no event at all, only its users
        app = create_app(f"sqlite:///{tmp_path / 'empty.db'}", today=TODAY)
        app.state.users.add_user(who, "a-long-password", "company", "atg")
        token = app.state.users.new_token(who)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    failures: list[str] = []
    operations = 0
    statuses: dict[int, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            try:
                response = case.call_and_validate(headers=headers, checks=checks)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{case.method} {case.formatted_path}: {type(exc).__name__}: {str(exc)[:800]}")

        run()
    assert operations >= 45
    print(f"{who}: {operations} operations, responses by status {dict(sorted(statuses.items()))}")
    assert sum(statuses.values()) >= operations * 2 and statuses.get(200, 0) > 0
    assert not failures, "\n\n".join(failures[:10]) + f"\n\n({len(failures)} failure(s))"
    app.state.book.source.close()
