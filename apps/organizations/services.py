"""Writes of the organizations context: sign-up, the spare-schema pool, domains, memberships."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.common.events import publish
from apps.organizations import routing
from apps.organizations.facade.contracts import GymStatus, MembershipStatus, Role
from apps.organizations.facade.events import GymCreated, MemberJoined, MembershipChanged
from apps.organizations.models import CoachingAssignment, Domain, Gym, Membership
from apps.users.facade import api as users
from apps.users.facade.contracts import RequestMeta, SecurityEventKind, UserInfo

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")
POOL_LOCK_KEY = 0x67796D706F6F6C  # pg advisory lock id for topping up the spare pool


def subdomain_normalise(raw: str) -> str:
    """Validate a requested subdomain and return it lower-cased.

    Rules: a DNS label (RFC 1123: a-z, 0-9 and inner hyphens, 3-63 characters), no ``--`` in
    positions 3-4 (reserved for punycode), not a reserved name, not taken (case-insensitive).
    """
    value = (raw or "").strip().lower()
    if not value:
        raise ValidationError({"subdomain": "Choose a subdomain."})
    if len(value) < 3 or len(value) > 63:
        raise ValidationError({"subdomain": "Use 3 to 63 characters."})
    if not _LABEL.match(value):
        raise ValidationError(
            {"subdomain": "Use only letters, digits and hyphens, not starting or ending with a hyphen."}
        )
    if value[2:4] == "--":
        raise ValidationError({"subdomain": "Hyphens in the third and fourth place are reserved."})
    if value in settings.RESERVED_SUBDOMAINS:
        raise ValidationError({"subdomain": f"'{value}' is reserved."})
    if Gym.objects.filter(subdomain__iexact=value).exists():
        raise ValidationError({"subdomain": f"'{value}' is already taken."})
    return value


def gym_host(subdomain: str) -> str:
    return f"{subdomain}.{settings.PLATFORM_DOMAIN}"


# --- the template and the pool of spare schemas ------------------------------------------


def gym_template_ensure() -> Gym:
    """The migrated template schema that spare schemas are cloned from (created once)."""
    template = Gym.objects.filter(status=GymStatus.TEMPLATE.value).first()
    if template is None:
        template = Gym(schema_name=settings.TENANT_BASE_SCHEMA, status=GymStatus.TEMPLATE.value)
        template.save(verbosity=0)
    return template


def gym_spare_provision() -> Gym:
    """Create one spare gym: a schema cloned from the template, waiting to be claimed."""
    gym_template_ensure()
    spare = Gym(schema_name=f"gym_{uuid.uuid4().hex[:16]}", status=GymStatus.SPARE.value)
    spare.save(verbosity=0)
    return spare


def gym_pool_top_up(*, target: int | None = None) -> int:
    """Provision spares until ``target`` (default ``GYM_SPARE_POOL_SIZE``) wait unclaimed.

    One spare per transaction, each under a transaction-scoped advisory lock: concurrent
    top-ups never overshoot (the count is read under the lock, after the previous spare was
    committed), and a lock can never outlive its transaction, even on a pooled connection that
    schema creation closed and returned midway. Returns how many spares were created.
    """
    target = settings.GYM_SPARE_POOL_SIZE if target is None else target
    created = 0
    while True:
        with schema_context("public"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [POOL_LOCK_KEY])
                (locked,) = cursor.fetchone() or (False,)
            if not locked or Gym.objects.filter(status=GymStatus.SPARE.value).count() >= target:
                return created
            gym_spare_provision()
        created += 1


def _claim_spare() -> Gym:
    spare = (
        Gym.objects.select_for_update(skip_locked=True)
        .filter(status=GymStatus.SPARE.value)
        .order_by("created_at")
        .first()
    )
    # An empty pool still signs the gym up, just slower: clone a schema now.
    return spare if spare is not None else gym_spare_provision()


def gym_sign_up(
    *,
    name: str,
    subdomain: str,
    owner_email: str,
    owner_password: str,
    owner_full_name: str = "",
    meta: RequestMeta | None = None,
    verify_existing_owner: Callable[[str, str], bool] | None = None,
) -> Gym:
    """Sign a gym up: claim a ready schema, give it its domain and its owner.

    The owner can sign in on ``<subdomain>.<PLATFORM_DOMAIN>`` as soon as this returns. An
    existing account may own the new gym only with its correct password, checked by
    ``verify_existing_owner(email, password)`` (web views pass Django's ``authenticate``, so
    failures count towards the lockout and are recorded). Raises
    ``ValidationError`` keyed by field.
    """
    name = name.strip()
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = "Give the gym a name."
    elif len(name) > 120:
        errors["name"] = "Use at most 120 characters."
    try:
        subdomain = subdomain_normalise(subdomain)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    # Outside the transaction: a failed guess must stay recorded (axes, security events).
    existing = users.user_by_email(email=owner_email)
    if existing is not None:
        # Web callers pass Django's authenticate(), so django-axes counts and locks out guesses
        # here exactly as on every sign-in page.
        verify = verify_existing_owner or (
            lambda _email, password: users.user_check_password(user_id=existing.id, password=password)
        )
        if not verify(existing.email, owner_password):
            raise ValidationError(
                {"owner_email": "An account with this email exists: enter its password to use it."}
            )
    with transaction.atomic():
        return _sign_up(
            name=name,
            subdomain=subdomain,
            owner=existing,
            owner_email=owner_email,
            owner_password=owner_password,
            owner_full_name=owner_full_name,
            meta=meta,
        )


def _sign_up(
    *,
    name: str,
    subdomain: str,
    owner: UserInfo | None,
    owner_email: str,
    owner_password: str,
    owner_full_name: str,
    meta: RequestMeta | None,
) -> Gym:
    if owner is None:
        try:
            owner = users.user_ensure(email=owner_email, password=owner_password, full_name=owner_full_name)
        except ValidationError as exc:
            raise ValidationError({f"owner_{k}": v for k, v in exc.message_dict.items()}) from exc

    gym = _claim_spare()
    gym.name = name
    gym.subdomain = subdomain
    gym.status = GymStatus.ACTIVE.value
    gym.claimed_at = timezone.now()
    host = gym_host(subdomain)
    try:
        with transaction.atomic():  # a concurrent sign-up may take the name after the check
            gym.save(update_fields=["name", "subdomain", "status", "claimed_at"])
            Domain.objects.create(domain=host, tenant=gym, is_primary=True)
    except IntegrityError as exc:
        raise ValidationError({"subdomain": f"'{subdomain}' is already taken."}) from exc
    routing.forget_hosts([host])
    membership_add(gym=gym, user_id=owner.id, role=Role.OWNER, actor_id=owner.id, meta=meta)
    users.security_event_record(
        kind=SecurityEventKind.GYM_CREATED,
        actor_id=owner.id,
        gym_id=gym.id,
        meta=meta,
        detail={"subdomain": subdomain},
    )
    publish(GymCreated(gym_id=gym.id, schema_name=gym.schema_name, subdomain=subdomain, owner_id=owner.id))
    return gym


# --- gym profile and domains -------------------------------------------------------------


@transaction.atomic
def gym_update(
    *,
    gym: Gym,
    name: str | None = None,
    brand_colour: str | None = None,
    cors_allowed_origins: Iterable[str] | None = None,
    plan: str | None = None,
) -> Gym:
    """Change a gym's profile. Routing caches of all its hosts are refreshed after commit."""
    fields = []
    if name is not None:
        gym.name = name.strip()
        fields.append("name")
    if brand_colour is not None:
        gym.brand_colour = brand_colour
        fields.append("brand_colour")
    if cors_allowed_origins is not None:
        gym.cors_allowed_origins = sorted({o.rstrip("/") for o in cors_allowed_origins})
        fields.append("cors_allowed_origins")
    if plan is not None:
        gym.plan = plan
        fields.append("plan")
    gym.full_clean(exclude=["schema_name", "subdomain"])
    gym.save(update_fields=fields or None)
    routing.forget_gym(gym.id)
    return gym


@transaction.atomic
def domain_add(*, gym: Gym, domain: str, is_primary: bool = False) -> Domain:
    host = domain.strip().lower().rstrip(".")
    if Domain.objects.filter(domain__iexact=host).exists():
        raise ValidationError({"domain": f"'{host}' already routes to a gym."})
    if is_primary:
        Domain.objects.filter(tenant=gym, is_primary=True).update(is_primary=False)
    created = Domain.objects.create(domain=host, tenant=gym, is_primary=is_primary)
    routing.forget_hosts([host])
    return created


@transaction.atomic
def domain_remove(*, domain: Domain) -> None:
    if domain.is_primary:
        raise ValidationError({"domain": "Make another domain primary before removing this one."})
    host = domain.domain
    domain.delete()
    routing.forget_hosts([host])


@transaction.atomic
def domain_change(*, domain: Domain, new_host: str) -> Domain:
    """Point a domain row at a new host name; the old host stops routing immediately."""
    host = new_host.strip().lower().rstrip(".")
    if Domain.objects.filter(domain__iexact=host).exclude(pk=domain.pk).exists():
        raise ValidationError({"domain": f"'{host}' already routes to a gym."})
    old = domain.domain
    domain.domain = host
    domain.save(update_fields=["domain"])
    routing.forget_hosts([old, host])
    return domain


# --- memberships -------------------------------------------------------------------------


def _publish_in_gym(gym: Gym, event: Any) -> None:
    with schema_context(gym.schema_name):
        publish(event)


class MembershipChangeDeniedError(Exception):
    """The actor may not make this change; the message says why."""


@transaction.atomic
def membership_add(
    *,
    gym: Gym,
    user_id: UUID,
    role: Role,
    actor_id: UUID | None,
    actor_role: Role | None = None,
    meta: RequestMeta | None = None,
) -> Membership:
    """Make a person a member of a gym, or reactivate a suspended or removed membership.

    ``actor_role`` is the role of the person doing it (None for the platform itself: sign-up,
    demo data). Only owners add owners or bring back someone who was an owner; only owners and
    admins add anyone. Raises ``MembershipChangeDeniedError`` or ``ValidationError``.
    """
    if actor_role is not None:
        if not actor_role.manages_gym:
            raise MembershipChangeDeniedError("Only owners and admins manage members.")
        if role is Role.OWNER and actor_role is not Role.OWNER:
            raise MembershipChangeDeniedError("Only an owner can add another owner.")
    Gym.objects.select_for_update().filter(pk=gym.pk).exists()
    membership, created = Membership.objects.select_for_update().get_or_create(
        gym=gym, user_id=user_id, defaults={"role": role.value}
    )
    if not created:
        if membership.status == MembershipStatus.ACTIVE.value:
            raise ValidationError({"email": "This person is already a member of this gym."})
        if membership.role == Role.OWNER.value and actor_role not in (None, Role.OWNER):
            raise MembershipChangeDeniedError("Only an owner can bring back a former owner.")
        membership.role = role.value
        membership.status = MembershipStatus.ACTIVE.value
        membership.joined_at = timezone.now()
        membership.save(update_fields=["role", "status", "joined_at", "updated_at"])
    users.security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_ADDED,
        actor_id=actor_id,
        subject_id=user_id,
        gym_id=gym.id,
        meta=meta,
        detail={"role": role.value},
    )
    _publish_in_gym(gym, MemberJoined(gym_id=gym.id, membership_id=membership.id, user_id=user_id, role=role))
    return membership


@transaction.atomic
def membership_change(
    *,
    membership: Membership,
    actor_role: Role,
    actor_id: UUID,
    role: Role | None = None,
    status: MembershipStatus | None = None,
    meta: RequestMeta | None = None,
) -> Membership:
    """Change a member's role or status.

    Only owners grant or take away the owner role; admins manage everyone else. A gym always
    keeps at least one active owner.
    """
    # Every change to a gym's memberships queues on the gym's row, so two concurrent demotions
    # cannot both see the other owner still active.
    Gym.objects.select_for_update().filter(pk=membership.gym_id).exists()
    locked = Membership.objects.select_for_update().select_related("gym").get(pk=membership.pk)
    previous_role, previous_status = Role(locked.role), MembershipStatus(locked.status)
    new_role = role or previous_role
    new_status = status or previous_status
    if not actor_role.manages_gym:
        raise MembershipChangeDeniedError("Only owners and admins manage memberships.")
    touches_owner = Role.OWNER in (previous_role, new_role)
    if touches_owner and actor_role is not Role.OWNER:
        raise MembershipChangeDeniedError("Only an owner can grant or change the owner role.")
    losing_owner = (
        previous_role is Role.OWNER
        and previous_status is MembershipStatus.ACTIVE
        and (new_role is not Role.OWNER or new_status is not MembershipStatus.ACTIVE)
    )
    if losing_owner:
        owners = Membership.objects.filter(
            gym_id=locked.gym_id, role=Role.OWNER.value, status=MembershipStatus.ACTIVE.value
        )
        if owners.count() <= 1:
            raise ValidationError({"role": "A gym needs at least one active owner."})
    if (new_role, new_status) == (previous_role, previous_status):
        return locked
    locked.role, locked.status = new_role.value, new_status.value
    locked.save(update_fields=["role", "status", "updated_at"])
    kind = (
        SecurityEventKind.MEMBERSHIP_REMOVED
        if new_status is MembershipStatus.REMOVED
        else SecurityEventKind.ROLE_CHANGED
    )
    users.security_event_record(
        kind=kind,
        actor_id=actor_id,
        subject_id=locked.user_id,
        gym_id=locked.gym_id,
        meta=meta,
        detail={
            "from": {"role": previous_role.value, "status": previous_status.value},
            "to": {"role": new_role.value, "status": new_status.value},
        },
    )
    _publish_in_gym(
        locked.gym,
        MembershipChanged(
            gym_id=locked.gym_id,
            membership_id=locked.id,
            user_id=locked.user_id,
            role=new_role,
            status=new_status.value,
            previous_role=previous_role,
            previous_status=previous_status.value,
        ),
    )
    return locked


def platform_bootstrap() -> Gym:
    """Make the public host routable and the spare pool full. Idempotent."""
    public = Gym.objects.filter(schema_name="public").first()
    if public is None:
        public = Gym(schema_name="public", status=GymStatus.PLATFORM.value, name=settings.PLATFORM_NAME)
        public.save(verbosity=0)
    if not Domain.objects.filter(domain=settings.PLATFORM_DOMAIN).exists():
        Domain.objects.create(domain=settings.PLATFORM_DOMAIN, tenant=public, is_primary=True)
        routing.forget_hosts([settings.PLATFORM_DOMAIN])
    gym_template_ensure()
    gym_pool_top_up()
    return public


def _active_role(*, gym_id: int, user_id: UUID) -> Role | None:
    row = (
        Membership.objects.filter(gym_id=gym_id, user_id=user_id, status=MembershipStatus.ACTIVE.value)
        .values_list("role", flat=True)
        .first()
    )
    return Role(row) if row else None


@transaction.atomic
def coaching_assign(
    *,
    gym: Gym,
    trainer_id: UUID,
    client_id: UUID,
    actor_id: UUID | None,
    actor_role: Role | None,
    meta: RequestMeta | None = None,
) -> CoachingAssignment:
    """Make ``trainer_id`` the coach of ``client_id`` in ``gym``. Owners and admins assign.

    The trainer must be an active trainer of the gym and the client an active member of it
    (any role). Assigning twice returns the existing assignment.
    """
    if actor_role is not None and not actor_role.manages_gym:
        raise MembershipChangeDeniedError("Only owners and admins assign coaches.")
    if trainer_id == client_id:
        raise ValidationError({"client": "A trainer cannot coach themselves."})
    if _active_role(gym_id=gym.pk, user_id=trainer_id) is not Role.TRAINER:
        raise ValidationError({"trainer": "Not an active trainer of this gym."})
    if _active_role(gym_id=gym.pk, user_id=client_id) is None:
        raise ValidationError({"client": "Not an active member of this gym."})
    assignment, created = CoachingAssignment.objects.get_or_create(
        gym=gym, trainer_id=trainer_id, client_id=client_id, defaults={"assigned_by": actor_id}
    )
    if created:
        users.security_event_record(
            kind=SecurityEventKind.COACH_ASSIGNED,
            actor_id=actor_id,
            subject_id=client_id,
            gym_id=gym.pk,
            meta=meta,
            detail={"trainer": str(trainer_id)},
        )
    return assignment


@transaction.atomic
def coaching_unassign(
    *,
    assignment: CoachingAssignment,
    actor_id: UUID | None,
    actor_role: Role | None,
    meta: RequestMeta | None = None,
) -> None:
    """End a coaching assignment. Owners and admins unassign."""
    if actor_role is not None and not actor_role.manages_gym:
        raise MembershipChangeDeniedError("Only owners and admins unassign coaches.")
    users.security_event_record(
        kind=SecurityEventKind.COACH_UNASSIGNED,
        actor_id=actor_id,
        subject_id=assignment.client_id,
        gym_id=assignment.gym_id,
        meta=meta,
        detail={"trainer": str(assignment.trainer_id)},
    )
    assignment.delete()


@transaction.atomic
def gym_hipaa_mode_set(
    *,
    gym: Gym,
    enabled: bool,
    accept_baa: bool,
    actor_id: UUID,
    actor_role: Role,
    meta: RequestMeta | None = None,
) -> Gym:
    """Turn the gym's HIPAA mode on or off. Only owners do it; turning it on records the owner's
    acceptance of the business associate agreement (who and when), which is kept when it is
    turned off again."""
    if actor_role is not Role.OWNER:
        raise MembershipChangeDeniedError("Only an owner changes HIPAA mode.")
    locked = Gym.objects.select_for_update().get(pk=gym.pk)
    if enabled and not accept_baa and locked.baa_accepted_at is None:
        raise ValidationError(
            {"accept_baa": "Accept the business associate agreement to turn HIPAA mode on."}
        )
    if enabled and accept_baa:
        locked.baa_accepted_at, locked.baa_accepted_by = timezone.now(), actor_id
    locked.hipaa_mode = enabled
    locked.save(update_fields=["hipaa_mode", "baa_accepted_at", "baa_accepted_by"])
    users.security_event_record(
        kind=SecurityEventKind.HIPAA_MODE_CHANGED,
        actor_id=actor_id,
        subject_id=None,
        gym_id=locked.pk,
        meta=meta,
        detail={"enabled": enabled, "baa_accepted": locked.baa_accepted_at is not None},
    )
    routing.forget_gym(locked.pk)
    return locked
