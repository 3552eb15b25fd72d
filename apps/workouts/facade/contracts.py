"""What other contexts may know about training. No Django imports here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class ExerciseSource(StrEnum):
    CATALOGUE = "catalogue"  # seeded from free-exercise-db (apps/workouts/data/NOTICE.md)
    GYM = "gym"  # the gym's own


class ExerciseCategory(StrEnum):
    STRENGTH = "strength"
    STRETCHING = "stretching"
    PLYOMETRICS = "plyometrics"
    POWERLIFTING = "powerlifting"
    OLYMPIC_WEIGHTLIFTING = "olympic weightlifting"
    STRONGMAN = "strongman"
    CARDIO = "cardio"


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    EXPERT = "expert"


class MechanicKind(StrEnum):
    COMPOUND = "compound"
    ISOLATION = "isolation"


class Force(StrEnum):
    PUSH = "push"
    PULL = "pull"
    STATIC = "static"


class Equipment(StrEnum):
    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    KETTLEBELLS = "kettlebells"
    CABLE = "cable"
    MACHINE = "machine"
    BODY_ONLY = "body only"
    BANDS = "bands"
    MEDICINE_BALL = "medicine ball"
    EXERCISE_BALL = "exercise ball"
    FOAM_ROLL = "foam roll"
    EZ_CURL_BAR = "e-z curl bar"
    OTHER = "other"


class Muscle(StrEnum):
    ABDOMINALS = "abdominals"
    ABDUCTORS = "abductors"
    ADDUCTORS = "adductors"
    BICEPS = "biceps"
    CALVES = "calves"
    CHEST = "chest"
    FOREARMS = "forearms"
    GLUTES = "glutes"
    HAMSTRINGS = "hamstrings"
    LATS = "lats"
    LOWER_BACK = "lower back"
    MIDDLE_BACK = "middle back"
    NECK = "neck"
    QUADRICEPS = "quadriceps"
    SHOULDERS = "shoulders"
    TRAPS = "traps"
    TRICEPS = "triceps"


class Goal(StrEnum):
    STRENGTH = "strength"
    HYPERTROPHY = "hypertrophy"
    ENDURANCE = "endurance"
    GENERAL = "general"


class Experience(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class ProgramStatus(StrEnum):
    DRAFT = "draft"  # a recommendation or an import waiting for a trainer's review
    READY = "ready"
    ARCHIVED = "archived"


class ProgramSource(StrEnum):
    MANUAL = "manual"
    RECOMMENDATION = "recommendation"
    PLUGIN = "plugin"


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    ABANDONED = "abandoned"


class RecordKindValue(StrEnum):
    E1RM = "e1rm"
    REP_MAX = "rep_max"
    VOLUME = "volume"


@dataclass(frozen=True, slots=True)
class ExerciseInfo:
    id: UUID
    slug: str
    name: str
    equipment: str
    primary_muscles: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """What restrictions did to one exercise for one member, and why."""

    exercise_id: UUID
    action: str  # "allow", "exclude", "cap", "override"
    reasons: tuple[str, ...] = field(default_factory=tuple)
    restriction_ids: tuple[UUID, ...] = field(default_factory=tuple)
    cap_load_kg: Decimal | None = None
    cap_rpe: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: UUID
    member_id: UUID
    started_at: datetime
    finished_at: datetime | None
    sets: int
    volume_kg: Decimal


def values(enum: type[StrEnum]) -> list[str]:
    return [m.value for m in enum]


# Choice sets by value (the API schema names each once: ENUM_NAME_OVERRIDES in settings).
EXERCISE_SOURCES = values(ExerciseSource)
EXERCISE_CATEGORIES = values(ExerciseCategory)
LEVELS = values(Level)
MECHANICS = values(MechanicKind)
FORCES = values(Force)
EQUIPMENT = values(Equipment)
MUSCLES = values(Muscle)
GOALS = values(Goal)
EXPERIENCES = values(Experience)
PROGRAM_STATUSES = values(ProgramStatus)
PROGRAM_SOURCES = values(ProgramSource)


@dataclass(frozen=True, slots=True)
class SubstituteInfo:
    exercise: ExerciseInfo
    reason: str
