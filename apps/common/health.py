"""The contract between health screening (medical) and training (workouts).

Training must know what a member may not train, and nothing else about their health. The medical
context fills this contract (``apps.medical.facade`` returns ``TrainingConstraints``); the
training context reads it and applies it to exercises by their tags. Both sides share the
vocabulary below, so a restriction written by a clinician and a tag derived for an exercise name
the same things. No Django here: plain values only.

What a restriction may carry is deliberately coarse: a body region, the movement patterns or
positions to avoid, an action and a cap. Diagnoses, answers and medications never cross.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class BodyRegion(StrEnum):
    NECK = "neck"
    SHOULDER = "shoulder"
    ELBOW = "elbow"
    WRIST = "wrist"
    UPPER_BACK = "upper_back"
    LOWER_BACK = "lower_back"
    CHEST = "chest"
    ABDOMEN = "abdomen"
    HIP = "hip"
    KNEE = "knee"
    ANKLE = "ankle"


class MovementPattern(StrEnum):
    """What an exercise does. An exercise has one or more."""

    SQUAT = "squat"
    HINGE = "hinge"
    LUNGE = "lunge"
    HORIZONTAL_PUSH = "horizontal_push"
    VERTICAL_PUSH = "vertical_push"
    HORIZONTAL_PULL = "horizontal_pull"
    VERTICAL_PULL = "vertical_pull"
    CARRY = "carry"
    ROTATION = "rotation"
    CORE = "core"
    ISOLATION_UPPER = "isolation_upper"
    ISOLATION_LOWER = "isolation_lower"
    JUMP = "jump"
    OLYMPIC = "olympic"
    LOCOMOTION = "locomotion"
    STRETCH = "stretch"


class Position(StrEnum):
    """Positions and loads that restrictions name (TRAINING.md, Restrictions)."""

    OVERHEAD = "overhead"
    DEEP_KNEE_FLEXION = "deep_knee_flexion"
    LOADED_SPINAL_FLEXION = "loaded_spinal_flexion"
    AXIAL_SPINAL_LOAD = "axial_spinal_load"
    IMPACT = "impact"
    INVERTED = "inverted"


class ImpactLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    HIGH = "high"


class RestrictionAction(StrEnum):
    EXCLUDE = "exclude"
    CAP_LOAD = "cap_load"
    CAP_RPE = "cap_rpe"
    LIMIT_RANGE = "limit_range"
    REQUIRE_CLEARANCE = "require_clearance"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class ClearanceStatus(StrEnum):
    """Where a member stands with health screening.

    ``unscreened``: no valid screening yet (training allowed, a nudge shown).
    ``cleared``: screened, nothing to stop them. ``needs_clearance``: a yes answer waits for a
    qualified professional; only exercises without restrictions of action
    ``require_clearance`` are offered. ``delay``: temporary illness or similar; no new sessions
    or programs until it ends. ``expired``: screening older than 12 months.
    """

    UNSCREENED = "unscreened"
    CLEARED = "cleared"
    NEEDS_CLEARANCE = "needs_clearance"
    DELAY = "delay"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class ExerciseTags:
    """What restrictions are matched against: the tags an exercise carries."""

    patterns: frozenset[str]
    positions: frozenset[str]
    joints: frozenset[str]
    impact: str = ImpactLevel.NONE.value


@dataclass(frozen=True, slots=True)
class Restriction:
    """One structured restriction, as training may see it.

    ``avoid`` names movement patterns and positions (values of ``MovementPattern`` and
    ``Position``); an empty ``avoid`` with a region means every exercise loading that region.
    ``reason`` is written for the member and their coach; it never names a diagnosis.
    """

    id: UUID
    region: str | None
    avoid: frozenset[str]
    action: str
    severity: str
    reason: str
    source: str
    cap_load_kg: Decimal | None = None
    cap_rpe: Decimal | None = None
    expires_at: datetime | None = None

    def applies_to(self, tags: ExerciseTags) -> bool:
        """Whether this restriction concerns an exercise with ``tags``."""
        if self.avoid:
            if self.avoid & (tags.patterns | tags.positions):
                return True
            return Position.IMPACT.value in self.avoid and tags.impact == ImpactLevel.HIGH.value
        return self.region is not None and self.region in tags.joints

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True, slots=True)
class TrainingConstraints:
    """Everything training may learn about one member's health: clearance and restrictions."""

    member_id: UUID
    clearance: ClearanceStatus
    restrictions: tuple[Restriction, ...] = field(default_factory=tuple)
    clearance_expires_at: datetime | None = None

    def applicable(self, tags: ExerciseTags, now: datetime) -> list[Restriction]:
        return [r for r in self.restrictions if r.active(now) and r.applies_to(tags)]

    @property
    def may_start_training(self) -> bool:
        return self.clearance is not ClearanceStatus.DELAY


def unrestricted(member_id: UUID) -> TrainingConstraints:
    """The constraints of a member with no screening on record."""
    return TrainingConstraints(member_id=member_id, clearance=ClearanceStatus.UNSCREENED)


# Roles that can read health values in some circumstance (a clinician with consent; a trainer
# their clients' restrictions and, with consent, more). They must use MFA (SECURITY.md 19) and
# get the short session rules (SECURITY.md 17). In HIPAA mode every staff role does.
HEALTH_DATA_ROLES: frozenset[str] = frozenset({"clinician", "trainer"})
HIPAA_MODE_MFA_ROLES: frozenset[str] = frozenset({"owner", "admin", "clinician", "trainer"})


def role_requires_mfa(role: str | None, *, hipaa_mode: bool) -> bool:
    """Whether a member with ``role`` must verify MFA before using a gym's host."""
    if role is None:
        return False
    return role in (HIPAA_MODE_MFA_ROLES if hipaa_mode else HEALTH_DATA_ROLES)


ConstraintsProvider = Callable[[int, UUID], TrainingConstraints]


def vocabulary() -> dict[str, list[str]]:
    """Every value restrictions and tags may use, for validation messages and forms."""
    lists: Iterable[tuple[str, type[StrEnum]]] = (
        ("regions", BodyRegion),
        ("patterns", MovementPattern),
        ("positions", Position),
        ("impact", ImpactLevel),
        ("actions", RestrictionAction),
        ("severities", Severity),
    )
    return {name: [v.value for v in enum] for name, enum in lists}
