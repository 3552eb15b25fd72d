"""The exercise library (search, facets, restrictions applied), the gym's own exercises, tag
corrections, overrides, substitutes, the gym's training set-up and members' training profiles."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.pagination import PageNumberPagination
from apps.common.api.permissions import MANAGERS, IsActiveGymMember, caller_id, current_role
from apps.common.tenancy import current_gym_id as gym_id
from apps.workouts.api import serializers_core as s
from apps.workouts.live.access import may_see_restrictions
from apps.workouts.models import Exercise, RestrictionOverride
from apps.workouts.selectors import catalogue as selectors
from apps.workouts.services import catalogue as services
from apps.workouts.services.programs import can_manage_member

STAFF = frozenset({"owner", "admin", "trainer"})


def member_in_view(request: Request, member: UUID | None) -> UUID | None:
    """Whose view of the library this is: a member always their own; staff a member they may
    manage (404 otherwise, revealing nothing), or nobody's."""
    role, me = current_role(request), caller_id(request)
    if role not in STAFF:
        return me
    if member is None:
        return None
    if member == me or can_manage_member(gym_id=gym_id(request), role=role, actor_id=me, member_id=member):
        return member
    raise NotFound("No such member among the ones you coach.")


def restrictions_hidden(request: Request, member: UUID | None) -> bool:
    """Whether decisions about ``member`` are shown redacted to the caller: owners and admins see
    whether an exercise is offered, not the health data behind it (ADR 0012)."""
    if member is None:
        return False
    return not may_see_restrictions(
        gym_id=gym_id(request),
        viewer_id=caller_id(request),
        viewer_role=current_role(request),
        member_id=member,
    )


class ExercisePagination(PageNumberPagination):
    """Pages of exercises with the facet counts of the whole result, the search as run (typos
    corrected) and, in a member's view, how many exercises their restrictions excluded."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["facets"] = {
            "type": "object",
            "description": "Counts per muscle, equipment, pattern and level over the whole result.",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
        }
        out["properties"]["query"] = {"type": "string"}
        out["properties"]["excluded_by_restrictions"] = {"type": "integer", "nullable": True}
        out["required"] = [*out.get("required", []), "facets", "query", "excluded_by_restrictions"]
        return out


FACT_FIELDS = services.FACT_FIELDS
TAG_FIELDS = ("patterns", "positions", "joints", "impact", "variation_group")


class ExerciseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """The gym's exercise library: the catalogue and the gym's own exercises.

    A member sees what they are offered: hidden exercises, equipment the gym lacks and
    exercises their restrictions exclude are left out, and each result carries its decision
    (caps, reasons). Staff see the whole library, or a member's view with ``member=``.
    Owners and admins add the gym's own exercises, correct tags and hide or rename entries.
    """

    permission_classes = [IsActiveGymMember]
    serializer_class = s.ExerciseSerializer
    queryset = Exercise.objects.none()
    filter_backends: list[Any] = []
    pagination_class = ExercisePagination
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Exercise]:
        if getattr(self, "swagger_fake_view", False):
            return Exercise.objects.none()
        include_hidden = current_role(self.request) in MANAGERS
        return selectors.exercises(include_hidden=include_hidden).defer("search_vector")

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return s.ExerciseDetailSerializer
        return s.ExerciseSerializer

    def _require_manager(self) -> None:
        if current_role(self.request) not in MANAGERS:
            raise PermissionDenied("Only owners and admins change the gym's exercise library.")

    @extend_schema(parameters=[s.ExerciseQuerySerializer], responses=s.ExerciseSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = s.ExerciseQuerySerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        p = params.validated_data
        member = member_in_view(request, p.get("member"))
        include_hidden = p["include_hidden"] and current_role(request) in MANAGERS and member is None
        qs = selectors.exercises(include_hidden=include_hidden).defer("search_vector", "instructions")
        offering = None
        excluded = None
        if member is not None:
            offering = selectors.offering(gym_id=gym_id(request), member_id=member)
            qs = selectors.with_equipment(qs, offering.available_equipment)
            ids = offering.excluded_ids()
            excluded = len(ids)
            if ids:
                qs = qs.exclude(pk__in=ids)
        query = p.get("q", "")
        fixed = selectors.corrected(query) if query else ""
        qs = selectors.filtered(
            qs,
            muscle=p.get("muscle", ""),
            equipment=p.get("equipment", ""),
            pattern=p.get("pattern", ""),
            level=p.get("level", ""),
            category=p.get("category", ""),
            source=p.get("source", ""),
        )
        qs = selectors.search(qs, query, fixed=fixed) if query else qs.order_by("display_name", "id")
        page = self.paginate_queryset(qs)
        assert page is not None
        context = {"offering": offering, "redacted": restrictions_hidden(request, member)}
        data = s.ExerciseSerializer(page, many=True, context=context).data
        out = self.get_paginated_response(data).data
        out["facets"] = selectors.facets(qs)
        out["query"] = fixed
        out["excluded_by_restrictions"] = excluded
        return Response(out)

    @extend_schema(parameters=[OpenApiParameter("member", str, required=False)])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        member = member_in_view(request, _uuid_param(request, "member"))
        offering = None
        if member is not None:
            offering = selectors.offering(gym_id=gym_id(request), member_id=member)
            if not offering.decide(exercise).offered and current_role(request) not in STAFF:
                raise NotFound("This exercise is not offered to you.")
        context = {"offering": offering, "redacted": restrictions_hidden(request, member)}
        return Response(s.ExerciseDetailSerializer(exercise, context=context).data)

    @extend_schema(request=s.ExerciseWriteSerializer, responses={201: s.ExerciseDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_manager()
        data = s.ExerciseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        exercise = services.exercise_create(
            actor_id=caller_id(request),
            facts={k: v[k] for k in FACT_FIELDS if k in v},
            tag_values={k: v[k] for k in TAG_FIELDS if k in v},
        )
        out = selectors.exercise_get(exercise_id=exercise.id)
        return Response(s.ExerciseDetailSerializer(out).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ExerciseUpdateSerializer, responses=s.ExerciseDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        self._require_manager()
        data = s.ExerciseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            services.exercise_update(
                exercise=exercise,
                facts={k: v[k] for k in FACT_FIELDS if k in v},
                tag_values={k: v[k] for k in TAG_FIELDS if k in v},
            )
        except services.CatalogueFactError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(s.ExerciseDetailSerializer(selectors.exercise_get(exercise_id=exercise.id)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exercise = self.get_object()
        self._require_manager()
        try:
            services.exercise_delete(exercise=exercise)
        except (services.CatalogueFactError, services.ExerciseInUseError) as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.ExerciseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="reset-tags")
    def reset_tags(self, request: Request, pk: str | None = None) -> Response:
        """Derive every tag again from the exercise's facts, forgetting corrections."""
        exercise = self.get_object()
        self._require_manager()
        services.exercise_tags_reset(exercise=exercise)
        services.refresh_search_vectors(exercise_ids=[exercise.id])
        return Response(s.ExerciseDetailSerializer(selectors.exercise_get(exercise_id=exercise.id)).data)

    @extend_schema(request=s.OverrideSerializer, responses=s.ExerciseDetailSerializer)
    @action(detail=True, methods=["put", "delete"], url_path="override")
    def override(self, request: Request, pk: str | None = None) -> Response:
        """Hide the exercise from members or show it under another name (PUT); undo (DELETE)."""
        exercise = self.get_object()
        self._require_manager()
        if request.method == "DELETE":
            services.override_clear(exercise=exercise)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = s.OverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.override_set(
            exercise=exercise,
            actor_id=caller_id(request),
            hidden=data.validated_data["hidden"],
            name=data.validated_data["name"],
        )
        return Response(s.ExerciseDetailSerializer(selectors.exercise_get(exercise_id=exercise.id)).data)

    @extend_schema(
        parameters=[OpenApiParameter("member", str, required=False)],
        responses=s.SubstitutesSerializer,
    )
    @action(detail=True, methods=["get"])
    def substitutes(self, request: Request, pk: str | None = None) -> Response:
        """What could replace this exercise for a member (the caller, or ``member=`` for staff):
        the same primary muscle, equipment the gym has, none of the restricted tags."""
        exercise = self.get_object()
        member = member_in_view(request, _uuid_param(request, "member")) or caller_id(request)
        offering = selectors.offering(gym_id=gym_id(request), member_id=member)
        subs = offering.substitutes_for(exercise, limit=5)
        by_id = selectors.by_ids([x.candidate.id for x in subs])
        redacted = restrictions_hidden(request, member)
        return Response(
            {
                "decision": s.decision_data(offering.decide(exercise), redacted=redacted),
                "substitutes": [
                    {
                        "exercise": s.ExerciseSerializer(
                            by_id[x.candidate.id], context={"offering": offering, "redacted": redacted}
                        ).data,
                        "reason": x.plain_reason if redacted else x.reason,
                    }
                    for x in subs
                ],
            }
        )


def _uuid_param(request: Request, name: str) -> UUID | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError as exc:
        raise ValidationError({name: ["Must be a valid UUID."]}) from exc


class TrainingSetupView(generics.GenericAPIView):  # type: ignore[type-arg]
    """The gym's training set-up: unit, available equipment (null: everything) and how its
    barbells, dumbbells and machines load. Everyone reads it; owners and admins change it."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.SetupSerializer

    def get_queryset(self) -> Any:
        return Exercise.objects.none()

    def _out(self) -> dict[str, Any]:
        st = selectors.setup()
        return {
            "unit": st.unit,
            "available_equipment": None if st.available_equipment is None else list(st.available_equipment),
            "barbell_loading": st.barbell_loading,
            "dumbbell_loading": st.dumbbell_loading,
            "machine_loading": st.machine_loading,
        }

    def get(self, request: Request) -> Response:
        return Response(self._out())

    @extend_schema(request=s.SetupWriteSerializer, responses=s.SetupSerializer)
    def patch(self, request: Request) -> Response:
        if current_role(request) not in MANAGERS:
            raise PermissionDenied("Only owners and admins change the gym's training set-up.")
        data = s.SetupWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.setup_update(actor_id=caller_id(request), **data.validated_data)
        return Response(self._out())


class TrainingProfileView(generics.GenericAPIView):  # type: ignore[type-arg]
    """The caller's training profile: unit (kg or lb), e1RM formula, goal, experience, days per
    week and session length (recommendations start from it)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.ProfileSerializer

    def get_queryset(self) -> Any:
        return Exercise.objects.none()

    def get(self, request: Request) -> Response:
        return Response(s.ProfileSerializer(selectors.profile_of(member_id=caller_id(request))).data)

    @extend_schema(request=s.ProfileWriteSerializer, responses=s.ProfileSerializer)
    def patch(self, request: Request) -> Response:
        data = s.ProfileWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.profile_update(member_id=caller_id(request), **data.validated_data)
        return Response(s.ProfileSerializer(row).data)


class RestrictionOverrideViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Overrides of a restriction for one exercise and one member, with the reason: made by the
    member's coach or a clinician, stored, audited by the medical context, revocable."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.RestrictionOverrideSerializer
    queryset = RestrictionOverride.objects.none()
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[RestrictionOverride]:
        if getattr(self, "swagger_fake_view", False):
            return RestrictionOverride.objects.none()
        role, me = current_role(self.request), caller_id(self.request)
        qs = RestrictionOverride.objects.all()
        if role in MANAGERS or role == "clinician":
            return qs
        if role == "trainer":
            from apps.organizations.facade import api as organizations

            return qs.filter(
                member_id__in=organizations.clients_of(gym_id=gym_id(self.request), trainer_id=me)
            )
        return qs.filter(member_id=me)

    def _require_overrider(self, member_id: UUID) -> str:
        role, me = current_role(self.request), caller_id(self.request)
        if role == "clinician":
            return role
        if role == "trainer" and can_manage_member(
            gym_id=gym_id(self.request), role=role, actor_id=me, member_id=member_id
        ):
            return role
        raise PermissionDenied("Only the member's coach or a clinician overrides a restriction.")

    @extend_schema(request=s.OverrideCreateSerializer, responses={201: s.RestrictionOverrideSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.OverrideCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        role = self._require_overrider(v["member_id"])
        exercise = selectors.exercises(include_hidden=True).filter(pk=v["exercise_id"]).first()
        if exercise is None:
            raise ValidationError({"exercise_id": ["No such exercise in this gym."]})
        try:
            row = services.restriction_override_create(
                gym_id=gym_id(request),
                member_id=v["member_id"],
                exercise=exercise,
                restriction_id=v["restriction_id"],
                reason=v["reason"],
                actor_id=caller_id(request),
                actor_role=role,
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response(s.RestrictionOverrideSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.RestrictionOverrideSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        self._require_overrider(row.member_id)
        services.restriction_override_revoke(override=row, actor_id=caller_id(request))
        return Response(s.RestrictionOverrideSerializer(row).data)
