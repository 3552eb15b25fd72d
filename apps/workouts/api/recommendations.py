"""Recommended program drafts for a member, built deterministically with a reason per choice."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import IsActiveGymMember, caller_id, current_role
from apps.common.tenancy import current_gym_id as gym_id
from apps.workouts.api import serializers_core as s
from apps.workouts.api.programs import ProgramViewSet, validation
from apps.workouts.models import Program
from apps.workouts.services import programs, recommendations


class RecommendationView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Build a program draft for a member (their coach, an admin or an owner asks) from the
    member's goal, experience, days per week and session length (the request's values, else the
    member's training profile), the gym's equipment and the member's restrictions. The draft is
    saved as the member's program with status ``draft``: review it, edit it (PUT
    /programs/{id}/), then assign it (POST /programs/{id}/assign/)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.RecommendationRequestSerializer

    def get_queryset(self) -> QuerySet[Program]:
        return Program.objects.none()

    @extend_schema(request=s.RecommendationRequestSerializer, responses={201: s.ProgramDetailSerializer})
    def post(self, request: Request) -> Response:
        data = s.RecommendationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        inputs = recommendations.inputs_for(
            member_id=v["member_id"],
            goal=v.get("goal"),
            experience=v.get("experience"),
            days_per_week=v.get("days_per_week"),
            session_minutes=v.get("session_minutes"),
            weeks=v["weeks"],
        )
        try:
            program = recommendations.recommendation_draft_create(
                gym_id=gym_id(request),
                inputs=inputs,
                actor_id=caller_id(request),
                actor_role=current_role(request),
            )
        except programs.ProgramDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise validation(exc) from exc
        view = ProgramViewSet()
        view.request = request
        return Response(view._detail(program), status=status.HTTP_201_CREATED)
