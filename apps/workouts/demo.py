"""Demo data of the training context (``seed_demo_all``), written through the services.

The gym gets its loading set-up (a kg barbell with plates, dumbbells, machines) and equipment;
``member@`` a training profile, the program their trainer assigned (the recommendation drafted
for them, honouring their restrictions) and three weeks of finished sessions before today, each
prescribed by the engine from the previous one, so records exist and progression moved on.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.utils import timezone

from apps.workouts import engine
from apps.workouts.facade.contracts import ProgramSource, SessionStatus
from apps.workouts.models import (
    GymTrainingSetup,
    LoggedSet,
    MemberTrainingProfile,
    PersonalRecord,
    ProgramAssignment,
    ProgramDay,
    SessionExercise,
    WorkoutSession,
)
from apps.workouts.services import catalogue, recommendations, sessions
from apps.workouts.services.programs import program_assign

EQUIPMENT = ["barbell", "dumbbell", "machine", "cable", "body only", "e-z curl bar", "kettlebells", "bands"]
WEEKS = 3
DAY_OFFSETS = (0, 2, 4)  # Monday, Wednesday, Friday of each week
SESSION_HOUR = time(18, 0)
# A load to start from when the engine has none yet (chosen by feel, no e1RM known).
FIRST_LOAD_KG = {
    "barbell": Decimal(40),
    "e-z curl bar": Decimal(20),
    "dumbbell": Decimal(12),
    "kettlebells": Decimal(12),
    "machine": Decimal(30),
    "cable": Decimal(20),
}
RPE_BY_WEEK = (Decimal(7), Decimal("7.5"), Decimal(8))
NAMESPACE = uuid.UUID("6f1d3c52-1f0e-4b8e-9d55-2f5c8c1e7a10")


def _setup(owner: UUID) -> None:
    if GymTrainingSetup.objects.exists():
        return
    kg = engine.Unit.KG
    catalogue.setup_update(
        actor_id=owner,
        unit=kg.value,
        available_equipment=EQUIPMENT,
        barbell_loading=engine.loading_to_dict(engine.standard_kg_barbell(pairs=4, micro=True)),
        dumbbell_loading=engine.loading_to_dict(engine.StackLoading(kg, Decimal(2), Decimal(2), Decimal(50))),
        machine_loading=engine.loading_to_dict(engine.StackLoading(kg, Decimal(5), Decimal(5), Decimal(150))),
    )


def _profile(member: UUID) -> None:
    if MemberTrainingProfile.objects.filter(member_id=member).exists():
        return
    catalogue.profile_update(
        member_id=member,
        unit="kg",
        e1rm_formula="epley",
        goal="strength",
        experience="intermediate",
        days_per_week=len(DAY_OFFSETS),
        session_minutes=60,
    )


def _program(*, gym_id: int, member: UUID, trainer: UUID, first_day: date) -> ProgramAssignment:
    assignment = ProgramAssignment.objects.filter(member_id=member, active=True).first()
    if assignment is not None:
        return assignment
    inputs = recommendations.inputs_for(member_id=member, weeks=4)
    draft = recommendations.recommendation_draft_create(
        gym_id=gym_id, inputs=inputs, actor_id=trainer, actor_role="trainer"
    )
    return program_assign(
        gym_id=gym_id,
        program=draft,
        member_id=member,
        actor_id=trainer,
        actor_role="trainer",
        starts_on=first_day,
        note="Demo: the recommended program, reviewed by your trainer.",
    )


def _set_values(entry: SessionExercise, index: int, rpe: Decimal, at: datetime) -> sessions.SetInput:
    reps, load, kind = 8, None, engine.SetType.WORKING
    if entry.prescription:
        prescription = engine.prescription_from_dict(entry.prescription)
        target = prescription.sets[index]
        reps, kind = target.target_reps, target.set_type
        if target.load is not None:
            load = engine.to_kg(target.load, prescription.unit)
    if load is None:
        load = FIRST_LOAD_KG.get(entry.exercise.equipment, Decimal(0))
    return sessions.SetInput(reps=reps, load_kg=load, rpe=rpe, set_type=kind, performed_at=at)


def _sessions(*, gym_id: int, member: UUID, assignment: ProgramAssignment, first_day: date) -> None:
    if WorkoutSession.objects.filter(member_id=member).exists():
        return
    days = list(
        ProgramDay.objects.filter(week__program_id=assignment.program_id).order_by("week__number", "number")
    )
    by_week: dict[int, list[ProgramDay]] = {}
    for day in days:
        by_week.setdefault(day.week.number, []).append(day)
    zone = timezone.get_current_timezone()
    for week in range(WEEKS):
        for number, (offset, day) in enumerate(zip(DAY_OFFSETS, by_week.get(week + 1, []), strict=False)):
            when = first_day + timedelta(days=7 * week + offset)
            started = datetime.combine(when, SESSION_HOUR, tzinfo=zone)
            session = sessions.session_start(
                member_id=member, started_by=member, program_day_id=day.pk, started_at=started
            )
            entries = list(
                SessionExercise.objects.filter(session=session).select_related("exercise").order_by("order")
            )
            at = started
            for entry in entries:
                count = len(entry.prescription.get("sets", [])) if entry.prescription else 3
                for index in range(count):
                    at += timedelta(minutes=3)
                    sessions.session_log_set(
                        gym_id=gym_id,
                        session_id=session.pk,
                        set_id=uuid.uuid5(NAMESPACE, f"{member}:{week}:{number}:{entry.order}:{index}"),
                        exercise_id=entry.exercise_id,
                        session_exercise_id=entry.pk,
                        values=_set_values(entry, index, RPE_BY_WEEK[week], at),
                        broadcast=False,
                    )
            sessions.session_finish(
                gym_id=gym_id, session_id=session.pk, finished_at=at + timedelta(minutes=5)
            )


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """The training demo of one gym (idempotent: each part is made only when missing). Returns
    what is there, one line each. Needs ``trainer@`` to coach ``member@`` already."""
    member, trainer = people["member"], people["trainer"]
    today = timezone.localdate()
    # Three weeks ending last week, Monday to Friday: always in the past, the same for a day.
    first_day = today - timedelta(days=today.weekday() + 7 * WEEKS)
    _setup(people["owner"])
    _profile(member)
    assignment = _program(gym_id=gym_id, member=member, trainer=trainer, first_day=first_day)
    _sessions(gym_id=gym_id, member=member, assignment=assignment, first_day=first_day)
    finished = WorkoutSession.objects.filter(member_id=member, status=SessionStatus.FINISHED.value)
    sets = LoggedSet.objects.filter(member_id=member).count()
    records = PersonalRecord.objects.filter(member_id=member).count()
    source = "recommended" if assignment.program.source == ProgramSource.RECOMMENDATION.value else "a"
    return [
        "training set-up: kg barbell with plates, dumbbells, machines, cables",
        f'member@ follows {source} program "{assignment.program.name}" assigned by trainer@; '
        f"{finished.count()} finished sessions ({sets} sets, {records} records) in the last {WEEKS} weeks",
    ]
