"""Sessions and sets: start, log (idempotent), swap, finish; lists of sets and records; plates.

Who sees what: a member their own training; a trainer the members they coach; owners and admins
everyone in the gym (apps/workouts/live/access.py). Someone else's session answers 404.
Writes are narrower: the member or their coach (``may_write_member``); a viewer who may not
write gets 403.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.common.api.permissions import IsActiveGymMember, caller_id, current_role
from apps.common.tenancy import current_gym_id as gym_id
from apps.workouts import engine
from apps.workouts.api import serializers_live as s
from apps.workouts.live.access import may_see_restrictions, may_view_member, may_write_member
from apps.workouts.models import LoggedSet, PersonalRecord, SessionExercise, WorkoutSession
from apps.workouts.selectors import catalogue
from apps.workouts.selectors import sessions as selectors
from apps.workouts.services import sessions as services

MEMBER_PARAM = OpenApiParameter(
    "member", OpenApiTypes.UUID, description="Whose training (default: yours). Coaches: a client's id."
)


def visible_member(request: Request, member: UUID | str | None) -> UUID:
    """The member whose training the caller asked for: themself by default; someone else only
    when the caller may see them (otherwise 404, as if they did not exist)."""
    me = caller_id(request)
    if member in (None, ""):
        return me
    try:
        wanted = member if isinstance(member, UUID) else UUID(str(member))
    except ValueError:
        raise exceptions.ValidationError({"member": ["Must be a valid UUID."]}) from None
    if not may_view_member(
        gym_id=gym_id(request), viewer_id=me, viewer_role=str(current_role(request)), member_id=wanted
    ):
        raise exceptions.NotFound()
    return wanted


def writable_member(request: Request, member: UUID | str | None) -> UUID:
    """The member whose training the caller writes: 404 as ``visible_member`` when the caller may
    not see them, 403 when they may see but not write it (owners and admins)."""
    wanted = visible_member(request, member)
    if not may_write_member(
        gym_id=gym_id(request),
        writer_id=caller_id(request),
        writer_role=str(current_role(request)),
        member_id=wanted,
    ):
        raise exceptions.PermissionDenied("Only the member or their coach writes their training.")
    return wanted


def visible_session(request: Request, session_id: UUID | str) -> WorkoutSession:
    session = selectors.session_with_sets(session_id=session_id)
    if session is None:
        raise exceptions.NotFound()
    visible_member(request, session.member_id)
    return session


def _plain(value: Decimal | None) -> str:
    return str(engine.plain(value or Decimal(0)))


def session_data(session: WorkoutSession, unit: engine.Unit, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": session.pk,
        "member_id": session.member_id,
        "name": session.name,
        "status": session.status,
        "started_at": session.started_at,
        "finished_at": session.finished_at,
        "program_day": session.program_day_id,
        "unit": unit.value,
    }
    if not detail:
        data["set_count"] = getattr(session, "set_count", 0)
        data["volume_kg"] = _plain(getattr(session, "volume_kg", None))
        return data
    sets = list(session.sets.all())
    data["set_count"] = len(sets)
    data["volume_kg"] = _plain(engine.volume_load(services.performed(r) for r in sets))
    data["exercises"] = [exercise_data(e) for e in session.exercises.all()]
    data["sets"] = [services.set_payload(r, exercise_name=r.exercise.name, unit=unit) for r in sets]
    return data


def exercise_data(entry: SessionExercise) -> dict[str, Any]:
    label, rest = "", None
    if entry.prescription:
        try:
            prescription = engine.prescription_from_dict(entry.prescription)
            label = prescription.describe()
            rest = next((x.rest_seconds for x in prescription.sets if x.rest_seconds is not None), None)
        except engine.EngineError:
            label = ""
    return {
        "id": entry.pk,
        "order": entry.order,
        "exercise_id": entry.exercise_id,
        "exercise_name": entry.exercise.name,
        "equipment": entry.exercise.equipment,
        "swapped_from": entry.swapped_from.name if entry.swapped_from is not None else None,
        "swap_reason": entry.swap_reason,
        "prescription": label,
        "rest_seconds": rest,
    }


class SessionListView(generics.GenericAPIView):  # type: ignore[type-arg]
    """A member's sessions (newest first, paginated), or start one: ad hoc, or from a day of the
    member's active program (each exercise then carries its prescription)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutSessionSerializer
    queryset = WorkoutSession.objects.none()

    def get_queryset(self) -> QuerySet[WorkoutSession]:
        if getattr(self, "swagger_fake_view", False):
            return WorkoutSession.objects.none()
        member = visible_member(self.request, self.request.query_params.get("member"))
        return selectors.sessions_of_member(member_id=member)

    @extend_schema(parameters=[MEMBER_PARAM], responses=s.WorkoutSessionSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = self.get_queryset()
        member = visible_member(request, request.query_params.get("member"))
        unit = services.member_prefs(member_id=member).unit
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = s.WorkoutSessionSerializer([session_data(x, unit) for x in rows], many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=s.WorkoutSessionStartSerializer, responses={201: s.WorkoutSessionDetailSerializer})
    def post(self, request: Request) -> Response:
        body = s.WorkoutSessionStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = writable_member(request, body.validated_data.get("member"))
        session = services.session_start(
            member_id=member,
            started_by=caller_id(request),
            program_day_id=body.validated_data.get("program_day"),
            name=body.validated_data.get("name", ""),
        )
        return Response(self._detail(session.pk, member), status=status.HTTP_201_CREATED)

    def _detail(self, session_id: UUID, member: UUID) -> Any:
        session = selectors.session_with_sets(session_id=session_id)
        assert session is not None
        unit = services.member_prefs(member_id=member).unit
        return s.WorkoutSessionDetailSerializer(session_data(session, unit, detail=True)).data


class SessionDetailView(generics.GenericAPIView):  # type: ignore[type-arg]
    """One session with its exercises (what each prescribes) and its sets."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutSessionDetailSerializer
    queryset = WorkoutSession.objects.none()

    @extend_schema(responses=s.WorkoutSessionDetailSerializer)
    def get(self, request: Request, session_id: UUID) -> Response:
        session = visible_session(request, session_id)
        unit = services.member_prefs(member_id=session.member_id).unit
        return Response(s.WorkoutSessionDetailSerializer(session_data(session, unit, detail=True)).data)


def _load_kg(value: Decimal, unit: engine.Unit) -> Decimal:
    try:
        return engine.to_kg(value, unit)
    except (InvalidOperation, engine.EngineError):
        raise exceptions.ValidationError({"load": ["Must be a number."]}) from None


class SessionSetsView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Log a set. ``id`` is generated by the client: a retry with the same id answers 200 with
    the set logged the first time (201 the first time). Loads in the member's unit unless
    ``unit`` says otherwise."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutLogSetSerializer
    queryset = WorkoutSession.objects.none()

    @extend_schema(
        request=s.WorkoutLogSetSerializer,
        responses={201: s.WorkoutLoggedSetSerializer, 200: s.WorkoutLoggedSetSerializer},
    )
    def post(self, request: Request, session_id: UUID) -> Response:
        body = s.WorkoutLogSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = WorkoutSession.objects.filter(pk=session_id).only("id", "member_id").first()
        if session is None:
            raise exceptions.NotFound()
        writable_member(request, session.member_id)
        prefs = services.member_prefs(member_id=session.member_id)
        unit = engine.Unit(data["unit"]) if data.get("unit") else prefs.unit
        values = services.SetInput(
            reps=data["reps"],
            load_kg=_load_kg(data["load"], unit),
            rpe=data.get("rpe"),
            rir=data.get("rir"),
            note=data["note"],
            set_type=engine.SetType(data["set_type"]),
            performed_at=data.get("performed_at"),
        )
        logged = services.session_log_set(
            gym_id=gym_id(request),
            session_id=session.pk,
            set_id=data["id"],
            exercise_id=data["exercise"],
            values=values,
            session_exercise_id=data.get("session_exercise"),
            prefs=prefs,
        )
        row = logged.logged_set
        exercise_name = row.exercise.name
        adjustment = logged.adjustment
        out = {
            "set": services.set_payload(row, exercise_name=exercise_name, unit=prefs.unit),
            "created": logged.created,
            "records": [services.record_payload(r, exercise_name) for r in logged.records],
            "next_set": None
            if adjustment is None
            else {
                "load": str(engine.plain(adjustment.load)),
                "unit": logged.unit.value,
                "change": adjustment.change.value,
                "reason": adjustment.reason,
            },
        }
        code = status.HTTP_201_CREATED if logged.created else status.HTTP_200_OK
        return Response(s.WorkoutLoggedSetSerializer(out).data, status=code)


class SessionFinishView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Finish a session: progression moves on (each change with its reason), ``WorkoutCompleted``
    is published. Finishing twice is refused (400)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutFinishedSerializer
    queryset = WorkoutSession.objects.none()

    @extend_schema(request=None, responses=s.WorkoutFinishedSerializer)
    def post(self, request: Request, session_id: UUID) -> Response:
        session = WorkoutSession.objects.filter(pk=session_id).only("id", "member_id").first()
        if session is None:
            raise exceptions.NotFound()
        writable_member(request, session.member_id)
        finished = services.session_finish(gym_id=gym_id(request), session_id=session.pk)
        unit = services.member_prefs(member_id=session.member_id).unit
        data = session_data(finished.session, unit)
        data["set_count"], data["volume_kg"] = finished.sets, _plain(finished.volume_kg)
        changes = [
            {
                "exercise_id": c.exercise_id,
                "exercise_name": c.exercise_name,
                "change": c.change,
                "reason": c.reason,
            }
            for c in finished.changes
        ]
        return Response(s.WorkoutFinishedSerializer({"session": data, "changes": changes}).data)


EXERCISE_PARAM = OpenApiParameter("exercise", OpenApiTypes.UUID, description="Only this exercise.")


def _exercise_param(request: Request) -> UUID | None:
    raw = request.query_params.get("exercise")
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise exceptions.ValidationError({"exercise": ["Must be a valid UUID."]}) from None


class SetListView(generics.GenericAPIView):  # type: ignore[type-arg]
    """A member's logged sets, newest first (paginated; two queries whatever the page size)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutSetSerializer
    queryset = LoggedSet.objects.none()

    def get_queryset(self) -> QuerySet[LoggedSet]:
        if getattr(self, "swagger_fake_view", False):
            return LoggedSet.objects.none()
        member = visible_member(self.request, self.request.query_params.get("member"))
        return selectors.sets_of_member(member_id=member, exercise_id=_exercise_param(self.request))

    @extend_schema(parameters=[MEMBER_PARAM, EXERCISE_PARAM], responses=s.WorkoutSetSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = self.get_queryset()
        member = visible_member(request, request.query_params.get("member"))
        unit = services.member_prefs(member_id=member).unit
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = s.WorkoutSetSerializer(
            [services.set_payload(r, exercise_name=r.exercise.name, unit=unit) for r in rows], many=True
        ).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class RecordListView(generics.GenericAPIView):  # type: ignore[type-arg]
    """A member's personal records (e1RM, rep maxes, best set volume), newest first."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutRecordSerializer
    queryset = PersonalRecord.objects.none()

    def get_queryset(self) -> QuerySet[PersonalRecord]:
        if getattr(self, "swagger_fake_view", False):
            return PersonalRecord.objects.none()
        member = visible_member(self.request, self.request.query_params.get("member"))
        return selectors.records_of_member(member_id=member, exercise_id=_exercise_param(self.request))

    @extend_schema(parameters=[MEMBER_PARAM, EXERCISE_PARAM], responses=s.WorkoutRecordSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = page if page is not None else []
        data = s.WorkoutRecordSerializer(
            [services.record_payload(r, r.exercise.name) for r in rows], many=True
        ).data
        return self.get_paginated_response(data)


LOAD_PARAM = OpenApiParameter("load", OpenApiTypes.DECIMAL, required=True, description="Total load wanted.")
UNIT_PARAM = OpenApiParameter("unit", OpenApiTypes.STR, enum=s.UNITS, description="Unit of load (the gym's).")


class PlatesView(generics.GenericAPIView):  # type: ignore[type-arg]
    """The plate calculator: the loadable total nearest ``load`` on the gym's barbell with its
    plates, and the plates per side (the engine's breakdown)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutPlatesSerializer
    queryset = WorkoutSession.objects.none()

    @extend_schema(parameters=[LOAD_PARAM, UNIT_PARAM], responses=s.WorkoutPlatesSerializer)
    def get(self, request: Request) -> Response:
        setup = services.gym_setup()
        loading = services.barbell_loading(setup)
        raw = request.query_params.get("load", "")
        try:
            target = Decimal(raw)
        except InvalidOperation:
            raise exceptions.ValidationError({"load": ["Must be a number."]}) from None
        if not target.is_finite() or not Decimal(0) <= target <= Decimal(2000):
            raise exceptions.ValidationError({"load": ["Must be from 0 to 2000."]})
        unit_raw = request.query_params.get("unit") or loading.unit.value
        if unit_raw not in s.UNITS:
            raise exceptions.ValidationError({"unit": ["Must be kg or lb."]})
        wanted = engine.convert(target, engine.Unit(unit_raw), loading.unit)
        total = loading.round(wanted)
        breakdown = loading.breakdown(total)
        return Response(
            s.WorkoutPlatesSerializer(
                {
                    "target": str(engine.plain(wanted)),
                    "total": str(engine.plain(total)),
                    "unit": loading.unit.value,
                    "bar": str(engine.plain(loading.bar)),
                    "per_side": [{"size": str(p.size), "count": p.count} for p in breakdown.per_side],
                    "description": breakdown.describe(),
                }
            ).data
        )


SESSION_EXERCISE_PARAM = OpenApiParameter(
    "session_exercise", OpenApiTypes.INT, required=True, description="The session exercise to replace."
)


def _substitutes(request: Request, session: WorkoutSession, session_exercise_id: int) -> list[dict[str, Any]]:
    """Core's suggestions for this member (same primary muscle, equipment the gym has, nothing
    their restrictions exclude), each with its reason."""
    entry = (
        SessionExercise.objects.select_related("exercise")
        .filter(pk=session_exercise_id, session=session)
        .first()
    )
    if entry is None:
        raise exceptions.ValidationError({"session_exercise": ["Not an exercise of this session."]})
    offering = catalogue.offering(gym_id=gym_id(request), member_id=session.member_id)
    full = may_see_restrictions(
        gym_id=gym_id(request),
        viewer_id=caller_id(request),
        viewer_role=current_role(request),
        member_id=session.member_id,
    )
    return [
        {
            "exercise_id": sub.candidate.id,
            "name": sub.candidate.name,
            "equipment": sub.candidate.equipment,
            "reason": sub.reason if full else sub.plain_reason,
        }
        for sub in offering.substitutes_for(entry.exercise, limit=SUBSTITUTES)
    ]


SUBSTITUTES = 5


def _session_exercise_param(request: Request) -> int:
    raw = request.query_params.get("session_exercise", "")
    if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
        raise exceptions.ValidationError({"session_exercise": ["Must be a session exercise id."]})
    return int(raw)


class SessionSubstitutesView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Suggested substitutes for one exercise of the session, with why each was chosen."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutSubstituteSerializer
    queryset = WorkoutSession.objects.none()

    @extend_schema(parameters=[SESSION_EXERCISE_PARAM], responses=s.WorkoutSubstituteSerializer(many=True))
    def get(self, request: Request, session_id: UUID) -> Response:
        session = visible_session(request, session_id)
        return Response(
            s.WorkoutSubstituteSerializer(
                _substitutes(request, session, _session_exercise_param(request)), many=True
            ).data
        )


class SessionSwapView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Swap a session exercise for one of its suggested substitutes (anything else: 400)."""

    permission_classes = [IsActiveGymMember]
    serializer_class = s.WorkoutSwapSerializer
    queryset = WorkoutSession.objects.none()

    @extend_schema(request=s.WorkoutSwapSerializer, responses=s.WorkoutSessionExerciseSerializer)
    def post(self, request: Request, session_id: UUID) -> Response:
        body = s.WorkoutSwapSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = visible_session(request, session_id)
        writable_member(request, session.member_id)
        suggested = _substitutes(request, session, data["session_exercise"])
        entry = services.session_swap_exercise(
            session_id=session.pk,
            session_exercise_id=data["session_exercise"],
            exercise_id=data["exercise"],
            allowed=[x["exercise_id"] for x in suggested],
            reason=data["reason"]
            or next((x["reason"] for x in suggested if x["exercise_id"] == data["exercise"]), ""),
        )
        fresh = SessionExercise.objects.select_related("exercise", "swapped_from").get(pk=entry.pk)
        return Response(s.WorkoutSessionExerciseSerializer(exercise_data(fresh)).data)
