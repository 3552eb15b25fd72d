"""Bounded schemathesis fuzz of a gym's API (SECURITY.md 28: fuzzing finds no 500s).

The OpenAPI schema is loaded from the Django app in-process over WSGI, on gym A's host, and
every operation in it is fuzzed (examples, coverage and fuzzing phases; valid and invalid data)
with gym A's owner authenticated by a personal API token. Everything runs inside the test's
transaction, so whatever the fuzzer creates, changes or deletes is rolled back. No operation
is excluded: ``DELETE /api/v1/auth/session/`` ends a session, not the token the run relies on
(``stays_authenticated`` fails the run if that ever changes).

Checks kept: no 5xx; response content types, headers and bodies conform to the schema;
every status code returned is documented (the error responses are added to the schema by
``apps.common.api.schema.add_error_responses``); authentication is enforced (``ignored_auth``
re-sends a successful request without the token and with a bogus one); the owner's token keeps
working for the whole run.

Checks left out, because the request schemas are looser or stricter than the serializers at
the edges rather than the API wrong:

* ``positive_data_acceptance`` / ``negative_data_rejection``: the request schemas and the
  serializers disagree at the edges (Django's URL validator is stricter than ``format: uri``, an
  email already in the gym is a 400, a blank ``full_name`` is accepted despite ``minLength: 1``,
  an unparsable ``page_size`` is ignored rather than refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import GymFixture

MAX_EXAMPLES = 20  # per operation, fuzzing phase; the coverage phase adds its own fixed set


def stays_authenticated(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Every request carries the owner's token, so a 401 means an earlier operation (a logout,
    a token revocation) ended it and the rest of the run fuzzed only the 401 path."""
    if response.status_code == 401:
        raise AssertionError("gym A's owner token was refused: the fuzz no longer reaches the API")
    return None


def ignored_auth_once_per_operation() -> schemathesis.CheckFunction:
    """``ignored_auth`` with one set of operations already shown to enforce authentication for
    the whole run, as schemathesis's own runner shares it (``CheckContext.auth_enforced_operations``
    is ``None`` under pytest, which makes it re-probe after every successful response)."""
    enforced: set[str] = set()

    def ignored_auth_once(
        ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
    ) -> bool | None:
        if ctx.auth_enforced_operations is None:
            ctx.auth_enforced_operations = enforced
        return ignored_auth(ctx, response, case)

    return ignored_auth_once


@dataclass(frozen=True)
class Target:
    base_url: str
    headers: dict[str, str]


@pytest.fixture
def target(settings: Any, gym_a: GymFixture, in_test_transaction: None) -> Target:
    from apps.users.services import token_create

    settings.AXES_ENABLED = False  # the fuzzer's bad passwords must not lock the test users out
    # ~900 requests in seconds, all on gym A's host (the tokenless auth probes included), so
    # the per-plan limits are the ones that apply.
    unlimited = 10**9
    settings.API_RATE_LIMITS = {
        plan: {"gym": unlimited, "user": unlimited} for plan in settings.API_RATE_LIMITS
    }
    _token, plaintext = token_create(user_id=gym_a.people["owner"].id, gym_id=gym_a.id, name="fuzz")
    return Target(
        base_url=f"http://{gym_a.host}",  # the gym is resolved from the Host header
        headers={
            "Authorization": f"Bearer {plaintext}",
            # The WSGI test client does not decompress, and GZipMiddleware compresses JSON bodies.
            "Accept-Encoding": "identity",
        },
    )


@pytest.fixture
def checks() -> list[schemathesis.CheckFunction]:
    return [
        not_a_server_error,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
        ignored_auth_once_per_operation(),
        stays_authenticated,
    ]


@pytest.fixture
def api_schema(target: Target) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), base_url=target.base_url
    )
    schema.config.update(base_url=target.base_url, headers=target.headers)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None)
def test_api_fuzz(
    case: schemathesis.Case[Any], target: Target, checks: list[schemathesis.CheckFunction]
) -> None:
    # The in-process transport ignores the configured base URL (the headers it does apply).
    case.call_and_validate(base_url=target.base_url, checks=checks)
