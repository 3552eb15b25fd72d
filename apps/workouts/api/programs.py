"""Programs (templates and members' programs), assignment, preview, assignments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import IsActiveGymMember, caller_id, current_role
from apps.common.tenancy import current_gym_id as gym_id
from apps.workouts import engine
from apps.workouts.api import serializers_core as s
from apps.workouts.api.catalogue import restrictions_hidden
from apps.workouts.models import Program, ProgramAssignment
from apps.workouts.selectors import catalogue as catalogue_selectors
from apps.workouts.selectors import programs as selectors
from apps.workouts.services import programs as services


def validation(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    )


def structure(program: Program, offering: Any = None, *, redacted: bool = False) -> list[dict[str, Any]]:
    """A loaded program's weeks as plain data; with ``offering``, each exercise's decision for
    the program's member (an exercise a new restriction excludes shows as excluded). With
    ``redacted`` (owners and admins), decisions say only offered or not and caps are left out."""
    out = []
    for w in program.weeks.all():
        days = []
        for d in w.days.all():
            slots = []
            for sl in d.slots.all():
                items = list(sl.exercises.all())
                slots.append(
                    {
                        "order": sl.order,
                        "note": sl.note,
                        "superset": len(items) > 1,
                        "exercises": [
                            {
                                "exercise_id": e.exercise_id,
                                "exercise_name": (
                                    e.exercise.override.name
                                    if hasattr(e.exercise, "override") and e.exercise.override.name
                                    else e.exercise.name
                                ),
                                "progression_key": e.progression_key,
                                "scheme": e.scheme,
                                "start": e.start,
                                "reason": e.reason,
                                "cap_load_kg": None if redacted else e.cap_load_kg,
                                "cap_rpe": None if redacted else e.cap_rpe,
                                "sets": [
                                    {
                                        "set_type": x.set_type,
                                        "reps_low": x.reps_low,
                                        "reps_high": x.reps_high,
                                        "load_basis": x.load_basis,
                                        "load_value": x.load_value,
                                        "rest_seconds": x.rest_seconds,
                                    }
                                    for x in e.sets.all()
                                ],
                                "decision": None
                                if offering is None
                                else s.decision_data(offering.decide(e.exercise), redacted=redacted),
                            }
                            for e in items
                        ],
                    }
                )
            days.append({"number": d.number, "name": d.name, "slots": slots})
        out.append({"number": w.number, "note": w.note, "days": days})
    return out


def preview_data(preview: engine.Preview, unit: str) -> dict[str, Any]:
    weeks: dict[int, list[dict[str, Any]]] = {}
    for day in preview.days:
        weeks.setdefault(day.week, []).append(
            {
                "day": day.day,
                "name": day.name,
                "items": [
                    {
                        "slot": item.slot,
                        "key": item.key,
                        "exercise": item.exercise,
                        "superset": item.superset,
                        "prescription": engine.prescription_to_dict(item.prescription),
                        "describe": item.prescription.describe(),
                        "change": str(item.change),
                        "reason": item.reason,
                    }
                    for item in day.items
                ],
            }
        )
    return {"unit": unit, "weeks": [{"week": w, "days": days} for w, days in sorted(weeks.items())]}


class ProgramViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Programs: program -> weeks -> days -> slots (several exercises: a superset) -> sets.

    Staff see the gym's templates; owners and admins every member's program, a trainer those of
    the members they coach, a member their own (drafts stay with staff until assigned). A
    program is written whole (POST, PUT); a program for a member is checked against their
    restrictions on every write.
    """

    permission_classes = [IsActiveGymMember]
    serializer_class = s.ProgramSerializer
    queryset = Program.objects.none()
    filterset_fields = ["is_template", "member_id", "status", "source"]
    ordering_fields = ["created_at", "name"]
    search_fields = ["name"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Program]:
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return selectors.programs_visible(
            gym_id=gym_id(self.request), role=current_role(self.request), user_id=caller_id(self.request)
        )

    def _detail(self, program: Program) -> dict[str, Any]:
        full = selectors.program_full(program_id=program.pk)
        offering = None
        redacted = False
        if full.member_id is not None:
            offering = catalogue_selectors.offering(gym_id=gym_id(self.request), member_id=full.member_id)
            redacted = restrictions_hidden(self.request, full.member_id)
        full.structure = structure(full, offering, redacted=redacted)  # type: ignore[attr-defined]
        return s.ProgramDetailSerializer(full).data  # type: ignore[return-value]

    @extend_schema(responses=s.ProgramDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    @extend_schema(request=s.ProgramWriteSerializer, responses={201: s.ProgramDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = request.data if isinstance(request.data, dict) else None
        if body is None:
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
        data = dict(body)
        is_template = data.pop("is_template", False)
        member_raw = data.pop("member_id", None)
        status_value = data.pop("status", "ready")
        source = data.pop("source", "manual")
        if not isinstance(is_template, bool):
            raise ValidationError({"is_template": ["Must be true or false."]})
        if status_value not in ("draft", "ready"):
            raise ValidationError({"status": ['Use "draft" or "ready".']})
        if source not in ("manual", "plugin"):
            raise ValidationError({"source": ['Use "manual" or "plugin".']})
        member = None
        if member_raw is not None:
            member = s.AssignSerializer(data={"member_id": member_raw})
            member.is_valid(raise_exception=True)
        try:
            program = services.program_create(
                gym_id=gym_id(request),
                data=data,
                actor_id=caller_id(request),
                actor_role=current_role(request),
                member_id=None if member is None else member.validated_data["member_id"],
                is_template=is_template,
                status=status_value,
                source=source,
            )
        except services.ProgramDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise validation(exc) from exc
        return Response(self._detail(program), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProgramWriteSerializer, responses=s.ProgramDetailSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        body = request.data if isinstance(request.data, dict) else None
        if body is None:
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
        data = {k: v for k, v in body.items() if k not in ("is_template", "member_id", "status", "source")}
        try:
            services.program_replace(
                gym_id=gym_id(request),
                program=program,
                data=data,
                actor_id=caller_id(request),
                actor_role=current_role(request),
            )
        except services.ProgramDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise validation(exc) from exc
        return Response(self._detail(program))

    @extend_schema(request=s.ProgramPatchSerializer, responses=s.ProgramSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        data = s.ProgramPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.program_update(
                gym_id=gym_id(request),
                program=program,
                actor_id=caller_id(request),
                actor_role=current_role(request),
                **data.validated_data,
            )
        except services.ProgramDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(s.ProgramSerializer(program).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        try:
            services.program_delete(
                gym_id=gym_id(request),
                program=program,
                actor_id=caller_id(request),
                actor_role=current_role(request),
            )
        except services.ProgramDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise validation(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.AssignSerializer, responses={201: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign to a member (a template is copied for them). Refused, naming substitutes, when
        the member's restrictions exclude one of its exercises."""
        program = self.get_object()
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assignment = services.program_assign(
                gym_id=gym_id(request),
                program=program,
                member_id=data.validated_data["member_id"],
                actor_id=caller_id(request),
                actor_role=current_role(request),
                starts_on=data.validated_data.get("starts_on"),
                note=data.validated_data["note"],
            )
        except services.ProgramDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise validation(exc) from exc
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[s.PreviewQuerySerializer], responses=s.PreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """What each week prescribes once progression applies (every session assumed done as
        prescribed); the program's weeks repeat up to ``weeks``."""
        program = self.get_object()
        params = s.PreviewQuerySerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        full = selectors.program_full(program_id=program.pk)
        try:
            result = services.program_preview(program=full, weeks=params.validated_data.get("weeks"))
        except DjangoValidationError as exc:
            raise validation(exc) from exc
        except engine.EngineError as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(preview_data(result, full.unit))


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Who follows which program: owners and admins see all, a trainer their clients', a member
    their own."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.AssignmentSerializer
    queryset = ProgramAssignment.objects.none()
    filterset_fields = ["member_id", "active"]
    ordering_fields = ["assigned_at"]

    def get_queryset(self) -> QuerySet[ProgramAssignment]:
        if getattr(self, "swagger_fake_view", False):
            return ProgramAssignment.objects.none()
        return selectors.assignments_visible(
            gym_id=gym_id(self.request), role=current_role(self.request), user_id=caller_id(self.request)
        )

    @extend_schema(request=None, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        try:
            services.assignment_end(
                gym_id=gym_id(request),
                assignment=assignment,
                actor_id=caller_id(request),
                actor_role=current_role(request),
            )
        except services.ProgramDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(s.AssignmentSerializer(assignment).data)
