"""Training: the exercise catalogue, programs, sessions, progression state and records.

Every table lives in each gym's schema (workouts is a tenant app). The catalogue is seeded into
every schema by a data migration (ADR 0009); the program model and where progression state
lives are described in ADR 0010. Loads are stored canonically in kilograms (``*_kg``, 0.001 kg);
a member's unit preference only changes what they see and type.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from apps.workouts.facade.contracts import (
    Equipment,
    ExerciseCategory,
    ExerciseSource,
    Experience,
    Force,
    Goal,
    Level,
    MechanicKind,
    ProgramSource,
    ProgramStatus,
    RecordKindValue,
    SessionStatus,
)

MAX_LOAD_KG = Decimal(1000)
MAX_REPS = 100


def _choices(enum: type) -> list[tuple[str, str]]:
    # Labels are the values, so the API schema names each choice set once (ENUM_NAME_OVERRIDES).
    return [(m.value, m.value) for m in enum]  # type: ignore[attr-defined]


def _strings() -> ArrayField:  # type: ignore[type-arg]
    return ArrayField(models.CharField(max_length=40), default=list, blank=True)


LOAD_KG = {
    "max_digits": 8,
    "decimal_places": 3,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_LOAD_KG)],
}


class Exercise(models.Model):
    """One exercise: from the catalogue (``source=catalogue``, ``slug`` is free-exercise-db's id)
    or the gym's own (``source=gym``).

    Tags (patterns, positions, joints, impact, variation group) are derived by ``tags.py``;
    ``tags_edited`` names the tag fields staff corrected, which re-seeding leaves alone.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    source = models.CharField(max_length=16, choices=_choices(ExerciseSource), db_index=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=32, choices=_choices(ExerciseCategory))
    level = models.CharField(max_length=16, choices=_choices(Level))
    mechanic = models.CharField(max_length=16, choices=_choices(MechanicKind), blank=True)
    force = models.CharField(max_length=16, choices=_choices(Force), blank=True)
    equipment = models.CharField(max_length=32, choices=_choices(Equipment), blank=True)
    primary_muscles = _strings()
    secondary_muscles = _strings()
    instructions = ArrayField(models.TextField(), default=list, blank=True)
    # Tags, in the vocabulary of apps/common/health.py.
    patterns = _strings()
    positions = _strings()
    joints = _strings()
    impact = models.CharField(max_length=8, default="none")
    variation_group = models.CharField(max_length=60, blank=True, db_index=True)
    tags_edited = _strings()
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="workouts_ex_search"),
            # workouts_ex_name_trgm (gin_trgm_ops on name) is created by migration 0001 only
            # where the server has pg_trgm, so it is not declared here.
            GinIndex(fields=["primary_muscles"], name="workouts_ex_primary"),
            GinIndex(fields=["patterns"], name="workouts_ex_patterns"),
        ]

    def __str__(self) -> str:
        return self.name


class ExerciseOverride(models.Model):
    """The gym's choice about a catalogue exercise: hide it from members, or show it renamed."""

    exercise = models.OneToOneField(Exercise, on_delete=models.CASCADE, related_name="override")
    hidden = models.BooleanField(default=False)
    name = models.CharField(max_length=120, blank=True)
    updated_by = models.UUIDField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"override of {self.exercise_id}"


class GymTrainingSetup(models.Model):
    """The gym's training set-up (one row per schema): its unit, the equipment it has (``None``:
    not stated, everything offered) and how its barbells are loaded (engine ``loading_to_dict``)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    unit = models.CharField(max_length=2, choices=[("kg", "kg"), ("lb", "lb")], default="kg")
    available_equipment = ArrayField(models.CharField(max_length=32), null=True, blank=True)
    barbell_loading = models.JSONField(default=dict, blank=True)
    dumbbell_loading = models.JSONField(default=dict, blank=True)
    machine_loading = models.JSONField(default=dict, blank=True)
    updated_by = models.UUIDField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "training set-up"


class MemberTrainingProfile(models.Model):
    """A member's training preferences and the facts recommendations start from."""

    member_id = models.UUIDField(unique=True)
    unit = models.CharField(max_length=2, choices=[("kg", "kg"), ("lb", "lb")], default="kg")
    e1rm_formula = models.CharField(max_length=16, default="epley")
    goal = models.CharField(max_length=16, choices=_choices(Goal), default=Goal.GENERAL.value)
    experience = models.CharField(
        max_length=16, choices=_choices(Experience), default=Experience.BEGINNER.value
    )
    days_per_week = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    session_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"training profile of {self.member_id}"


class Program(models.Model):
    """A training program: a gym template (``member_id`` empty, ``is_template``) or a member's
    own copy (assigned, or a draft a trainer reviews). Weeks -> days -> slots -> exercises ->
    prescribed sets hang below it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_template = models.BooleanField(default=False, db_index=True)
    member_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=_choices(ProgramStatus), default=ProgramStatus.READY.value
    )
    source = models.CharField(
        max_length=16, choices=_choices(ProgramSource), default=ProgramSource.MANUAL.value
    )
    goal = models.CharField(max_length=16, choices=_choices(Goal), blank=True)
    # The unit of the program's loads, schemes and starting states (the engine works in the
    # unit of the loading set-up); logged sets are stored in kg whatever this says.
    unit = models.CharField(max_length=2, choices=[("kg", "kg"), ("lb", "lb")], default="kg")
    template = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    # engine.deload_to_dict, or {} for no planned deloads.
    deload = models.JSONField(default=dict, blank=True)
    # Why the program looks as it does (recommendations): a list of strings.
    reasons = models.JSONField(default=list, blank=True)
    created_by = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(is_template=True) & models.Q(member_id__isnull=False)),
                name="workouts_program_template_has_no_member",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProgramWeek(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(52)])
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="workouts_week_unique")]

    def __str__(self) -> str:
        return f"week {self.number}"


class ProgramDay(models.Model):
    week = models.ForeignKey(ProgramWeek, on_delete=models.CASCADE, related_name="days")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(7)])
    name = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["week", "number"], name="workouts_day_unique")]

    def __str__(self) -> str:
        return self.name or f"day {self.number}"


class ProgramSlot(models.Model):
    """A place in a day; several exercises in one slot form a superset."""

    day = models.ForeignKey(ProgramDay, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["day", "order"], name="workouts_slot_unique")]

    def __str__(self) -> str:
        return f"slot {self.order}"


class SlotExercise(models.Model):
    """An exercise in a slot with its progression scheme (engine ``scheme_to_dict``) and its
    starting state (engine ``state_to_dict``). ``progression_key`` ties the same lift across
    weeks and days so progression carries over."""

    slot = models.ForeignKey(ProgramSlot, on_delete=models.CASCADE, related_name="exercises")
    order = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    progression_key = models.CharField(max_length=80)
    scheme = models.JSONField(default=dict)
    start = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    # A restriction cap carried with the exercise (from restrictions.py), if any.
    cap_load_kg = models.DecimalField(null=True, blank=True, **LOAD_KG)  # type: ignore[arg-type]
    cap_rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "order"], name="workouts_slot_exercise_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} in slot {self.slot_id}"


class PrescribedSet(models.Model):
    """A set as the program writes it (the ``fixed`` scheme's sets; for progressive schemes
    the scheme states the sets and these rows are its week-one form)."""

    slot_exercise = models.ForeignKey(SlotExercise, on_delete=models.CASCADE, related_name="sets")
    order = models.PositiveSmallIntegerField()
    set_type = models.CharField(max_length=16)
    reps_low = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPS)]
    )
    reps_high = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPS)]
    )
    load_basis = models.CharField(max_length=16)
    # An absolute load in the program's unit; a percentage, RPE or RIR otherwise.
    load_value = models.DecimalField(max_digits=8, decimal_places=3)
    rest_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["slot_exercise", "order"], name="workouts_set_unique"),
            models.CheckConstraint(
                condition=models.Q(reps_low__lte=models.F("reps_high")), name="workouts_set_reps_order"
            ),
        ]

    def __str__(self) -> str:
        return f"set {self.order}"


class ProgramAssignment(models.Model):
    """A program given to a member (the program is the member's own copy)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="assignments")
    member_id = models.UUIDField(db_index=True)
    assigned_by = models.UUIDField(null=True, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    starts_on = models.DateField(default=timezone.localdate)
    active = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_id"],
                condition=models.Q(active=True),
                name="workouts_one_active_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} for {self.member_id}"


class ProgressionState(models.Model):
    """Where a member stands on one exercise: the engine's ``ExerciseState`` (JSON) under the
    scheme it was earned with, and the reason of the last change."""

    member_id = models.UUIDField()
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    scheme = models.JSONField(default=dict)
    state = models.JSONField(default=dict)
    last_change = models.CharField(max_length=24, blank=True)
    last_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_id", "exercise"], name="workouts_progression_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} for {self.member_id}"


class RestrictionOverride(models.Model):
    """A coach's or clinician's decision to let a member do an exercise a restriction would
    exclude or cap, with the reason. Never deleted: revoking sets ``revoked_at``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    restriction_id = models.UUIDField()
    reason = models.CharField(max_length=500)
    author_id = models.UUIDField()
    author_role = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_id", "exercise", "restriction_id"],
                condition=models.Q(revoked_at__isnull=True),
                name="workouts_override_one_live",
            )
        ]

    def __str__(self) -> str:
        return f"override {self.restriction_id} for {self.member_id}"


class WorkoutSession(models.Model):
    """One training session: from a program day or ad hoc (``program_day`` empty)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField(db_index=True)
    assignment = models.ForeignKey(
        ProgramAssignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    program_day = models.ForeignKey(
        ProgramDay, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=16, choices=_choices(SessionStatus), default=SessionStatus.IN_PROGRESS.value
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    # Where the session came from: "app", or an import ("strong", "hevy").
    origin = models.CharField(max_length=16, default="app")
    started_by = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["member_id", "-started_at"], name="workouts_session_member")]

    def __str__(self) -> str:
        return f"session {self.id}"


class SessionExercise(models.Model):
    """An exercise in a session, in order; a swap records the exercise it replaced and why."""

    session = models.ForeignKey(WorkoutSession, on_delete=models.CASCADE, related_name="exercises")
    order = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    slot_exercise = models.ForeignKey(
        SlotExercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    swapped_from = models.ForeignKey(
        Exercise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    swap_reason = models.CharField(max_length=300, blank=True)
    # engine.prescription_to_dict of what was prescribed when the session started, or {}.
    prescription = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="workouts_session_exercise_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} in {self.session_id}"


class LoggedSet(models.Model):
    """A set a member did. ``id`` is generated by the client, so a retried request finds the
    set it already logged instead of logging it twice."""

    id = models.UUIDField(primary_key=True, editable=False)
    session = models.ForeignKey(WorkoutSession, on_delete=models.CASCADE, related_name="sets")
    session_exercise = models.ForeignKey(
        SessionExercise, null=True, blank=True, on_delete=models.CASCADE, related_name="sets"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    member_id = models.UUIDField()
    order = models.PositiveSmallIntegerField(default=0)
    set_type = models.CharField(max_length=16, default="working")
    reps = models.PositiveSmallIntegerField(validators=[MaxValueValidator(MAX_REPS)])
    load_kg = models.DecimalField(**LOAD_KG)  # type: ignore[arg-type]
    rpe = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(10))],
    )
    rir = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(9))],
    )
    note = models.CharField(max_length=500, blank=True)
    prescribed_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    prescribed_load_kg = models.DecimalField(null=True, blank=True, **LOAD_KG)  # type: ignore[arg-type]
    e1rm_kg = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    performed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["performed_at"]
        indexes = [
            models.Index(fields=["member_id", "exercise", "performed_at"], name="workouts_set_member_ex"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(load_kg__gte=0) & models.Q(load_kg__lte=MAX_LOAD_KG),
                name="workouts_set_load_range",
            ),
            models.CheckConstraint(condition=models.Q(reps__lte=MAX_REPS), name="workouts_set_reps_range"),
            models.CheckConstraint(
                condition=models.Q(rpe__isnull=True) | (models.Q(rpe__gte=1) & models.Q(rpe__lte=10)),
                name="workouts_set_rpe_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reps} x {self.load_kg} kg"


class PersonalRecord(models.Model):
    """A personal record: best e1RM, best load for a rep count (``reps``), or best volume."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_id = models.UUIDField()
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=_choices(RecordKindValue))
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=3)
    previous = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    logged_set = models.ForeignKey(
        LoggedSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    achieved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-achieved_at"]
        indexes = [models.Index(fields=["member_id", "exercise", "kind"], name="workouts_pr_member_ex")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} for {self.member_id}"
