"""Reads of the users context."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from apps.users.models import ApiToken, User


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def tokens_of_user(*, user_id: UUID, gym_id: int) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user_id, gym_id=gym_id).order_by("-created_at")
