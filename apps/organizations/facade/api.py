"""The organizations context's facade: the only module other contexts import from it."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest

from apps.organizations import routing, selectors
from apps.organizations.facade.contracts import (
    CoachingInfo,
    DemoGymInfo,
    GymMemberInfo,
    GymRoute,
    MembershipInfo,
    MembershipStatus,
    Role,
)
from apps.organizations.models import CoachingAssignment, Membership


def gym_url(*, request: HttpRequest, subdomain: str, path: str = "/") -> str:
    """The absolute URL of ``path`` on a gym's host, in the scheme and port of ``request``."""
    return routing.gym_url(request, subdomain, path)


def route_for_host(*, host: str) -> GymRoute | None:
    """The gym (or the public site) served at ``host``, from cache; None for unknown hosts."""
    return routing.route_for_host(host)


def route_for_host_uncached(*, host: str) -> GymRoute | None:
    """As ``route_for_host`` but always from the database (benchmarks, diagnostics)."""
    return routing.route_lookup_uncached(host)


def _info(m: Membership) -> MembershipInfo:
    return MembershipInfo(
        id=m.id,
        gym_id=m.gym_id,
        gym_name=m.gym.name,
        gym_subdomain=m.gym.subdomain or "",
        user_id=m.user_id,
        role=Role(m.role),
        status=MembershipStatus(m.status),
        joined_at=m.joined_at,
    )


def active_membership(*, gym_id: int, user_id: UUID) -> MembershipInfo | None:
    """The person's active membership of this gym, or None (not a member, suspended, removed)."""
    m = selectors.membership_active(gym_id=gym_id, user_id=user_id)
    return _info(m) if m else None


def memberships_of_user(*, user_id: UUID) -> list[MembershipInfo]:
    """Every membership the person holds, in every gym, whatever its status."""
    return [_info(m) for m in selectors.memberships_of_user(user_id=user_id)]


_ROLE_ORDER = {role: rank for rank, role in enumerate(Role)}


def members_of_gym(*, gym_id: int) -> list[GymMemberInfo]:
    """Everyone active or suspended in this gym (removed people excluded), owners first, then
    by role and name, in one query. Only for the gym's owners and admins to see."""
    rows = [
        GymMemberInfo(
            membership_id=m.id,
            user_id=m.user_id,
            email=m.user.email,
            full_name=m.user.full_name,
            role=Role(m.role),
            status=MembershipStatus(m.status),
            joined_at=m.joined_at,
        )
        for m in selectors.memberships_of_gym(gym_id=gym_id).exclude(status=MembershipStatus.REMOVED.value)
    ]
    return sorted(rows, key=lambda r: (_ROLE_ORDER[r.role], (r.full_name or r.email).lower()))


def _coaching(a: CoachingAssignment) -> CoachingInfo:
    return CoachingInfo(
        id=a.id, gym_id=a.gym_id, trainer_id=a.trainer_id, client_id=a.client_id, assigned_at=a.assigned_at
    )


def is_coach_of(*, gym_id: int, trainer_id: UUID, client_id: UUID) -> bool:
    """Whether ``trainer_id`` currently coaches ``client_id`` in this gym (both active members).

    This is the only question other contexts may ask to decide whether a trainer may see a
    member's training, clearance or restrictions."""
    return (
        selectors.coaching_of_gym(gym_id=gym_id).filter(trainer_id=trainer_id, client_id=client_id).exists()
    )


def clients_of(*, gym_id: int, trainer_id: UUID) -> list[UUID]:
    """The people ``trainer_id`` currently coaches in this gym (one query)."""
    return list(
        selectors.coaching_of_gym(gym_id=gym_id)
        .filter(trainer_id=trainer_id)
        .values_list("client_id", flat=True)
    )


def coaches_of(*, gym_id: int, client_id: UUID) -> list[CoachingInfo]:
    """Who currently coaches ``client_id`` in this gym."""
    return [_coaching(a) for a in selectors.coaching_of_gym(gym_id=gym_id).filter(client_id=client_id)]


def demo_gyms() -> list[DemoGymInfo]:
    """The demo gyms ``seed_demo`` made (none before it ran), with their people's user ids."""
    from apps.organizations import demo

    return demo.demo_gyms()


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """Demo data of this context in a demo gym: its trainer coaches ``member@``. Idempotent;
    returns what is there, one line each."""
    from apps.organizations import demo

    return demo.demo_seed(gym_id=gym_id, people=people)
