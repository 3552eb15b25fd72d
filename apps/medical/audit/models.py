"""The health-data audit trail, one per gym schema (a tenant app).

Every table here is append-only: a database trigger (migration 0002) refuses UPDATE, DELETE and
TRUNCATE in every gym schema. ``AuditEntry`` rows form a hash chain per gym (``chain.py``);
disclosures and compliance designations are anchored in that chain by an entry each.
Nothing here holds health values: change entries name fields, never their contents.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from apps.medical.audit.contracts import EntryKind


class AuditEntry(models.Model):
    """One access, change or disclosure entry of the gym's audit trail."""

    id = models.BigAutoField(primary_key=True)
    seq = models.PositiveBigIntegerField(unique=True, help_text="Position in the gym's chain, from 1.")
    kind = models.CharField(max_length=16, choices=[(k.value, k.name.title()) for k in EntryKind])
    action = models.CharField(max_length=32)
    occurred_at = models.DateTimeField(default=timezone.now)
    gym_id = models.BigIntegerField(null=True, blank=True, help_text="None when only the schema was known.")
    schema_name = models.CharField(max_length=63)
    actor_id = models.UUIDField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    via = models.CharField(max_length=16)
    credential_id = models.CharField(max_length=64, blank=True)
    subject_id = models.UUIDField(null=True, blank=True, help_text="The member whose health data it is.")
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=32)
    ip_address = models.CharField(max_length=45, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True, help_text="Changed field names; never values.")
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["subject_id", "occurred_at"], name="medaudit_subject_time"),
            models.Index(fields=["actor_id", "occurred_at"], name="medaudit_actor_time"),
            models.Index(fields=["action", "occurred_at"], name="medaudit_action_time"),
            models.Index(fields=["occurred_at"], name="medaudit_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}:{self.action} {self.object_type}"


class Disclosure(models.Model):
    """A disclosure of a member's health data outside the gym (45 CFR 164.528)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_id = models.UUIDField(help_text="The member whose data was disclosed.")
    disclosed_at = models.DateTimeField()
    recipient = models.CharField(max_length=200)
    description = models.CharField(max_length=500, help_text="What was disclosed, briefly.")
    purpose = models.CharField(max_length=500)
    recorded_by = models.UUIDField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disclosed_at"]
        indexes = [models.Index(fields=["subject_id", "disclosed_at"], name="medaudit_disc_subject")]

    def __str__(self) -> str:
        return f"disclosure {self.id}"


class ComplianceDesignation(models.Model):
    """Who besides the owners reviews the gym's audit trail. The latest row counts; a row with
    no officer withdraws the designation."""

    id = models.BigAutoField(primary_key=True)
    officer_id = models.UUIDField(null=True, blank=True)
    designated_by = models.UUIDField()
    designated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-designated_at", "-id"]

    def __str__(self) -> str:
        return f"compliance officer {self.officer_id}"
