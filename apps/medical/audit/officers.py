"""Who reviews the gym's audit trail: its owners, plus one person an owner designates.

Owners answer for the gym, so they are compliance officers by default. A gym that has a
privacy or compliance lead (an admin or a clinician) may designate them too; the designation is
recorded in the trail and can be withdrawn. Admins are not officers by default: running the gym
does not need the record of who read whose health data.
"""

from __future__ import annotations

from uuid import UUID

from apps.medical.audit import selectors

DESIGNATABLE_ROLES = frozenset({"admin", "clinician"})


def is_compliance_officer(*, role: str | None, user_id: UUID) -> bool:
    """Whether an active member with ``role`` may use the audit view of this gym.

    The designation counts only while its holder still has a designatable role: an officer
    demoted to trainer or member loses the trail with the role, without a separate withdrawal.
    """
    if role == "owner":
        return True
    return role in DESIGNATABLE_ROLES and selectors.compliance_officer_id() == user_id
