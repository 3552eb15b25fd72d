"""The DRF and admin mixins record reads so views cannot forget to, and refuse to serve a read
that recorded nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from apps.medical.audit import api
from apps.medical.audit.admin import AccessLoggedAdminMixin
from apps.medical.audit.contracts import AccessAction, Purpose
from apps.medical.audit.models import AuditEntry, Disclosure
from apps.medical.audit.rest.mixins import AccessLoggedMixin
from apps.medical.audit.tests.helpers import in_gym

pytestmark = pytest.mark.django_db


class _Base(AccessLoggedMixin, generics.GenericAPIView):  # type: ignore[type-arg]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes: list[Any] = []
    audit_object_type = "medical_audit.disclosure"
    audit_subject_attr = "subject_id"
    queryset = Disclosure.objects.all()


class Forgetful(_Base):
    def get(self, request: Request) -> Response:
        return Response({"recipient": Disclosure.objects.get().recipient})


class Exporting(_Base):
    def get(self, request: Request) -> Response:
        rows = list(Disclosure.objects.all())
        self.audit_reads(rows, many=True, action=AccessAction.EXPORT)
        return Response({"count": len(rows)})


def _user(gym: Any, who: str) -> Any:
    return get_user_model().objects.get(pk=gym.people[who].id)


def _disclosure(gym: Any) -> api.DisclosureInfo:
    return api.disclosure_record(
        actor_id=gym.people["owner"].id,
        subject_id=gym.people["member"].id,
        recipient="City Physio",
        description="clearance letter",
        purpose="care",
    )


def _call(view: Any, gym: Any, who: str) -> Any:
    request = APIRequestFactory().get("/x/", REMOTE_ADDR="198.51.100.4")
    force_authenticate(request, user=_user(gym, who))
    return view.as_view()(request)


def test_a_read_that_records_nothing_is_refused(gym_a):
    with in_gym(gym_a):
        _disclosure(gym_a)
        with pytest.raises(ImproperlyConfigured, match="Forgetful answered a read of health data without"):
            _call(Forgetful, gym_a, "owner")


def test_a_view_recording_its_own_reads_is_served(gym_a):
    with in_gym(gym_a):
        made = _disclosure(gym_a)
        response = _call(Exporting, gym_a, "owner")
        entries = list(AuditEntry.objects.filter(kind="access"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert [(e.action, e.object_id, e.subject_id, e.actor_id, e.ip_address) for e in entries] == [
        ("export", str(made.id), gym_a.people["member"].id, gym_a.people["owner"].id, "198.51.100.4")
    ]


class DisclosureAdmin(AccessLoggedAdminMixin, ModelAdmin):  # type: ignore[type-arg]
    audit_subject_attr = "subject_id"


def _admin_request(gym: Any) -> Any:
    request = RequestFactory().get("/admin/x/", REMOTE_ADDR="203.0.113.9")
    user = _user(gym, "owner")
    user.is_superuser = True  # in memory only: the admin's own permission checks pass
    user.is_staff = True
    request.user = user
    return request


def test_the_admin_records_the_change_form_and_each_row_of_the_change_list(gym_a):
    admin = DisclosureAdmin(Disclosure, AdminSite())
    with in_gym(gym_a):
        first = _disclosure(gym_a)
        second = _disclosure(gym_a)
        request = _admin_request(gym_a)
        shown = admin.get_object(request, str(first.id))
        changelist = admin.get_changelist_instance(request)
        entries = list(AuditEntry.objects.filter(kind="access").order_by("seq"))
    assert shown is not None
    assert len(changelist.result_list) == 2
    assert [(e.action, e.object_type, e.object_id, e.purpose) for e in entries] == [
        ("admin_view", "medical_audit.disclosure", str(first.id), Purpose.SUPPORT.value),
        *sorted(
            [
                ("admin_list", "medical_audit.disclosure", str(d.id), Purpose.SUPPORT.value)
                for d in (first, second)
            ],
            key=lambda row: [str(d.pk) for d in changelist.result_list].index(row[2]),
        ),
    ]
    assert {(e.actor_id, e.ip_address, e.subject_id) for e in entries} == {
        (gym_a.people["owner"].id, "203.0.113.9", gym_a.people["member"].id)
    }


def test_the_admin_records_nothing_when_saving(gym_a):
    admin = DisclosureAdmin(Disclosure, AdminSite())
    with in_gym(gym_a):
        made = _disclosure(gym_a)
        request = RequestFactory().post("/admin/x/")
        request.user = _admin_request(gym_a).user
        assert admin.get_object(request, str(made.id)) is not None
        assert AuditEntry.objects.filter(kind="access").count() == 0
