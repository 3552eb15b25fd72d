"""Who may follow a member's training live (and read it through the API).

The member themself; a trainer who currently coaches them (the organizations facade decides);
the gym's owners and admins, who run the gym and already manage its people. Nobody else: not a
trainer who does not coach them, not a clinician, not anyone from another gym.

Writing (starting and finishing sessions, logging and swapping sets, importing history) is
narrower: the member themself or their current coach only (ADR 0011). Owners and admins see
training but do not write it on a member's behalf.

Restrictions are health data (ADR 0012): the reasons, caps and restriction ids behind a decision
are shown to the member and their coach only (``may_see_restrictions``). Owners and admins get
whether an exercise is offered, nothing more.
"""

from __future__ import annotations

from uuid import UUID

from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import Role


def may_view_member(*, gym_id: int, viewer_id: UUID, viewer_role: str, member_id: UUID) -> bool:
    """Whether ``viewer_id`` (with ``viewer_role`` in this gym) may see ``member_id``'s training."""
    if viewer_id == member_id:
        return True
    role = Role(viewer_role)
    if role is Role.TRAINER:
        return organizations.is_coach_of(gym_id=gym_id, trainer_id=viewer_id, client_id=member_id)
    if role.manages_gym:
        return organizations.active_membership(gym_id=gym_id, user_id=member_id) is not None
    return False


def may_write_member(*, gym_id: int, writer_id: UUID, writer_role: str, member_id: UUID) -> bool:
    """Whether ``writer_id`` may write ``member_id``'s training: the member or their coach."""
    if writer_id == member_id:
        return True
    if Role(writer_role) is Role.TRAINER:
        return organizations.is_coach_of(gym_id=gym_id, trainer_id=writer_id, client_id=member_id)
    return False


def may_see_restrictions(*, gym_id: int, viewer_id: UUID, viewer_role: str | None, member_id: UUID) -> bool:
    """Whether ``viewer_id`` may read why ``member_id``'s restrictions decide as they do."""
    if viewer_id == member_id:
        return True
    if viewer_role == Role.TRAINER.value:
        return organizations.is_coach_of(gym_id=gym_id, trainer_id=viewer_id, client_id=member_id)
    return False
