"""The medical context's facade: the only module other contexts import from medical.

Training learns a member's clearance status and structured restrictions and nothing else:
no answers, diagnoses, conditions, medications, injury details, clearance text or documents
ever cross this boundary (ADR 0012).
"""

from __future__ import annotations

from uuid import UUID

from apps.common import health
from apps.common.tenancy import tenant_connection
from apps.medical import clock, selectors, services


class WrongGymError(LookupError):
    """The caller asked about a gym other than the one the connection is set to."""


def _require_gym(gym_id: int) -> None:
    tenant = getattr(tenant_connection(), "tenant", None)
    if getattr(tenant, "id", None) != gym_id:
        raise WrongGymError(f"The connection is not set to gym {gym_id}.")


def training_constraints(*, gym_id: int, member_id: UUID) -> health.TrainingConstraints:
    """What training may know about ``member_id``'s health in gym ``gym_id``.

    A caller MAY learn: the clearance status (``ClearanceStatus``), when it lapses, and the
    member's active restrictions (region, patterns and positions to avoid, action, severity,
    caps, source, expiry, and a short reason written for the member and their coach).

    A caller MAY NOT learn (and this function never returns): screening answers, conditions or
    diagnoses, medications, injury details, clearance text or documents, consents, or who else
    has read the record. A member with no screening gets ``ClearanceStatus.UNSCREENED`` and no
    restrictions. Must run with the connection set to gym ``gym_id`` (a request on the gym's
    host or a tenant-aware task); otherwise raises ``WrongGymError``. Reading constraints is not
    an access to health values and writes no access entry.
    """
    _require_gym(gym_id)
    return selectors.training_constraints(member_id=member_id, now=clock.now())


def restriction_override_record(
    *, gym_id: int, member_id: UUID, exercise_ref: str, restriction_id: UUID, actor_id: UUID, reason: str
) -> UUID:
    """Record that a coach or clinician (``actor_id``) let ``exercise_ref`` through despite
    restriction ``restriction_id`` of ``member_id``, with a typed ``reason``; returns the
    override's id. The caller must have checked that the actor coaches the member or is a
    clinician with access. Raises ``django.core.exceptions.ValidationError`` keyed by field for
    a blank reason, a bad exercise reference or a restriction that is not this member's;
    ``WrongGymError`` when the connection is not set to ``gym_id``. The override is audited.
    """
    _require_gym(gym_id)
    override = services.restriction_override_record(
        member_id=member_id,
        restriction_id=restriction_id,
        exercise_ref=exercise_ref,
        actor_id=actor_id,
        reason=reason,
    )
    return override.id


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """Demo data of this context in a demo gym (run in the gym's tenant context): member@'s signed
    PAR-Q+ (a knee problem: one restriction) and consent to trainer@.
    Idempotent; returns what is there, one line each."""
    from apps.medical import demo

    return demo.demo_seed(gym_id=gym_id, people=people)
