"""Deterministic, explainable program drafts.

From a member's goal, experience, days per week and session length, the gym's equipment and the
member's restrictions, ``recommend`` builds a program draft: a split, movements per day, one
exercise per movement, a progression scheme per exercise, and a reason for every choice. The
same inputs always give the same draft. The draft is written through ``programs.program_create``
like any other program for a member, so it passes the same restriction check; a trainer reviews
and edits it, then assigns it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from apps.workouts import engine
from apps.workouts.facade.contracts import Experience, Goal, ProgramSource, ProgramStatus
from apps.workouts.models import Exercise, Program, ProgressionState
from apps.workouts.restrictions import Verdict
from apps.workouts.selectors import catalogue as catalogue_selectors
from apps.workouts.services import programs
from apps.workouts.tags import main_pattern

STRENGTH_CATEGORIES = frozenset({"strength", "powerlifting"})
LEVELS_FOR = {
    Experience.BEGINNER.value: frozenset({"beginner"}),
    Experience.INTERMEDIATE.value: frozenset({"beginner", "intermediate"}),
    Experience.ADVANCED.value: frozenset({"beginner", "intermediate", "expert"}),
}
EQUIPMENT_RANK = {
    "barbell": 0,
    "dumbbell": 1,
    "machine": 2,
    "cable": 3,
    "body only": 4,
    "kettlebells": 5,
    "e-z curl bar": 6,
    "": 7,
    "bands": 8,
    "other": 9,
}


@dataclass(frozen=True)
class Need:
    """A movement a day needs: its pattern, the muscles it may train, the lifts preferred."""

    key: str
    label: str
    pattern: str
    muscles: tuple[str, ...]
    preferred: tuple[str, ...]
    main: bool = True


NEEDS: dict[str, Need] = {
    n.key: n
    for n in (
        Need("squat", "a squat", "squat", ("quadriceps", "glutes"),
             ("Barbell_Full_Squat", "Goblet_Squat", "Leg_Press", "Dumbbell_Squat", "Bodyweight_Squat")),
        Need("hinge", "a hip hinge", "hinge", ("hamstrings", "glutes", "lower back"),
             ("Romanian_Deadlift", "Barbell_Deadlift", "Barbell_Hip_Thrust", "Stiff-Legged_Dumbbell_Deadlift",
              "Hyperextensions_Back_Extensions")),
        Need("hpush", "a horizontal press", "horizontal_push", ("chest",),
             ("Barbell_Bench_Press_-_Medium_Grip", "Dumbbell_Bench_Press", "Machine_Bench_Press", "Pushups")),
        Need("hpull", "a row", "horizontal_pull", ("middle back", "lats"),
             ("Bent_Over_Barbell_Row", "Seated_Cable_Rows", "One-Arm_Dumbbell_Row")),
        Need("vpush", "an overhead press", "vertical_push", ("shoulders",),
             ("Standing_Military_Press", "Dumbbell_Shoulder_Press", "Machine_Shoulder_Military_Press")),
        Need("vpull", "a vertical pull", "vertical_pull", ("lats",),
             ("Pullups", "Wide-Grip_Lat_Pulldown", "Close-Grip_Front_Lat_Pulldown")),
        Need("lunge", "a single-leg movement", "lunge", ("quadriceps", "glutes", "hamstrings"),
             ("Dumbbell_Lunges", "Dumbbell_Step_Ups", "Dumbbell_Rear_Lunge", "Barbell_Lunge"), main=False),
        Need("biceps", "an elbow flexion", "isolation_upper", ("biceps",),
             ("Barbell_Curl", "Dumbbell_Bicep_Curl", "Hammer_Curls"), main=False),
        Need("triceps", "an elbow extension", "isolation_upper", ("triceps",),
             ("Triceps_Pushdown", "Dips_-_Triceps_Version"), main=False),
        Need("delts", "a lateral raise", "isolation_upper", ("shoulders",),
             ("Side_Lateral_Raise", "Cable_Seated_Lateral_Raise"), main=False),
        Need("quads", "a knee extension", "isolation_lower", ("quadriceps",),
             ("Leg_Extensions",), main=False),
        Need("hams", "a knee flexion", "isolation_lower", ("hamstrings",),
             ("Lying_Leg_Curls", "Seated_Leg_Curl"), main=False),
        Need("calves", "a calf raise", "isolation_lower", ("calves",),
             ("Standing_Calf_Raises", "Seated_Calf_Raise"), main=False),
        Need("core", "trunk work", "core", ("abdominals",), ("Plank", "Cable_Crunch"), main=False),
    )
}  # fmt: skip

# Days of each split, movements in priority order (a short session keeps the first ones).
SPLITS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "full_body": (
        ("Full body A", ("squat", "hpush", "hpull", "hinge", "vpull", "core", "biceps", "triceps")),
        ("Full body B", ("hinge", "vpush", "vpull", "lunge", "hpush", "core", "hams", "delts")),
        ("Full body C", ("squat", "vpush", "hpull", "hinge", "hpush", "calves", "core", "biceps")),
    ),
    "upper_lower": (
        ("Upper A", ("hpush", "hpull", "vpush", "vpull", "triceps", "biceps", "delts")),
        ("Lower A", ("squat", "hinge", "lunge", "hams", "calves", "core", "quads")),
        ("Upper B", ("vpush", "vpull", "hpush", "hpull", "delts", "biceps", "triceps")),
        ("Lower B", ("hinge", "squat", "quads", "hams", "calves", "core", "lunge")),
    ),
    "push_pull_legs": (
        ("Push", ("hpush", "vpush", "triceps", "delts", "core", "hpush")),
        ("Pull", ("vpull", "hpull", "biceps", "hinge", "core", "delts")),
        ("Legs", ("squat", "hinge", "lunge", "quads", "hams", "calves", "core")),
        ("Upper", ("hpush", "hpull", "vpush", "vpull", "biceps", "triceps")),
        ("Lower", ("hinge", "squat", "lunge", "hams", "calves", "core")),
        ("Legs B", ("squat", "hinge", "quads", "hams", "calves", "core")),
    ),
}


@dataclass
class Inputs:
    member_id: UUID
    goal: str
    experience: str
    days_per_week: int
    session_minutes: int
    weeks: int = 4


@dataclass
class Draft:
    data: dict[str, Any]
    reasons: list[str] = field(default_factory=list)


def split_for(days: int) -> tuple[str, list[tuple[str, tuple[str, ...]]], str]:
    if days <= 3:
        plan = list(SPLITS["full_body"][:days])
        return "full_body", plan, f"{days} day(s) a week: full-body sessions train every movement each time."
    if days == 4:
        return "upper_lower", list(SPLITS["upper_lower"]), "4 days a week: an upper/lower split, each twice."
    plan = list(SPLITS["push_pull_legs"][:days])
    return "push_pull_legs", plan, f"{days} days a week: push, pull and legs, then upper and lower."


def exercises_per_session(minutes: int) -> int:
    """About 10-12 minutes per exercise with its warm-up sets and rests, 3 to 8 exercises."""
    return max(3, min(8, minutes // 11))


def scheme_for(goal: str, experience: str, need: Need) -> tuple[dict[str, Any], str]:
    """A progression scheme (engine dict) and why."""
    if goal == Goal.STRENGTH.value and need.main:
        if experience == Experience.BEGINNER.value:
            s: engine.Scheme = engine.LinearScheme(sets=3, reps=5, increment=Decimal("2.5"))
            why = "linear 3x5: a beginner adds load every session while all reps are made"
        else:
            s = engine.RPEScheme(sets=3, reps=5, target_rpe=Decimal(8))
            why = "3x5 at RPE 8, adjusted set to set: strength work autoregulated for a trained lifter"
    elif goal == Goal.ENDURANCE.value:
        s = engine.DoubleProgression(sets=2, rep_low=12, rep_high=20, increment=Decimal("2.5"))
        why = "double progression 2x12-20: muscular endurance, load added once 20 reps are reached"
    elif need.main and goal != Goal.HYPERTROPHY.value:
        s = engine.DoubleProgression(sets=3, rep_low=6, rep_high=10, increment=Decimal("2.5"))
        why = "double progression 3x6-10: load added when every set reaches 10 reps"
    elif need.main:
        s = engine.DoubleProgression(sets=3, rep_low=8, rep_high=12, increment=Decimal("2.5"))
        why = "double progression 3x8-12: hypertrophy range, load added when every set reaches 12"
    else:
        s = engine.DoubleProgression(sets=3, rep_low=10, rep_high=15, increment=Decimal("1.25"))
        why = "double progression 3x10-15 with small steps: an accessory movement"
    return engine.scheme_to_dict(s), why


def _rank(e: Exercise, need: Need) -> tuple[int, int, int, str]:
    preferred = need.preferred.index(e.slug) if e.slug in need.preferred else len(need.preferred)
    compound = 0 if e.mechanic == "compound" or not need.main else 1
    return (preferred, compound, EQUIPMENT_RANK.get(e.equipment, 10), e.name.lower())


def recommend(*, gym_id: int, inputs: Inputs) -> Draft:
    """The draft as the written form ``programs.parse`` accepts, with its reasons."""
    offering = catalogue_selectors.offering(gym_id=gym_id, member_id=inputs.member_id)
    pool = list(
        catalogue_selectors.with_equipment(catalogue_selectors.exercises(), offering.available_equipment)
        .filter(category__in=STRENGTH_CATEGORIES, level__in=LEVELS_FOR[inputs.experience])
        .defer("instructions", "search_vector")
    )
    states = {
        s.exercise_id: s.state
        for s in ProgressionState.objects.filter(member_id=inputs.member_id).only("exercise_id", "state")
    }
    split, days, split_reason = split_for(inputs.days_per_week)
    per_session = exercises_per_session(inputs.session_minutes)
    reasons = [
        f"Goal {inputs.goal}, experience {inputs.experience}.",
        split_reason,
        f"{inputs.session_minutes}-minute sessions: {per_session} exercises each.",
    ]
    if offering.available_equipment is not None:
        reasons.append("Only equipment the gym has: " + ", ".join(sorted(offering.available_equipment)) + ".")
    if offering.constraints.restrictions:
        reasons.append(
            "Exercises the member's restrictions exclude were left out; capped ones carry the cap."
        )
    deload = None
    if inputs.experience != Experience.BEGINNER.value:
        deload = engine.deload_to_dict(engine.DeloadPolicy(every_weeks=4))
        reasons.append("A planned deload every 4th week: a trained lifter recovers before progressing again.")
    skipped: list[str] = []
    day_data = []
    for number, (name, wanted) in enumerate(days, start=1):
        used: set[UUID] = set()
        slots: list[dict[str, Any]] = []
        for key in wanted:
            if len(slots) >= per_session:
                break
            need = NEEDS[key]
            fits = sorted(
                (
                    e
                    for e in pool
                    if main_pattern(e.patterns) == need.pattern
                    and e.primary_muscles
                    and e.primary_muscles[0] in need.muscles
                    and e.id not in used
                ),
                key=lambda e, n=need: _rank(e, n),  # type: ignore[misc]
            )
            chosen = None
            passed_over: list[str] = []
            for e in fits:
                decision = offering.decide(e)
                if decision.offered:
                    chosen = (e, decision)
                    break
                if e.slug in need.preferred and len(passed_over) < 2:
                    passed_over.append(f"{e.name} ({' '.join(decision.reasons)})")
            if chosen is None:
                skipped.append(f"{name}: no {need.label} is offered to this member")
                continue
            e, decision = chosen
            used.add(e.id)
            scheme, scheme_why = scheme_for(inputs.goal, inputs.experience, need)
            why = f"{need.label.capitalize()} for the {', '.join(need.muscles[:2])}: {e.name}"
            why += (
                " (a staple of this movement)" if e.slug in need.preferred else " (the closest offered match)"
            )
            if passed_over:
                why += "; instead of " + "; ".join(passed_over)
            if decision.verdict is Verdict.CAP:
                why += "; " + " ".join(decision.reasons)
            why += f"; {scheme_why}."
            start: dict[str, Any] = {}
            if e.id in states and states[e.id].get("load"):
                start = {"load": states[e.id]["load"]}
                why = why[:-1] + ", starting from the member's current load."
            slots.append(
                {
                    "exercises": [
                        {
                            "exercise_id": str(e.id),
                            "progression_key": f"{key}-{e.slug}"[:80],
                            "scheme": scheme,
                            "start": start,
                            "reason": why[:300],
                        }
                    ]
                }
            )
        if slots:
            day_data.append({"number": number, "name": name, "slots": slots})
    if skipped:
        reasons.append("Left out: " + "; ".join(skipped) + ".")
    data = {
        "name": f"{inputs.goal.capitalize()} {split.replace('_', ' ')} ({inputs.days_per_week} days)",
        "description": "A recommended draft; review and edit it before assigning.",
        "goal": inputs.goal,
        "deload": deload,
        "reasons": reasons,
        "weeks": [{"number": w, "days": day_data} for w in range(1, inputs.weeks + 1)],
    }
    return Draft(data=data, reasons=reasons)


def inputs_for(
    *,
    member_id: UUID,
    goal: str | None = None,
    experience: str | None = None,
    days_per_week: int | None = None,
    session_minutes: int | None = None,
    weeks: int = 4,
) -> Inputs:
    """What was asked, the member's training profile for the rest."""
    profile = catalogue_selectors.profile_of(member_id=member_id)
    return Inputs(
        member_id=member_id,
        goal=goal or profile.goal,
        experience=experience or profile.experience,
        days_per_week=min(6, days_per_week or profile.days_per_week),
        session_minutes=session_minutes or profile.session_minutes,
        weeks=weeks,
    )


def recommendation_draft_create(
    *, gym_id: int, inputs: Inputs, actor_id: UUID, actor_role: str | None
) -> Program:
    """Build the draft and write it as the member's draft program (status ``draft``)."""
    draft = recommend(gym_id=gym_id, inputs=inputs)
    if not draft.data["weeks"][0]["days"]:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"member_id": ["No exercise fits this member's restrictions and the gym's equipment."]}
        )
    return programs.program_create(
        gym_id=gym_id,
        data=draft.data,
        actor_id=actor_id,
        actor_role=actor_role,
        member_id=inputs.member_id,
        status=ProgramStatus.DRAFT.value,
        source=ProgramSource.RECOMMENDATION.value,
    )
