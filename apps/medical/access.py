"""Who may see what of a member's health record (minimum necessary, ADR 0012).

Levels: ``FULL`` (answers, conditions, injuries, medications, clearances, documents),
``SUMMARY`` (clearance status and restrictions only) and ``NONE``. The basis of a grant decides
the purpose written to the audit trail and whether the read is a disclosure to a named person.

- The member: ``FULL`` of their own record.
- A trainer: ``SUMMARY`` of members they coach; ``FULL`` only with the member's live consent to
  that named trainer.
- A clinician: ``FULL`` with the member's live consent to clinicians or to them by name.
- Staff (owner, admin, trainer, clinician) with live break-glass access to the member: ``FULL``
  until it expires, and only while they still hold a staff role: a demoted actor loses it at once.
- Owners and admins: ``NONE`` by default. Platform staff never reach these views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from uuid import UUID

from apps.medical import selectors
from apps.medical.audit.api import Purpose
from apps.organizations.facade import api as organizations


class Level(IntEnum):
    NONE = 0
    SUMMARY = 1
    FULL = 2


@dataclass(frozen=True)
class Grant:
    level: Level
    basis: str  # self, coach, consent, break_glass, none
    purpose: Purpose
    grant_id: str = ""  # the consent or break-glass id behind a FULL grant to someone else
    # Why FULL was refused although something was once granted (expired or revoked consent,
    # expired break-glass): shown to the caller as a 403 message.
    lapsed: str = ""

    @property
    def is_disclosure(self) -> bool:
        """A read by someone other than the member on the strength of their consent."""
        return self.basis == "consent"


# The roles that may open break-glass access and read under it.
BREAK_GLASS_ROLES = frozenset({"owner", "admin", "trainer", "clinician"})

SELF = Grant(level=Level.FULL, basis="self", purpose=Purpose.SELF_ACCESS)


def is_member_of_gym(*, gym_id: int, user_id: UUID) -> bool:
    info = organizations.active_membership(gym_id=gym_id, user_id=user_id)
    return info is not None


def grant_for(*, gym_id: int, actor_id: UUID, role: str | None, member_id: UUID, now: datetime) -> Grant:
    """What ``actor_id`` (with ``role`` in gym ``gym_id``) may see of ``member_id``'s record."""
    if actor_id == member_id:
        return SELF
    glass = (
        selectors.break_glass_live(actor_id=actor_id, member_id=member_id, now=now)
        if role in BREAK_GLASS_ROLES
        else None
    )
    if glass is not None:
        return Grant(level=Level.FULL, basis="break_glass", purpose=Purpose.EMERGENCY, grant_id=str(glass.id))
    lapsed = ""
    previous_glass = selectors.break_glass_latest(actor_id=actor_id, member_id=member_id)
    if previous_glass is not None:
        lapsed = "Your emergency access to this record has ended."
    if role in ("trainer", "clinician"):
        consent = selectors.consent_for(member_id=member_id, grantee_id=actor_id, role=role, now=now)
        purpose = Purpose.TREATMENT if role == "clinician" else Purpose.TRAINING_SAFETY
        if consent is not None:
            return Grant(level=Level.FULL, basis="consent", purpose=purpose, grant_id=str(consent.id))
        old = selectors.consent_lapsed_for(member_id=member_id, grantee_id=actor_id, role=role)
        if old is not None:
            when = old.revoked_at or old.expires_at
            verb = "revoked" if old.revoked_at is not None else "expired"
            lapsed = f"The member's consent to you {verb} at {when:%Y-%m-%d %H:%M} UTC."
        if role == "trainer" and organizations.is_coach_of(
            gym_id=gym_id, trainer_id=actor_id, client_id=member_id
        ):
            return Grant(level=Level.SUMMARY, basis="coach", purpose=purpose, lapsed=lapsed)
    return Grant(level=Level.NONE, basis="none", purpose=Purpose.OPERATIONS, lapsed=lapsed)
