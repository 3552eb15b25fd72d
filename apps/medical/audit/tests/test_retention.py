"""Retention: at least 6 years, no delete path."""

from __future__ import annotations

import pytest
from django.urls import resolve

from apps.medical.audit.checks import audit_retention_check


def test_the_default_keeps_six_years(settings):
    assert settings.AUDIT_RETENTION_YEARS == 6
    assert audit_retention_check() == []


@pytest.mark.parametrize("years", [5, 0, None, "6"])
def test_less_than_six_years_is_a_configuration_error(settings, years):
    settings.AUDIT_RETENTION_YEARS = years
    (error,) = audit_retention_check()
    assert error.id == "medical_audit.E001"
    assert error.msg == (
        f"AUDIT_RETENTION_YEARS is {years!r}; health-data audit records are kept at least 6 years."
    )


def test_the_api_offers_no_way_to_delete(settings):
    settings.ROOT_URLCONF = "config.urls_tenant"
    for path in ("/api/v1/audit/entries/", "/api/v1/audit/disclosures/", "/api/v1/audit/compliance-officer/"):
        view = resolve(path).func.cls  # type: ignore[attr-defined]
        assert not hasattr(view, "delete"), path
        assert not hasattr(view, "destroy"), path
    detail = resolve("/api/v1/audit/disclosures/00000000-0000-0000-0000-000000000001/").func
    assert "delete" not in detail.actions  # type: ignore[attr-defined]
