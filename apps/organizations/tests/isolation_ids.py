"""Cross-gym isolation tables for the organizations API (see tests/isolation/test_cross_gym.py)."""

from __future__ import annotations

from typing import Any

from apps.organizations.models import CoachingAssignment, Gym, Membership

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/api/v1/gym/"): {"name": "Taken over"},
    ("PUT", "/api/v1/gym/hipaa/"): {"enabled": True, "accept_baa": True},
    ("POST", "/api/v1/members/"): {"email": "intruder@example.test", "role": "owner"},
    ("PATCH", "/api/v1/members/{id}/"): {"role": "member"},
    ("POST", "/api/v1/coaching/"): {},
    ("POST", "/api/v1/auth/session/"): {"email": "owner-b@example.test", "password": "x"},
}


def b_only_urls(world: Any) -> dict[str, str]:
    both_in_b = Membership.objects.get(gym_id=world.b.id, user__email="both@example.test")
    coaching_b = CoachingAssignment.objects.filter(gym_id=world.b.id).first()
    assert coaching_b is not None
    return {
        "/api/v1/members/{id}/": f"/api/v1/members/{both_in_b.pk}/",
        "/api/v1/coaching/{id}/": f"/api/v1/coaching/{coaching_b.pk}/",
    }


def snapshot_b(world: Any) -> tuple[Any, ...]:
    gym_b = Gym.objects.get(pk=world.b.id)
    return (
        gym_b.name,
        gym_b.hipaa_mode,
        sorted(Membership.objects.filter(gym_id=world.b.id).values_list("user__email", "role", "status")),
        sorted(CoachingAssignment.objects.filter(gym_id=world.b.id).values_list("trainer_id", "client_id")),
    )
