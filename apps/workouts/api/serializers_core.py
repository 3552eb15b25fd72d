"""Serializers of the catalogue, programs, set-up, profiles and recommendations."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from apps.common.api.serializers import StrictSerializer
from apps.common.health import BodyRegion, ImpactLevel, MovementPattern, Position
from apps.workouts import engine
from apps.workouts.facade.contracts import (
    Equipment,
    ExerciseCategory,
    Experience,
    Force,
    Goal,
    Level,
    MechanicKind,
    Muscle,
    ProgramSource,
    ProgramStatus,
)
from apps.workouts.models import (
    Exercise,
    GymTrainingSetup,
    MemberTrainingProfile,
    Program,
    ProgramAssignment,
    RestrictionOverride,
)


def _values(enum: Any) -> list[str]:
    return [m.value for m in enum]


MUSCLES = _values(Muscle)
EQUIPMENT = _values(Equipment)
PATTERNS = _values(MovementPattern)
LEVELS = _values(Level)
CATEGORIES = _values(ExerciseCategory)


class DecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    verdict = serializers.ChoiceField(choices=["allow", "limit", "cap", "exclude"])
    reasons = serializers.ListField(child=serializers.CharField())
    restriction_ids = serializers.ListField(child=serializers.UUIDField())
    overridden = serializers.ListField(child=serializers.UUIDField())
    cap_load_kg = serializers.DecimalField(max_digits=8, decimal_places=3, allow_null=True)
    cap_rpe = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    redacted = serializers.BooleanField(
        help_text="True for owners and admins: only whether the exercise is offered (allow or "
        "exclude), without reasons, restrictions or caps (health data, ADR 0012)."
    )


def decision_data(decision: Any, *, redacted: bool = False) -> dict[str, Any]:
    """A decision as JSON; ``redacted`` keeps only whether the exercise is offered."""
    if redacted:
        return {
            "verdict": "allow" if decision.offered else "exclude",
            "reasons": [],
            "restriction_ids": [],
            "overridden": [],
            "cap_load_kg": None,
            "cap_rpe": None,
            "redacted": True,
        }
    return {
        "verdict": str(decision.verdict),
        "reasons": list(decision.reasons),
        "restriction_ids": [str(r) for r in decision.restriction_ids],
        "overridden": [str(r) for r in decision.overridden],
        "cap_load_kg": decision.cap_load_kg,
        "cap_rpe": decision.cap_rpe,
        "redacted": False,
    }


class TagsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    patterns = serializers.ListField(child=serializers.CharField())
    positions = serializers.ListField(child=serializers.CharField())
    joints = serializers.ListField(child=serializers.CharField())
    impact = serializers.CharField()
    variation_group = serializers.CharField()
    edited = serializers.ListField(child=serializers.CharField(), source="tags_edited")


class ExerciseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    name = serializers.SerializerMethodField()
    original_name = serializers.CharField(source="name", read_only=True)
    hidden = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    mechanic = serializers.ChoiceField(choices=[*_values(MechanicKind), ""], read_only=True)
    force = serializers.ChoiceField(choices=[*_values(Force), ""], read_only=True)
    equipment = serializers.ChoiceField(choices=[*EQUIPMENT, ""], read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "source",
            "name",
            "original_name",
            "category",
            "level",
            "mechanic",
            "force",
            "equipment",
            "primary_muscles",
            "secondary_muscles",
            "tags",
            "hidden",
            "decision",
        ]
        read_only_fields = fields

    def get_name(self, obj: Exercise) -> str:
        return str(getattr(obj, "display_name", None) or obj.name)

    def get_hidden(self, obj: Exercise) -> bool:
        override = getattr(obj, "override", None) if hasattr(obj, "override") else None
        return bool(override and override.hidden)

    @extend_schema_field(TagsSerializer)
    def get_tags(self, obj: Exercise) -> dict[str, Any]:
        return TagsSerializer(obj).data  # type: ignore[return-value]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj: Exercise) -> dict[str, Any] | None:
        offering = self.context.get("offering")
        if offering is None:
            return None
        return decision_data(offering.decide(obj), redacted=bool(self.context.get("redacted")))


class ExerciseDetailSerializer(ExerciseSerializer):
    class Meta(ExerciseSerializer.Meta):
        fields = [*ExerciseSerializer.Meta.fields, "instructions"]
        read_only_fields = fields


class ExerciseQuerySerializer(StrictSerializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    muscle = serializers.ChoiceField(choices=MUSCLES, required=False)
    equipment = serializers.ChoiceField(choices=EQUIPMENT, required=False)
    pattern = serializers.ChoiceField(choices=PATTERNS, required=False)
    level = serializers.ChoiceField(choices=LEVELS, required=False)
    category = serializers.ChoiceField(choices=CATEGORIES, required=False)
    source = serializers.ChoiceField(choices=["catalogue", "gym"], required=False)  # type: ignore[assignment]
    member = serializers.UUIDField(
        required=False, help_text="Staff: the library as offered to this member (restrictions applied)."
    )
    include_hidden = serializers.BooleanField(required=False, default=False)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class TagWriteSerializer(StrictSerializer):
    patterns = serializers.ListField(
        child=serializers.ChoiceField(choices=PATTERNS), required=False, max_length=6
    )
    positions = serializers.ListField(
        child=serializers.ChoiceField(choices=_values(Position)), required=False, max_length=6
    )
    joints = serializers.ListField(
        child=serializers.ChoiceField(choices=_values(BodyRegion)), required=False, max_length=11
    )
    impact = serializers.ChoiceField(choices=_values(ImpactLevel), required=False)
    variation_group = serializers.RegexField(r"^[a-z_]+:[a-z_]+$", max_length=60, required=False)


class ExerciseWriteSerializer(TagWriteSerializer):
    name = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=CATEGORIES)
    level = serializers.ChoiceField(choices=LEVELS, default=Level.BEGINNER.value)
    mechanic = serializers.ChoiceField(choices=[*_values(MechanicKind), ""], default="")
    force = serializers.ChoiceField(choices=[*_values(Force), ""], default="")
    equipment = serializers.ChoiceField(choices=[*EQUIPMENT, ""], default="")
    primary_muscles = serializers.ListField(
        child=serializers.ChoiceField(choices=MUSCLES), min_length=1, max_length=5
    )
    secondary_muscles = serializers.ListField(
        child=serializers.ChoiceField(choices=MUSCLES), default=list, max_length=8
    )
    instructions = serializers.ListField(
        child=serializers.CharField(max_length=1000), default=list, max_length=20
    )


class ExerciseUpdateSerializer(ExerciseWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False
            f.default = empty  # a partial update changes only what it names


class OverrideSerializer(StrictSerializer):
    hidden = serializers.BooleanField(default=False)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class SubstituteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    exercise = ExerciseSerializer()
    reason = serializers.CharField()


class SubstitutesSerializer(serializers.Serializer):  # type: ignore[type-arg]
    decision = DecisionSerializer()
    substitutes = SubstituteSerializer(many=True)


def _loading_field(value: Any) -> dict[str, Any]:
    if value in (None, {}):
        return {}
    try:
        return engine.loading_to_dict(engine.loading_from_dict(value, "loading"))
    except engine.EngineError as exc:
        raise serializers.ValidationError(str(exc)) from exc


class SetupSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = GymTrainingSetup
        fields = ["unit", "available_equipment", "barbell_loading", "dumbbell_loading", "machine_loading"]


class SetupWriteSerializer(StrictSerializer):
    unit = serializers.ChoiceField(choices=["kg", "lb"], required=False)
    available_equipment = serializers.ListField(
        child=serializers.ChoiceField(choices=EQUIPMENT), allow_null=True, required=False
    )
    barbell_loading = serializers.JSONField(required=False)
    dumbbell_loading = serializers.JSONField(required=False)
    machine_loading = serializers.JSONField(required=False)

    def validate_barbell_loading(self, value: Any) -> dict[str, Any]:
        return _loading_field(value)

    def validate_dumbbell_loading(self, value: Any) -> dict[str, Any]:
        return _loading_field(value)

    def validate_machine_loading(self, value: Any) -> dict[str, Any]:
        return _loading_field(value)


class ProfileSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = MemberTrainingProfile
        fields = [
            "member_id",
            "unit",
            "e1rm_formula",
            "goal",
            "experience",
            "days_per_week",
            "session_minutes",
        ]
        read_only_fields = ["member_id"]


class ProfileWriteSerializer(StrictSerializer):
    unit = serializers.ChoiceField(choices=["kg", "lb"], required=False)
    e1rm_formula = serializers.ChoiceField(choices=[f.value for f in engine.Formula], required=False)
    goal = serializers.ChoiceField(choices=_values(Goal), required=False)
    experience = serializers.ChoiceField(choices=_values(Experience), required=False)
    days_per_week = serializers.IntegerField(min_value=1, max_value=7, required=False)
    session_minutes = serializers.IntegerField(min_value=15, max_value=240, required=False)


class PrescribedSetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    set_type = serializers.CharField()
    reps_low = serializers.IntegerField()
    reps_high = serializers.IntegerField()
    load_basis = serializers.CharField()
    load_value = serializers.DecimalField(max_digits=8, decimal_places=3)
    rest_seconds = serializers.IntegerField(allow_null=True)


class SlotExerciseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    exercise_id = serializers.UUIDField()
    exercise_name = serializers.CharField()
    progression_key = serializers.CharField()
    scheme = serializers.JSONField()
    start = serializers.JSONField()
    reason = serializers.CharField()
    cap_load_kg = serializers.DecimalField(max_digits=8, decimal_places=3, allow_null=True)
    cap_rpe = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    sets = PrescribedSetSerializer(many=True)
    decision = DecisionSerializer(allow_null=True)


class SlotSerializer(serializers.Serializer):  # type: ignore[type-arg]
    order = serializers.IntegerField()
    note = serializers.CharField()
    superset = serializers.BooleanField()
    exercises = SlotExerciseSerializer(many=True)


class DaySerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField()
    name = serializers.CharField()
    slots = SlotSerializer(many=True)


class WeekSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField()
    note = serializers.CharField()
    days = DaySerializer(many=True)


class ProgramSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "description",
            "is_template",
            "member_id",
            "status",
            "source",
            "goal",
            "unit",
            "template",
            "deload",
            "reasons",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProgramDetailSerializer(ProgramSerializer):
    weeks = WeekSerializer(many=True, read_only=True, source="structure")

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "weeks"]
        read_only_fields = fields


class ProgramWriteSerializer(StrictSerializer):
    """The whole program. Validation happens in the service, which names each problem by its
    JSON path; this serializer documents the shape."""

    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.ChoiceField(choices=["kg", "lb"], required=False)
    goal = serializers.ChoiceField(choices=["", *_values(Goal)], required=False)
    deload = serializers.JSONField(required=False, allow_null=True)
    is_template = serializers.BooleanField(required=False, default=False)
    member_id = serializers.UUIDField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[s.value for s in ProgramStatus], required=False, help_text="draft or ready."
    )
    source = serializers.ChoiceField(
        choices=[s.value for s in ProgramSource], required=False, help_text="manual or plugin."
    )  # type: ignore[assignment]
    reasons = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    weeks = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=52,
        help_text=(
            "Weeks: [{number, note, days: [{number, name, slots: [{note, exercises: [{exercise_id, "
            "progression_key, scheme (an engine scheme such as {kind: linear, sets, reps, increment}; "
            "leave out for fixed sets), start (e.g. {load}), sets: [{set_type, reps_low, reps_high, "
            "load_basis (absolute, percent_1rm, percent_tm, rpe, rir), load_value, rest_seconds}], "
            "reason}]}]}]}]. Several exercises in one slot form a superset. Loads are in the "
            "program's unit."
        ),
    )


class ProgramPatchSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=[s.value for s in ProgramStatus], required=False)


class AssignSerializer(StrictSerializer):
    member_id = serializers.UUIDField()
    starts_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AssignmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    program_name = serializers.CharField(source="program.name", read_only=True)

    class Meta:
        model = ProgramAssignment
        fields = [
            "id",
            "program",
            "program_name",
            "member_id",
            "assigned_by",
            "assigned_at",
            "starts_on",
            "active",
            "ended_at",
            "note",
        ]
        read_only_fields = fields


class PreviewQuerySerializer(StrictSerializer):
    weeks = serializers.IntegerField(min_value=1, max_value=52, required=False)


class PreviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.CharField()
    weeks = serializers.ListField(child=serializers.DictField())


class OverrideCreateSerializer(StrictSerializer):
    member_id = serializers.UUIDField()
    exercise_id = serializers.UUIDField()
    restriction_id = serializers.UUIDField()
    reason = serializers.CharField(max_length=500)


class RestrictionOverrideSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RestrictionOverride
        fields = [
            "id",
            "member_id",
            "exercise",
            "restriction_id",
            "reason",
            "author_id",
            "author_role",
            "created_at",
            "revoked_at",
            "revoked_by",
        ]
        read_only_fields = fields


class RecommendationRequestSerializer(StrictSerializer):
    member_id = serializers.UUIDField()
    goal = serializers.ChoiceField(choices=_values(Goal), required=False)
    experience = serializers.ChoiceField(choices=_values(Experience), required=False)
    days_per_week = serializers.IntegerField(min_value=1, max_value=6, required=False)
    session_minutes = serializers.IntegerField(min_value=20, max_value=180, required=False)
    weeks = serializers.IntegerField(min_value=1, max_value=12, required=False, default=4)


@extend_schema_field(OpenApiTypes.OBJECT)
class AnyObjectField(serializers.JSONField):
    pass
