"""Bounded schemathesis fuzz of the public host's API: gym sign-up (SECURITY.md 28).

Every sign-up the fuzzer manages to make claims or clones a schema inside the test's
transaction, so all of it is rolled back. Anonymous by design: no credentials are sent.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

BASE_URL = f"http://{settings.PLATFORM_DOMAIN}"


@pytest.fixture
def public_schema(settings: Any, in_test_transaction: None) -> schemathesis.BaseSchema:
    settings.API_ANON_RATE_PER_MINUTE = 10**9  # the fuzzer is one IP sending hundreds of requests
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), base_url=BASE_URL
    )
    schema.config.update(base_url=BASE_URL, headers={"Accept-Encoding": "identity"})
    return schema


schema = schemathesis.pytest.from_fixture("public_schema")


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=10, deadline=None, derandomize=True, database=None)
def test_public_api_fuzz(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(
        base_url=BASE_URL,
        checks=[
            not_a_server_error,
            content_type_conformance,
            response_schema_conformance,
            status_code_conformance,
        ],
    )
