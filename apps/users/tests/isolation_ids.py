"""Cross-gym isolation tables for the users API (see tests/isolation/test_cross_gym.py)."""

from __future__ import annotations

from typing import Any

from apps.users.models import ApiToken
from apps.users.services import token_create

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/tokens/"): {"name": "intruder"},
    ("PATCH", "/api/v1/me/"): {"email": "intruder@example.test"},
    ("POST", "/api/v1/auth/password/"): {
        "current_password": "correct-horse-battery-staple-42",
        "new_password": "an-intruders-new-password-42",
    },
    ("POST", "/api/v1/auth/reauth/"): {"password": "correct-horse-battery-staple-42"},
    ("POST", "/api/v1/auth/mfa/verify/"): {"code": "123456"},
    ("POST", "/api/v1/me/mfa/totp/"): {},
    ("POST", "/api/v1/me/mfa/totp/confirm/"): {"code": "123456"},
    ("POST", "/api/v1/me/mfa/recovery-codes/"): {},
}


def b_only_urls(world: Any) -> dict[str, str]:
    token, _ = token_create(user_id=world.b.people["owner"].id, gym_id=world.b.id, name="b-only")
    return {"/api/v1/tokens/{id}/": f"/api/v1/tokens/{token.pk}/"}


def snapshot_b(world: Any) -> list[Any]:
    return sorted(ApiToken.objects.filter(gym_id=world.b.id).values_list("prefix", "revoked_at"))
