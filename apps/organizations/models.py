"""Gyms (tenants), their domains and the memberships that tie people to them."""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin

from apps.organizations.facade.contracts import GymStatus, MembershipStatus, Plan, Role

ROLE_CHOICES = [(r.value, r.name.title()) for r in Role]
MEMBERSHIP_STATUS_CHOICES = [(s.value, s.name.title()) for s in MembershipStatus]
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #1f6feb.")


class Gym(TenantMixin):
    """A gym organisation: one PostgreSQL schema, reached at one or more domains.

    Rows exist before anyone signs up: the template schema that spares are cloned from, and
    spare gyms whose schemas are migrated and waiting to be claimed by a sign-up.
    """

    name = models.CharField(max_length=120, blank=True)
    # NULL for template and spares, so the case-insensitive unique index ignores them.
    subdomain = models.CharField(max_length=63, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(
        max_length=16, choices=[(s.value, s.name.title()) for s in GymStatus], db_index=True
    )
    plan = models.CharField(
        max_length=16, choices=[(p.value, p.name.title()) for p in Plan], default=Plan.FREE.value
    )
    brand_colour = models.CharField(max_length=7, default="#1f6feb", validators=[HEX_COLOUR])
    cors_allowed_origins = ArrayField(models.URLField(max_length=200), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # HIPAA mode: the strictest health-data settings, and the gym's acceptance of the platform's
    # business associate agreement (who and when), kept for the record.
    hipaa_mode = models.BooleanField(default=False)
    baa_accepted_at = models.DateTimeField(null=True, blank=True)
    baa_accepted_by = models.UUIDField(null=True, blank=True)

    auto_create_schema = True
    auto_drop_schema = True

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("subdomain"), name="organizations_gym_subdomain_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.schema_name


class Domain(DomainMixin):
    """A host name that routes to a gym (``ironworks.example.com``)."""

    def __str__(self) -> str:
        return self.domain


class Membership(models.Model):
    """A person's place in one gym: their role and status there."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gym = models.ForeignKey(Gym, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("users.User", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=ROLE_CHOICES)
    status = models.CharField(
        max_length=16,
        choices=MEMBERSHIP_STATUS_CHOICES,
        default=MembershipStatus.ACTIVE.value,
    )
    joined_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gym", "user"], name="organizations_membership_unique")
        ]
        indexes = [models.Index(fields=["user", "status"])]
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.gym_id} as {self.role}"


class CoachingAssignment(models.Model):
    """A trainer coaches a client in a gym. Trainers see their clients' training and, through
    the medical context, their clearance and restrictions; nobody else's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    gym = models.ForeignKey(Gym, on_delete=models.CASCADE, related_name="coaching")
    trainer = models.ForeignKey("users.User", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("users.User", on_delete=models.CASCADE, related_name="+")
    assigned_by = models.UUIDField(null=True, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gym", "trainer", "client"], name="organizations_coaching_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(trainer=models.F("client")), name="organizations_coaching_not_self"
            ),
        ]
        indexes = [models.Index(fields=["gym", "client"])]
        ordering = ["assigned_at"]

    def __str__(self) -> str:
        return f"{self.trainer_id} coaches {self.client_id} in {self.gym_id}"
