"""Health data under the users context's session and token rules (cross-context: the medical
API with the re-authentication clock and personal API tokens)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.medical.audit.api import entries_of_subject
from apps.medical.tests.isolation_ids import in_gym
from apps.users import session_state
from apps.users.services import token_create
from conftest import PASSWORD, body

pytestmark = pytest.mark.django_db


def test_export_window_is_shorter_in_hipaa_mode(gym_a: Any, api_for: Any, monkeypatch: Any) -> None:
    me = api_for(gym_a, "member")
    assert me.post("/api/v1/auth/reauth/", {"password": PASSWORD}, format="json").status_code == 200
    start = session_state.now()
    monkeypatch.setattr(session_state, "now", lambda: start + 120)
    assert me.get("/api/v1/medical/me/export/json/").status_code == 200
    owner = api_for(gym_a, "owner")
    assert (
        owner.put("/api/v1/gym/hipaa/", {"enabled": True, "accept_baa": True}, format="json").status_code
        == 200
    )
    r = me.get("/api/v1/medical/me/export/json/")
    assert r.status_code == 403
    assert body(r)["error"]["message"].startswith(
        "Confirm your password (and MFA code) again before exporting"
    )


def test_token_callers_are_audited_as_tokens_and_cannot_export(gym_a: Any) -> None:
    member = gym_a.people["member"].id
    _, trainer_token = token_create(
        user_id=gym_a.people["trainer"].id, gym_id=gym_a.id, name="t", mfa_verified=True
    )
    _, member_token = token_create(user_id=member, gym_id=gym_a.id, name="m")
    trainer = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {trainer_token}")
    me = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {member_token}")
    r = me.post(f"/api/v1/medical/members/{member}/medications/", {"text": "Inhaler"}, format="json")
    assert r.status_code == 201
    assert trainer.get(f"/api/v1/medical/members/{member}/summary/").status_code == 200
    assert me.get(f"/api/v1/medical/members/{member}/record/").status_code == 200
    assert me.get("/api/v1/medical/me/export/json/").status_code == 403
    with in_gym(gym_a):
        reads = [(e.actor_id, e.via) for e in entries_of_subject(subject_id=member) if e.kind == "access"]
    assert reads == [(member, "token")]  # the record's one row; the summary had no rows to read
