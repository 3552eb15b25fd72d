"""A member's progress: e1RM trend per exercise, weekly volume, hard sets per muscle against
the landmarks, adherence, latest records (four queries whatever the history holds)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import IsActiveGymMember
from apps.workouts.api.sessions import EXERCISE_PARAM, MEMBER_PARAM, _exercise_param, visible_member
from apps.workouts.models import LoggedSet
from apps.workouts.services import metrics

WEEKS_PARAM = OpenApiParameter(
    "weeks", OpenApiTypes.INT, description="How many weeks back (1-52, default 8)."
)


class ProgressView(generics.GenericAPIView):  # type: ignore[type-arg]
    permission_classes = [IsActiveGymMember]
    queryset = LoggedSet.objects.none()

    @extend_schema(parameters=[MEMBER_PARAM, EXERCISE_PARAM, WEEKS_PARAM], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        member = visible_member(request, request.query_params.get("member"))
        raw = request.query_params.get("weeks", "8")
        if not raw.isdigit() or not 1 <= int(raw) <= metrics.MAX_WEEKS:
            raise exceptions.ValidationError(
                {"weeks": [f"Must be a whole number from 1 to {metrics.MAX_WEEKS}."]}
            )
        return Response(
            metrics.progress(member_id=member, weeks=int(raw), exercise_id=_exercise_param(request))
        )
