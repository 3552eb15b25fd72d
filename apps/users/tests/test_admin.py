"""Staff actions in the admin that end a person's sessions and tokens (SECURITY.md 18)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from apps.users.facade.testing import totp_enrol
from apps.users.models import ApiToken, SecurityEvent, TotpDevice, User
from apps.users.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    admin = User.objects.create_superuser("staff@platform.test", "a-long-staff-password-1")
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    client.force_login(admin)
    return client


def test_deactivating_in_the_admin_ends_sessions_and_tokens(gym_a, api_for, staff):
    person = gym_a.people["member"]
    session = api_for(gym_a, "member")
    token_create(user_id=person.id, gym_id=gym_a.id, name="t")
    user = User.objects.get(pk=person.id)
    response = staff.post(
        f"/admin/users/user/{person.id}/change/",
        {
            "email": user.email,
            "full_name": user.full_name,
            "is_active": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=person.id).is_active is False
    assert session.get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.filter(user_id=person.id, revoked_at__isnull=True).count() == 0
    assert (
        SecurityEvent.objects.get(subject_id=person.id, kind="sessions_ended").detail["reason"]
        == "deactivated"
    )


def test_staff_remove_a_lost_authenticator_and_the_persons_sessions_end(gym_a, api_for, staff):
    person = gym_a.people["clinician"]
    totp_enrol(user_id=person.id)
    session = api_for(gym_a, "clinician")
    device = TotpDevice.objects.get(user_id=person.id)
    page = staff.get(f"/admin/users/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    response = staff.post(f"/admin/users/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert TotpDevice.objects.filter(user_id=person.id).count() == 0
    assert session.get("/api/v1/me/").status_code == 401
