"""Integration events published by the training context (in the gym's schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from apps.common.events import IntegrationEvent, integration_event


@integration_event("workouts.WorkoutCompleted")
@dataclass(frozen=True, kw_only=True)
class WorkoutCompleted(IntegrationEvent):
    """A member finished a session. Loads in kg."""

    gym_id: int
    session_id: UUID
    member_id: UUID
    started_at: datetime
    finished_at: datetime
    sets: int
    volume_kg: Decimal
    program_id: UUID | None = None


@integration_event("workouts.PersonalRecordSet")
@dataclass(frozen=True, kw_only=True)
class PersonalRecordSet(IntegrationEvent):
    """A logged set beat the member's best. ``kind``: e1rm, rep_max (``reps`` set) or volume;
    ``value`` in kg (volume: kg x reps)."""

    gym_id: int
    record_id: UUID
    member_id: UUID
    exercise_id: UUID
    exercise_name: str
    kind: str
    value: Decimal
    previous: Decimal | None
    reps: int | None = None
    session_id: UUID | None = None
