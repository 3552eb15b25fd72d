"""Reads of the organizations context."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from apps.organizations.facade.contracts import MembershipStatus
from apps.organizations.models import CoachingAssignment, Gym, Membership


def gym_get(*, gym_id: int) -> Gym:
    gym: Gym = Gym.objects.get(pk=gym_id)
    return gym


def memberships_of_gym(*, gym_id: int) -> QuerySet[Membership]:
    """Every membership of one gym, people joined in (one query)."""
    return Membership.objects.filter(gym_id=gym_id).select_related("user").order_by("joined_at", "id")


def membership_active(*, gym_id: int, user_id: UUID) -> Membership | None:
    return (
        Membership.objects.select_related("gym")
        .filter(gym_id=gym_id, user_id=user_id, status=MembershipStatus.ACTIVE.value)
        .first()
    )


def memberships_of_user(*, user_id: UUID) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user_id).select_related("gym").order_by("gym__name")


def coaching_of_gym(*, gym_id: int) -> QuerySet[CoachingAssignment]:
    """Assignments in one gym whose trainer and client are both still active members."""
    active = Membership.objects.filter(gym_id=gym_id, status=MembershipStatus.ACTIVE.value)
    return (
        CoachingAssignment.objects.filter(gym_id=gym_id)
        .filter(trainer_id__in=active.filter(role="trainer").values("user_id"))
        .filter(client_id__in=active.values("user_id"))
        .order_by("assigned_at", "id")
    )
