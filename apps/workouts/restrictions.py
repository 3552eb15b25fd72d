"""A member's restrictions applied to exercises: exclude, cap, limit, or propose substitutes.

Pure functions over ``TrainingConstraints`` (apps/common/health.py, filled by the medical
context) and exercises' tags. Every decision carries its reasons, written for the member and
their coach (restriction reasons never name a diagnosis). An override by a coach or clinician
lifts one restriction for one exercise; the caller passes the live overrides in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from apps.common.health import (
    ExerciseTags,
    Restriction,
    RestrictionAction,
    TrainingConstraints,
)

ALWAYS_AVAILABLE = frozenset({"", "body only"})


class Verdict(StrEnum):
    ALLOW = "allow"
    LIMIT = "limit"  # allowed with a limited range of motion
    CAP = "cap"  # allowed under a load or RPE cap
    EXCLUDE = "exclude"


@dataclass(frozen=True, slots=True)
class Candidate:
    """What restrictions and substitutes need to know about an exercise."""

    id: UUID
    name: str
    tags: ExerciseTags
    primary_muscles: tuple[str, ...]
    equipment: str
    variation_group: str
    main_pattern: str


@dataclass(frozen=True, slots=True)
class Decision:
    exercise_id: UUID
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    restriction_ids: tuple[UUID, ...] = ()
    overridden: tuple[UUID, ...] = ()
    cap_load_kg: Decimal | None = None
    cap_rpe: Decimal | None = None

    @property
    def offered(self) -> bool:
        return self.verdict is not Verdict.EXCLUDE


@dataclass(frozen=True, slots=True)
class Substitute:
    candidate: Candidate
    decision: Decision
    reason: str
    plain_reason: str = ""  # the reason without the member's restrictions, for owners and admins


@dataclass(frozen=True, slots=True)
class Overrides:
    """Live overrides: (exercise id, restriction id) -> the reason given."""

    reasons: Mapping[tuple[UUID, UUID], str] = field(default_factory=dict)

    def get(self, exercise_id: UUID, restriction_id: UUID) -> str | None:
        return self.reasons.get((exercise_id, restriction_id))


NO_OVERRIDES = Overrides()


def _matched(r: Restriction, tags: ExerciseTags) -> str:
    if r.avoid:
        hit = sorted(r.avoid & (tags.patterns | tags.positions))
        if not hit:
            hit = ["impact"]
        return ", ".join(h.replace("_", " ") for h in hit)
    return f"loads the {str(r.region).replace('_', ' ')}"


def decide(
    constraints: TrainingConstraints,
    exercise_id: UUID,
    tags: ExerciseTags,
    *,
    now: datetime,
    overrides: Overrides = NO_OVERRIDES,
) -> Decision:
    """What the member's active restrictions do to one exercise, with a reason for each."""
    verdict = Verdict.ALLOW
    reasons: list[str] = []
    ids: list[UUID] = []
    overridden: list[UUID] = []
    cap_load: Decimal | None = None
    cap_rpe: Decimal | None = None
    rank = {Verdict.ALLOW: 0, Verdict.LIMIT: 1, Verdict.CAP: 2, Verdict.EXCLUDE: 3}

    def worse(v: Verdict) -> None:
        nonlocal verdict
        if rank[v] > rank[verdict]:
            verdict = v

    for r in constraints.applicable(tags, now):
        why = _matched(r, tags)
        override = overrides.get(exercise_id, r.id)
        if override is not None:
            overridden.append(r.id)
            reasons.append(f"Allowed by an override ({override}) despite: {r.reason}")
            continue
        ids.append(r.id)
        action = RestrictionAction(r.action)
        if action is RestrictionAction.EXCLUDE:
            worse(Verdict.EXCLUDE)
            reasons.append(f"Excluded: {r.reason} ({why}).")
        elif action is RestrictionAction.REQUIRE_CLEARANCE:
            # Medical ends these restrictions when a clinician clears the member; while one is
            # active it excludes, whatever the screening's own outcome says.
            worse(Verdict.EXCLUDE)
            reasons.append(f"Needs a professional's clearance first: {r.reason.rstrip('.')} ({why}).")
        elif action is RestrictionAction.CAP_LOAD and r.cap_load_kg is not None:
            worse(Verdict.CAP)
            cap_load = r.cap_load_kg if cap_load is None else min(cap_load, r.cap_load_kg)
            reasons.append(f"Load capped at {r.cap_load_kg.normalize():f} kg: {r.reason} ({why}).")
        elif action is RestrictionAction.CAP_RPE and r.cap_rpe is not None:
            worse(Verdict.CAP)
            cap_rpe = r.cap_rpe if cap_rpe is None else min(cap_rpe, r.cap_rpe)
            reasons.append(f"Effort capped at RPE {r.cap_rpe.normalize():f}: {r.reason} ({why}).")
        elif action is RestrictionAction.LIMIT_RANGE:
            worse(Verdict.LIMIT)
            reasons.append(f"Limit the range of motion: {r.reason} ({why}).")
        else:  # a cap without a value: the safe reading is to exclude
            worse(Verdict.EXCLUDE)
            reasons.append(f"Excluded: {r.reason} ({why}; no cap value given).")
    return Decision(
        exercise_id=exercise_id,
        verdict=verdict,
        reasons=tuple(reasons),
        restriction_ids=tuple(ids),
        overridden=tuple(overridden),
        cap_load_kg=cap_load,
        cap_rpe=cap_rpe,
    )


def decide_all(
    constraints: TrainingConstraints,
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    overrides: Overrides = NO_OVERRIDES,
) -> dict[UUID, Decision]:
    return {c.id: decide(constraints, c.id, c.tags, now=now, overrides=overrides) for c in candidates}


def equipment_available(equipment: str, available: Collection[str] | None) -> bool:
    """``available`` is the gym's stated equipment (``None``: not stated, everything is)."""
    return available is None or equipment in ALWAYS_AVAILABLE or equipment in available


def substitutes(
    target: Candidate,
    pool: Iterable[Candidate],
    constraints: TrainingConstraints,
    *,
    now: datetime,
    available_equipment: Collection[str] | None = None,
    overrides: Overrides = NO_OVERRIDES,
    limit: int = 3,
) -> list[Substitute]:
    """Exercises that can replace ``target``: the same primary muscle, equipment the gym has,
    offered to this member (none of the restricted tags); the same variation group first, then
    the same movement pattern, then by name. Each with the reason it was chosen."""
    if not target.primary_muscles:
        return []
    muscle = target.primary_muscles[0]
    scored: list[tuple[int, str, Substitute]] = []
    for c in pool:
        if c.id == target.id or muscle not in c.primary_muscles:
            continue
        if not equipment_available(c.equipment, available_equipment):
            continue
        decision = decide(constraints, c.id, c.tags, now=now, overrides=overrides)
        if not decision.offered:
            continue
        if c.variation_group == target.variation_group:
            score, why = 0, f"same movement and muscle ({c.variation_group.replace('_', ' ')})"
        elif c.main_pattern == target.main_pattern:
            score, why = 1, f"same movement pattern ({c.main_pattern.replace('_', ' ')}), trains the {muscle}"
        else:
            score, why = 2, f"trains the same primary muscle ({muscle})"
        plain = f"Instead of {target.name}: {why}."
        if decision.verdict is not Verdict.ALLOW:
            score += 3  # capped or limited ones after the free ones
            why += "; " + " ".join(decision.reasons)
        scored.append(
            (score, c.name.lower(), Substitute(c, decision, f"Instead of {target.name}: {why}.", plain))
        )
    scored.sort(key=lambda t: (t[0], t[1]))
    return [s for _, _, s in scored[:limit]]
