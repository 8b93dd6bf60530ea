"""schemathesis against /openapi.json, logged in as an admin with the CSRF header: no 5xx."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.web.webutil import csrf, login

# a few requests per operation in `make test`; BASCULE_FUZZ_EXAMPLES=50 for a deeper run
EXAMPLES = int(os.environ.get("BASCULE_FUZZ_EXAMPLES", "3"))
pytestmark = pytest.mark.filterwarnings(
    "ignore:Arrow output on a DB-API result:UserWarning",
    "ignore::pytest.PytestUnraisableExceptionWarning",
)


@pytest.fixture(scope="module")
def admin(server):  # noqa: ANN001
    """(base URL, cookies, headers) of an admin session."""
    base, _ = server
    c = login(base, "ada")
    return base, dict(c.cookies), {"x-csrf-token": csrf(c)}


@pytest.fixture(scope="module")
def api_schema(admin):  # noqa: ANN001
    base, cookies, _headers = admin
    import httpx

    spec = httpx.get(base + "/openapi.json", cookies=cookies).json()  # logged in only
    return schemathesis.openapi.from_dict(spec)


def test_api_has_no_server_error(api_schema, admin) -> None:  # noqa: ANN001
    """Every operation, a few generated requests each (schemathesis' pytest plugin predates
    pytest 9, so the strategies are driven with Hypothesis directly)."""
    base, cookies, headers = admin
    operations = [r.ok() for r in api_schema.get_all_operations()]
    assert len(operations) >= 20

    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=EXAMPLES <= 3,
            database=None,
        )
        def check(case) -> None:  # noqa: ANN001
            if case.method == "DELETE" and case.path_parameters.get("username") == "ada":
                return
            if case.method == "POST" and case.path in ("/api/label/train", "/api/import"):
                return  # would change the shared project under the other tests (own tests)
            case.call_and_validate(
                base_url=base, cookies=cookies, headers=headers, checks=[not_a_server_error]
            )

        check()
