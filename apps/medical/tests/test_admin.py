"""Platform staff never see health values: the admin redacts every encrypted field and logs
its reads in the gym's audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apps.common.fields import encrypted_fields
from apps.medical.admin import HEALTH_MODELS_WITH_VALUES
from apps.medical.audit.api import entries_of_subject
from apps.medical.models import Condition

pytestmark = pytest.mark.django_db

PHI = "Zebra-Osteitis-4417"


def _staff_client() -> Client:
    from django.conf import settings

    staff = get_user_model().objects.create(email="staff@platform.test", is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    client.force_login(staff)
    return client


def test_every_health_model_with_values_is_registered_redacted() -> None:
    from apps.medical import models

    expected = {
        m
        for m in vars(models).values()
        if isinstance(m, type)
        and hasattr(m, "_meta")
        and m._meta.app_label == "medical"
        and encrypted_fields(m)
    }
    assert set(HEALTH_MODELS_WITH_VALUES) == expected


def test_admin_list_and_detail_redact_and_are_logged(gym_a: Any, in_gym: Any) -> None:
    member = gym_a.people["member"].id
    with in_gym(gym_a):
        row = Condition(member_id=member, description=PHI, notes=PHI, source="self_report", author_id=member)
        row.save()
    client = _staff_client()
    r = client.get(f"/admin/medical/condition/?_gym={gym_a.schema_name}")
    assert r.status_code == 200
    html = r.content.decode()
    assert PHI not in html
    assert html.count("[redacted]") == 3  # description, severity, notes
    assert r["Cache-Control"].split(", ")[0] == "no-store"
    r = client.get(f"/admin/medical/condition/{row.pk}/change/")  # the gym is remembered
    assert r.status_code == 200
    assert PHI not in r.content.decode()
    assert "[redacted]" in r.content.decode()
    with in_gym(gym_a):
        got = [(e.action, e.object_id, e.purpose) for e in entries_of_subject(subject_id=member)]
    assert got == [("admin_list", str(row.pk), "support"), ("admin_view", str(row.pk), "support")]


def test_admin_without_a_gym_is_400() -> None:
    r = _staff_client().get("/admin/medical/condition/")
    assert r.status_code == 400
    assert b"Choose a gym" in r.content
